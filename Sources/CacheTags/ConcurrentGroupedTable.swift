import Atomics
import VTd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Lock-free readers for the grouped table: flushes walk an immutable, published *flush plan*;
// attach/detach (rare) serialize on a lock, update a private `GroupedArrayTable` and publish a new
// plan copy-on-write when the set of descriptor templates changed (after the Arm SMMUv3
// invalidation array, VTD-FACTS.md: RCU-published array, readers never lock).

// MARK: - The flush plan

/// One unit's run in a flush plan: the template words of `[start, wholeEnd)` split by kind.
struct FlushPlanGroup {
    let unit: IOMMUUnitID
    let capabilities: IOMMUCapabilities
    /// `[start, domainEnd)`: DID-based IOTLB, `[domainEnd, pasidEnd)`: PASID-based IOTLB,
    /// `[pasidEnd, rangeEnd)`: range device TLB, `[rangeEnd, wholeEnd)`: whole device TLB.
    let start: Int
    let domainEnd: Int
    let pasidEnd: Int
    let rangeEnd: Int
    let wholeEnd: Int
    /// PASID-based device-TLB templates in the range and whole runs (none: one quadword 1).
    let rangePASID: Int
    let wholePASID: Int
}

/// An immutable flush plan in one manually managed allocation, so readers touch no reference
/// counts: `[groupCount, wordCount]`, the groups, then the quadword-0 templates (a template of a
/// device with the extra-invalidation quirk appears twice in a row, as the walk emits it).
/// Built from a `GroupedArrayTable`'s groups in their order, so a flush of the plan emits exactly
/// the submissions the table's own walk emits.
struct FlushPlan {
    let raw: UnsafeMutableRawPointer

    private static var groupsOffset: Int { 2 * MemoryLayout<Int>.stride }
    private static func wordsOffset(groups: Int) -> Int {
        let end = groupsOffset + groups * MemoryLayout<FlushPlanGroup>.stride
        return (end + 7) & ~7
    }

    var groupCount: Int { raw.load(as: Int.self) }
    var wordCount: Int { raw.load(fromByteOffset: MemoryLayout<Int>.stride, as: Int.self) }
    var groups: UnsafeBufferPointer<FlushPlanGroup> {
        UnsafeBufferPointer(
            start: (raw + Self.groupsOffset).assumingMemoryBound(to: FlushPlanGroup.self), count: groupCount)
    }
    var words: UnsafePointer<UInt64> {
        UnsafePointer((raw + Self.wordsOffset(groups: groupCount)).assumingMemoryBound(to: UInt64.self))
    }
    /// Bytes of the allocation.
    var byteCount: Int { Self.wordsOffset(groups: groupCount) + wordCount * MemoryLayout<UInt64>.stride }

    /// A plan of `table`'s current templates.
    init(_ table: GroupedArrayTable) {
        let groups = table.unitGroups
        func copies(_ run: GroupedArrayTable.TemplateRun, _ position: Int) -> Int {
            run.counts[position] & GroupedArrayTable.TemplateRun.repeatFlag != 0 ? 2 : 1
        }
        var words = 0
        for group in groups {
            words += group.domainIOTLB.count + group.pasidIOTLB.count
            for run in [group.rangeDeviceTLB, group.wholeDeviceTLB] {
                for position in 0..<run.count { words += copies(run, position) }
            }
        }
        let wordsOffset = Self.wordsOffset(groups: groups.count)
        raw = .allocate(byteCount: wordsOffset + words * MemoryLayout<UInt64>.stride, alignment: 64)
        raw.storeBytes(of: groups.count, as: Int.self)
        raw.storeBytes(of: words, toByteOffset: MemoryLayout<Int>.stride, as: Int.self)
        let groupSlots = (raw + Self.groupsOffset).bindMemory(to: FlushPlanGroup.self, capacity: groups.count)
        let wordSlots = (raw + wordsOffset).bindMemory(to: UInt64.self, capacity: words)
        var next = 0
        func copy(_ run: GroupedArrayTable.TemplateRun) {
            for position in 0..<run.count {
                for _ in 0..<copies(run, position) {
                    wordSlots[next] = run.words[position]
                    next += 1
                }
            }
        }
        for (index, group) in groups.enumerated() {
            let start = next
            copy(group.domainIOTLB)
            let domainEnd = next
            copy(group.pasidIOTLB)
            let pasidEnd = next
            copy(group.rangeDeviceTLB)
            let rangeEnd = next
            copy(group.wholeDeviceTLB)
            (groupSlots + index).initialize(
                to: FlushPlanGroup(
                    unit: group.unit, capabilities: group.capabilities, start: start, domainEnd: domainEnd,
                    pasidEnd: pasidEnd, rangeEnd: rangeEnd, wholeEnd: next,
                    rangePASID: group.rangeDeviceTLB.pasidTemplates, wholePASID: group.wholeDeviceTLB.pasidTemplates))
        }
    }

