import TestSupport
import CacheTags
import Testing
import VTd

/// A ledger over `units` plus a scheme, with short helpers for the tests.
struct SchemeHarness {
    var ledger: DomainIDLedger
    let scheme: any DomainIDScheme

    init(_ scheme: any DomainIDScheme, units: [IOMMUUnit] = [makeUnit(0), makeUnit(1)]) {
        ledger = DomainIDLedger(units: units)
        self.scheme = scheme
    }

    mutating func acquire(_ domain: Int, _ kind: DomainKind, unit: Int = 0, pasid value: UInt32 = 0) throws(DomainIDError)
        -> DomainIDLease
    {
        try ledger.acquire(
            DomainIDRequest(domain: IOMMUDomainID(domain), kind: kind, unit: IOMMUUnitID(unit), pasid: pasid(value)),
            scheme: scheme)
    }
}

@Suite("DID schemes")
struct DomainIDSchemeTests {
    let parent = IOMMUDomainID(100)

    @Test("the catalogue: four schemes, names, safety, lookup")
    func catalogue() {
        #expect(DomainIDSchemes.all.map(\.name) == ["per-domain", "shared-pasid", "kernel", "shared-all"])
        #expect(DomainIDSchemes.safe.map(\.name) == ["per-domain", "shared-pasid", "kernel"])
        #expect(DomainIDSchemes.named("kernel")?.name == "kernel")
        #expect(DomainIDSchemes.named("nope") == nil)
        for scheme in DomainIDSchemes.all {
            #expect(!scheme.summary.isEmpty && !scheme.summary.contains("\n"))
        }
        #expect(SharedAllScheme().isSafe == false)
    }

