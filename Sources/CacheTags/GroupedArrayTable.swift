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
/// - templates live in per-unit groups, sorted by unit and split by kind, IOTLB kinds before
///   device-TLB kinds (the TLB must be clean before the device refetches), so the walk is a few
///   tight loops that compute quadword 1 once per group and batch per unit with no unit changes
///   inside a group;
/// - the flush path reads only those arrays and allocates nothing.
///
/// Storage is compact and manually managed (no reference counting on any path): a tag is a
/// 16-byte record (packed identity, users, a handle to its unit and device facts) in a dense
/// array behind an open-addressing index of 4-byte slots; a template is its 8-byte quadword 0
/// plus a 4-byte count in per-kind arrays, each with its own 4-byte-slot index. The unit and device
/// facts a tag was assigned with (for `countedTags`) are interned once per process in
/// `CacheTagFacts`, as the kernel's `struct cache_tag` points at its `iommu` and `dev`.
///
/// A device with the extra-invalidation quirk still gets its device-TLB descriptor twice: that
/// repetition is the erratum's workaround, not a duplicate.
public final class GroupedArrayTable: CacheTagTable {
    public static let name = "grouped-array"
    public static let summary =
        "hash-indexed tags over per-unit arrays of precomputed descriptor templates; exact duplicates emitted once"

    /// Where a tag's descriptor family lives.
    enum TemplateKind: Int {
        /// DID-based IOTLB (second-stage domains, NESTING_IOTLB on parents).
        case domainIOTLB
        /// PASID-based IOTLB (the first-stage domain's own IOTLB tags).
        case pasidIOTLB
        /// Device TLB, flushed over the range (DEVTLB).
        case rangeDeviceTLB
        /// Device TLB, always flushed whole (NESTING_DEVTLB).
        case wholeDeviceTLB
    }

    /// One tag: 16 bytes.
    struct TagRecord {
        /// `CacheTag.Key` packed (see `packedKey`).
        let key: UInt64
        var users: UInt32
        /// The tag's unit and device in `CacheTagFacts`.
        let facts: UInt32
    }

    /// The templates of one kind in one unit: quadword 0 (without the granularity bits for IOTLB
    /// kinds) and, in `counts`, how many tags map to it, with `repeatFlag` set for devices with the
    /// extra-invalidation quirk (emitted twice).
    struct TemplateRun {
        var words = RawBuffer<UInt64>()
        var counts = RawBuffer<UInt32>()
        /// Positions + 1 by quadword 0.
        var index = SlotIndex()
        /// PASID-based device-TLB templates (type 8) among them: while there are none (or only
        /// those), a device-TLB loop uses one quadword 1 for the whole run.
        var pasidTemplates = 0

        static let repeatFlag: UInt32 = 1 << 31

        var count: Int { words.count }

        func position(of word0: UInt64) -> Int? {
            index.find(hash: word0) { words[$0] == word0 }
        }

        mutating func append(_ word0: UInt64, repeats: Bool) {
            if Self.isPASIDDeviceTLB(word0) { pasidTemplates += 1 }
            words.append(word0)
            counts.append(repeats ? Self.repeatFlag | 1 : 1)
            let words = self.words
            index.insert(words.count - 1, hash: word0) { words[$0] }
        }

        /// Swap-remove at `position`: the last template moves into its place.
        mutating func remove(at position: Int) {
            let word0 = words[position]
            if Self.isPASIDDeviceTLB(word0) { pasidTemplates -= 1 }
            let words = self.words
            index.remove(position, hash: word0) { words[$0] }
            let last = words.count - 1
            if position != last {
                let moved = words[last]
                index.replace(last, with: position, hash: moved)
                words[position] = moved
                counts[position] = counts[last]
            }
            self.words.removeLast()
            counts.removeLast()
        }

        @inline(__always)
        static func isPASIDDeviceTLB(_ word0: UInt64) -> Bool {
            word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue
        }

        func deallocate() {
            words.deallocate()
            counts.deallocate()
            index.deallocate()
        }

        var footprintBytes: Int { words.capacity * 8 + counts.capacity * 4 + index.footprintBytes }
    }