    func deallocate() { raw.deallocate() }

    /// `cache_tag_flush_range` / `cache_tag_flush_all` over the plan.
    func walk<Sink: InvalidationSink>(scope: FlushScope, into sink: inout Sink) -> Int {
        let words = self.words
        return withInvalidationBatch(into: &sink) { batch, sink in
            for group in groups {
                batch.enter(group.unit, into: &sink)
                if group.domainEnd > group.start {
                    let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: group.capabilities)
                    let word0 = shape.quadword0
                    let word1 = shape.quadword1
                    let run = words + group.start
                    batch.append(count: group.domainEnd - group.start, into: &sink) {
                        InvalidationDescriptor(run[$0] | word0, word1)
                    }
                }
                if group.pasidEnd > group.domainEnd {
                    let shape = scope.pasidIOTLBDescriptor(domainID: .reserved, pasid: .none)
                    let word0 = shape.quadword0
                    let word1 = shape.quadword1
                    let run = words + group.domainEnd
                    batch.append(count: group.pasidEnd - group.domainEnd, into: &sink) {
                        InvalidationDescriptor(run[$0] | word0, word1)
                    }
                }
                if group.rangeEnd > group.pasidEnd {
                    var block = AlignedInvalidation.wholeAddressSpace
                    if case let .range(flushed, _) = scope { block = flushed }
                    Self.emitDeviceTLB(
                        words + group.pasidEnd, count: group.rangeEnd - group.pasidEnd, pasid: group.rangePASID,
                        block: block, &batch, &sink)
                }
                if group.wholeEnd > group.rangeEnd {
                    Self.emitDeviceTLB(
                        words + group.rangeEnd, count: group.wholeEnd - group.rangeEnd, pasid: group.wholePASID,
                        block: .wholeAddressSpace, &batch, &sink)
                }
            }
        }
    }

    @inline(__always)
    private static func emitDeviceTLB<Sink: InvalidationSink>(
        _ run: UnsafePointer<UInt64>, count: Int, pasid: Int, block: AlignedInvalidation,
        _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        let plainWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 0)
        let pasidWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 11)
        // Templates of quirky devices are repeated in the plan, so counts are in descriptors; a
        // run of one descriptor kind takes one quadword 1.
        if pasid == 0 {
            batch.append(words: run, count: count, word1: plainWord, into: &sink)
            return
        }
        batch.append(count: count, into: &sink) {
            let word0 = run[$0]
            return InvalidationDescriptor(
                word0, word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue ? pasidWord : plainWord)
        }
    }

    /// `cache_tag_flush_range_np` over the plan.
    func walkNewMappings<Sink: InvalidationSink>(
        _ range: IOVARange, domainUsesFirstStage: Bool, into sink: inout Sink
    ) -> Int {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: false)
        let words = self.words
        return withInvalidationBatch(into: &sink) { batch, sink in
            for group in groups {
                guard group.capabilities.cachingMode, !domainUsesFirstStage else {
                    sink.flushWriteBuffer(of: group.unit)
                    continue
                }
                guard group.domainEnd > group.start else { continue }
                let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: group.capabilities)
                let word0 = shape.quadword0
                let word1 = shape.quadword1
                let run = words + group.start
                batch.enter(group.unit, into: &sink)
                batch.append(count: group.domainEnd - group.start, into: &sink) {
                    InvalidationDescriptor(run[$0] | word0, word1)
                }
            }
        }
    }
}

// MARK: - Hazard slots

