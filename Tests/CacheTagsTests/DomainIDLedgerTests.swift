import TestSupport
import CacheTags
import Testing
import VTd

@Suite("DomainIDLedger")
struct DomainIDLedgerTests {
    @Test("didsInUse and peak follow acquire and release")
    func bookkeeping() throws {
        var h = SchemeHarness(KernelScheme())
        let a = try h.acquire(1, .secondStage)
        let a2 = try h.acquire(1, .secondStage, pasid: 4)
        let b = try h.acquire(2, .secondStage)
        let s1 = try h.acquire(3, .sva, pasid: 30)
        let s2 = try h.acquire(4, .sva, pasid: 31)
        let c = try h.acquire(5, .firstStage, unit: 1, pasid: 2)
        #expect(h.ledger.didsInUse == 4)  // unit 0: 2, 3 and DID 1; unit 1: 2
        #expect(h.ledger.peakDIDsInUse == 4)

        h.ledger.release(a)
        #expect(h.ledger.didsInUse == 4)  // domain 1 still holds its DID through a2
        h.ledger.release(a2)
        #expect(h.ledger.didsInUse == 3)
        h.ledger.release(s1)
        #expect(h.ledger.didsInUse == 3)  // DID 1 still used by s2
        h.ledger.release(s2)
        #expect(h.ledger.didsInUse == 2)
        #expect(h.ledger.peakDIDsInUse == 4)

        // The freed DID 2 of unit 0 is the next one handed out there.
        let d = try h.acquire(6, .secondStage)
        #expect(d.did == DomainID(2))
        h.ledger.release(b)
        h.ledger.release(c)
        h.ledger.release(d)
        #expect(h.ledger.didsInUse == 0)
        #expect(h.ledger.peakDIDsInUse == 4)
    }

    @Test("a lease records its DID, unit, PASID and domain")
    func leaseFields() throws {
        var h = SchemeHarness(PerDomainScheme())
        let lease = try h.acquire(9, .firstStage, unit: 1, pasid: 77)
        #expect(lease.did == DomainID(2))
        #expect(lease.unit == IOMMUUnitID(1))
        #expect(lease.pasid == pasid(77))
        #expect(lease.domain == IOMMUDomainID(9))
        #expect(lease.holder == .own(IOMMUDomainID(9)))
    }

    @Test("exhaustion in the ledger is a typed error; DID 1 placements still succeed")
    func ledgerExhaustion() throws {
        var h = SchemeHarness(SharedPASIDScheme(), units: [makeUnit(0, ndoms: 16)])
        for domain in 0..<14 { _ = try h.acquire(domain, .secondStage) }
        #expect(h.ledger.didsInUse == 14)
        let space = try DomainIDSpace(domainCount: 16)
        #expect(throws: DomainIDError.exhausted(unit: IOMMUUnitID(0), space: space)) {
            _ = try h.acquire(14, .secondStage)
        }
        #expect(throws: DomainIDError.self) { _ = try h.acquire(15, .nested(parent: IOMMUDomainID(0)), pasid: 1) }
        #expect(h.ledger.didsInUse == 14)
        // Sharing DID 1 needs no allocation.
        let sva = try h.acquire(16, .sva, pasid: 5)
        #expect(sva.did == .firstStageDefault)
        #expect(h.ledger.didsInUse == 15)
        // A fallback that cannot get a DID is a failure, not a fallback.
        #expect(throws: DomainIDError.self) { _ = try h.acquire(17, .firstStage, pasid: 5) }
        #expect(h.ledger.sharingFallbacks == 0)
        #expect(h.ledger.peakDIDsInUse == 15)
    }

    @Test("exhaustion through the directory counts a failure and leaves no partial state")
    func directoryExhaustion() throws {
        let unit = makeUnit(0, ndoms: 16)
        let devices = [makeDevice(0, on: unit, ats: true), makeDevice(1, on: unit, ats: true)]
        let directory = CacheTagDirectory<GroupedArrayTable>(
            units: [unit], devices: devices, scheme: SharedPASIDScheme())
        for domain in 0..<14 {
            try directory.createDomain(IOMMUDomainID(domain), kind: .secondStage)
            try directory.attach(IOMMUDomainID(domain), device: DeviceID(0), pasid: pasid(UInt32(domain)))
        }
        #expect(directory.didsInUse == 14)
        let tagsBefore = directory.tagCount
        #expect(tagsBefore == 28)  // IOTLB + DEVTLB per attachment

        // A 15th second-stage domain.
        try directory.createDomain(IOMMUDomainID(14), kind: .secondStage)
        let error = #expect(throws: DirectoryError.self) {
            try directory.attach(IOMMUDomainID(14), device: DeviceID(1), pasid: .none)
        }
        #expect(error == .domainID(.exhausted(unit: IOMMUUnitID(0), space: try DomainIDSpace(domainCount: 16))))
        #expect(error?.description == "attach failed: DID space exhausted on iommu 0 (14 allocatable DIDs)")
        #expect(directory.attachFailures == 1)
        #expect(directory.attachment(device: DeviceID(1), pasid: .none) == nil)
        #expect(directory.table(of: IOMMUDomainID(14))?.tagCount == 0)

        // A nested child whose parent's children DID cannot be allocated: nothing lands on the parent.
        try directory.createDomain(IOMMUDomainID(20), kind: .nested(parent: IOMMUDomainID(0)))
        let parentTags = directory.table(of: IOMMUDomainID(0))?.tagCount
        #expect(throws: DirectoryError.self) { try directory.attach(IOMMUDomainID(20), device: DeviceID(1), pasid: pasid(3)) }
        #expect(directory.attachFailures == 2)
        #expect(directory.table(of: IOMMUDomainID(0))?.tagCount == parentTags)
        #expect(directory.table(of: IOMMUDomainID(20))?.tagCount == 0)

        // A first-stage domain whose PASID is taken under DID 1 falls back, and cannot: no fallback counted.
        try directory.createDomain(IOMMUDomainID(21), kind: .firstStage)
        try directory.createDomain(IOMMUDomainID(22), kind: .firstStage)
        try directory.attach(IOMMUDomainID(21), device: DeviceID(1), pasid: pasid(40))
        #expect(throws: DirectoryError.self) { try directory.attach(IOMMUDomainID(22), device: DeviceID(0), pasid: pasid(40)) }
        #expect(directory.attachFailures == 3)
        #expect(directory.sharingFallbacks == 0)
        #expect(directory.table(of: IOMMUDomainID(22))?.tagCount == 0)

        #expect(directory.tagCount == tagsBefore + 2)
        #expect(directory.didsInUse == 15)
        // The failed attachments left their (device, PASID) free: after a detach they succeed.
        try directory.detach(device: DeviceID(0), pasid: pasid(13))
        let attachment = try directory.attach(IOMMUDomainID(14), device: DeviceID(1), pasid: .none)
        #expect(attachment.domainID == DomainID(15))
        #expect(directory.table(of: IOMMUDomainID(14))?.tagCount == 2)
        #expect(directory.attachFailures == 3)
    }
}
