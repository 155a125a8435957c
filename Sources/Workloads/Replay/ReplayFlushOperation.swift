import VTd

/// One reconstructed flush call: consecutive per-tag flush lines of one CPU (kernel:
/// `cache_tag_flush_range`, `cache_tag_flush_range_np`, `cache_tag_flush_all`; docs/vtd-facts.md §4).
package struct ReplayFlushOperation: Hashable, Sendable {
    package enum Kind: String, Hashable, Sendable {
        case range = "flush_range"
        case newMappings = "flush_range_np"
        case all = "flush_all"
    }

    package let kind: Kind
    package let domain: IOMMUDomainID
    /// The flushed range (nil for flush all, including a flush_range over the whole address space).
    package let range: IOVARange?
    /// Line numbers (1-based) of the operation's flush lines.
    package let lines: [Int]
    /// The tags walked, in trace order.
    package let tags: [TraceTag]
    /// The IH bit replayed for a `flush_range` (the kernel's, where its descriptors show it).
    package let invalidationHint: Bool
    /// The descriptors the kernel queued for the call (its `qi_submit` lines; `KernelEvidence`).
    package let kernelDescriptors: [KernelDescriptor]
    /// The trace ends before the call's `qi_submit` lines: nothing to compare it with.
    package let truncated: Bool
}
