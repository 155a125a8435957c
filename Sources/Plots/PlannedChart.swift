import Metrics
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
    /// The one metric a sweep chart draws (nil for a group's bar chart).
    var metric: String? = nil
    /// The chart group of a group's bar chart, set where the chart is made.
    var chartGroup: MetricChartGroup? = nil

    /// The chart group of its metrics, when it is a standard one: what orders a workload's
    /// charts in `index.html`.
    var group: MetricChartGroup? {
        if let chartGroup { return chartGroup }
        if let metric, let named = Metric.named(metric) { return named.group }
        return nil
    }

    /// The groups that answer the DID-sharing question, in the order a reader wants them; the
    /// other groups are details, after these.
    static let importance: [MetricChartGroup] = [
        .dids, .attachFailures, .perFlush, .modeledTime, .collateralCauses, .hitRate, .oracle, .collateral, .tlb,
        .descriptors, .submissions, .measuredTime, .memory, .replayMatch, .events,
    ]

    /// Rank in `importance` (unknown groups last).
    var rank: Int { group.flatMap { Self.importance.firstIndex(of: $0) } ?? Self.importance.count }

    /// Whether the chart is a detail rather than a headline figure (charts outside the standard
    /// groups, such as perf's, are not).
    var isDetail: Bool { group != nil && rank >= Self.importance.firstIndex(of: .descriptors)! }
}
