import VTd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The optimized cache-tag table: tags indexed by a hash for O(1) assign and unassign, and the
/// flush walk reduced to contiguous arrays of precomputed descriptor templates grouped by unit.
///
/// Design (after the Arm SMMUv3 invalidation array, VTD-FACTS.md):
/// - every tag maps to a *template*: the part of its descriptor that does not depend on the
///   flushed range (quadword 0 with DID, PASID, SID, queue depth). Tags whose descriptors would
///   be bit-identical in every flush share one template (for example the NESTING_IOTLB tags of
///   nested children that share a DID, or two PASID attachments of one second-stage domain), so a
///   flush emits each distinct descriptor once;
/// - templates live in a `FlushLayout`: per-unit groups, sorted by unit and split by kind, IOTLB
///   kinds before device-TLB kinds (the TLB must be clean before the device refetches), in one
///   contiguous allocation, so the walk (`FlushLayoutView.walk`) is a few tight loops that compute
///   quadword 1 once per run and batch per unit with no unit changes inside a group;
/// - the flush path reads only that layout and allocates nothing.
///
/// The table is the layout plus its *index*: a tag is a 16-byte record (packed identity, users,
/// a handle to its unit and device facts) in a dense array behind an open-addressing index of
/// 4-byte slots; each run of templates has its own 4-byte-slot index (quadword 0 → position) and
/// a 4-byte count of the tags that map to each template. The index is manually managed and
/// reference-count free; the unit and device facts a tag was assigned with (for `countedTags`)
/// are interned once per process in `CacheTagFacts`, as the kernel's `struct cache_tag` points at
/// its `iommu` and `dev`.
///
/// Runs have room to grow: a new template is stored in place, and a full run doubles by building
/// the layout anew (as does a new or emptied unit group), so a template insertion is amortized
/// O(1) per run; removals swap the last template of the run into the hole.
///
/// In *copy-on-write* mode (`ConcurrentGroupedTable`'s writer side) every change of the templates
/// builds a new layout instead of editing the current one, so a layout once handed out is never
/// written again; user-count changes touch only the index.
///
/// A device with the extra-invalidation quirk still gets its device-TLB descriptor twice: that
/// repetition is the erratum's workaround, not a duplicate.
public final class GroupedArrayTable: CacheTagTable {
    public static let name = "grouped-array"
    public static let summary =
        "hash-indexed tags over per-unit arrays of precomputed descriptor templates; exact duplicates emitted once"

    /// One tag: 16 bytes.
    struct TagRecord {
        /// `CacheTag.Key` packed (see `packedKey`).
        let key: UInt64
        var users: UInt32
        /// The tag's unit and device in `CacheTagFacts`.
        let facts: UInt32
    }

    /// The index of one run of templates: positions by quadword 0, and how many tags use each.
    struct RunIndex: ~Copyable {
        /// Positions + 1 by quadword 0.
        var slots = SlotIndex()
        /// Tags mapping to the template at each position.
        var users = RawBuffer<UInt32>()

        var footprintBytes: Int { slots.footprintBytes + users.capacity * 4 }
    }

    /// The run indexes of one layout group, in `TemplateKind` order (`runIndex` addresses them
    /// as four `RunIndex`es in a row: the only stored properties, all of one type).
    struct GroupIndex: ~Copyable {
        var domainIOTLB = RunIndex()
        var pasidIOTLB = RunIndex()
        var rangeDeviceTLB = RunIndex()
        var wholeDeviceTLB = RunIndex()

        var footprintBytes: Int {
            domainIOTLB.footprintBytes + pasidIOTLB.footprintBytes + rangeDeviceTLB.footprintBytes
                + wholeDeviceTLB.footprintBytes
        }
    }

    /// The mutable state, behind a `let` pointer: stored `var`s of a class get a dynamic
    /// exclusivity check (`swift_beginAccess`) on every access, which cost more than a whole
    /// assign's hashing; a table is used by one thread at a time (see `ConcurrentGroupedTable`).
    /// Its buffers are noncopyable and free their memory when the state is deinitialized.
    struct State: ~Copyable {
        var records = RawBuffer<TagRecord>()
        /// Record positions + 1 by packed key.
        var tagIndex = SlotIndex()
        /// One per layout group, in the layout's group order.
        var groupIndexes = RawBuffer<GroupIndex>()
        /// Templates in all groups (kept so `templateCount` is O(1)).
        var templateCount = 0
        /// The templates (owns `view`'s memory): one reference the table holds and releases
        /// itself, so replacing a layout costs no reference counting beyond the release.
        var layout: Unmanaged<FlushLayout>
        /// `layout`'s memory, so the flush path reads no reference.
        var view: FlushLayoutView
        /// Copy-on-write mode: layouts this table replaced, still referenced, until the owner takes
        /// them (`takeReplacedLayouts`), since readers may still walk them.
        var replaced: [Unmanaged<FlushLayout>] = []

