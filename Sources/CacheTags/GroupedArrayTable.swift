import VTd

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
/// A device with the extra-invalidation quirk still gets its device-TLB descriptor twice: that
/// repetition is the erratum's workaround, not a duplicate.
public final class GroupedArrayTable: CacheTagTable {
    public static let name = CacheTagTableKind.groupedArray.rawValue
    public static let summary =
        "hash-indexed tags over per-unit arrays of precomputed descriptor templates; exact duplicates emitted once"

    /// Where a tag's descriptor family lives.
    enum TemplateKind: UInt8 {
        /// DID-based IOTLB (second-stage domains, NESTING_IOTLB on parents).
        case domainIOTLB
        /// PASID-based IOTLB (the first-stage domain's own IOTLB tags).
        case pasidIOTLB
        /// Device TLB, flushed over the range (DEVTLB).
        case rangeDeviceTLB
        /// Device TLB, always flushed whole (NESTING_DEVTLB).
        case wholeDeviceTLB
    }

    /// The identity of a template: its unit, kind and quadword 0.
    struct TemplateKey: Hashable {
        let unit: IOMMUUnitID
        let kind: TemplateKind
        let word0: UInt64
    }

    /// One template in a group's array: 16 bytes.
    struct Template {
        /// Quadword 0 without the granularity bits (IOTLB kinds) or complete (device-TLB kinds).
        let word0: UInt64
        /// Tags that map to this template.
        var tags: Int32
        /// How many times a flush emits it: 2 for devices with the extra-invalidation quirk.
        let repeats: Int32
    }

    /// The templates of one unit.
    struct UnitGroup {
        let unit: IOMMUUnitID
        let capabilities: IOMMUCapabilities
        var domainIOTLB: ContiguousArray<Template> = []
        var pasidIOTLB: ContiguousArray<Template> = []
        var rangeDeviceTLB: ContiguousArray<Template> = []
        var wholeDeviceTLB: ContiguousArray<Template> = []
        /// Templates emitted more than once (devices with the extra-invalidation quirk): while
        /// there are none, the device-TLB loops need not look at `repeats`.
        var repeatingTemplates = 0

        subscript(kind: TemplateKind) -> ContiguousArray<Template> {
            get {
                switch kind {
                case .domainIOTLB: domainIOTLB
                case .pasidIOTLB: pasidIOTLB
                case .rangeDeviceTLB: rangeDeviceTLB
                case .wholeDeviceTLB: wholeDeviceTLB
                }
            }
            _modify {
                switch kind {
                case .domainIOTLB: yield &domainIOTLB
                case .pasidIOTLB: yield &pasidIOTLB
                case .rangeDeviceTLB: yield &rangeDeviceTLB
                case .wholeDeviceTLB: yield &wholeDeviceTLB
                }
            }
        }

        var isEmpty: Bool { domainIOTLB.isEmpty && pasidIOTLB.isEmpty && rangeDeviceTLB.isEmpty && wholeDeviceTLB.isEmpty }
        var templateCount: Int { domainIOTLB.count + pasidIOTLB.count + rangeDeviceTLB.count + wholeDeviceTLB.count }
    }

    /// A tag's entry in the hash index.
    struct TagEntry {
        let tag: CacheTag
        var users: Int
        let template: TemplateKey
    }

    private let domainUsesFirstStage: Bool
    private var tagIndex: [CacheTag.Key: TagEntry] = [:]
    private var templatePositions: [TemplateKey: Int] = [:]
    private var groups: ContiguousArray<UnitGroup> = []

    public init(domainUsesFirstStage: Bool) {
        self.domainUsesFirstStage = domainUsesFirstStage
    }

    public var tagCount: Int { tagIndex.count }

    /// The per-unit template groups in walk order (read by `ConcurrentGroupedTable` to build
    /// its published flush plan).
    var unitGroups: ContiguousArray<UnitGroup> { groups }

