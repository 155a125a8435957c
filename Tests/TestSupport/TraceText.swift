import VTd

/// Small traces written line by line, in the layout Linux 6.12 prints `intel_iommu` events
/// (as in Traces/sample-6.12.txt; docs/vtd-facts.md §4). Times are microseconds.
package enum TraceText {
    /// The lines joined into a trace.
    package static func trace(_ lines: String...) -> String { lines.joined(separator: "\n") }

    /// `TASK-PID [CPU] FLAGS SECONDS.MICROS: EVENT:`.
    package static func header(_ event: String, cpu: Int, at microseconds: Int) -> String {
        let fraction = String(microseconds % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        let cpuText = String(cpu)
        let cpuColumn = String(repeating: "0", count: max(0, 3 - cpuText.count)) + cpuText
        return "  test-\(100 + cpu)  [\(cpuColumn)] d..1.  \(microseconds / 1_000_000).\(padded): \(event):"
    }

    /// `cache_tag_assign: IOMMU/DEV type TYPE did D pasid P ref N`; DEV is the unit for IOTLB types.
    package static func assign(
        _ type: CacheTagType, _ unit: String, _ device: String? = nil, did: Int, pasid: Int = 0, ref: Int = 1,
        cpu: Int = 0, at time: Int = 0
    ) -> String {
        header("cache_tag_assign", cpu: cpu, at: time)
            + " \(unit)/\(device ?? unit) type \(type) did \(did) pasid \(pasid) ref \(ref)"
    }

    /// `cache_tag_unassign`, laid out as `assign`.
    package static func unassign(
        _ type: CacheTagType, _ unit: String, _ device: String? = nil, did: Int, pasid: Int = 0, ref: Int = 0,
        cpu: Int = 0, at time: Int = 0
    ) -> String {
        header("cache_tag_unassign", cpu: cpu, at: time)
            + " \(unit)/\(device ?? unit) type \(type) did \(did) pasid \(pasid) ref \(ref)"
    }

    /// `cache_tag_flush_range[_np]: IOMMU DEV[PASID] type TYPE did D [0xSTART-0xEND] addr pages mask`,
    /// with the address and mask the kernel derives from the range unless given.
    package static func flushRange(
        _ type: CacheTagType, _ unit: String, _ device: String? = nil, did: Int, pasid: Int = 0,
        _ start: UInt64, _ end: UInt64, newMappings: Bool = false, mask: Int? = nil, cpu: Int = 0, at time: Int = 0
    ) -> String {
        let aligned = AlignedInvalidation(covering: try! IOVARange(start: start, end: end))
        let mask = mask ?? aligned.mask
        let pages = mask >= 64 ? UInt64.max : UInt64(1) << UInt64(mask)
        let hex = { (value: UInt64) in "0x" + String(value, radix: 16) }
        return header(newMappings ? "cache_tag_flush_range_np" : "cache_tag_flush_range", cpu: cpu, at: time)
            + " \(unit) \(device ?? unit)[\(pasid)] type \(type) did \(did) [\(hex(start))-\(hex(end))]"
            + " addr \(hex(aligned.address)) pages \(hex(pages)) mask \(hex(UInt64(mask)))"
    }

    /// `cache_tag_flush_all: IOMMU/DEV type TYPE did D pasid P ref N`: the tag layout, as
    /// `assign`; DEV is the unit for IOTLB types.
    package static func flushAll(
        _ type: CacheTagType, _ unit: String, _ device: String? = nil, did: Int, pasid: Int = 0, ref: Int = 1,
        cpu: Int = 0, at time: Int = 0
    ) -> String {
        header("cache_tag_flush_all", cpu: cpu, at: time)
            + " \(unit)/\(device ?? unit) type \(type) did \(did) pasid \(pasid) ref \(ref)"
    }

    /// `qi_submit: KIND IOMMU: QW0 QW1 QW2 QW3`.
    package static func qiSubmit(_ kind: String, _ unit: String, words: [UInt64], cpu: Int = 0, at time: Int = 0)
        -> String
    {
        header("qi_submit", cpu: cpu, at: time) + " \(kind) \(unit): "
            + words.map { "0x" + String($0, radix: 16) }.joined(separator: " ")
    }
}
