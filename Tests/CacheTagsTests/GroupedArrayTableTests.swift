import TestSupport
import CacheTags
import Testing
import VTd
import Workloads

@Suite("GroupedArrayTable")
struct GroupedArrayTableTests {
    typealias Table = GroupedArrayTable

    // The behaviours every table shares are in `EveryTableTests`.

    // MARK: Duplicate elimination

    @Test("NESTING_IOTLB tags of nested children sharing one DID emit one IOTLB descriptor")
    func nestedChildrenShareOneDescriptor() throws {
        let unit = makeUnit(0)
        let devices = (0..<3).map { makeDevice($0, on: unit, ats: true) }
        let parent = Table(domainUsesFirstStage: false)
        let list = KernelListTable(domainUsesFirstStage: false)
        let tags = devices.enumerated().map { index, device in
            makeTag(.nestingIotlb, unit, device, did: 9, pasid: UInt32(index + 1))
        }
        for tag in tags {
            parent.assign(tag)
            list.assign(tag)
        }
        #expect(parent.tagCount == 3)
        #expect(parent.templateCount == 1)
        let block = AlignedInvalidation(covering: pages(0x10, 1))
        let expected = InvalidationDescriptor.iotlb(.pageSelective, domainID: DomainID(9), block: block)
        #expect(flushRange(parent, pages(0x10, 1)).descriptors == [expected])
        #expect(flushRange(list, pages(0x10, 1)).descriptors == [expected, expected, expected])
        #expect(flushAll(parent).descriptors == [.iotlb(.domainSelective, domainID: DomainID(9))])

        // In caching mode the new-mappings flush is deduplicated too.
        let cm = makeUnit(1, cachingMode: true)
        let cmParent = Table(domainUsesFirstStage: false)
        for value in [1, 2] as [UInt32] {
            cmParent.assign(makeTag(.nestingIotlb, cm, makeDevice(5, on: cm), did: 9, pasid: value))
        }
        #expect(flushNewMappings(cmParent, pages(0x10, 1)).descriptors.count == 1)

        // The descriptor stays until the last sharing tag goes.
        try parent.unassign(tags[0])
        try parent.unassign(tags[2])
        #expect(parent.templateCount == 1)
        #expect(flushRange(parent, pages(0x10, 1)).descriptors == [expected])
        try parent.unassign(tags[1])
        #expect(parent.templateCount == 0)
        #expect(flushRange(parent, pages(0x10, 1)).submissions.isEmpty)
    }

    @Test("a second-stage domain attached at two PASIDs on one unit emits one IOTLB descriptor")
    func secondStageTwoPASIDs() {
        let unit = makeUnit(0)
        let other = makeUnit(1)
        let table = Table(domainUsesFirstStage: false)
        table.assign(makeTag(.iotlb, unit, makeDevice(0, on: unit), did: 4, pasid: 0))
        table.assign(makeTag(.iotlb, unit, makeDevice(1, on: unit), did: 4, pasid: 7))
        #expect(table.tagCount == 2)
        #expect(table.templateCount == 1)
        #expect(flushAll(table).descriptors == [.iotlb(.domainSelective, domainID: DomainID(4))])
        // The same DID on another unit is another queue: one descriptor there as well.
        table.assign(makeTag(.iotlb, other, makeDevice(2, on: other), did: 4, pasid: 7))
        let result = flushAll(table)
        #expect(result.submissions.map(\.unit) == [0, 1])
        #expect(result.sizes == [1, 1])
    }