    @Test("placements per kind")
    func placements() {
        func placement(_ scheme: some DomainIDScheme, _ kind: DomainKind, pasid value: UInt32 = 5) -> DomainIDPlacement {
            scheme.placement(
                for: DomainIDRequest(domain: IOMMUDomainID(1), kind: kind, unit: IOMMUUnitID(0), pasid: pasid(value)))
        }
        let kinds: [DomainKind] = [.secondStage, .firstStage, .sva, .nested(parent: parent)]
        for kind in kinds {
            #expect(placement(PerDomainScheme(), kind) == .own)
            #expect(placement(SharedAllScheme(), kind) == .defaultDID(requiresUniquePASID: false))
        }
        #expect(placement(KernelScheme(), .sva) == .defaultDID(requiresUniquePASID: false))
        #expect(placement(KernelScheme(), .firstStage) == .own)
        #expect(placement(KernelScheme(), .secondStage) == .own)
        #expect(placement(KernelScheme(), .nested(parent: parent)) == .own)
        #expect(placement(SharedPASIDScheme(), .secondStage) == .own)
        #expect(placement(SharedPASIDScheme(), .secondStage, pasid: 0) == .own)
        #expect(placement(SharedPASIDScheme(), .sva) == .defaultDID(requiresUniquePASID: true))
        #expect(placement(SharedPASIDScheme(), .firstStage) == .defaultDID(requiresUniquePASID: true))
        #expect(
            placement(SharedPASIDScheme(), .nested(parent: parent))
                == .nestedChildren(of: parent, requiresUniquePASID: true))
    }

    // MARK: per-domain

    @Test("per-domain: distinct DIDs per domain, one per unit, one for many attachments")
    func perDomain() throws {
        var h = SchemeHarness(PerDomainScheme())
        let a0 = try h.acquire(1, .secondStage, unit: 0)
        let b0 = try h.acquire(2, .firstStage, unit: 0, pasid: 7)
        let c0 = try h.acquire(3, .sva, unit: 0, pasid: 9)
        #expect([a0.did, b0.did, c0.did] == [DomainID(2), DomainID(3), DomainID(4)])
        // Domain 1 again on unit 0 (another device or PASID): the same DID, no new allocation.
        let a0again = try h.acquire(1, .secondStage, unit: 0, pasid: 3)
        #expect(a0again.did == a0.did)
        #expect(h.ledger.didsInUse == 3)
        // On unit 1, domain 1 gets an allocation of its own from unit 1's allocator.
        let a1 = try h.acquire(1, .secondStage, unit: 1)
        #expect(a1.unit == IOMMUUnitID(1))
        #expect(a1.did == DomainID(2))
        #expect(a1.holder == .own(IOMMUDomainID(1)))
        #expect(h.ledger.didsInUse == 4)
        // Releasing unit 1's lease leaves unit 0's DID alone.
        h.ledger.release(a1)
        #expect(h.ledger.didsInUse == 3)
        #expect(try h.acquire(4, .secondStage, unit: 0).did == DomainID(5))
        #expect(h.ledger.sharingFallbacks == 0)
    }

    // MARK: kernel

    @Test("kernel: SVA on DID 1, everything else on its own DID")
    func kernel() throws {
        var h = SchemeHarness(KernelScheme())
        let sva1 = try h.acquire(1, .sva, pasid: 10)
        let sva2 = try h.acquire(2, .sva, pasid: 11)
        #expect(sva1.did == .firstStageDefault && sva2.did == .firstStageDefault)
        #expect(sva1.holder == .defaultDID)
        let second = try h.acquire(3, .secondStage)
        let first = try h.acquire(4, .firstStage, pasid: 12)
        let nestedParent = try h.acquire(100, .secondStage, pasid: 1)
        let child = try h.acquire(5, .nested(parent: parent), pasid: 13)
        let dids = [second.did, first.did, nestedParent.did, child.did]
        #expect(Set(dids).count == 4)
        #expect(!dids.contains(.firstStageDefault))
        #expect(dids.allSatisfy { $0.rawValue >= DomainID.firstAllocatable })
        // DID 1 counts once on the unit, however many SVA domains use it.
        #expect(h.ledger.didsInUse == 5)
    }

    // MARK: shared-pasid

    @Test("shared-pasid: SVA and first-stage domains with distinct PASIDs share DID 1")
    func sharedPASIDSharesDefault() throws {
        var h = SchemeHarness(SharedPASIDScheme())
        let sva = try h.acquire(1, .sva, pasid: 10)
        let first = try h.acquire(2, .firstStage, pasid: 11)
        let firstRID = try h.acquire(3, .firstStage, pasid: 0)
        #expect([sva.did, first.did, firstRID.did].allSatisfy { $0 == .firstStageDefault })
        #expect(h.ledger.didsInUse == 1)
        #expect(h.ledger.sharingFallbacks == 0)
        // The same domain on the same PASID again (another device): still shared, not a fallback.
        let firstAgain = try h.acquire(2, .firstStage, pasid: 11)
        #expect(firstAgain.did == .firstStageDefault)
        #expect(h.ledger.sharingFallbacks == 0)
    }

    @Test("shared-pasid: a PASID taken under DID 1 by another domain falls back to an own DID")
    func sharedPASIDFallback() throws {
        var h = SchemeHarness(SharedPASIDScheme())
        let owner = try h.acquire(1, .firstStage, pasid: 11)
        let clash = try h.acquire(2, .firstStage, pasid: 11)
        #expect(clash.did == DomainID(2))
        #expect(clash.holder == .own(IOMMUDomainID(2)))
        #expect(h.ledger.sharingFallbacks == 1)
        let svaClash = try h.acquire(3, .sva, pasid: 11)
        #expect(svaClash.did == DomainID(3))
        #expect(h.ledger.sharingFallbacks == 2)
        // The same PASID on another unit is free under that unit's DID 1.
        let otherUnit = try h.acquire(2, .firstStage, unit: 1, pasid: 11)
        #expect(otherUnit.did == .firstStageDefault)
        #expect(h.ledger.sharingFallbacks == 2)
        // Once the owner releases it, the PASID can be shared again.
        h.ledger.release(owner)
        let next = try h.acquire(4, .firstStage, pasid: 11)
        #expect(next.did == .firstStageDefault)
        #expect(h.ledger.sharingFallbacks == 2)
        h.ledger.release(clash)
        #expect(try h.acquire(5, .secondStage).did == DomainID(2))
    }

    @Test("shared-pasid: nested children of one parent share one DID; other parents get another")
    func sharedPASIDNested() throws {
        var h = SchemeHarness(SharedPASIDScheme())
        let otherParent = IOMMUDomainID(101)
        let parentLease = try h.acquire(100, .secondStage)
        let c1 = try h.acquire(1, .nested(parent: parent), pasid: 1)
        let c2 = try h.acquire(2, .nested(parent: parent), pasid: 2)
        let c3 = try h.acquire(3, .nested(parent: parent), pasid: 0)
        #expect(c1.did == c2.did && c2.did == c3.did)
        #expect(c1.did != parentLease.did && c1.did != .firstStageDefault)
        #expect(c1.holder == .nestedChildren(of: parent))
        let d1 = try h.acquire(4, .nested(parent: otherParent), pasid: 1)
        #expect(d1.did != c1.did)
        #expect(h.ledger.didsInUse == 3)  // parent's own, one per parent's children
        // A sibling reusing a taken PASID falls back to its own DID.
        let clash = try h.acquire(5, .nested(parent: parent), pasid: 2)
        #expect(clash.holder == .own(IOMMUDomainID(5)))
        #expect(clash.did != c1.did)
        #expect(h.ledger.sharingFallbacks == 1)
        // The shared DID is freed with its last child.
        let sharedDID = c1.did
        for lease in [c1, c2, c3] { h.ledger.release(lease) }
        #expect(h.ledger.didsInUse == 3)
        let reused = try h.acquire(6, .secondStage)
        #expect(reused.did == sharedDID)
    }

    @Test("shared-pasid never shares a DID between two second-stage domains", arguments: [0 as UInt32, 1, 2])
    func sharedPASIDNeverSharesSecondStage(secondPASID: UInt32) throws {
        var h = SchemeHarness(SharedPASIDScheme())
        var dids: Set<DomainID> = []
        for domain in 1...20 {
            // Distinct PASIDs, as uniqueness would allow for first-stage domains.
            let lease = try h.acquire(domain, .secondStage, pasid: UInt32(domain) * 10 + secondPASID)
            #expect(lease.holder == .own(IOMMUDomainID(domain)))
            #expect(lease.did != .firstStageDefault)
            dids.insert(lease.did)
        }
        #expect(dids.count == 20)
        #expect(h.ledger.sharingFallbacks == 0)
    }

    // MARK: shared-all

    @Test("shared-all: every domain of every kind on DID 1")
    func sharedAll() throws {
        var h = SchemeHarness(SharedAllScheme())
        let leases = [
            try h.acquire(1, .secondStage), try h.acquire(2, .secondStage),
            try h.acquire(3, .firstStage, pasid: 4), try h.acquire(4, .sva, pasid: 4),
            try h.acquire(5, .nested(parent: parent), pasid: 4), try h.acquire(6, .secondStage, unit: 1),
        ]
        #expect(leases.allSatisfy { $0.did == .firstStageDefault && $0.holder == .defaultDID })
        #expect(h.ledger.didsInUse == 2)  // DID 1 on each of the two units
        #expect(h.ledger.sharingFallbacks == 0)
        for lease in leases { h.ledger.release(lease) }
        #expect(h.ledger.didsInUse == 0)
        #expect(h.ledger.peakDIDsInUse == 2)
    }
}