    /// The templates of one unit, by kind.
    struct UnitGroup {
        let unit: IOMMUUnitID
        let capabilities: IOMMUCapabilities
        var runs = (TemplateRun(), TemplateRun(), TemplateRun(), TemplateRun())
        /// Templates emitted more than once (devices with the extra-invalidation quirk): while
        /// there are none, the device-TLB loops need not look at the counts.
        var repeatingTemplates = 0

        subscript(kind: TemplateKind) -> TemplateRun {
            get {
                switch kind {
                case .domainIOTLB: runs.0
                case .pasidIOTLB: runs.1
                case .rangeDeviceTLB: runs.2
                case .wholeDeviceTLB: runs.3
                }
            }
            _modify {
                switch kind {
                case .domainIOTLB: yield &runs.0
                case .pasidIOTLB: yield &runs.1
                case .rangeDeviceTLB: yield &runs.2
                case .wholeDeviceTLB: yield &runs.3
                }
            }
        }

        var domainIOTLB: TemplateRun { runs.0 }
        var pasidIOTLB: TemplateRun { runs.1 }
        var rangeDeviceTLB: TemplateRun { runs.2 }
        var wholeDeviceTLB: TemplateRun { runs.3 }

        var templateCount: Int { runs.0.count + runs.1.count + runs.2.count + runs.3.count }
        var isEmpty: Bool { templateCount == 0 }

        func deallocate() {
            runs.0.deallocate()
            runs.1.deallocate()
            runs.2.deallocate()
            runs.3.deallocate()
        }

        var footprintBytes: Int {
            runs.0.footprintBytes + runs.1.footprintBytes + runs.2.footprintBytes + runs.3.footprintBytes
        }
    }

    /// The mutable state, behind a `let` pointer: stored `var`s of a class get a dynamic
    /// exclusivity check (`swift_beginAccess`) on every access, which cost more than a whole
    /// assign's hashing; a table is used by one thread at a time (see `ConcurrentGroupedTable`).
    struct State {
        var records = RawBuffer<TagRecord>()
        /// Record positions + 1 by packed key.
        var tagIndex = SlotIndex()
        /// Sorted by unit.
        var groups = RawBuffer<UnitGroup>()
        /// Templates in all groups (kept so `templateCount` is O(1)).
        var templateCount = 0
    }

    private let domainUsesFirstStage: Bool
    private let state: UnsafeMutablePointer<State>

    private var records: RawBuffer<TagRecord> {
        @inline(__always) get { state.pointee.records }
        @inline(__always) _modify { yield &state.pointee.records }
    }
    private var tagIndex: SlotIndex {
        @inline(__always) get { state.pointee.tagIndex }
        @inline(__always) _modify { yield &state.pointee.tagIndex }
    }
    private var groups: RawBuffer<UnitGroup> {
        @inline(__always) get { state.pointee.groups }
        @inline(__always) _modify { yield &state.pointee.groups }
    }
    /// Templates in all groups.
    public private(set) var templateCount: Int {
        @inline(__always) get { state.pointee.templateCount }
        @inline(__always) set { state.pointee.templateCount = newValue }
    }