/// Hazard pointers for flush plans (Michael, 2004), one 64-byte line per slot so readers on
/// different cores never write the same cache line.
///
/// A reader claims a free slot by compare-and-swapping it from 0 to the plan it loaded, then
/// re-reads the published plan and retries until the two agree: from then on the plan cannot be
/// freed, because a writer frees a retired plan only after a scan of every slot (sequentially
/// consistent, after its own sequentially consistent exchange) finds no slot holding it. The
/// reader clears its slot when the flush returns. Readers start probing at a slot derived from
/// their thread, so concurrent flushers normally use distinct, uncontended lines.
final class FlushPlanHazards: @unchecked Sendable {
    /// Shared by every concurrent table of the process, like per-thread hazard pointers.
    static let shared = FlushPlanHazards(slots: 128)

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

    /// Runs `body` with the plan published in `published`, protected from reclamation.
    @inline(__always)
    func withProtectedPlan<R>(_ published: UnsafeAtomic<UInt>, _ body: (FlushPlan) -> R) -> R {
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
        return body(FlushPlan(raw: UnsafeMutableRawPointer(bitPattern: current).unsafelyUnwrapped))
    }

    /// Whether any reader holds `plan` now.
    func isProtected(_ plan: UInt) -> Bool {
        for index in 0..<slotCount where slot(index).load(ordering: .sequentiallyConsistent) == plan { return true }
        return false
    }
}

extension FlushPlan {
    fileprivate init(raw: UnsafeMutableRawPointer) { self.raw = raw }
}

/// A flush plan owned by an object, for the `ManagedAtomic` (atomic strong reference) variant:
/// freed by ARC when the last reader and the table let go.
final class FlushPlanBox: AtomicReference, @unchecked Sendable {
    let plan: FlushPlan
    init(_ plan: FlushPlan) { self.plan = plan }
    deinit { plan.deallocate() }
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
/// Writers (assign/unassign) take a mutex, update a private `GroupedArrayTable` (the index and
/// user counts) and, when its set of descriptor templates changed, build a new immutable
/// `FlushPlan` and publish it with one atomic exchange (copy-on-write; a users-only change
/// publishes nothing). Readers (the three flushes) never lock and never write shared memory other
/// than their own hazard slot; they see either the old plan or the new one, whole. A flush that
/// overlaps an attach may miss the new tag, as in the kernel where a flush racing an attach under
/// RCU may; a flush that starts after `assign` returns sees it.
///
/// Reclamation of replaced plans (`ReaderProtection`):
/// - `.hazardPointers` (default): the replaced plan is retired and freed by a later writer once no
///   hazard slot holds it (see `FlushPlanHazards`); readers do no reference counting at all.
/// - `.atomicReference`: the plan lives in an object published through swift-atomics'
///   `ManagedAtomic` strong reference; a reader's `load` takes a strong reference (two double-word
///   compare-and-swaps on the shared atomic plus a retain/release of the object), and ARC frees the
///   old plan when the last reader releases it. Simple and safe, but every flush writes cache lines
///   shared by all flushing threads; kept to measure that cost.
public final class ConcurrentGroupedTable: CacheTagTable, @unchecked Sendable {
    public static let name = "concurrent-grouped"
    public static let summary =
        "grouped-array templates published as an immutable flush plan: lock-free flushes, locked copy-on-write attach/detach"

    /// How readers keep a plan alive while they flush it.
    public enum ReaderProtection: String, Sendable, CaseIterable {
        case hazardPointers = "hazard-pointers"
        case atomicReference = "atomic-reference"
    }

    public let protection: ReaderProtection
    private let domainUsesFirstStage: Bool
    private let lock = TableMutex()
    /// Writer state; touched only under `lock`.
    private let table: GroupedArrayTable
    /// `.hazardPointers`: the published plan's address.
    private let published: UnsafeAtomic<UInt>
    /// `.atomicReference`: the published plan.
    private let publishedBox: ManagedAtomic<FlushPlanBox>
    /// Replaced plans some reader may still hold (`.hazardPointers`); under `lock`.
    private var retired: [UInt] = []
    /// Plans published so far; under `lock`.
    private var publicationCount = 0
    /// Plans published so far (a measure of copy-on-write traffic).
    public var publications: Int { lock.withLock { publicationCount } }

