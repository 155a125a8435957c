import VTd

/// The optimized cache-tag table: one sorted array of 16-byte tag entries grouped by unit and
/// descriptor family, each entry holding the quadword 0 its flush writes (`TagArray.swift`).
///
/// Design (docs/perf-design.md; after the Arm SMMUv3 per-domain invalidation array,
/// docs/vtd-facts.md §8, without its copy per change):
/// - a flush is a few store loops over contiguous entries (`TagArrayView.walk`): per unit, per
///   kind, the scope's granularity and quadword 1 computed once, the batch split per unit as
///   the kernel's `qi_batch` is; it reads nothing else and allocates nothing;
/// - entries are sorted by (quadword 0, identity) within a kind, so tags whose descriptors are
///   bit-identical (the NESTING_IOTLB tags of nested children sharing a DID, two PASID
///   attachments of one second-stage domain) are neighbours and a flush emits them once;
/// - attach and detach find a tag by binary search in its kind and insert or remove by moving
///   the tail of the array: no hashing, no per-tag allocation, nothing interned. The first two
///   entries and the first unit live inline in the table's state, so the common domain (one unit,
///   a tag or two) never allocates after creation;
/// - storage is 16 bytes per tag plus the per-domain state; the heap buffer doubles when full
///   and halves when three quarters are unused.
///
/// A device with the extra-invalidation quirk still gets its device-TLB descriptor twice: that
/// repetition is the erratum's workaround, not a duplicate.
public final class GroupedArrayTable: CacheTagTable {
    public static let name = "grouped-array"
    public static let summary =
        "sorted 16-byte tag entries per unit and descriptor family, binary-searched; exact duplicates emitted once"

    private let domainUsesFirstStage: Bool
    /// The entries and unit headers; a `let` pointer, so no access pays an exclusivity check.
    let state: UnsafeMutablePointer<TagArrayState>

    public init(domainUsesFirstStage: Bool) {
        self.domainUsesFirstStage = domainUsesFirstStage
        state = .allocate(capacity: 1)
        TagArrayState.initialize(state)
    }

    deinit {
        state.pointee.releaseBuffers()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    public var tagCount: Int { state.pointee.count }

    /// Distinct descriptors a flush emits per unit (entries less duplicates), quirk repeats aside.
    public var templateCount: Int {
        let state = state.pointee
        var duplicates = 0
        for index in 0..<state.unitCount { duplicates += Int(state.units[index].duplicates) }
        return state.count - duplicates
    }

    /// Bumped by every change a flush can see (what `ConcurrentGroupedTable` republishes on).
    var generation: Int { state.pointee.generation }

    /// What a flush reads now.
    var view: TagArrayView { state.pointee.view }

    /// The kind, quadword 0 and identity of `tag`'s entry.
    @inline(__always)
    private func entry(for tag: CacheTag) -> (TemplateKind, UInt64, UInt64) {
        switch tag.type {
        case .iotlb where domainUsesFirstStage:
            let word0 =
                DescriptorType.pasidIOTLB.rawValue | UInt64(tag.domainID.rawValue) << 16 | UInt64(tag.pasid.rawValue) << 32
            return (.pasidIOTLB, word0, UInt64(tag.pasid.rawValue))
        case .iotlb, .nestingIotlb:
            let nesting: UInt64 = tag.type == .nestingIotlb ? 1 << 20 : 0
            return (.domainIOTLB, DescriptorType.iotlb.rawValue | UInt64(tag.domainID.rawValue) << 16,
                nesting | UInt64(tag.pasid.rawValue))
        case .devtlb, .nestingDevtlb:
            let device = tag.device
            precondition(
                (0..<(1 << 26)).contains(device.id.rawValue), "grouped-array: device index \(device.id) is not in 0..<2^26")
            let word0 = Self.deviceTLBWord0(device, tag.pasid)
            let identity =
                (device.needsExtraInvalidation ? TagEntry.repeatBit : 0) | UInt64(tag.domainID.rawValue) << 26
                | UInt64(device.id.rawValue)
            return (tag.type == .devtlb ? .rangeDeviceTLB : .wholeDeviceTLB, word0, identity)
        }
    }

    public func assign(_ tag: CacheTag) {
        let (kind, word0, identity) = entry(for: tag)
        state.pointee.assign(kind, word0, identity, on: tag.unit)
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        let (kind, word0, identity) = entry(for: tag)
        // A device-TLB tag assigned with other device facts (queue depth, quirk) has another
        // quadword 0: match it as the kernel does, by DID, device and PASID.
        let key = identity & ~TagEntry.repeatBit
        let pasid = tag.pasid.rawValue
        let found = state.pointee.unassign(kind, word0, identity, on: tag.unit.id) { entry in
            kind.isDeviceTLB && entry.identity & ~TagEntry.repeatBit == key && Self.pasid(ofDeviceTLB: entry.word0) == pasid
        }
        guard found else { throw CacheTagError.notAssigned(tag.description) }
    }

    /// Quadword 0 of the device-TLB descriptor of `device` and `pasid` (type 3 without a PASID, 8
    /// with one), as `InvalidationDescriptor.deviceTLB` / `.pasidDeviceTLB` encode it (tested equal).
    @inline(__always)
    static func deviceTLBWord0(_ device: Device, _ pasid: PASID) -> UInt64 {
        let pfsid = UInt64(device.physicalFunctionSource.rawValue)
        let depth = UInt64(device.queueDepth) & 0x1f
        let source = UInt64(device.source.rawValue)
        let split = (pfsid & 0xf) << 12 | (pfsid & 0xfff0) << 48
        guard !pasid.isNone else { return DescriptorType.deviceTLB.rawValue | split | depth << 16 | source << 32 }
        return DescriptorType.pasidDeviceTLB.rawValue | split | depth << 4 | source << 16 | UInt64(pasid.rawValue) << 32
    }

    /// The PASID a device-TLB quadword 0 carries (none for type 3).
    static func pasid(ofDeviceTLB word0: UInt64) -> UInt32 {
        TagEntry.isPASIDDeviceTLB(word0) ? UInt32(truncatingIfNeeded: word0 >> 32) & 0xf_ffff : 0
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

    /// The tags, rebuilt from the entries: the device facts a device-TLB entry does not keep
    /// (source IDs, queue depth) come from its quadword 0; an IOTLB entry's device is a stand-in
    /// behind its unit (IOTLB tags are matched by unit, `CacheTag.key`).
    public var countedTags: [CountedCacheTag] { TagArrayTags.counted(view, domainUsesFirstStage: domainUsesFirstStage) }

    /// Heap bytes as the allocator hands them out (`malloc_usable_size`): the table object, its
    /// state (inline entries and unit header included) and the heap buffers it has grown into.
    public var footprintBytes: Int {
        var bytes = AllocationSize.of(object: self) + AllocationSize.of(state)
        if !state.pointee.entriesAreInline { bytes += AllocationSize.of(state.pointee.entries) }
        if !state.pointee.unitsAreInline { bytes += AllocationSize.of(state.pointee.units) }
        return bytes
    }
}