    public init(domainUsesFirstStage: Bool) {
        self.domainUsesFirstStage = domainUsesFirstStage
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        for index in 0..<groups.count { groups[index].deallocate() }
        groups.deallocate()
        records.deallocate()
        tagIndex.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    public var tagCount: Int { records.count }

    /// The per-unit template groups in walk order (read by `ConcurrentGroupedTable` to build its
    /// published flush plan).
    var unitGroups: UnsafeBufferPointer<UnitGroup> { groups.buffer }

    /// `AlignedInvalidation.wholeAddressSpace`; range flushes of DEVTLB runs do not read it (a
    /// global of another module costs a lazy-initialization check per read).
    private static let wholeAddressSpace = AlignedInvalidation.wholeAddressSpace

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

    public func assign(_ tag: CacheTag) {
        let key = Self.packedKey(tag)
        if let position = recordPosition(key) {
            records[position].users += 1
            return
        }
        records.append(TagRecord(key: key, users: 1, facts: CacheTagFacts.shared.intern(tag.unit, tag.device)))
        tagIndex.insert(records.count - 1, hash: key) { records[$0].key }

        let (kind, word0) = template(for: tag)
        let groupIndex = group(for: tag.unit)
        if let position = groups[groupIndex][kind].position(of: word0) {
            groups[groupIndex][kind].counts[position] += 1
        } else {
            let repeats = tag.type.isDeviceTLB && tag.device.needsExtraInvalidation
            groups[groupIndex][kind].append(word0, repeats: repeats)
            if repeats { groups[groupIndex].repeatingTemplates += 1 }
            templateCount += 1
        }
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
        guard let groupIndex = groups.firstIndex(where: { $0.unit == unit.id }),
            let templatePosition = groups[groupIndex][kind].position(of: word0)
        else { preconditionFailure("template of \(tag) missing") }
        let counts = groups[groupIndex][kind].counts[templatePosition]
        guard counts & ~TemplateRun.repeatFlag == 1 else {
            groups[groupIndex][kind].counts[templatePosition] = counts - 1
            return
        }
        if counts & TemplateRun.repeatFlag != 0 { groups[groupIndex].repeatingTemplates -= 1 }
        groups[groupIndex][kind].remove(at: templatePosition)
        templateCount -= 1
        if groups[groupIndex].isEmpty {
            groups[groupIndex].deallocate()
            groups.remove(at: groupIndex)
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

    /// The index of `unit`'s group, inserting an empty one in unit order if needed.
    private func group(for unit: IOMMUUnit) -> Int {
        var insertion = groups.count
        for index in 0..<groups.count {
            let id = groups[index].unit
            if id == unit.id { return index }
            if id > unit.id {
                insertion = index
                break
            }
        }
        groups.insert(UnitGroup(unit: unit.id, capabilities: unit.capabilities), at: insertion)
        return insertion
    }

    @discardableResult
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        walk(scope: .range(AlignedInvalidation(covering: range), invalidationHint: invalidationHint), into: &sink)
    }

    @discardableResult
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        walk(scope: .all, into: &sink)
    }

    private func walk<Sink: InvalidationSink>(scope: FlushScope, into sink: inout Sink) -> Int {
        let groups = self.groups
        return withInvalidationBatch(into: &sink) { batch, sink in
            for index in 0..<groups.count {
                // Through the pointer: a group is a few hundred bytes, its walk reads a few words.
                let group = UnsafePointer(groups.base + index)
                batch.enter(group.pointee.unit, into: &sink)
                // Quadword 1 and granularity are the same for every template of a kind in a group.
                if group.pointee.runs.0.words.count > 0 {
                    let shape = scope.iotlbDescriptor(domainID: DomainID(0), capabilities: group.pointee.capabilities)
                    Self.emitIOTLB(group.pointee.runs.0.words, shape, &batch, &sink)
                }
                if group.pointee.runs.1.words.count > 0 {
                    let shape = scope.pasidIOTLBDescriptor(domainID: DomainID(0), pasid: PASID(unchecked: 0))
                    Self.emitIOTLB(group.pointee.runs.1.words, shape, &batch, &sink)
                }
                let repeating = group.pointee.repeatingTemplates > 0
                if group.pointee.runs.2.words.count > 0 {
                    let block = if case let .range(flushed, _) = scope { flushed } else { Self.wholeAddressSpace }
                    Self.emitDeviceTLB(group.pointee.runs.2, block, repeating, &batch, &sink)
                }
                if group.pointee.runs.3.words.count > 0 {
                    Self.emitDeviceTLB(group.pointee.runs.3, Self.wholeAddressSpace, repeating, &batch, &sink)
                }
            }
        }
    }

    /// One IOTLB kind of a group: each template's word 0 with the shape's granularity and word 1.
    @inline(__always)
    private static func emitIOTLB<Sink: InvalidationSink>(
        _ words: RawBuffer<UInt64>, _ shape: InvalidationDescriptor, _ batch: inout InvalidationBatch,
        _ sink: inout Sink
    ) {
        let word0 = shape.quadword0
        let word1 = shape.quadword1
        let base = words.base
        batch.append(count: words.count, into: &sink) { InvalidationDescriptor(base[$0] | word0, word1) }
    }

    /// One device-TLB kind of a group over `block`; a template of a quirky device twice in a row.
    @inline(__always)
    private static func emitDeviceTLB<Sink: InvalidationSink>(
        _ run: TemplateRun, _ block: AlignedInvalidation, _ repeating: Bool, _ batch: inout InvalidationBatch,
        _ sink: inout Sink
    ) {
        let plainWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 0)
        let pasidWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 11)
        let words = run.words
        let counts = run.counts
        let base = words.base
        guard repeating else {
            if run.pasidTemplates == 0 || run.pasidTemplates == words.count {
                // One kind of device-TLB descriptor in the run: one quadword 1 for all.
                let word1 = run.pasidTemplates == 0 ? plainWord : pasidWord
                batch.append(words: base, count: words.count, word1: word1, into: &sink)
                return
            }
            batch.append(count: words.count, into: &sink) {
                let word0 = base[$0]
                return InvalidationDescriptor(
                    word0, word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue ? pasidWord : plainWord)
            }
            return
        }
        for position in 0..<words.count {
            let word0 = base[position]
            let isPASID = word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue
            let descriptor = InvalidationDescriptor(word0, isPASID ? pasidWord : plainWord)
            let repeats = counts[position] & TemplateRun.repeatFlag != 0 ? 2 : 1
            batch.append(count: repeats, into: &sink) { _ in descriptor }
        }
    }

    @discardableResult
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: false)
        let groups = self.groups.buffer
        let firstStage = domainUsesFirstStage  // (flush_range_np is rare; groups are read by value)
        return withInvalidationBatch(into: &sink) { batch, sink in
            for group in groups {
                // Not in caching mode (or first-stage): one write-buffer flush covers the unit.
                guard group.capabilities.cachingMode, !firstStage else {
                    sink.flushWriteBuffer(of: group.unit)
                    continue
                }
                guard group.domainIOTLB.count > 0 else { continue }
                let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: group.capabilities)
                batch.enter(group.unit, into: &sink)
                Self.emitIOTLB(group.domainIOTLB.words, shape, &batch, &sink)
            }
        }
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

    /// The table's own memory: records, tag index, groups and their template runs with indexes.
    /// The interned unit and device facts are shared by every table (`CacheTagFacts`), like the
    /// kernel's `iommu` and `dev` structures, and are not counted here.
    public var footprintBytes: Int {
        var bytes = MemoryLayout<State>.stride + records.capacity * MemoryLayout<TagRecord>.stride
        bytes += tagIndex.footprintBytes
        bytes += groups.capacity * MemoryLayout<UnitGroup>.stride
        for group in groups.buffer { bytes += group.footprintBytes }
        return bytes
    }
}

