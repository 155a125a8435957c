/// A sweep chart: one line per scheme over the swept parameter, optionally one panel per table.
///
/// This is the data of the chart, independent of pixels; `LineChart+SVG` lays it out. Measured
/// metrics carry a band (p10–p90) around the median line so run-to-run noise is visible.
struct LineChart: Sendable {
    /// One plotted value with its optional spread.
    struct Point: Hashable, Sendable {
        /// The line's value (p50, or the single value of a modeled metric).
        var center: Double
        /// Lower edge of the band (p10), if any.
        var low: Double?
        /// Upper edge of the band (p90), if any.
        var high: Double?
        /// The tail (p99) of a measured metric, marked apart from the band.
        var tail: Double? = nil
    }

    /// One scheme's line.
    struct Series: Sendable {
        /// Scheme name (legend text).
        var name: String
        /// Colour and marker.
        var style: SeriesStyle
        /// One entry per x-axis value (nil where the scheme has no data at that value).
        var points: [Point?]
        /// The name of an earlier series with exactly the same line, if any: the legend says so
        /// and the line is dashed, so a scheme hidden under another is still seen.
        var sameAs: String?
    }

    /// One panel: the lines of one table (or of all tables when they agree).
    struct Panel: Sendable {
        /// Panel heading, e.g. `table: kernel-list`.
        var title: String?
        /// The lines, in legend order.
        var series: [Series]
    }

    /// Chart title.
    var title: String
    /// Lines under the title: metric, kind, statistics, fixed parameters.
    var subtitle: [String]
    /// X-axis title (the swept parameter).
    var xTitle: String
    /// Y-axis title with unit.
    var yTitle: String
    /// The swept values.
    var xAxis: SweepAxis
    /// Panels left to right, sharing the y axis.
    var panels: [Panel]
    /// Legend text for the band, e.g. `p10–p90 band`, when any series has one.
    var bandLabel: String?
    /// Legend text for what the line shows, e.g. `p50 line`.
    var lineLabel: String?
    /// Small print under the chart.
    var footnotes: [String]
    /// The proposal's ratio to the baseline, drawn in a panel under each panel's lines.
    var ratio: RatioStrip? = nil
    /// The legend's heading: what a line is (`scheme`, or `table` for variants).
    var legendTitle = "scheme"

    /// The ratio panel: ratio lines (each with its interval band) under every panel, around a
    /// 1× line.
    struct RatioStrip: Sendable {
        /// `shared-pasid / kernel`, or `table / c-list`.
        var title: String
        /// The lines, in legend order.
        var lines: [RatioLine]
    }

    /// One ratio line: its name, colour and, per panel, one point per x value.
    struct RatioLine: Sendable {
        var name: String
        var style: SeriesStyle
        var points: [[Point?]]
    }
}
