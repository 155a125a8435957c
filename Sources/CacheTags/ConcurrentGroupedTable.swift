import Atomics
import VTd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Lock-free readers for the grouped table: the concurrent table is a `GroupedArrayTable` (the
// writers' copy) plus immutable snapshots of its array that flushes walk with the same walk;
// attach/detach (rare) serialize on a lock, edit the writers' copy and, when a flush could see
// the change, publish a new snapshot (after the Arm SMMUv3 invalidation array, docs/vtd-facts.md
// §8: RCU-published array, readers never lock), built in a retired snapshot no reader holds.

/// For the `ManagedAtomic` (atomic strong reference) variant: freed by ARC when the last reader
/// and the table let go.
extension TagArraySnapshot: AtomicReference {}

/// A pthread mutex, the writers' lock (and the readers' lock in `LockedGroupedTable`).
final class TableMutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

// MARK: - The tables

/// The grouped table with lock-free flushes: any number of threads may flush while others
/// attach and detach.
///
/// Writers (assign/unassign) take a mutex and edit a `GroupedArrayTable`, the writers' copy; when
/// the change is one a flush can see (an entry added or removed, not a user count), they copy the
/// array into a snapshot and publish it with one atomic exchange. Readers (the three flushes)
/// never lock and never write shared memory other than their own hazard slot; they run the grouped
/// table's walk over the old snapshot or the new one, whole. A flush that overlaps an attach may
/// miss the new tag, as in the kernel where a flush racing an attach under RCU may; a flush that
/// starts after `assign` returns sees it.
///
/// Storage: the writers' copy plus the published snapshot plus retired snapshots (awaiting the
/// end of readers, or kept for reuse); `footprintBytes` counts all of them.
///
/// Reclamation (`ReaderProtection`):
/// - `.hazardPointers` (default): a replaced snapshot is retired; a later writer scans the hazard
///   slots (`SnapshotHazards`) and moves retired snapshots no reader holds to a free list, from
///   which the next publications are built, so steady churn allocates nothing. Readers do no
///   reference counting.
/// - `.atomicReference`: snapshots are published through swift-atomics' `ManagedAtomic` strong
///   reference; a reader's `load` takes a strong reference (two double-word compare-and-swaps on
///   the shared atomic plus a retain/release of the object), and ARC frees the old snapshot when
///   the last reader releases it (a new snapshot per publication). Kept to measure that cost.
public final class ConcurrentGroupedTable: CacheTagTable, @unchecked Sendable {
    public static let name = "concurrent-grouped"
    public static let summary =
        "grouped-array entries published as immutable snapshots: lock-free flushes, locked attach/detach reusing retired snapshots"

    /// How readers keep a snapshot alive while they flush it.
    public enum ReaderProtection: String, Sendable, CaseIterable {
        case hazardPointers = "hazard-pointers"
        case atomicReference = "atomic-reference"
    }

    public let protection: ReaderProtection
    private let lock = TableMutex()
    /// The writers' copy; touched only under `lock`.
    private let table: GroupedArrayTable
    /// `.hazardPointers`: the published snapshot's tail address (`TagArraySnapshot.address`).
    private let published: UnsafeAtomic<UInt>
    /// `.atomicReference`: the published snapshot.
    private let publishedReference: ManagedAtomic<TagArraySnapshot>
    /// Writer state, under `lock`: the published snapshot, replaced ones some reader may still
    /// hold, reusable ones, the generation published, and how many snapshots were allocated.
    private var current: TagArraySnapshot
    private var retired: [TagArraySnapshot] = []
    private var free: [TagArraySnapshot] = []
    private var publishedGeneration: Int
    private var publicationCount = 0
    private var allocationCount = 1
    private let domainUsesFirstStage: Bool

    /// Snapshots published so far (a measure of copy-on-write traffic).
    public var publications: Int { lock.withLock { publicationCount } }
    /// Snapshots allocated so far (the first included); steady churn adds none.
    public var snapshotAllocations: Int { lock.withLock { allocationCount } }

    public convenience init(domainUsesFirstStage: Bool) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, protection: .hazardPointers)
    }

    public init(domainUsesFirstStage: Bool, protection: ReaderProtection) {
        self.domainUsesFirstStage = domainUsesFirstStage
        self.protection = protection
        table = GroupedArrayTable(domainUsesFirstStage: domainUsesFirstStage)
        let first = TagArraySnapshot.make(words: TagArraySnapshot.words(units: 0, entries: 0))
        first.fill(from: table.view, entryCount: 0)
        current = first
        publishedGeneration = table.generation
        published = .create(protection == .hazardPointers ? first.address : 0)
        publishedReference = ManagedAtomic(first)
    }

    deinit {
        // No reader can be inside a method of a table being deinitialized.
        _ = published.destroy()
    }

    // MARK: Writers

    public func assign(_ tag: CacheTag) {
        lock.withLock {
            table.assign(tag)
            publishIfChanged()
        }
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        try lock.withLock { () throws(CacheTagError) in
            defer { publishIfChanged() }
            try table.unassign(tag)
        }
    }

    /// Publishes a copy of the writers' array if a flush could see a difference; under `lock`.
    private func publishIfChanged() {
        guard table.generation != publishedGeneration else { return }
        publishedGeneration = table.generation
        publicationCount += 1
        let view = table.view
        let words = TagArraySnapshot.words(units: view.unitCount, entries: table.tagCount)
        switch protection {
        case .hazardPointers:
            let snapshot = reusableSnapshot(words: words)
            snapshot.fill(from: view, entryCount: table.tagCount)
            _ = published.exchange(snapshot.address, ordering: .sequentiallyConsistent)
            retired.append(current)
            current = snapshot
            // Amortized: one scan of the slots per `reclaimBatch` replaced snapshots.
            if retired.count >= Self.reclaimBatch { reclaim() }
        case .atomicReference:
            let snapshot = TagArraySnapshot.make(words: words)
            allocationCount += 1
            snapshot.fill(from: view, entryCount: table.tagCount)
            publishedReference.store(snapshot, ordering: .releasing)
            current = snapshot
        }
    }

    /// A free snapshot with room for `words`, or a new one.
    private func reusableSnapshot(words: Int) -> TagArraySnapshot {
        if let index = free.lastIndex(where: { $0.capacityWords >= words }) { return free.remove(at: index) }
        allocationCount += 1
        return TagArraySnapshot.make(words: words)
    }

    /// Replaced snapshots kept before a reclamation scan (a scan reads every hazard slot).
    static let reclaimBatch = 4
    /// Reusable snapshots kept; beyond that they are freed.
    static let freeLimit = 8

    /// Moves retired snapshots no hazard slot holds to the free list; under `lock`.
    private func reclaim() {
        let hazards = SnapshotHazards.shared
        hazards.prepareScan()
        retired.removeAll { snapshot in
            guard !hazards.isProtected(snapshot.address) else { return false }
            free.append(snapshot)
            return true
        }
        // Keep the largest: the small ones of a table that grew fit none of its next copies.
        if free.count > Self.freeLimit {
            free.sort { $0.capacityWords > $1.capacityWords }
            free.removeLast(free.count - Self.freeLimit)
        }
    }

    // MARK: Readers (lock-free)

    @inline(__always)
    private func withSnapshot<R>(_ body: (TagArrayView) -> R) -> R {
        switch protection {
        case .hazardPointers:
            return SnapshotHazards.shared.withProtectedSnapshot(published, body)
        case .atomicReference:
            let snapshot = publishedReference.load(ordering: .acquiring)
            return withExtendedLifetime(snapshot) { body(snapshot.view) }
        }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: invalidationHint)
        return withSnapshot { $0.walk(scope: scope, into: &sink) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        withSnapshot { $0.walk(scope: .all, into: &sink) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        let firstStage = domainUsesFirstStage
        return withSnapshot { $0.walkNewMappings(range, domainUsesFirstStage: firstStage, into: &sink) }
    }

    // MARK: Introspection (under the lock)

    public var tagCount: Int { lock.withLock { table.tagCount } }
    public var countedTags: [CountedCacheTag] { lock.withLock { table.countedTags } }
    /// The writers' copy, the published snapshot and the retired and free ones, plus the table
    /// object and its lock (`AllocationSize`).
    public var footprintBytes: Int {
        lock.withLock {
            let snapshots = ([current] + retired + free).reduce(0) { $0 + $1.allocationBytes }
            return AllocationSize.of(object: self) + AllocationSize.of(object: lock) + table.footprintBytes + snapshots
        }
    }
}

/// The lock-based comparison point for `ConcurrentGroupedTable`: a `GroupedArrayTable` behind one
/// mutex taken by every operation, flushes included.
public final class LockedGroupedTable: CacheTagTable, @unchecked Sendable {
    public static let name = "locked-grouped"
    public static let summary = "grouped-array table behind one mutex taken by flushes and attach/detach alike"

    private let lock = TableMutex()
    private let table: GroupedArrayTable

    public init(domainUsesFirstStage: Bool) {
        table = GroupedArrayTable(domainUsesFirstStage: domainUsesFirstStage)
    }

    public func assign(_ tag: CacheTag) { lock.withLock { table.assign(tag) } }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        try lock.withLock { () throws(CacheTagError) in try table.unassign(tag) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        lock.withLock { table.flushRange(range, invalidationHint: invalidationHint, into: &sink) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        lock.withLock { table.flushAll(into: &sink) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        lock.withLock { table.flushRangeForNewMappings(range, into: &sink) }
    }

    public var tagCount: Int { lock.withLock { table.tagCount } }
    public var countedTags: [CountedCacheTag] { lock.withLock { table.countedTags } }
    public var footprintBytes: Int { lock.withLock { table.footprintBytes } }
}
