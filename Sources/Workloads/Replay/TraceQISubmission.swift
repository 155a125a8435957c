/// One `qi_submit` line: the raw descriptor the kernel queued. Kept so a replayer can check its
/// descriptor stream against the kernel's, call by call (docs/vtd-facts.md §4).
package struct TraceQISubmission: Hashable, Sendable {
    package let line: Int
    package let unit: String
    /// The descriptor type name the kernel printed (`iotlb_inv`, `inv_wait`, ...).
    package let kind: String
    package let words: [UInt64]
}
