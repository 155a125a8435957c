import TestSupport
import IOMMUModel
import Testing
import VTd

/// The IOTLB's hardware variants: the set index function and PASID-selective precision.
@Suite("IOTLB hardware variants")
struct IOTLBHardwareTests {
    @Test func didHashedIndexMapsTwoDIDsOfOnePageToDifferentSets() throws {
        let page: UInt64 = 0x1234
        let byPage = try IOTLB(entries: 1024, ways: 8, setIndex: .page)
        let hashed = try IOTLB(entries: 1024, ways: 8, setIndex: .didHash)
        #expect(byPage.set(of: page, domainID: Fixtures.did(2)) == byPage.set(of: page, domainID: Fixtures.did(3)))
        #expect(hashed.set(of: page, domainID: Fixtures.did(2)) != hashed.set(of: page, domainID: Fixtures.did(3)))
        // One DID's consecutive pages stay in consecutive sets, so range sweeps stay local.
        let first = hashed.set(of: page, domainID: Fixtures.did(2))
        #expect(hashed.set(of: page + 1, domainID: Fixtures.did(2)) == (first + 1) % hashed.setCount)
    }

    @Test func didHashedIndexStillFindsAndSweepsWhatItFilled() throws {
        var iotlb = try IOTLB(entries: 64, ways: 2, setIndex: .didHash)
        for did: UInt16 in 2...9 {
            for page: UInt64 in 0..<4 { iotlb.fill(Fixtures.entry(did: did, pasid: nil, page: page, kind: .secondStage, owner: Int32(did))) }
        }
        #expect(iotlb.count == 32)
        #expect(iotlb.lookup(IOTLBTag(domainID: Fixtures.did(5), pasid: nil, page: 2)) != nil)
        let removed = iotlb.invalidate(
            .iotlb(granularity: .pageSelective, domainID: Fixtures.did(5), block: Fixtures.block(0, 2), invalidationHint: false)
        ) { _ in }
        #expect(removed == 2)
        #expect(!iotlb.contains(IOTLBTag(domainID: Fixtures.did(5), pasid: nil, page: 1)))
        #expect(iotlb.contains(IOTLBTag(domainID: Fixtures.did(5), pasid: nil, page: 2)))
    }

    @Test func sharingADIDPutsDomainsBackIntoTheSameSets() throws {
        // Two ways per set; three domains touch one page each. Own DIDs under the hashed index
        // spread them over three sets; one shared DID (PASIDs 1-3) puts them in one set, where the
        // third fill evicts the first.
        func evictions(shared: Bool) throws -> Int {
            var iotlb = try IOTLB(entries: 64, ways: 2, setIndex: .didHash)
            var evicted = 0
            for index: UInt16 in 1...3 {
                let entry = Fixtures.entry(
                    did: shared ? 1 : index + 1, pasid: UInt32(index), page: 0x40, kind: .firstStage, owner: Int32(index))
                if iotlb.fill(entry) != nil { evicted += 1 }
            }
            return evicted
        }
        #expect(try evictions(shared: false) == 0)
        #expect(try evictions(shared: true) == 1)
    }

    @Test func didWidePASIDFlushDropsOtherPASIDsOfTheDID() throws {
        func fill(_ iotlb: inout IOTLB) {
            for pasid: UInt32 in [5, 6] {
                iotlb.fill(Fixtures.entry(did: 1, pasid: pasid, page: 0x10, kind: .firstStage, owner: Int32(pasid)))
                iotlb.fill(Fixtures.entry(did: 1, pasid: pasid, page: 0x11, kind: .firstStage, owner: Int32(pasid)))
            }
            iotlb.fill(Fixtures.entry(did: 2, pasid: 5, page: 0x10, kind: .firstStage, owner: 9))
        }
        let flush = DecodedDescriptor.pasidIOTLB(
            granularity: .pageSelectiveWithinPASID, domainID: Fixtures.did(1), pasid: Fixtures.pasid(5),
            block: Fixtures.block(0x10, 1), invalidationHint: false)
        var exact = try IOTLB(entries: 64, ways: 4, pasidPrecision: .exact)
        fill(&exact)
        #expect(exact.invalidate(flush) { _ in } == 1)
        var wide = try IOTLB(entries: 64, ways: 4, pasidPrecision: .didWide)
        fill(&wide)
        // Every entry of DID 1, both PASIDs, both pages; DID 2 survives.
        #expect(wide.invalidate(flush) { _ in } == 4)
        #expect(wide.entries.map(\.tag.domainID) == [Fixtures.did(2)])
    }
}