    public convenience init(domainUsesFirstStage: Bool) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, protection: .hazardPointers)
    }

    public init(domainUsesFirstStage: Bool, protection: ReaderProtection) {
        self.domainUsesFirstStage = domainUsesFirstStage
        self.protection = protection
        table = GroupedArrayTable(domainUsesFirstStage: domainUsesFirstStage)
        let empty = FlushPlan(table)
        if protection == .hazardPointers {
            published = .create(UInt(bitPattern: empty.raw))
            publishedBox = ManagedAtomic(FlushPlanBox(FlushPlan(table)))
        } else {
            published = .create(0)
            publishedBox = ManagedAtomic(FlushPlanBox(empty))
        }
    }

    deinit {
        // No reader can be inside a method of a table being deinitialized.
        let current = published.destroy()
        if current != 0 { FlushPlan(raw: UnsafeMutableRawPointer(bitPattern: current)!).deallocate() }
        for plan in retired { FlushPlan(raw: UnsafeMutableRawPointer(bitPattern: plan)!).deallocate() }
    }

    // MARK: Writers

    public func assign(_ tag: CacheTag) {
        lock.withLock {
            let before = table.templateCount
            table.assign(tag)
            if table.templateCount != before { publish() }
        }
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        try lock.withLock { () throws(CacheTagError) in
            let before = table.templateCount
            try table.unassign(tag)
            if table.templateCount != before { publish() }
        }
    }

    /// Builds and publishes a plan of the current templates; under `lock`.
    private func publish() {
        let plan = FlushPlan(table)
        publicationCount += 1
        switch protection {
        case .hazardPointers:
            let old = published.exchange(UInt(bitPattern: plan.raw), ordering: .sequentiallyConsistent)
            retired.append(old)
            // Amortized: one scan of the slots per `reclaimBatch` replaced plans.
            if retired.count >= Self.reclaimBatch { reclaim() }
        case .atomicReference:
            publishedBox.store(FlushPlanBox(plan), ordering: .releasing)
        }
    }

    /// Replaced plans kept before a reclamation scan (a scan reads every hazard slot).
    static let reclaimBatch = 8

    /// Frees retired plans no hazard slot holds; under `lock`.
    private func reclaim() {
        let hazards = FlushPlanHazards.shared
        retired.removeAll { plan in
            guard !hazards.isProtected(plan) else { return false }
            FlushPlan(raw: UnsafeMutableRawPointer(bitPattern: plan)!).deallocate()
            return true
        }
    }

    // MARK: Readers (lock-free)

    @inline(__always)
    private func withPlan<R>(_ body: (FlushPlan) -> R) -> R {
        switch protection {
        case .hazardPointers:
            return FlushPlanHazards.shared.withProtectedPlan(published, body)
        case .atomicReference:
            let box = publishedBox.load(ordering: .acquiring)
            return withExtendedLifetime(box) { body(box.plan) }
        }
    }

    @discardableResult
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: invalidationHint)
        return withPlan { $0.walk(scope: scope, into: &sink) }
    }

    @discardableResult
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        withPlan { $0.walk(scope: .all, into: &sink) }
    }

    @discardableResult
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        let firstStage = domainUsesFirstStage
        return withPlan { $0.walkNewMappings(range, domainUsesFirstStage: firstStage, into: &sink) }
    }

    // MARK: Introspection (under the lock)

    public var tagCount: Int { lock.withLock { table.tagCount } }
    public var countedTags: [CountedCacheTag] { lock.withLock { table.countedTags } }
    /// The writer's table, the published plan and plans awaiting reclamation.
    public var footprintBytes: Int {
        lock.withLock {
            let plan: Int
            switch protection {
            case .hazardPointers:
                plan = FlushPlan(raw: UnsafeMutableRawPointer(bitPattern: published.load(ordering: .acquiring))!).byteCount
            case .atomicReference:
                plan = publishedBox.load(ordering: .acquiring).plan.byteCount
            }
            let retiredBytes = retired.reduce(0) {
                $0 + FlushPlan(raw: UnsafeMutableRawPointer(bitPattern: $1)!).byteCount
            }
            return table.footprintBytes + plan + retiredBytes
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
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        lock.withLock { table.flushRange(range, invalidationHint: invalidationHint, into: &sink) }
    }

    @discardableResult
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        lock.withLock { table.flushAll(into: &sink) }
    }

    @discardableResult
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        lock.withLock { table.flushRangeForNewMappings(range, into: &sink) }
    }

    public var tagCount: Int { lock.withLock { table.tagCount } }
    public var countedTags: [CountedCacheTag] { lock.withLock { table.countedTags } }
    public var footprintBytes: Int { lock.withLock { table.footprintBytes } }
}

