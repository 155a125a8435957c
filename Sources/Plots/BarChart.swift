/// A scheme comparison: for each metric of a group, bars per scheme, clustered by table, each
/// labelled with its ratio to the baseline scheme.
///
/// Data only; `BarChart+SVG` lays it out.
struct BarChart: Sendable {
    /// One bar.
    struct Bar: Sendable {
        /// Scheme name.
        var scheme: String
        /// Colour (the scheme's).
        var style: SeriesStyle
        /// Height: p50 or the single value.
        var value: Double
        /// Whisker bottom (p10), when measured.
        var low: Double?
        /// Whisker top (p90), when measured.
        var high: Double?
        /// Text printed above the bar: the ratio to the baseline (`0.50×`), or the value itself
        /// where the ratio is undefined (baseline missing or zero), so every bar is labelled.
        var label: String?
        /// The tail marker (p99), when measured: the slow operations a median hides.
        var tail: Double? = nil
    }

    /// The bars of one table for one metric.
    struct Cluster: Sendable {
        /// Table name, nil when all tables agree and were merged.
        var table: String?
        /// Bars in scheme order.
        var bars: [Bar]
    }

    /// One metric's clusters.
    struct Group: Sendable {
        /// Metric name.
        var metric: String
        /// Label printed under the group.
        var label: String
        /// One cluster per table.
        var clusters: [Cluster]
    }

    /// Chart title.
    var title: String
    /// Lines under the title.
    var subtitle: [String]
    /// Y-axis title with unit.
    var yTitle: String
    /// Metric groups left to right.
    var groups: [Group]
    /// Schemes in legend order with their styles.
    var legend: [(name: String, style: SeriesStyle)]
    /// Legend text for whiskers (e.g. `whiskers: p10–p90`), when any bar has them.
    var whiskerLabel: String?
    /// Legend text explaining the bar labels, e.g. `label: ratio to kernel`.
    var labelNote: String?
    /// Small print under the chart.
    var footnotes: [String]
    /// Legend text for the tail marker (p99), when any bar has one.
    var tailLabel: String? = nil
    /// A dashed horizontal line every bar is read against (a target's 1×), with its label.
    var referenceLine: (value: Double, label: String)? = nil
    /// The legend's heading (`scheme`, or `verdict` for targets).
    var legendTitle = "scheme"
}
