import CacheTags
import IOMMUModel
import VTd

/// What an `EventDriver` tells the party watching a run: the modeled IOMMU (`ModelObserver`),
/// a descriptor counter (`CountingObserver`) or the software-path timer (in Runs).
///
/// The driver does the driver's side of every event (the DID scheme, the cache tags, the flush
/// walks); the observer does the hardware's side, or times the driver's. Every hook has a no-op
/// default, so an observer implements only what it watches.
package protocol EventObserver {
    /// Where the tables' flush walks write their descriptors.
    associatedtype Sink: InvalidationSink
    var sink: Sink { get set }

    /// Whether the driver should read the clock around each table-facing call (the timer).
    static var timesOperations: Bool { get }
    /// A table-facing call that succeeded took `nanoseconds` (clock to clock, nothing else inside)
    /// and, for a flush, emitted `descriptors`. Called only when `timesOperations`, after the
    /// second clock reading; a call that failed is not reported.
    mutating func timed(_ operation: DriverOperation, nanoseconds: UInt64, descriptors: Int)

    mutating func domainCreated(_ domain: IOMMUDomainID, kind: DomainKind) throws(ObserverError)
    mutating func domainDestroyed(_ domain: IOMMUDomainID) throws(ObserverError)
    /// After a successful attach; `directory` is the state after it (for footprint samples).
    mutating func attached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID,
        directory: CacheTagDirectory<Table>
    ) throws(ObserverError)
    /// After a detach: the attachment is gone from the directory; its tear-down is the observer's.
    mutating func detached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID
    ) throws(ObserverError)
    /// New mappings, before their `cache_tag_flush_range_np`.
    mutating func mapped(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64) throws(ObserverError)
    /// Pages removed from the page table (the workload issues the flush, strict or lazy).
    mutating func unmapped(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64) throws(ObserverError)
    /// Before a table flush of `domain`.
    mutating func willFlush(_ domain: IOMMUDomainID, range: IOVARange, reason: FlushReason) throws(ObserverError)
    /// After it: the oracle checks what the flush should have removed.
    mutating func didFlush() throws(ObserverError)
    /// A DMA by (device, PASID) to `page`.
    mutating func accessed(device: DeviceID, pasid: PASID, page: UInt64) throws(ObserverError)
}

/// The table-facing operations a driver runs: what a timer times.
package enum DriverOperation: Sendable, Hashable, CaseIterable {
    /// An attach: the scheme picks a DID and the tags are assigned (`cache_tag_assign_domain`).
    case assign
    /// A detach: the tags are unassigned and the DID released (`cache_tag_unassign_domain`).
    case unassign
    /// `cache_tag_flush_range`.
    case flushRange
    /// `cache_tag_flush_all`.
    case flushAll
    /// `cache_tag_flush_range_np` (after new mappings).
    case flushRangeForNewMappings

    /// Whether the operation is a flush walk (its descriptors count toward ns per descriptor).
    package var isFlush: Bool { self != .assign && self != .unassign }
}

/// Why an observer refused an event.
package enum ObserverError: Error, Sendable {
    /// The event contradicts the observer's state (an unknown domain, a double attach).
    case rejected(String)
    /// A strict-mode oracle violation.
    case oracle(OracleViolation)
}

extension EventObserver {
    @inlinable package static var timesOperations: Bool { false }
    @inlinable package mutating func timed(_ operation: DriverOperation, nanoseconds: UInt64, descriptors: Int) {}
    @inlinable package mutating func domainCreated(_ domain: IOMMUDomainID, kind: DomainKind) throws(ObserverError) {}
    @inlinable package mutating func domainDestroyed(_ domain: IOMMUDomainID) throws(ObserverError) {}
    @inlinable package mutating func attached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID,
        directory: CacheTagDirectory<Table>
    ) throws(ObserverError) {}
    @inlinable package mutating func detached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID
    ) throws(ObserverError) {}
    @inlinable package mutating func mapped(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64)
        throws(ObserverError) {}
    @inlinable package mutating func unmapped(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64)
        throws(ObserverError) {}
    @inlinable package mutating func willFlush(_ domain: IOMMUDomainID, range: IOVARange, reason: FlushReason)
        throws(ObserverError) {}
    @inlinable package mutating func didFlush() throws(ObserverError) {}
    @inlinable package mutating func accessed(device: DeviceID, pasid: PASID, page: UInt64) throws(ObserverError) {}
}