    /// Distinct templates: the descriptors one range flush emits, quirk repeats aside.
    public var templateCount: Int { groups.reduce(0) { $0 + $1.templateCount } }

    public func assign(_ tag: CacheTag) {
        let key = tag.key
        if let index = tagIndex.index(forKey: key) {
            tagIndex.values[index].users += 1
            return
        }
        let template = templateKey(for: tag)
        tagIndex[key] = TagEntry(tag: tag, users: 1, template: template)
        let groupIndex = group(for: tag.unit)
        if let position = templatePositions[template] {
            groups[groupIndex][template.kind][position].tags += 1
        } else {
            let repeats: Int32 = tag.type.isDeviceTLB && tag.device.needsExtraInvalidation ? 2 : 1
            templatePositions[template] = groups[groupIndex][template.kind].count
            groups[groupIndex][template.kind].append(Template(word0: template.word0, tags: 1, repeats: repeats))
            if repeats != 1 { groups[groupIndex].repeatingTemplates += 1 }
        }
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        let key = tag.key
        guard let index = tagIndex.index(forKey: key) else { throw CacheTagError.notAssigned(tag.description) }
        tagIndex.values[index].users -= 1
        guard tagIndex.values[index].users == 0 else { return }
        let template = tagIndex.values[index].template
        tagIndex.remove(at: index)

        guard let groupIndex = groups.firstIndex(where: { $0.unit == template.unit }),
            let position = templatePositions[template]
        else { preconditionFailure("template of \(tag) missing") }
        groups[groupIndex][template.kind][position].tags -= 1
        guard groups[groupIndex][template.kind][position].tags == 0 else { return }
        if groups[groupIndex][template.kind][position].repeats != 1 { groups[groupIndex].repeatingTemplates -= 1 }
        // Swap-remove keeps the array dense; the moved template's position is updated.
        templatePositions[template] = nil
        let last = groups[groupIndex][template.kind].count - 1
        if position != last {
            let moved = groups[groupIndex][template.kind][last]
            groups[groupIndex][template.kind][position] = moved
            templatePositions[TemplateKey(unit: template.unit, kind: template.kind, word0: moved.word0)] = position
        }
        groups[groupIndex][template.kind].removeLast()
        if groups[groupIndex].isEmpty { groups.remove(at: groupIndex) }
    }

    private func templateKey(for tag: CacheTag) -> TemplateKey {
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
        return TemplateKey(unit: tag.unit.id, kind: kind, word0: word0)
    }

