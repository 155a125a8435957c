import TestSupport
import CacheTags
import Testing
import VTd
import Workloads

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("KernelListTable")
struct KernelListTableTests {
    typealias Table = KernelListTable

    // The behaviours every table shares are in `EveryTableTests`.

    @Test("footprint: one node per tag")
    func footprint() throws {
        let table = Table(domainUsesFirstStage: false)
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit)
        table.assign(makeTag(.iotlb, unit, device, did: 2))
        let one = table.footprintBytes
        table.assign(makeTag(.iotlb, unit, device, did: 3))
        let two = table.footprintBytes
        // One node more, counted as the allocator hands it out (at least the node's size).
        #expect(two - one == one - table.fixedFootprintBytes && two - one >= table.nodeBytes)
        table.assign(makeTag(.iotlb, unit, device, did: 3))  // a re-assign allocates nothing lasting
        #expect(table.footprintBytes == two)
    }

    // MARK: The list's own semantics

    @Test("one descriptor per tag, duplicates included")
    func oneDescriptorPerTag() {
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit)
        let table = Table(domainUsesFirstStage: false)
        // A second-stage domain attached at three PASIDs: three IOTLB tags, one DID.
        for value in [0, 1, 2] as [UInt32] { table.assign(makeTag(.iotlb, unit, device, did: 6, pasid: value)) }
        // Nested children sharing DID 9 at two PASIDs: two NESTING_IOTLB tags on the parent.
        table.assign(makeTag(.nestingIotlb, unit, device, did: 9, pasid: 4))
        table.assign(makeTag(.nestingIotlb, unit, device, did: 9, pasid: 5))
        let result = flushAll(table)
        let dsi6 = InvalidationDescriptor.iotlb(.domainSelective, domainID: DomainID(6))
        let dsi9 = InvalidationDescriptor.iotlb(.domainSelective, domainID: DomainID(9))
        #expect(result.descriptors == [dsi6, dsi6, dsi6, dsi9, dsi9])
        #expect(result.returned == 5)
        // Re-assigning adds users, not descriptors.
        table.assign(makeTag(.iotlb, unit, device, did: 6, pasid: 1))
        #expect(flushAll(table).descriptors.count == 5)
    }

    @Test("tags of a unit stay adjacent; a new unit's run starts at the head, as in the kernel")
    func adjacency() throws {
        let units = (0..<3).map { makeUnit($0) }
        let devices = units.map { makeDevice($0.id.rawValue, on: $0, ats: true) }
        let table = Table(domainUsesFirstStage: false)
        func tag(_ unit: Int, _ did: UInt16, _ type: CacheTagType = .iotlb) -> CacheTag {
            makeTag(type, units[unit], devices[unit], did: did)
        }
        // Interleaved: B, A, B, C, A, C(devtlb), B(devtlb), A(devtlb).
        let order = [tag(1, 10), tag(0, 20), tag(1, 11), tag(2, 30), tag(0, 21), tag(2, 30, .devtlb), tag(1, 10, .devtlb), tag(0, 21, .devtlb)]
        for t in order { table.assign(t) }
        var listed = table.countedTags.map { "\($0.tag.unit.id.rawValue):\($0.tag.type):\($0.tag.domainID.rawValue)" }
        #expect(listed == ["2:iotlb:30", "2:devtlb:30", "0:iotlb:20", "0:iotlb:21", "0:devtlb:21", "1:iotlb:10", "1:iotlb:11", "1:devtlb:10"])
        #expect(isContiguous(table.countedTags.map(\.tag.unit.id)))

        // Emptying unit 1 and coming back puts its run at the head.
        for t in [tag(1, 10), tag(1, 11), tag(1, 10, .devtlb)] { try table.unassign(t) }
        table.assign(tag(1, 12))
        table.assign(tag(0, 22))
        listed = table.countedTags.map { "\($0.tag.unit.id.rawValue):\($0.tag.type):\($0.tag.domainID.rawValue)" }
        #expect(listed == ["1:iotlb:12", "2:iotlb:30", "2:devtlb:30", "0:iotlb:20", "0:iotlb:21", "0:devtlb:21", "0:iotlb:22"])

        // The flush walks in list order, one submission per unit run.
        let result = flushAll(table)
        #expect(result.submissions.map(\.unit) == [1, 2, 0])
        #expect(result.sizes == [1, 2, 4])
    }

    @Test("random interleaved assigns keep every unit contiguous")
    func adjacencyRandom() throws {
        var rng = SplitMix64(seed: 0xAD1ACE)
        let units = (0..<4).map { makeUnit($0) }
        let devices = units.map { makeDevice($0.id.rawValue, on: $0, ats: true) }
        let table = Table(domainUsesFirstStage: false)
        var live: [CacheTag] = []
        for _ in 0..<600 {
            if live.isEmpty || rng.chance(60) {
                let index = rng.below(4)
                let tag = makeTag(
                    rng.pick([.iotlb, .devtlb, .nestingIotlb, .nestingDevtlb] as [CacheTagType]), units[index],
                    devices[index], did: UInt16(2 + rng.below(6)), pasid: UInt32(rng.below(3)))
                table.assign(tag)
                live.append(tag)
            } else {
                try table.unassign(live.remove(at: rng.below(live.count)))
            }
            #expect(isContiguous(table.countedTags.map(\.tag.unit.id)))
            #expect(table.countedTags.reduce(0) { $0 + $1.users } == live.count)
        }
    }

    @Test("40 identical descriptors still take 16, 16, 8: the list never merges")
    func batchesOfDuplicates() {
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit)
        let table = Table(domainUsesFirstStage: false)
        for value in 1...40 { table.assign(makeTag(.iotlb, unit, device, did: 3, pasid: UInt32(value))) }
        let result = flushRange(table, pages(8, 8))
        #expect(result.sizes == [16, 16, 8])
        #expect(Set(result.descriptors).count == 1)
    }

    @Test("batches: 16 per submission, closed at every unit change")
    func batchesAcrossUnits() {
        let units = (0..<3).map { makeUnit($0) }
        let devices = units.map { makeDevice($0.id.rawValue, on: $0) }
        let table = Table(domainUsesFirstStage: true)
        // 20 tags on unit 0, 5 on unit 1, 18 on unit 2, interleaved.
        var pasidValue: UInt32 = 1
        for round in 0..<20 {
            for (index, count) in [(0, 20), (1, 5), (2, 18)] where round < count {
                table.assign(makeTag(.iotlb, units[index], devices[index], did: 1, pasid: pasidValue))
                pasidValue += 1
            }
        }
        let result = flushRange(table, pages(0, 1))
        #expect(result.submissions.map(\.unit) == [2, 2, 1, 0, 0])
        #expect(result.sizes == [16, 2, 5, 16, 4])
        #expect(result.returned == 43)
        // At least one submission per unit run, none above 16.
        #expect(result.sizes.allSatisfy { (1...16).contains($0) })
    }

    @Test("a custom allocator provides the nodes")
    func customAllocator() throws {
        let allocator = TagAllocator(name: "test", allocate: { malloc($0) }, deallocate: { free($0) })
        let table = KernelListTable(domainUsesFirstStage: false, allocator: allocator)
        let unit = makeUnit(0)
        table.assign(makeTag(.iotlb, unit, makeDevice(0, on: unit), did: 2))
        #expect(table.tagCount == 1)
        #expect(Table.name == "kernel-list")
        #expect(ObjectIdentifier(CacheTagTables.kernel.type) == ObjectIdentifier(KernelListTable.self))
    }
}

/// Whether equal values form one run each.
func isContiguous<T: Hashable>(_ values: [T]) -> Bool {
    var seen: Set<T> = []
    var previous: T?
    for value in values {
        if value != previous {
            if seen.contains(value) { return false }
            seen.insert(value)
            previous = value
        }
    }
    return true
}