    @Test("40 tags with one descriptor: one submission of one descriptor")
    func fortyDuplicates() {
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit)
        let table = Table(domainUsesFirstStage: false)
        for value in 1...40 { table.assign(makeTag(.iotlb, unit, device, did: 3, pasid: UInt32(value))) }
        #expect(table.tagCount == 40 && table.templateCount == 1)
        #expect(flushRange(table, pages(8, 8)).sizes == [1])
    }

    @Test("a parent's own IOTLB tag and a child's NESTING_IOTLB tag on the same DID emit one descriptor")
    func ownAndNestingSameDID() {
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit)
        let table = Table(domainUsesFirstStage: false)
        table.assign(makeTag(.iotlb, unit, device, did: 1))  // shared-all: everything on DID 1
        table.assign(makeTag(.nestingIotlb, unit, device, did: 1, pasid: 3))
        #expect(table.templateCount == 1)
        #expect(flushAll(table).descriptors.count == 1)
    }

    @Test("distinct descriptors are never merged")
    func distinctKept() {
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit, ats: true)
        let first = Table(domainUsesFirstStage: true)
        // Same DID, different PASIDs: PASID-based descriptors differ.
        first.assign(makeTag(.iotlb, unit, device, did: 1, pasid: 1))
        first.assign(makeTag(.iotlb, unit, device, did: 1, pasid: 2))
        first.assign(makeTag(.devtlb, unit, device, did: 1, pasid: 1))
        first.assign(makeTag(.devtlb, unit, device, did: 1, pasid: 2))
        #expect(first.templateCount == 4)
        #expect(Set(flushAll(first).descriptors).count == 4)
    }

    // MARK: Order

    @Test("units in ascending order; per unit, IOTLB kinds before device-TLB kinds")
    func order() {
        let units = (0..<3).map { makeUnit($0) }
        let devices = units.map { makeDevice($0.id.rawValue, on: $0, ats: true) }
        for firstStage in [false, true] {
            let table = Table(domainUsesFirstStage: firstStage)
            for index in [2, 0, 1] {
                let unit = units[index]
                let device = devices[index]
                // Device kinds first, IOTLB kinds last, to show the table reorders them.
                table.assign(makeTag(.nestingDevtlb, unit, device, did: 3, pasid: 5))
                table.assign(makeTag(.devtlb, unit, device, did: 2))
                if !firstStage { table.assign(makeTag(.nestingIotlb, unit, device, did: 3, pasid: 5)) }
                table.assign(makeTag(.iotlb, unit, device, did: 2))
            }
            for result in [flushRange(table, pages(0, 4)), flushAll(table)] {
                #expect(result.submissions.map(\.unit) == [0, 1, 2])
                for submission in result.submissions {
                    let kinds = submission.descriptors.map(\.isIOTLB)
                    #expect(kinds == kinds.sorted { $0 && !$1 }, "IOTLB before device TLB: \(submission)")
                    #expect(kinds.first == true && kinds.last == false)
                }
            }
        }
    }

    // MARK: Swap-remove

    @Test("random assign/unassign keeps tags, users, templates and flushes exact", arguments: [1, 2, 3] as [UInt64])
    func swapRemoveRandom(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let units = [makeUnit(0), makeUnit(1, psi: false), makeUnit(2, mamv: 2, cachingMode: true)]
        var devices: [Device] = []
        for index in 0..<9 {
            devices.append(
                makeDevice(index, on: units[index % 3], ats: index % 4 != 3, extraInvalidation: index == 4))
        }
        for firstStage in [false, true] {
            let table = Table(domainUsesFirstStage: firstStage)
            let list = KernelListTable(
                domainUsesFirstStage: firstStage, allocator: .system, kernel: KernelProfile.latest.unwidened)
            var users: [CacheTag.Key: Int] = [:]
            var live: [CacheTag] = []
            for step in 0..<1500 {
                if live.isEmpty || rng.chance(55) {
                    let device = rng.pick(devices)
                    let types: [CacheTagType] = firstStage ? [.iotlb, .devtlb] : [.iotlb, .devtlb, .nestingIotlb, .nestingDevtlb]
                    var type = rng.pick(types)
                    if !device.hasATS && type.isDeviceTLB { type = .iotlb }
                    let unit = units[device.iommu.rawValue]
                    // As in attachments: a (device, PASID) pair belongs to one attachment, so it keeps one DID
                    // and one device-TLB kind (own PASIDs 0-3, nested children's 4-7).
                    let value = UInt32(rng.below(4) + (type == .nestingIotlb || type == .nestingDevtlb ? 4 : 0))
                    let did = UInt16(2 + (device.id.rawValue * 4 + Int(value)) % 5)
                    let tag = makeTag(type, unit, device, did: did, pasid: value)
                    table.assign(tag)
                    list.assign(tag)
                    live.append(tag)
                    users[tag.key, default: 0] += 1
                } else {
                    let tag = live.remove(at: rng.below(live.count))
                    try table.unassign(tag)
                    try list.unassign(tag)
                    users[tag.key]! -= 1
                    if users[tag.key] == 0 { users[tag.key] = nil }
                }
                #expect(table.tagCount == users.count)
                guard step % 5 == 0 else { continue }
                let counted = Dictionary(uniqueKeysWithValues: table.countedTags.map { ($0.tag.key, $0.users) })
                #expect(counted == users)
                let listAll = flushAll(list)
                #expect(table.templateCount == unitMultiset(listAll).count)
                let range = pages(UInt64(rng.below(1 << 20)), UInt64(1 + rng.below(600)))
                for (ours, theirs) in [
                    (flushRange(table, range), flushRange(list, range)), (flushAll(table), flushAll(list)),
                    (flushNewMappings(table, range), flushNewMappings(list, range)),
                ] {
                    #expect(unitMultiset(ours) == collapsed(theirs, quirky: devices))
                    #expect(ours.submissions.count <= theirs.submissions.count)
                    #expect(Set(ours.writeBufferFlushes) == Set(theirs.writeBufferFlushes))
                }
            }
            while let tag = live.popLast() { try table.unassign(tag) }
            #expect(table.tagCount == 0 && table.templateCount == 0)
            #expect(flushAll(table).submissions.isEmpty)
        }
    }

    @Test("name and catalogue")
    func names() {
        #expect(Table.name == "grouped-array")
        let entry = CacheTagTables.named("grouped-array")
        #expect(entry.map { ObjectIdentifier($0.type) } == ObjectIdentifier(GroupedArrayTable.self))
        #expect(Set(CacheTagTables.runnable.map(\.name)).isSuperset(of: ["kernel-list", "grouped-array"]))
        #expect(!Table.summary.isEmpty && !KernelListTable.summary.isEmpty)
    }
}

