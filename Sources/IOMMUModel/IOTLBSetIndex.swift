/// Which set of the IOTLB a translation lives in. Intel does not publish how its IOTLB is
/// indexed, so the model offers the two shapes that bound the question DID sharing raises: does
/// sharing a DID change who competes for a set?
///
/// - `page`: the page frame modulo the number of sets (low address bits, DID ignored). Domains
///   using the same IOVAs compete for the same sets whatever their DIDs, so sharing a DID can
///   never change capacity or conflicts.
/// - `didHash`: the page frame plus a hash of the DID, modulo the number of sets, as caches that
///   fold tag bits into the index do. Two DIDs of one page land in different sets; domains moved
///   onto one shared DID land in the same ones again, so sharing can cost conflict misses.
///   Adding (not xoring) the hash keeps consecutive pages of one DID in consecutive sets, so a
///   range-limited sweep still visits only the sets its pages map to.
package enum IOTLBSetIndex: String, Hashable, Sendable, CaseIterable {
    case page
    case didHash = "did-hash"

    /// The set of `page` filled through `domainID`, among `setCount` sets.
    @inline(__always)
    func set(page: UInt64, domainID: UInt16, setCount: Int) -> Int {
        switch self {
        case .page: Int(page % UInt64(setCount))
        case .didHash: Int((page &+ Self.hash(domainID)) % UInt64(setCount))
        }
    }

    /// A multiplicative (Fibonacci) hash of the DID: its high half spreads neighbouring DIDs.
    @inline(__always)
    static func hash(_ domainID: UInt16) -> UInt64 { (UInt64(domainID) &* 0x9E37_79B9_7F4A_7C15) >> 32 }
}

/// How precisely the IOTLB honours a PASID-based invalidation (VT-d spec §6.5.2.4). Hardware
/// that drops more than it is asked stays correct (an extra miss, never a stale hit), and the
/// register-based interface says so outright (IOTLB_REG IAIG reports a coarser granularity than
/// requested); for PASID-based descriptors the spec text we read neither allows nor forbids it
/// (docs/vtd-facts.md §3). A flush design that relies on precision should be tested without it.
///
/// - `exact`: only first-stage and nested entries of (DID, PASID), inside the block when
///   page-selective.
/// - `didWide`: every entry of the DID, whatever its PASID and address: the over-invalidation that
///   turns one domain's flush into a flush of every domain sharing its DID.
package enum PASIDSelectivePrecision: String, Hashable, Sendable, CaseIterable {
    case exact
    case didWide = "did-wide"
}
