import VTd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The optimized cache-tag table: tags indexed by a hash for O(1) assign and unassign, and the
/// flush walk reduced to contiguous arrays of precomputed descriptor templates grouped by unit.
///
/// Design (after the Arm SMMUv3 invalidation array, docs/vtd-facts.md §8):
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
