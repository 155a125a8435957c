import Metrics
import Reports

/// A set of metrics drawn together as one grouped bar chart of a scheme comparison.
///
/// Grouping answers one question per chart ("which descriptors does each scheme emit?", "how
/// many DIDs does it use?") with metrics of one unit and one kind on a shared axis; measured and
/// modeled numbers are never put in the same chart (docs/design.md §4).
struct MetricGroup: Hashable, Sendable {
    /// Short identifier used in file names, e.g. `descriptors`.
    var id: String
    /// Chart title.
    var title: String
    /// Y-axis title without unit.
    var axisTitle: String
    /// Member metrics in display order (or, for leftover groups, the metrics found).
    var metrics: [String]

    /// The standard groups (`MetricChartGroup`), in presentation order, each with its catalog metrics.
    static let standard: [MetricGroup] = MetricChartGroup.allCases.map {
        MetricGroup(id: $0.id, title: $0.title, axisTitle: $0.axisTitle, metrics: $0.metrics.map(\.name))
    }

    /// Splits `metrics` (in report order) into the standard groups, keeping only members present,
    /// then puts the rest into "other" groups by kind and unit so nothing is silently dropped.
    static func grouping(_ metrics: [String], unit: (String) -> String) -> [MetricGroup] {
        var result: [MetricGroup] = []
        var claimed: Set<String> = []
        for group in standard {
            let present = group.metrics.filter(metrics.contains)
            guard !present.isEmpty else { continue }
            claimed.formUnion(present)
            var copy = group
            copy.metrics = present
            result.append(copy)
        }
        var leftovers: [MetricGroup] = []
        for metric in metrics where !claimed.contains(metric) {
            let kind = MetricKind(metricName: metric)
            let metricUnit = unit(metric)
            let id = "other-\(kind)-\(metricUnit.isEmpty ? "none" : metricUnit)"
            if let index = leftovers.firstIndex(where: { $0.id == id }) {
                leftovers[index].metrics.append(metric)
            } else {
                let unitText = metricUnit.isEmpty ? "" : " (\(MetricUnit.display(metricUnit)))"
                leftovers.append(MetricGroup(
                    id: id, title: "Other \(kind) metrics\(unitText)", axisTitle: "value", metrics: [metric]))
            }
        }
        return result + leftovers
    }
}
