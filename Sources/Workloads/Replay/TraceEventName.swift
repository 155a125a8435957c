/// The `intel_iommu` events the replayer reads, by the names the kernel's `trace.h` gives them
/// (docs/vtd-facts.md §4). `cache_tag_flush_all` exists only in older kernels (§5); `qi_submit`
/// lines are kept as raw descriptors, not replayed.
enum TraceEventName: String {
    case assign = "cache_tag_assign"
    case unassign = "cache_tag_unassign"
    case flushRange = "cache_tag_flush_range"
    case flushRangeNP = "cache_tag_flush_range_np"
    case flushAll = "cache_tag_flush_all"
    case qiSubmit = "qi_submit"
}
