/// One metric a run reports: its dotted name, unit, kind, what it means, the chart it is drawn in
/// and which way is better.
///
/// Every metric the tool writes is one of the `static let`s of `Metric+Catalog.swift`; emitters
/// (the event driver, the software-path timer), `list`, the plots' groups and labels, the
/// comparisons and README's metric table (checked by a test) all read them from there, so a name
/// is typed once. Tests check that every row a run writes names a catalog metric.
package struct Metric: Hashable, Sendable, CustomStringConvertible {
    /// Dotted, stable name, e.g. `hw.descriptors.iotlb`.
    package let name: String
    /// Unit of its values.
    package let unit: MetricUnit
    /// Measured on this machine or computed by the model.
    package let kind: MetricKind
    /// Short label for chart axes and table headers, e.g. "flush-range time".
    package let label: String
    /// One line saying what is counted or timed, for `list` and the README.
    package let meaning: String
    /// The bar chart it is drawn in.
    package let group: MetricChartGroup
    /// Which way is better.
    package let better: MetricDirection
    /// The statistics it is written with.
    package let statistics: MetricStatistics

    /// A metric; its kind follows from the name's prefix (`sw.` is measured, the rest modeled).
    package init(
        _ name: String, _ unit: MetricUnit, label: String, group: MetricChartGroup, better: MetricDirection,
        statistics: MetricStatistics = .value, meaning: String
    ) {
        self.name = name
        self.unit = unit
        self.kind = MetricKind(metricName: name)
        self.label = label
        self.meaning = meaning
        self.group = group
        self.better = better
        self.statistics = statistics
    }

    /// The name.
    package var description: String { name }

    /// The metric called `name`, or nil for one this version does not know (a newer report, a
    /// hand-made file): readers then take its unit from the CSV and its kind from its prefix.
    package static func named(_ name: String) -> Metric? { byName[name] }

    private static let byName: [String: Metric] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// A chart axis label: "flush-range time (ns)", or the label alone for counts.
    package static func axisLabel(for name: String, unit: String) -> String {
        let unitName = unit.isEmpty ? (named(name)?.unit.rawValue ?? "") : unit
        let shown = MetricUnit(rawValue: unitName)?.display ?? unitName
        let label = named(name)?.label ?? name
        return shown.isEmpty || shown == "count" ? label : "\(label) (\(shown))"
    }
}

/// One metric's value from one run, ready to become a report row.
package struct MetricValue: Hashable, Sendable, CustomStringConvertible {
    package let metric: Metric
    package let value: Double

    package init(_ metric: Metric, _ value: Double) {
        self.metric = metric
        self.value = value
    }

    /// `name=value unit`.
    package var description: String { "\(metric.name)=\(value) \(metric.unit)" }
}
