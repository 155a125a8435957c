/// The metrics this tool writes, with units and meanings (DESIGN §5: "README.md lists them all").
///
/// Reports are still read when they contain a metric missing here (a newer harness, a hand-made
/// file): its unit then comes from the CSV and its kind from the name's prefix.
public enum MetricCatalog {
    /// Percentile statistics written for every timed operation.
    public static let timingStats = ["p10", "p50", "p90", "p99", "mean", "count"]

    /// Every known metric, in presentation order: measured, modeled, oracle, then run bookkeeping.
    public static let all: [MetricDescriptor] = measured + modeled + oracle + bookkeeping

    /// The descriptor of `name`, or nil for a metric this version does not know.
    public static func descriptor(for name: String) -> MetricDescriptor? {
        byName[name]
    }

    /// The unit of `name`: the catalog's, else `fallback` (the CSV's `unit` column).
    public static func unit(of name: String, fallback: String) -> String {
        descriptor(for: name)?.unit ?? fallback
    }

    /// A human label for `name`: the catalog's, else the name itself.
    public static func label(of name: String) -> String {
        descriptor(for: name)?.label ?? name
    }

    /// A unit as printed on charts: `us` becomes `µs`, `count` is left out of axis labels.
    public static func displayUnit(_ unit: String) -> String {
        unit == "us" ? "µs" : unit
    }

    /// An axis label: "flush-range time (ns)", or just the label for counts and empty units.
    public static func axisLabel(for name: String, unit: String) -> String {
        let shown = displayUnit(unit.isEmpty ? self.unit(of: name, fallback: "") : unit)
        let label = label(of: name)
        return shown.isEmpty || shown == "count" ? label : "\(label) (\(shown))"
    }

    private static let byName: [String: MetricDescriptor] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    private static func timed(_ name: String, _ label: String, _ meaning: String) -> MetricDescriptor {
        MetricDescriptor(name: name, unit: "ns", kind: .measured, label: label, meaning: meaning, stats: timingStats)
    }

    private static func counted(_ name: String, _ label: String, _ meaning: String, unit: String = "count") -> MetricDescriptor {
        MetricDescriptor(
            name: name, unit: unit, kind: MetricKind(metricName: name), label: label, meaning: meaning, stats: ["value"])
    }

    private static let measured: [MetricDescriptor] = [
        timed("sw.assign_ns", "attach time", "CPU time of one attach on the software path: the scheme's DID choice and the cache-tag assigns, per operation"),
        timed("sw.unassign_ns", "detach time", "CPU time of one detach on the software path: the cache-tag unassigns and the DID release, per operation"),
        timed("sw.flush_range_ns", "flush-range time", "CPU time to walk a domain's tags and emit the descriptors of one range flush"),
        timed("sw.flush_all_ns", "flush-all time", "CPU time to walk a domain's tags and emit the descriptors of one full flush"),
        timed("sw.flush_range_np_ns", "non-present flush time", "CPU time of the flush after mapping a previously non-present range (caching mode, write-buffer flush)"),
        counted("sw.ns_per_descriptor", "time per descriptor", "Measured flush time divided by the descriptors it emitted", unit: "ns"),
        counted("sw.bytes_per_tag", "bytes per tag", "Table memory per cache tag, allocator overhead included", unit: "bytes"),
        counted("sw.heap_bytes", "tag-node heap", "jemalloc heap bytes held by kernel-list tag nodes when the most tags were held (kernel-list+jemalloc only)", unit: "bytes"),
    ]