        init(layout: Unmanaged<FlushLayout>) {
            view = layout._withUnsafeGuaranteedRef { $0.view }
            self.layout = layout
        }
    }

    private let domainUsesFirstStage: Bool
    /// Never edit a layout in place: every change of the templates builds a new one.
    private let copyOnWrite: Bool
    private let state: UnsafeMutablePointer<State>

    private var records: RawBuffer<TagRecord> {
        @inline(__always) _read { yield state.pointee.records }
        @inline(__always) _modify { yield &state.pointee.records }
    }
    private var tagIndex: SlotIndex {
        @inline(__always) _read { yield state.pointee.tagIndex }
        @inline(__always) _modify { yield &state.pointee.tagIndex }
    }
    private var groupIndexes: RawBuffer<GroupIndex> {
        @inline(__always) _read { yield state.pointee.groupIndexes }
        @inline(__always) _modify { yield &state.pointee.groupIndexes }
    }
    private var view: FlushLayoutView { @inline(__always) get { state.pointee.view } }
    /// Templates in all groups.
    public private(set) var templateCount: Int {
        @inline(__always) get { state.pointee.templateCount }
        @inline(__always) set { state.pointee.templateCount = newValue }
    }

    public convenience init(domainUsesFirstStage: Bool) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, copyOnWrite: false)
    }

    /// A table whose layouts, once built, are never written again when `copyOnWrite`.
    init(domainUsesFirstStage: Bool, copyOnWrite: Bool) {
        self.domainUsesFirstStage = domainUsesFirstStage
        self.copyOnWrite = copyOnWrite
        precondition(MemoryLayout<GroupIndex>.stride == 4 * MemoryLayout<RunIndex>.stride)
        state = .allocate(capacity: 1)
        state.initialize(to: State(layout: FlushLayout.empty()))
    }

    deinit {
        state.pointee.layout.release()
        for layout in state.pointee.replaced { layout.release() }
        state.deinitialize(count: 1)
        state.deallocate()
    }

    public var tagCount: Int { records.count }

    /// The current flush layout (what `ConcurrentGroupedTable` publishes). In copy-on-write mode
    /// it is never written after it replaced its predecessor.
    var layout: FlushLayout { state.pointee.layout.takeUnretainedValue() }

    /// The current layout's address (what hazard slots hold), without touching its reference count.
    var layoutAddress: UInt { UInt(bitPattern: state.pointee.view.raw) }

    /// Hands the layouts replaced since the last call to the caller (copy-on-write mode): each
    /// comes with the reference this table held, which the caller must release.
    func takeReplacedLayouts(into retired: inout [Unmanaged<FlushLayout>]) {
        for index in 0..<state.pointee.replaced.count { retired.append(state.pointee.replaced[index]) }
        state.pointee.replaced.removeAll(keepingCapacity: true)
    }

    /// Releases the layouts replaced since the last call (copy-on-write mode, when every reader
    /// holds a reference of its own).
    func dropReplacedLayouts() {
        for layout in state.pointee.replaced { layout.release() }
        state.pointee.replaced.removeAll(keepingCapacity: true)
    }

    /// Makes `layout` (a reference this table now owns) the current layout.
    private func replaceLayout(_ layout: Unmanaged<FlushLayout>) {
        let old = state.pointee.layout
        state.pointee.view = layout._withUnsafeGuaranteedRef { $0.view }
        state.pointee.layout = layout
        // In copy-on-write mode a reader may hold the old layout: keep it for the owner.
        if copyOnWrite { state.pointee.replaced.append(old) } else { old.release() }
    }

    /// `CacheTag.Key` in 64 bits: type (2) | target (26) | DID (16) | PASID (20).
    @inline(__always)
    static func packedKey(_ tag: CacheTag) -> UInt64 {
        let target = tag.type.isDeviceTLB ? tag.device.id.rawValue : tag.unit.id.rawValue
        precondition(
            (0..<(1 << 26)).contains(target), "grouped-array: unit or device index \(target) is not in 0..<2^26")
        return UInt64(tag.type.rawValue) << 62 | UInt64(target) << 36 | UInt64(tag.domainID.rawValue) << 20
            | UInt64(tag.pasid.rawValue)
    }

    @inline(__always)
    private func recordPosition(_ key: UInt64) -> Int? {
        tagIndex.find(hash: key) { records[$0].key == key }
    }

    /// The index of run `kind` of group `group`, in place (no accessor coroutine).
    @inline(__always)
    private func runIndex(_ group: Int, _ kind: TemplateKind) -> UnsafeMutablePointer<RunIndex> {
        (UnsafeMutableRawPointer(groupIndexes.base + group) + kind.rawValue * MemoryLayout<RunIndex>.stride)
            .assumingMemoryBound(to: RunIndex.self)
    }

    public func assign(_ tag: CacheTag) {
        let key = Self.packedKey(tag)
        if let position = recordPosition(key) {
            records[position].users += 1
            return
        }
        records.append(TagRecord(key: key, users: 1, facts: CacheTagFacts.shared.intern(tag.unit, tag.device)))
        tagIndex.insert(records.count - 1, hash: key) { records[$0].key }

        let (kind, word0) = template(for: tag)
        let (group, fresh) = groupIndex(for: tag.unit)
        let index = runIndex(group, kind)
        let run = view.run(group, kind).pointee
        let current = view.words(run)
        if let position = index.pointee.slots.find(hash: word0, { current[$0] == word0 }) {
            index.pointee.users[position] += 1
            return
        }
        // A new template: make room in its run (always a new layout in copy-on-write mode, unless
        // this assign already built one for a new group and it has room).
        if run.count == run.capacity || (copyOnWrite && !fresh) {
            let growing = group
            let grow = !copyOnWrite
            replaceLayout(
                FlushLayout.rebuilt(from: view) { index, runKind, count, capacity in
                    guard index == growing, runKind == kind else { return grow ? capacity : count }
                    return grow ? max(4, capacity * 2) : count + 1
                })
        }
        let repeats = tag.type.isDeviceTLB && tag.device.needsExtraInvalidation
        let view = self.view
        let position = view.append(word0, repeats: repeats, group: group, kind: kind)
        index.pointee.users.append(1)
        let words = view.words(view.run(group, kind).pointee)
        index.pointee.slots.insert(position, hash: word0) { words[$0] }
        templateCount += 1
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        let key = Self.packedKey(tag)
        guard let position = recordPosition(key) else { throw CacheTagError.notAssigned(tag.description) }
        records[position].users -= 1
        guard records[position].users == 0 else { return }
        // The template is the one the first assign made: rebuild that tag from its interned facts.
        let (unit, device) = CacheTagFacts.shared.facts(records[position].facts)
        let stored = CacheTag(type: tag.type, unit: unit, device: device, domainID: tag.domainID, pasid: tag.pasid)
        removeRecord(at: position)

        let (kind, word0) = template(for: stored)
        guard let group = view.groupIndex(of: unit.id) else { preconditionFailure("template of \(tag) missing") }
        let index = runIndex(group, kind)
        let current = view.words(view.run(group, kind).pointee)
        guard let templatePosition = index.pointee.slots.find(hash: word0, { current[$0] == word0 }) else {
            preconditionFailure("template of \(tag) missing")
        }
        guard index.pointee.users[templatePosition] == 1 else {
            index.pointee.users[templatePosition] -= 1
            return
        }
        if copyOnWrite { replaceLayout(FlushLayout.rebuilt(from: view) { _, _, count, _ in count }) }
        // Index first (it reads the words), then the layout: both swap-remove.
        let view = self.view
        let words = view.words(view.run(group, kind).pointee)
        index.pointee.slots.remove(templatePosition, hash: word0) { words[$0] }
        let last = Int(view.run(group, kind).pointee.count) - 1
        if templatePosition != last {
            index.pointee.slots.replace(last, with: templatePosition, hash: words[last])
            index.pointee.users[templatePosition] = index.pointee.users[last]
        }
        index.pointee.users.removeLast()
        view.remove(at: templatePosition, group: group, kind: kind)
        templateCount -= 1
        if view.groups[group].isEmpty {
            replaceLayout(FlushLayout.rebuilt(from: view, removing: group) { _, _, _, capacity in capacity })
            groupIndexes.remove(at: group)
        }
    }

    /// Swap-removes record `position`, keeping the index in step.
    private func removeRecord(at position: Int) {
        let key = records[position].key
        tagIndex.remove(position, hash: key) { records[$0].key }
        let last = records.count - 1
        if position != last {
            let moved = records[last]
            tagIndex.replace(last, with: position, hash: moved.key)
            records[position] = moved
        }
        records.removeLast()
    }

    /// The kind and quadword 0 of `tag`'s template.
    private func template(for tag: CacheTag) -> (TemplateKind, UInt64) {
        let kind: TemplateKind
        let descriptor: InvalidationDescriptor
        switch tag.type {
        case .iotlb where domainUsesFirstStage:
            kind = .pasidIOTLB
            descriptor = .pasidIOTLB(.pasidSelective, domainID: tag.domainID, pasid: tag.pasid)
        case .iotlb, .nestingIotlb:
            kind = .domainIOTLB
            descriptor = .iotlb(.domainSelective, domainID: tag.domainID)
        case .devtlb:
            kind = .rangeDeviceTLB
            descriptor = FlushScope.deviceTLBDescriptor(device: tag.device, pasid: tag.pasid, block: .wholeAddressSpace)
        case .nestingDevtlb:
            kind = .wholeDeviceTLB
            descriptor = FlushScope.deviceTLBDescriptor(device: tag.device, pasid: tag.pasid, block: .wholeAddressSpace)
        }
        let granularityBits: UInt64 = 0x3 << 4
        let word0 = kind == .domainIOTLB || kind == .pasidIOTLB ? descriptor.quadword0 & ~granularityBits : descriptor.quadword0
        return (kind, word0)
    }

    /// The index of `unit`'s group, inserting an empty one in unit order (into a new layout) if
    /// needed; `fresh` tells that the layout was built by this call.
    private func groupIndex(for unit: IOMMUUnit) -> (index: Int, fresh: Bool) {
        let view = self.view
        var insertion = view.groupCount
        for index in 0..<view.groupCount {
            let id = view.groups[index].unit
            if id == unit.id { return (index, false) }
            if id > unit.id {
                insertion = index
                break
            }
        }
        replaceLayout(
            FlushLayout.rebuilt(from: view, inserting: (insertion, unit)) { [copyOnWrite] _, _, count, capacity in
                copyOnWrite ? count : capacity
            })
        groupIndexes.insert(GroupIndex(), at: insertion)
        return (insertion, true)
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        view.walk(scope: .range(AlignedInvalidation(covering: range), invalidationHint: invalidationHint), into: &sink)
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        view.walk(scope: .all, into: &sink)
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        view.walkNewMappings(range, domainUsesFirstStage: domainUsesFirstStage, into: &sink)
    }

    public var countedTags: [CountedCacheTag] {
        let facts = CacheTagFacts.shared
        return records.buffer.map { record -> CountedCacheTag in
            let (unit, device) = facts.facts(record.facts)
            let type = CacheTagType(rawValue: UInt8(record.key >> 62))!
            let tag = CacheTag(
                type: type, unit: unit, device: device, domainID: DomainID(UInt16(truncatingIfNeeded: record.key >> 20)),
                pasid: PASID(unchecked: UInt32(truncatingIfNeeded: record.key & 0xf_ffff)))
            return CountedCacheTag(tag: tag, users: Int(record.users))
        }
        .sorted { $0.tag.key.walkOrder.lexicographicallyPrecedes($1.tag.key.walkOrder) }
    }

    /// The table's own memory: records, tag index, the run indexes and the flush layout.
    /// The interned unit and device facts are shared by every table (`CacheTagFacts`), like the
    /// kernel's `iommu` and `dev` structures, and are not counted here.
    public var footprintBytes: Int {
        var bytes = MemoryLayout<State>.stride + records.capacity * MemoryLayout<TagRecord>.stride
        bytes += tagIndex.footprintBytes
        bytes += groupIndexes.capacity * MemoryLayout<GroupIndex>.stride
        for group in 0..<groupIndexes.count { bytes += groupIndexes[group].footprintBytes }
        return bytes + state.pointee.layout._withUnsafeGuaranteedRef { $0.byteCount }
    }
}