// MARK: - Storage helpers

/// A growable array of trivial values in manually managed memory: no reference counting, so a
/// reader can walk it through a plain pointer. The owner calls `deallocate()`.
struct RawBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element> = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    private(set) var count = 0
    private(set) var capacity = 0

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: capacity == 0 ? nil : base, count: count) }

    subscript(position: Int) -> Element {
        @inline(__always) get { base[position] }
        @inline(__always) nonmutating set { base[position] = newValue }
        @inline(__always) nonmutating _modify { yield &base[position] }
    }

    /// Doubling, from 1 for large elements (a unit group) or 4 for small ones.
    private var grownCapacity: Int { capacity > 0 ? capacity * 2 : (MemoryLayout<Element>.stride > 32 ? 1 : 4) }

    mutating func append(_ element: Element) {
        if count == capacity { grow(to: grownCapacity) }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func insert(_ element: Element, at position: Int) {
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

    func firstIndex(where predicate: (Element) -> Bool) -> Int? {
        for position in 0..<count where predicate(base[position]) { return position }
        return nil
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

    func deallocate() {
        guard capacity > 0 else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// An open-addressing (linear probing) index of positions in some array, keyed by a 64-bit hash
/// the caller supplies; slots hold position + 1 (0 = empty), load at most 3/4, deletion by
/// backward shift (no tombstones). Callers pass closures that read the keyed array.
struct SlotIndex {
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
        let old = slots
        slots = RawBuffer()
        for _ in 0..<count { slots.append(0) }
        shift = 64 - count.trailingZeroBitCount
        for slot in 0..<old.count where old[slot] != 0 {
            let position = Int(old[slot]) - 1
            place(position, hash: hashOf(position))
        }
        old.deallocate()
    }

    func deallocate() { slots.deallocate() }
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
