import Reports

/// A chart ready to be written: its file name, SVG, and what `index.html` says about it.
struct PlannedChart: Sendable {
    /// File name inside the report directory, e.g. `nested-s2-hw.submissions.svg`.
    var fileName: String
    /// Chart title (also the `alt` text and the index entry).
    var title: String
    /// The rendered document.
    var svg: RenderedSVG
    /// Workload the chart belongs to.
    var workload: String
    /// Parameters held fixed in the chart.
    var parameters: [ReportParameter]
    /// The swept parameter, for sweep charts.
    var varied: String?
    /// The numbers it shows.
    var numbers: NumberTable
}
