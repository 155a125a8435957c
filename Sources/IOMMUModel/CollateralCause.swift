/// Why an invalidation dropped a valid entry its flush did not ask for. Each collateral eviction
/// has exactly one cause, checked in this order, so the causes add up to the total.
package enum CollateralCause: Int, Hashable, Sendable, CaseIterable {
    /// The detach tear-down of an attachment (`intel_pasid_tear_down_entry`), or the set-up of one
    /// on a caching-mode unit: every entry of another domain it drops, e.g. a nested sibling's under
    /// a shared DID (the tear-down of a nested entry is domain-selective).
    case teardown
    /// An entry of another domain than the flushed one (nor a nested child of it): in the IOTLB it
    /// carried the flushed DID, i.e. the DID is shared (or the invalidation was global).
    case otherDomain
    /// The flushed domain's entry outside the requested range but inside the aligned block the
    /// page-selective descriptor rounded the range to (the AM field, spec §6.5.2.3).
    case rangeRounding
    /// The flushed domain's entry outside the range and outside any block: a domain- or
    /// PASID-selective descriptor (no PSI, a mask above MAMV, a page-selective IOTLB flush of
    /// first-stage entries, which ignores the address, did-wide hardware), or a whole-space
    /// device-TLB invalidation.
    case domainSelective
}

/// Collateral evictions of one cache, by cause.
package struct CollateralCounts: Hashable, Sendable {
    private var counts = [Int](repeating: 0, count: CollateralCause.allCases.count)

    package init() {}

    /// The evictions of `cause`.
    package subscript(cause: CollateralCause) -> Int {
        get { counts[cause.rawValue] }
        set { counts[cause.rawValue] = newValue }
    }

    /// Every cause's evictions.
    package var total: Int { counts.reduce(0, +) }
}