// MARK: - Specialized entry points for the timed ring

/// Tables whose flushes can be called with the timing sink, `DescriptorBufferSink`, through an
/// entry point compiled (and specialized) inside this module.
///
/// The protocol's flushes are generic over the sink, and a generic method of another module runs
/// unspecialized: the sink's `submit` and `submissionSlots` become witness-table calls and the
/// batch code runs on generic metadata. The kernel's C has no such cost, so the benchmarks and
/// `cachetag-bench perf` time every Swift table through these entry points (same code, specialized
/// for the ring here, where whole-module optimization sees both); the unspecialized cost is
/// reported next to it. Behaviour is that of the generic methods.
public protocol RingFlushingTable: CacheTagTable {
    /// `flushRange(_:invalidationHint:into:)` into the ring.
    @discardableResult
    func flushRange(_ range: IOVARange, invalidationHint: Bool, intoRing sink: inout DescriptorBufferSink) -> Int
    /// `flushAll(into:)` into the ring.
    @discardableResult
    func flushAll(intoRing sink: inout DescriptorBufferSink) -> Int
}

/// Calls the protocol's generic flush with a concrete table and sink, so whole-module
/// optimization specializes it for both.
@inline(__always)
private func ringFlushRange<Table: CacheTagTable>(
    _ table: Table, _ range: IOVARange, _ invalidationHint: Bool, _ sink: inout DescriptorBufferSink
) -> Int {
    table.flushRange(range, invalidationHint: invalidationHint, into: &sink)
}

@inline(__always)
private func ringFlushAll<Table: CacheTagTable>(_ table: Table, _ sink: inout DescriptorBufferSink) -> Int {
    table.flushAll(into: &sink)
}

// One conformance per table, each with its own body, on purpose: a shared default implementation
// in a protocol extension is not specialized per table and measured 53 ns instead of 37 ns for a
// 64-tag grouped-array flush (`cachetag-bench perf --tags 64`).
extension KernelListTable: RingFlushingTable {
    @discardableResult
    public func flushRange(_ range: IOVARange, invalidationHint: Bool, intoRing sink: inout DescriptorBufferSink) -> Int {
        ringFlushRange(self, range, invalidationHint, &sink)
    }
    @discardableResult
    public func flushAll(intoRing sink: inout DescriptorBufferSink) -> Int { ringFlushAll(self, &sink) }
}

extension GroupedArrayTable: RingFlushingTable {
    @discardableResult
    public func flushRange(_ range: IOVARange, invalidationHint: Bool, intoRing sink: inout DescriptorBufferSink) -> Int {
        ringFlushRange(self, range, invalidationHint, &sink)
    }
    @discardableResult
    public func flushAll(intoRing sink: inout DescriptorBufferSink) -> Int { ringFlushAll(self, &sink) }
}

extension ConcurrentGroupedTable: RingFlushingTable {
    @discardableResult
    public func flushRange(_ range: IOVARange, invalidationHint: Bool, intoRing sink: inout DescriptorBufferSink) -> Int {
        ringFlushRange(self, range, invalidationHint, &sink)
    }
    @discardableResult
    public func flushAll(intoRing sink: inout DescriptorBufferSink) -> Int { ringFlushAll(self, &sink) }
}

extension LockedGroupedTable: RingFlushingTable {
    @discardableResult
    public func flushRange(_ range: IOVARange, invalidationHint: Bool, intoRing sink: inout DescriptorBufferSink) -> Int {
        ringFlushRange(self, range, invalidationHint, &sink)
    }
    @discardableResult
    public func flushAll(intoRing sink: inout DescriptorBufferSink) -> Int { ringFlushAll(self, &sink) }
}
