import Reports

/// A set of metrics drawn together as one grouped bar chart of a scheme comparison.
///
/// Grouping answers one question per chart ("which descriptors does each scheme emit?", "how
/// many DIDs does it use?") with metrics of one unit and one kind on a shared axis; measured and
/// modeled numbers are never put in the same chart (DESIGN §4).
struct MetricGroup: Hashable, Sendable {
    /// Short identifier used in file names, e.g. `descriptors`.
    var id: String
    /// Chart title.
    var title: String
    /// Y-axis title without unit.
    var axisTitle: String
    /// Member metrics in display order (or, for leftover groups, the metrics found).
    var metrics: [String]

    /// The groups of the brief (plus events), in presentation order.
    static let standard: [MetricGroup] = [
        MetricGroup(
            id: "descriptors", title: "Invalidation descriptors by type", axisTitle: "descriptors",
            metrics: ["hw.descriptors.total", "hw.descriptors.iotlb", "hw.descriptors.pasid_iotlb",
                      "hw.descriptors.devtlb", "hw.descriptors.pasid_devtlb", "hw.descriptors.wait"]),
        MetricGroup(
            id: "submissions", title: "Queue submissions and flushes", axisTitle: "count",
            metrics: ["hw.submissions", "hw.flushes", "hw.write_buffer_flushes", "hw.teardowns"]),
        MetricGroup(
            id: "per-flush", title: "Descriptors per flush", axisTitle: "descriptors per flush",
            metrics: ["hw.descriptors_per_flush"]),
        MetricGroup(
            id: "modeled-time", title: "Modeled invalidation cost", axisTitle: "modeled time",
            metrics: ["model.invalidation_us", "model.devtlb_us", "model.page_walk_us", "model.total_us"]),
        MetricGroup(
            id: "measured-time", title: "Measured CPU time of the software path", axisTitle: "time per operation",
            metrics: ["sw.assign_ns", "sw.unassign_ns", "sw.flush_range_ns", "sw.flush_all_ns",
                      "sw.flush_range_np_ns", "sw.ns_per_descriptor"]),
        MetricGroup(
            id: "memory", title: "Measured memory of the table", axisTitle: "memory",
            metrics: ["sw.bytes_per_tag", "sw.heap_bytes"]),
        MetricGroup(
            id: "dids", title: "Domain IDs in use and attach failures", axisTitle: "count",
            metrics: ["hw.dids_in_use", "hw.attach_failures", "hw.sharing_fallbacks"]),
        MetricGroup(
            id: "collateral", title: "Collateral and capacity evictions", axisTitle: "entries evicted",
            metrics: ["hw.iotlb.collateral_evictions", "hw.devtlb.collateral_evictions",
                      "hw.iotlb.capacity_evictions", "hw.devtlb.capacity_evictions"]),
        MetricGroup(
            id: "tlb", title: "Modeled TLB hits and misses", axisTitle: "lookups",
            metrics: ["hw.iotlb.hits", "hw.iotlb.misses", "hw.devtlb.hits", "hw.devtlb.misses", "hw.dma_faults"]),
        MetricGroup(
            id: "oracle", title: "Safety oracle violations (must be 0)", axisTitle: "violations",
            metrics: ["oracle.stale", "oracle.cross_domain", "oracle.aliased_attachments"]),
        MetricGroup(
            id: "events", title: "Workload events", axisTitle: "events",
            metrics: ["events.total", "events.skipped"]),
    ]

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
                let unitText = metricUnit.isEmpty ? "" : " (\(MetricCatalog.displayUnit(metricUnit)))"
                leftovers.append(MetricGroup(
                    id: id, title: "Other \(kind) metrics\(unitText)", axisTitle: "value", metrics: [metric]))
            }
        }
        return result + leftovers
    }
}