// MARK: - Storage helpers

/// A growable array in manually managed memory: no reference counting, so a reader can walk it
/// through a plain pointer. Noncopyable: it owns its memory and its deinit frees it.
struct RawBuffer<Element: ~Copyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element> = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    private(set) var count = 0
    private(set) var capacity = 0

    init() {}

    deinit {
        guard capacity > 0 else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(position: Int) -> Element {
        @inline(__always) _read { yield base[position] }
        @inline(__always) nonmutating _modify { yield &base[position] }
    }

    /// Doubling, from 1 for large elements (a unit group) or 4 for small ones.
    private var grownCapacity: Int { capacity > 0 ? capacity * 2 : (MemoryLayout<Element>.stride > 32 ? 1 : 4) }

    mutating func append(_ element: consuming Element) {
        if count == capacity { grow(to: grownCapacity) }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func insert(_ element: consuming Element, at position: Int) {
        if count == capacity { grow(to: grownCapacity) }
        (base + position + 1).moveInitialize(from: base + position, count: count - position)
        (base + position).initialize(to: element)
        count += 1
    }

    mutating func remove(at position: Int) {
        (base + position).deinitialize(count: 1)
        (base + position).moveInitialize(from: base + position + 1, count: count - position - 1)
        count -= 1
    }

    mutating func removeLast() {
        count -= 1
        (base + count).deinitialize(count: 1)
    }

    private mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if capacity > 0 {
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = newCapacity
    }
}

extension RawBuffer where Element: Copyable {
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: capacity == 0 ? nil : base, count: count) }
}