/// A descriptor and the unit whose queue receives it: the same bits sent to two units are two
/// invalidations, not a duplicate.
struct UnitDescriptor: Hashable, CustomStringConvertible {
    let unit: Int
    let descriptor: InvalidationDescriptor
    var description: String { "dmar\(unit) \(descriptor.decoded?.description ?? "?")" }
}

/// Counts of each (unit, descriptor) of a flush.
func unitMultiset(_ result: FlushResult) -> [UnitDescriptor: Int] {
    var counts: [UnitDescriptor: Int] = [:]
    for submission in result.submissions {
        for descriptor in submission.descriptors {
            counts[UnitDescriptor(unit: submission.unit, descriptor: descriptor), default: 0] += 1
        }
    }
    return counts
}

/// The list table's (unit, descriptor) counts with exact duplicates collapsed to one copy, except
/// device-TLB descriptors of devices with the extra-invalidation quirk, which the optimized table
/// must keep twice.
func collapsed(_ result: FlushResult, quirky devices: [Device]) -> [UnitDescriptor: Int] {
    let quirkySources = Set(devices.filter(\.needsExtraInvalidation).map(\.source))
    var counts = unitMultiset(result)
    for (entry, _) in counts {
        counts[entry] = isQuirkyDeviceTLB(entry.descriptor, quirkySources) ? 2 : 1
    }
    return counts
}

/// Whether the descriptor is a device-TLB invalidation of a device with the extra-invalidation quirk.
func isQuirkyDeviceTLB(_ descriptor: InvalidationDescriptor, _ quirkySources: Set<SourceID>) -> Bool {
    switch descriptor.decoded {
    case let .deviceTLB(source, _, _), let .pasidDeviceTLB(source, _, _, _): quirkySources.contains(source)
    default: false
    }
}
