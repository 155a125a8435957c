/// One `qi_submit` line: the raw descriptor the kernel queued. Kept so a replayer can check its
/// descriptor stream against the kernel's, call by call (docs/vtd-facts.md §4).
public struct TraceQISubmission: Hashable, Sendable {
    public let line: Int
    public let unit: String
    /// The descriptor type name the kernel printed (`iotlb_inv`, `inv_wait`, ...).
    public let kind: String
    public let words: [UInt64]
}