    private static let modeled: [MetricDescriptor] = [
        counted("hw.flushes", "flushes", "Flush requests (range, all, non-present) issued to the table"),
        counted("hw.descriptors.total", "descriptors (all)", "Invalidation descriptors queued, all types including waits"),
        counted("hw.descriptors.iotlb", "IOTLB descriptors", "IOTLB invalidation descriptors (global, domain- or page-selective)"),
        counted("hw.descriptors.pasid_iotlb", "PASID-IOTLB descriptors", "PASID-based IOTLB invalidation descriptors"),
        counted("hw.descriptors.devtlb", "device-TLB descriptors", "Device-TLB (ATS) invalidation descriptors"),
        counted("hw.descriptors.pasid_devtlb", "PASID device-TLB descriptors", "PASID-based device-TLB invalidation descriptors"),
        counted("hw.descriptors.wait", "wait descriptors", "Invalidation wait descriptors, one per submission"),
        counted("hw.descriptors_per_flush", "descriptors per flush", "Descriptors queued per flush request", unit: "ratio"),
        counted("hw.submissions", "submissions", "Batches submitted to an invalidation queue, each closed by a wait"),
        counted("hw.write_buffer_flushes", "write-buffer flushes", "Write-buffer flush calls of flush_range_np on units not in caching mode: one per tag in kernel-list (as the kernel), one per unit in grouped-array; a no-op on hardware without RWBF"),
        counted("hw.dids_in_use", "DIDs in use (peak)", "Peak number of Domain IDs allocated at once, over all IOMMU units"),
        counted("hw.attach_failures", "attach failures", "Attachments refused because an IOMMU unit ran out of Domain IDs"),
        counted("hw.sharing_fallbacks", "sharing fallbacks", "Shared-DID placements that fell back to an own DID because the PASID was taken under the shared DID"),
        counted("hw.teardowns", "tear-downs", "Detach tear-downs submitted (PASID entry tear-down with its flushes)"),
        counted("hw.iotlb.hits", "IOTLB hits", "Modeled IOTLB lookups that hit"),
        counted("hw.iotlb.misses", "IOTLB misses", "Modeled IOTLB lookups that missed and walked the page table"),
        counted("hw.iotlb.collateral_evictions", "IOTLB collateral evictions", "Valid IOTLB entries dropped by an invalidation that did not need to drop them"),
        counted("hw.devtlb.hits", "device-TLB hits", "Modeled device-TLB lookups that hit"),
        counted("hw.devtlb.misses", "device-TLB misses", "Modeled device-TLB lookups that missed"),
        counted("hw.iotlb.capacity_evictions", "IOTLB capacity evictions", "Valid IOTLB entries replaced by a fill (LRU), not by an invalidation"),
        counted("hw.devtlb.collateral_evictions", "device-TLB collateral evictions", "Valid device-TLB entries dropped by an invalidation that did not need to drop them"),
        counted("hw.devtlb.capacity_evictions", "device-TLB capacity evictions", "Valid device-TLB entries replaced by a fill (LRU), not by an invalidation"),
        counted("hw.dma_faults", "DMA faults", "Modeled DMA that found no attachment or no mapping"),
        counted("model.invalidation_us", "invalidation time", "Modeled time in the invalidation queue: descriptors and waits", unit: "us"),
        counted("model.devtlb_us", "device-TLB invalidation time", "Modeled time of ATS device-TLB invalidation round trips", unit: "us"),
        counted("model.page_walk_us", "page-walk time", "Modeled time of page walks caused by IOTLB and device-TLB misses", unit: "us"),
        counted("model.total_us", "total modeled time", "Sum of the modeled invalidation, device-TLB and page-walk times", unit: "us"),
    ]

    private static let bookkeeping: [MetricDescriptor] = [
        counted("events.total", "events", "Workload events applied (attach, detach, map, DMA, unmap, flush)"),
        counted("events.skipped", "events skipped", "Events skipped because they refer to an attachment that failed (DID exhaustion)"),
    ]

    private static let oracle: [MetricDescriptor] = [
        counted("oracle.stale", "stale translations", "Translations that survived the invalidation that should have removed them (must be 0)"),
        counted("oracle.cross_domain", "cross-domain hits", "Lookups that hit an entry filled for another domain (must be 0)"),
        counted("oracle.aliased_attachments", "aliased attachments", "Attachments whose IOTLB tag (unit, DID, PASID-or-none) another live domain already used (must be 0)"),
    ]
}
