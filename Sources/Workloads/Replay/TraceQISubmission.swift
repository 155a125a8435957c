/// One `qi_submit` line: the raw descriptor the kernel queued. Kept so a replayer can check its
/// descriptor stream against the kernel's, call by call (docs/vtd-facts.md §4). A flush call and
/// its `qi_submit` lines run on one CPU while CPUs interleave, so `cpu` tells whose call it is.
package struct TraceQISubmission: Hashable, Sendable {
    /// 1-based line number.
    package let line: Int
    /// The `[CPU]` column.
    package let cpu: Int
    /// Nanoseconds since the first event line replay reads, as `TraceEventLine.time`.
    package let time: UInt64
    package let unit: String
    /// The descriptor type name the kernel printed (`iotlb_inv`, `inv_wait`, ...).
    package let kind: String
    package let words: [UInt64]

    package init(line: Int, cpu: Int, time: UInt64, unit: String, kind: String, words: [UInt64]) {
        self.line = line
        self.cpu = cpu
        self.time = time
        self.unit = unit
        self.kind = kind
        self.words = words
    }
}
