import TestSupport
import CacheTags
import Testing
import VTd

@Suite("CacheTagDirectory")
struct CacheTagDirectoryTests {
    let unit0 = makeUnit(0)
    let unit1 = makeUnit(1)
    var devices: [Device] {
        [
            makeDevice(0, on: unit0, ats: true), makeDevice(1, on: unit0), makeDevice(2, on: unit1, ats: true),
        ]
    }

    func directory<T: CacheTagTable>(_: T.Type, scheme: any DomainIDScheme = PerDomainScheme()) -> CacheTagDirectory<T> {
        CacheTagDirectory<T>(units: [unit0, unit1], devices: devices, scheme: scheme)
    }

    @Test("an attachment assigns IOTLB, DEVTLB with ATS, and NESTING tags on the parent (kernel-list)")
    func attachmentTagsList() throws { try checkAttachmentTags(KernelListTable.self) }

    @Test("an attachment assigns IOTLB, DEVTLB with ATS, and NESTING tags on the parent (grouped-array)")
    func attachmentTagsGrouped() throws { try checkAttachmentTags(GroupedArrayTable.self) }

    func checkAttachmentTags<T: CacheTagTable>(_ type: T.Type) throws {
        let dir = directory(T.self)
        let parent = IOMMUDomainID(1)
        let child = IOMMUDomainID(2)
        try dir.createDomain(parent, kind: .secondStage)
        try dir.createDomain(child, kind: .nested(parent: parent))
        #expect(dir.kind(of: child) == .nested(parent: parent))
        #expect(dir.domainIDs == [parent, child])

        let p = try dir.attach(parent, device: DeviceID(1), pasid: .none)
        #expect(p.tags.map(\.tag.type) == [.iotlb])
        #expect(p.domainID == DomainID(2))

        let c = try dir.attach(child, device: DeviceID(0), pasid: pasid(5))
        #expect(c.tags.map(\.tag.type) == [.iotlb, .devtlb, .nestingIotlb, .nestingDevtlb])
        #expect(c.tags.map(\.owner) == [child, child, parent, parent])
        #expect(c.tags.allSatisfy { $0.tag.domainID == c.domainID && $0.tag.pasid == pasid(5) })
        #expect(c.domainID == DomainID(3))
        #expect(dir.table(of: parent)?.tagCount == 3)
        #expect(dir.table(of: child)?.tagCount == 2)
        #expect(dir.tagCount == 5)
        #expect(dir.attachment(device: DeviceID(0), pasid: pasid(5))?.domain == child)
        #expect(dir.allAttachments.count == 2)

        // A second device of the same unit attached at the same PASID shares the parent's IOTLB tag.
        try dir.detach(device: DeviceID(1), pasid: .none)
        try dir.attach(parent, device: DeviceID(0), pasid: .none)
        try dir.attach(parent, device: DeviceID(1), pasid: .none)
        let iotlb = dir.table(of: parent)!.countedTags.filter { $0.tag.type == .iotlb }
        #expect(iotlb.count == 1)
        #expect(iotlb.first?.users == 2)

        // Flushes route to the domain's table.
        var sink = CountingSink()
        #expect(try dir.flushAll(parent, into: &sink) == 4)  // iotlb + devtlb + nesting iotlb + nesting devtlb
        #expect(try dir.flushRange(child, pages(0, 1), into: &sink) == 2)
        #expect(try dir.flushRangeForNewMappings(child, pages(0, 1), into: &sink) == 0)
        // First-stage child: write-buffer flushes only; the list flushes per tag, the grouped table per unit.
        #expect(sink.writeBufferFlushes == (T.self == KernelListTable.self ? 2 : 1))

        // Detaching everything empties every table and frees every DID.
        try dir.detach(device: DeviceID(0), pasid: pasid(5))
        try dir.detach(device: DeviceID(0), pasid: .none)
        try dir.detach(device: DeviceID(1), pasid: .none)
        #expect(dir.tagCount == 0)
        #expect(dir.didsInUse == 0)
        try dir.destroyDomain(child)
        try dir.destroyDomain(parent)
        #expect(dir.domainIDs.isEmpty)
        #expect(dir.footprintBytes == 0)
    }

    @Test("refusals are typed and change nothing")
    func refusals() throws {
        let dir = directory(KernelListTable.self)
        let a = IOMMUDomainID(1)
        let b = IOMMUDomainID(2)
        try dir.createDomain(a, kind: .secondStage)
        try dir.createDomain(b, kind: .firstStage)
        #expect(throws: DirectoryError.domainExists(a)) { try dir.createDomain(a, kind: .sva) }
        #expect(throws: DirectoryError.unknownDomain(IOMMUDomainID(9))) {
            try dir.createDomain(IOMMUDomainID(3), kind: .nested(parent: IOMMUDomainID(9)))
        }
        #expect(throws: DirectoryError.parentNotSecondStage(child: IOMMUDomainID(3), parent: b)) {
            try dir.createDomain(IOMMUDomainID(3), kind: .nested(parent: b))
        }
        #expect(throws: DirectoryError.unknownDomain(IOMMUDomainID(9))) {
            try dir.attach(IOMMUDomainID(9), device: DeviceID(0), pasid: .none)
        }
        #expect(throws: DirectoryError.unknownDevice(DeviceID(7))) { try dir.attach(a, device: DeviceID(7), pasid: .none) }
        try dir.attach(a, device: DeviceID(0), pasid: .none)
        #expect(throws: DirectoryError.alreadyAttached(device: DeviceID(0), pasid: .none)) {
            try dir.attach(b, device: DeviceID(0), pasid: .none)
        }
        #expect(throws: DirectoryError.notAttached(device: DeviceID(1), pasid: .none)) {
            try dir.detach(device: DeviceID(1), pasid: .none)
        }
        #expect(throws: DirectoryError.domainBusy(a)) { try dir.destroyDomain(a) }
        try dir.createDomain(IOMMUDomainID(3), kind: .nested(parent: a))
        try dir.detach(device: DeviceID(0), pasid: .none)
        #expect(throws: DirectoryError.domainBusy(a)) { try dir.destroyDomain(a) }
        #expect(throws: DirectoryError.unknownDomain(IOMMUDomainID(9))) {
            var sink = CountingSink()
            try dir.flushAll(IOMMUDomainID(9), into: &sink)
        }
        #expect(dir.attachFailures == 0)
        #expect(dir.tagCount == 0)
        #expect(dir.didsInUse == 0)
    }
}
