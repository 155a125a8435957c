import VTd

/// The flush the model is executing: which domain asked, over which range, and why. Invalidations
/// are judged against it: entries outside it are collateral, and when it completes the oracle
/// checks it (`IOMMUModel.completeFlush()`).
struct FlushContext: Sendable {
    let domain: IOMMUDomainID
    let serial: DomainSerial
    let range: IOVARange
    let reason: FlushReason

    /// Whether dropping a translation of `origin` at `page` is what this flush asked for: it
    /// belongs to the flushed domain (or to a nested child of it, whose guest-physical page is the
    /// same page, see `IOMMUModel`) and lies in the requested range — not in the aligned block the
    /// descriptor rounded it to.
    @inline(__always)
    func wants(_ origin: TranslationOrigin, page: UInt64) -> Bool {
        (origin.owner == serial || origin.parent == serial) && page >= range.firstPage && page <= range.lastPage
    }

    /// The cause of dropping an unwanted entry of `origin` at `page`, for a descriptor whose
    /// aligned block is `block` (nil for a domain- or PASID-selective one). See `CollateralCause`.
    @inline(__always)
    func cause(of origin: TranslationOrigin, page: UInt64, block: AlignedInvalidation?) -> CollateralCause {
        if reason.changesAnEntry { return .teardown }
        if origin.owner != serial && origin.parent != serial { return .otherDomain }
        if let block, !block.isWholeAddressSpace, block.contains(page: page) { return .rangeRounding }
        return .domainSelective
    }
}