    /// The index of `unit`'s group, inserting an empty one in unit order if needed.
    private func group(for unit: IOMMUUnit) -> Int {
        var insertion = groups.count
        for (index, group) in groups.enumerated() {
            if group.unit == unit.id { return index }
            if group.unit > unit.id {
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
        withInvalidationBatch(into: &sink) { batch, sink in
            // Groups and templates are read through buffer pointers: iterating `groups` by value
            // would copy each group and retain/release its four arrays on every flush.
            groups.withUnsafeBufferPointer { groups in
                for index in groups.indices {
                    let group = UnsafePointer(groups.baseAddress.unsafelyUnwrapped + index)
                    batch.enter(group.pointee.unit, into: &sink)
                    // Quadword 1 and granularity are the same for every template of a kind in a group.
                    if !group.pointee.domainIOTLB.isEmpty {
                        let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: group.pointee.capabilities)
                        group.pointee.domainIOTLB.withUnsafeBufferPointer { Self.emitIOTLB($0, shape, &batch, &sink) }
                    }
                    if !group.pointee.pasidIOTLB.isEmpty {
                        let shape = scope.pasidIOTLBDescriptor(domainID: .reserved, pasid: .none)
                        group.pointee.pasidIOTLB.withUnsafeBufferPointer { Self.emitIOTLB($0, shape, &batch, &sink) }
                    }
                    let repeating = group.pointee.repeatingTemplates > 0
                    if !group.pointee.rangeDeviceTLB.isEmpty {
                        var block = AlignedInvalidation.wholeAddressSpace
                        if case let .range(flushed, _) = scope { block = flushed }
                        group.pointee.rangeDeviceTLB.withUnsafeBufferPointer {
                            Self.emitDeviceTLB($0, block, repeating, &batch, &sink)
                        }
                    }
                    if !group.pointee.wholeDeviceTLB.isEmpty {
                        group.pointee.wholeDeviceTLB.withUnsafeBufferPointer {
                            Self.emitDeviceTLB($0, .wholeAddressSpace, repeating, &batch, &sink)
                        }
                    }
                }
            }
        }
    }

    /// One IOTLB kind of a group: each template's word 0 with the shape's granularity and word 1.
    @inline(__always)
    private static func emitIOTLB<Sink: InvalidationSink>(
        _ templates: UnsafeBufferPointer<Template>, _ shape: InvalidationDescriptor, _ batch: inout InvalidationBatch,
        _ sink: inout Sink
    ) {
        let word0 = shape.quadword0
        let word1 = shape.quadword1
        let base = templates.baseAddress.unsafelyUnwrapped
        batch.append(count: templates.count, into: &sink) { InvalidationDescriptor(base[$0].word0 | word0, word1) }
    }

    /// One device-TLB kind of a group over `block`; a template of a quirky device twice in a row.
    @inline(__always)
    private static func emitDeviceTLB<Sink: InvalidationSink>(
        _ templates: UnsafeBufferPointer<Template>, _ block: AlignedInvalidation, _ repeating: Bool,
        _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        let plainWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 0)
        let pasidWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 11)
        let base = templates.baseAddress.unsafelyUnwrapped
        guard repeating else {
            batch.append(count: templates.count, into: &sink) {
                let word0 = base[$0].word0
                return InvalidationDescriptor(
                    word0, word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue ? pasidWord : plainWord)
            }
            return
        }
        for template in templates {
            let isPASID = template.word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue
            let descriptor = InvalidationDescriptor(template.word0, isPASID ? pasidWord : plainWord)
            batch.append(count: Int(template.repeats), into: &sink) { _ in descriptor }
        }
    }

    @discardableResult
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: false)
        return withInvalidationBatch(into: &sink) { batch, sink in
            for group in groups {
                // Not in caching mode (or first-stage): one write-buffer flush covers the unit.
                guard group.capabilities.cachingMode, !domainUsesFirstStage else {
                    sink.flushWriteBuffer(of: group.unit)
                    continue
                }
                let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: group.capabilities)
                for template in group.domainIOTLB {
                    batch.append(
                        InvalidationDescriptor(template.word0 | shape.quadword0, shape.quadword1), for: group.unit,
                        into: &sink)
                }
            }
        }
    }

    public var countedTags: [CountedCacheTag] {
        tagIndex.values.map { CountedCacheTag(tag: $0.tag, users: $0.users) }
            .sorted { $0.tag.key.walkOrder.lexicographicallyPrecedes($1.tag.key.walkOrder) }
    }

    public var footprintBytes: Int {
        let templates = groups.reduce(0) {
            $0 + ($1.domainIOTLB.capacity + $1.pasidIOTLB.capacity + $1.rangeDeviceTLB.capacity
                + $1.wholeDeviceTLB.capacity) * MemoryLayout<Template>.stride
        }
        // Hash tables: a bucket per slot of capacity, plus one metadata bit-pair per bucket (approximate).
        let index = tagIndex.capacity * (MemoryLayout<CacheTag.Key>.stride + MemoryLayout<TagEntry>.stride + 1)
        let positions = templatePositions.capacity * (MemoryLayout<TemplateKey>.stride + MemoryLayout<Int>.stride + 1)
        return templates + index + positions + groups.capacity * MemoryLayout<UnitGroup>.stride
    }
}
