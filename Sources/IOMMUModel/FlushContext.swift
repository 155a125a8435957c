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
}