/// An open-addressing (linear probing) index of positions in some array, keyed by a 64-bit hash
/// the caller supplies; slots hold position + 1 (0 = empty), load at most 3/4, deletion by
/// backward shift (no tombstones). Callers pass closures that read the keyed array.
struct SlotIndex: ~Copyable {
    private var slots = RawBuffer<UInt32>()
    private var used = 0
    private var shift = 64

    var footprintBytes: Int { slots.capacity * 4 }

    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift)) }

    @inline(__always)
    func find(hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        guard used > 0 else { return nil }
        let mask = slots.count - 1
        var slot = home(hash)
        while true {
            let value = slots[slot]
            if value == 0 { return nil }
            if matches(Int(value) - 1) { return Int(value) - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `position` (whose key hashes to `hash`); `hashOf` gives the hash of any indexed position.
    mutating func insert(_ position: Int, hash: UInt64, _ hashOf: (Int) -> UInt64) {
        if (used + 1) * 4 > slots.count * 3 { rehash(to: Swift.max(8, slots.count * 2), hashOf) }
        place(position, hash: hash)
        used += 1
    }

    private mutating func place(_ position: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = home(hash)
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(position + 1)
    }

    /// Removes `position` (whose key hashes to `hash`).
    mutating func remove(_ position: Int, hash: UInt64, _ hashOf: (Int) -> UInt64) {
        let mask = slots.count - 1
        var slot = home(hash)
        while Int(slots[slot]) != position + 1 { slot = (slot + 1) & mask }
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let wanted = home(hashOf(Int(slots[next]) - 1))
            // Move `next` into the hole unless its home lies cyclically in (hole, next].
            let distanceToNext = (next - wanted) & mask
            let distanceToHole = (hole - wanted) & mask
            if distanceToHole < distanceToNext {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        used -= 1
    }

    /// The entry of position `old` (key hash `hash`) now names `new`.
    mutating func replace(_ old: Int, with new: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = home(hash)
        while Int(slots[slot]) != old + 1 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(new + 1)
    }

    private mutating func rehash(to count: Int, _ hashOf: (Int) -> UInt64) {
        var old = RawBuffer<UInt32>()
        swap(&old, &slots)
        for _ in 0..<count { slots.append(0) }
        shift = 64 - count.trailingZeroBitCount
        for slot in 0..<old.count where old[slot] != 0 {
            let position = Int(old[slot]) - 1
            place(position, hash: hashOf(position))
        }
    }
}

/// The unit and device facts tags were assigned with, interned once per process and shared by
/// every `GroupedArrayTable` (a tag keeps a 4-byte handle, as the kernel's tag keeps pointers to
/// its `intel_iommu` and `device`). Thread-safe; entries are never removed.
final class CacheTagFacts: @unchecked Sendable {
    static let shared = CacheTagFacts()

    private struct Facts: Hashable {
        let unit: IOMMUUnit
        let device: Device

        /// A few identifying fields (equality still compares all): hashing every field of both
        /// values was most of an assign's cost.
        func hash(into hasher: inout Hasher) {
            hasher.combine(device.id.rawValue &* 31 &+ unit.id.rawValue)
            hasher.combine(device.source.rawValue)
        }
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var handles: [Facts: UInt32] = [:]
    private var entries: [Facts] = []

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    func intern(_ unit: IOMMUUnit, _ device: Device) -> UInt32 {
        let facts = Facts(unit: unit, device: device)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let handle = handles[facts] { return handle }
        let handle = UInt32(entries.count)
        entries.append(facts)
        handles[facts] = handle
        return handle
    }

    func facts(_ handle: UInt32) -> (IOMMUUnit, Device) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let facts = entries[Int(handle)]
        return (facts.unit, facts.device)
    }

    /// Distinct (unit, device) pairs interned so far.
    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return entries.count
    }
}
