import Atomics
import VTd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Lock-free readers for the grouped table: the concurrent table is `GroupedArrayTable` in
// copy-on-write mode plus a publication policy. Flushes walk the published, immutable
// `FlushLayout` with the grouped table's own walk; attach/detach (rare) serialize on a lock,
// update the table's index and, when the set of descriptor templates changed, publish the new
// layout the table built (after the Arm SMMUv3 invalidation array, docs/vtd-facts.md §8: RCU-published
// array, readers never lock).

// MARK: - Hazard slots

/// Hazard pointers for published flush layouts (Michael, 2004), one 64-byte line per slot so readers on
/// different cores never write the same cache line.
///
/// A reader claims a free slot by compare-and-swapping it from 0 to the layout it loaded, then
/// re-reads the published layout and retries until the two agree: from then on the layout cannot
/// be freed, because a writer drops a retired layout only after a scan of every slot
/// (sequentially consistent, after its own sequentially consistent exchange) finds no slot
/// holding it. The
/// reader clears its slot when the flush returns. Readers start probing at a slot derived from
/// their thread, so concurrent flushers normally use distinct, uncontended lines.
final class FlushLayoutHazards: @unchecked Sendable {
    /// Shared by every concurrent table of the process, like per-thread hazard pointers.
    static let shared = FlushLayoutHazards(slots: 128)

    private let base: UnsafeMutableRawPointer
    let slotCount: Int
    private static let lineSize = 64

    init(slots: Int) {
        precondition(slots > 0 && slots & (slots - 1) == 0, "a power of two")
        slotCount = slots
        base = .allocate(byteCount: slots * Self.lineSize, alignment: Self.lineSize)
        for index in 0..<slots {
            (base + index * Self.lineSize).bindMemory(to: UInt.AtomicRepresentation.self, capacity: 1)
                .initialize(to: UInt.AtomicRepresentation(0))
        }
    }

    @inline(__always)
    func slot(_ index: Int) -> UnsafeAtomic<UInt> {
        UnsafeAtomic(at: (base + index * Self.lineSize).assumingMemoryBound(to: UInt.AtomicRepresentation.self))
    }

    /// Where this thread starts probing.
    @inline(__always)
    func homeSlot() -> Int {
        #if canImport(Darwin)
        let thread = UInt(bitPattern: pthread_self())
        #else
        let thread = UInt(pthread_self())
        #endif
        return Int(truncatingIfNeeded: (thread >> 12) ^ (thread >> 20)) & (slotCount - 1)
    }

    /// Runs `body` with the layout published in `published`, protected from reclamation.
    @inline(__always)
    func withProtectedLayout<R>(_ published: UnsafeAtomic<UInt>, _ body: (FlushLayoutView) -> R) -> R {
        var current = published.load(ordering: .acquiring)
        var index = homeSlot()
        var slot = self.slot(index)
        while !slot.compareExchange(expected: 0, desired: current, ordering: .sequentiallyConsistent).exchanged {
            index = (index &+ 1) & (slotCount &- 1)
            slot = self.slot(index)
        }
        while true {
            let again = published.load(ordering: .sequentiallyConsistent)
            if again == current { break }
            current = again
            slot.store(current, ordering: .sequentiallyConsistent)
        }
        defer { slot.store(0, ordering: .releasing) }
        return body(FlushLayoutView(raw: UnsafeMutableRawPointer(bitPattern: current).unsafelyUnwrapped))
    }

    /// Whether any reader holds the layout at `address` now.
    func isProtected(_ address: UInt) -> Bool {
        for index in 0..<slotCount where slot(index).load(ordering: .sequentiallyConsistent) == address { return true }
        return false
    }
}

/// For the `ManagedAtomic` (atomic strong reference) variant: freed by ARC when the last reader
/// and the table let go.
extension FlushLayout: AtomicReference {}

extension FlushLayout {
    /// The address hazard slots and the published atomic hold.
    var address: UInt { UInt(bitPattern: view.raw) }
}

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
/// It is a `GroupedArrayTable` in copy-on-write mode plus a publication policy. Writers
/// (assign/unassign) take a mutex and update the table; when its set of descriptor templates
/// changed, the table has built a new immutable `FlushLayout`, which the writer publishes with
/// one atomic exchange (a users-only change publishes nothing). Readers (the three flushes) never
/// lock and never write shared memory other than their own hazard slot; they run the grouped
/// table's walk over the old layout or the new one, whole. A flush that overlaps an attach may
/// miss the new tag, as in the kernel where a flush racing an attach under RCU may; a flush that
/// starts after `assign` returns sees it.
///
/// Storage: the table's mutable index (tag records, their index, per-run template indexes and
/// user counts) plus the published layout, which is the table's current layout — the templates
/// are stored once — plus replaced layouts not yet reclaimed; `footprintBytes` counts all three.
///
/// Reclamation of replaced layouts (`ReaderProtection`):
/// - `.hazardPointers` (default): the replaced layout is retired and dropped by a later writer
///   once no hazard slot holds it (see `FlushLayoutHazards`); readers do no reference counting.
/// - `.atomicReference`: the layout is published through swift-atomics' `ManagedAtomic` strong
///   reference; a reader's `load` takes a strong reference (two double-word compare-and-swaps on
///   the shared atomic plus a retain/release of the object), and ARC frees the old layout when the
///   last reader releases it. Simple and safe, but every flush writes cache lines shared by all
///   flushing threads; kept to measure that cost.
public final class ConcurrentGroupedTable: CacheTagTable, @unchecked Sendable {
    public static let name = "concurrent-grouped"
    public static let summary =
        "grouped-array templates published as an immutable flush layout: lock-free flushes, locked copy-on-write attach/detach"

