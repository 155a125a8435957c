/// One `qi_submit` line: the raw descriptor the kernel queued. Kept so a replayer can check its
/// descriptor stream against the kernel's, call by call (docs/vtd-facts.md §4).
package struct TraceQISubmission: Hashable, Sendable {
    package let line: Int
    /// The CPU column: a call's descriptors are submitted on the CPU that walked its tags.
    package let cpu: Int
    /// Nanoseconds since the first event line, as `TraceEventLine.time`.
    package let time: UInt64
    package let unit: String
    /// The descriptor type name the kernel printed (`iotlb_inv`, `inv_wait`, ...).
    package let kind: String
    package let words: [UInt64]
}