    /// How readers keep a layout alive while they flush it.
    public enum ReaderProtection: String, Sendable, CaseIterable {
        case hazardPointers = "hazard-pointers"
        case atomicReference = "atomic-reference"
    }

    public let protection: ReaderProtection
    private let lock = TableMutex()
    /// Writer state (index and current layout); touched only under `lock`.
    private let table: GroupedArrayTable
    /// `.hazardPointers`: the published layout's address (`FlushLayout.address`).
    private let published: UnsafeAtomic<UInt>
    /// `.atomicReference`: the published layout.
    private let publishedReference: ManagedAtomic<FlushLayout>
    /// The published layout's address (the table's current layout, which it keeps alive); under
    /// `lock`.
    private var current: UInt
    /// Replaced layouts some reader may still hold (`.hazardPointers`), each with the reference
    /// the table handed over; under `lock`.
    private var retired: [Unmanaged<FlushLayout>] = []
    /// Layouts published so far; under `lock`.
    private var publicationCount = 0
    private let domainUsesFirstStage: Bool
    /// Layouts published so far (a measure of copy-on-write traffic).
    public var publications: Int { lock.withLock { publicationCount } }

    public convenience init(domainUsesFirstStage: Bool) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, protection: .hazardPointers)
    }

    public init(domainUsesFirstStage: Bool, protection: ReaderProtection) {
        self.domainUsesFirstStage = domainUsesFirstStage
        self.protection = protection
        table = GroupedArrayTable(domainUsesFirstStage: domainUsesFirstStage, copyOnWrite: true)
        current = table.layoutAddress
        published = .create(protection == .hazardPointers ? current : 0)
        publishedReference = ManagedAtomic(table.layout)
    }

    deinit {
        // No reader can be inside a method of a table being deinitialized.
        _ = published.destroy()
        for layout in retired { layout.release() }
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

    /// Publishes the table's layout if it is not the published one; under `lock`. The layouts
    /// the table replaced (the published one among them) become retired.
    private func publishIfChanged() {
        let address = table.layoutAddress
        guard address != current else { return }
        publicationCount += 1
        current = address
        switch protection {
        case .hazardPointers:
            _ = published.exchange(address, ordering: .sequentiallyConsistent)
            table.takeReplacedLayouts(into: &retired)
            // Amortized: one scan of the slots per `reclaimBatch` replaced layouts.
            if retired.count >= Self.reclaimBatch { reclaim() }
        case .atomicReference:
            publishedReference.store(table.layout, ordering: .releasing)
            // Readers hold their own strong references: ARC frees replaced layouts.
            table.dropReplacedLayouts()
        }
    }

    /// Replaced layouts kept before a reclamation scan (a scan reads every hazard slot).
    static let reclaimBatch = 8

    /// Releases retired layouts no hazard slot holds; under `lock`.
    private func reclaim() {
        let hazards = FlushLayoutHazards.shared
        retired.removeAll { layout in
            guard !hazards.isProtected(layout._withUnsafeGuaranteedRef(\.address)) else { return false }
            layout.release()
            return true
        }
    }

    // MARK: Readers (lock-free)

    @inline(__always)
    private func withLayout<R>(_ body: (FlushLayoutView) -> R) -> R {
        switch protection {
        case .hazardPointers:
            return FlushLayoutHazards.shared.withProtectedLayout(published, body)
        case .atomicReference:
            let layout = publishedReference.load(ordering: .acquiring)
            return withExtendedLifetime(layout) { body(layout.view) }
        }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: invalidationHint)
        return withLayout { $0.walk(scope: scope, into: &sink) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        withLayout { $0.walk(scope: .all, into: &sink) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        let firstStage = domainUsesFirstStage
        return withLayout { $0.walkNewMappings(range, domainUsesFirstStage: firstStage, into: &sink) }
    }

    // MARK: Introspection (under the lock)

    public var tagCount: Int { lock.withLock { table.tagCount } }
    public var countedTags: [CountedCacheTag] { lock.withLock { table.countedTags } }
    /// The index and the published layout (`table.footprintBytes`: the layout is the table's
    /// current one) plus layouts awaiting reclamation.
    public var footprintBytes: Int {
        lock.withLock { table.footprintBytes + retired.reduce(0) { $0 + $1._withUnsafeGuaranteedRef(\.byteCount) } }
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
