import TestSupport
import IOMMUModel
import Testing
import VTd

/// Each descriptor type's effect on a hand-built IOTLB (VT-d spec §6.5.2.3, §6.5.2.4).
@Suite("IOTLB invalidation semantics")
struct IOTLBTests {
    /// DID 1 shared by two PASID-tagged domains (PASIDs 5 and 6), DID 2 second-stage, DID 3
    /// first-stage on PASID 5: pages 0x10 and 0x201 each (different sets).
    func populated() throws -> IOTLB {
        var iotlb = try IOTLB(entries: 64, ways: 4)
        for page: UInt64 in [0x10, 0x201] {
            iotlb.fill(Fixtures.entry(did: 1, pasid: 5, page: page, kind: .firstStage, owner: 1))
            iotlb.fill(Fixtures.entry(did: 1, pasid: 6, page: page, kind: .firstStage, owner: 2))
            iotlb.fill(Fixtures.entry(did: 2, pasid: nil, page: page, kind: .secondStage, owner: 3))
            iotlb.fill(Fixtures.entry(did: 3, pasid: 5, page: page, kind: .firstStage, owner: 4))
        }
        #expect(iotlb.count == 8)
        return iotlb
    }

    func owners(_ iotlb: IOTLB) -> [Int32] { iotlb.entries.map(\.origin.owner.rawValue).sorted() }

    @Test func domainSelectiveOnASharedDIDDropsEveryPASID() throws {
        var iotlb = try populated()
        var dropped: [IOTLBEntry] = []
        let removed = iotlb.invalidate(
            .iotlb(granularity: .domainSelective, domainID: Fixtures.did(1), block: nil, invalidationHint: false)
        ) {
            dropped.append($0)
        }
        #expect(removed == 4)
        #expect(Set(dropped.map(\.tag.pasid)) == [Fixtures.pasid(5), Fixtures.pasid(6)])
        #expect(owners(iotlb) == [3, 3, 4, 4])
    }

    @Test func pageSelectiveDropsSecondStageInBlockAndEveryFirstStageEntryOfTheDID() throws {
        var iotlb = try populated()
        // Second-stage DID 2: only the page inside the block goes.
        iotlb.invalidate(
            .iotlb(
                granularity: .pageSelective, domainID: Fixtures.did(2), block: Fixtures.block(0x10, 1),
                invalidationHint: false)
        ) { _ in }
        #expect(!iotlb.contains(IOTLBTag(domainID: Fixtures.did(2), pasid: nil, page: 0x10)))
        #expect(iotlb.contains(IOTLBTag(domainID: Fixtures.did(2), pasid: nil, page: 0x201)))
        // First-stage entries of DID 1 go whatever their address (spec: first-stage and nested
        // entries are tagged by first-stage input address, so a DID-based PSI drops them all).
        let removed = iotlb.invalidate(
            .iotlb(
                granularity: .pageSelective, domainID: Fixtures.did(1), block: Fixtures.block(0x10, 1),
                invalidationHint: true)
        ) { _ in }
        #expect(removed == 4)
        #expect(owners(iotlb) == [3, 4, 4])
    }

    @Test func pasidSelectiveDropsOnlyThatDIDAndPASID() throws {
        var iotlb = try populated()
        let removed = iotlb.invalidate(
            .pasidIOTLB(
                granularity: .pasidSelective, domainID: Fixtures.did(1), pasid: Fixtures.pasid(5), block: nil,
                invalidationHint: false)
        ) { _ in }
        #expect(removed == 2)
        #expect(owners(iotlb) == [2, 2, 3, 3, 4, 4])
    }

    @Test func pasidBasedInvalidationNeverDropsSecondStageEntries() throws {
        var iotlb = try populated()
        let removed = iotlb.invalidate(
            .pasidIOTLB(
                granularity: .pasidSelective, domainID: Fixtures.did(2), pasid: .none, block: nil,
                invalidationHint: false)
        ) { _ in }
        #expect(removed == 0)
        #expect(iotlb.count == 8)
    }

    @Test func pageSelectiveWithinPASIDDropsOnlyTheBlock() throws {
        var iotlb = try populated()
        let removed = iotlb.invalidate(
            .pasidIOTLB(
                granularity: .pageSelectiveWithinPASID, domainID: Fixtures.did(1), pasid: Fixtures.pasid(6),
                block: Fixtures.block(0x201, 1), invalidationHint: false)
        ) { _ in }
        #expect(removed == 1)
        #expect(!iotlb.contains(IOTLBTag(domainID: Fixtures.did(1), pasid: Fixtures.pasid(6), page: 0x201)))
        #expect(iotlb.contains(IOTLBTag(domainID: Fixtures.did(1), pasid: Fixtures.pasid(6), page: 0x10)))
    }

    @Test func globalDropsEverything() throws {
        var iotlb = try populated()
        #expect(
            iotlb.invalidate(.iotlb(granularity: .global, domainID: .reserved, block: nil, invalidationHint: false)) {
                _ in
            } == 8)
        #expect(iotlb.count == 0)
    }

    @Test func deviceTLBAndWaitDescriptorsLeaveTheIOTLBAlone() throws {
        var iotlb = try populated()
        #expect(iotlb.invalidate(.wait(statusWrite: true, statusData: 1)) { _ in } == 0)
        #expect(
            iotlb.invalidate(.deviceTLB(source: SourceID(rawValue: 0x100), block: .wholeAddressSpace, queueDepth: 32)) {
                _ in
            } == 0)
        #expect(iotlb.count == 8)
    }

    @Test func wideBlocksSweepEverySet() throws {
        var iotlb = try IOTLB(entries: 16, ways: 2)
        for page: UInt64 in 0..<16 {
            iotlb.fill(Fixtures.entry(did: 4, pasid: nil, page: page, kind: .secondStage, owner: 1))
        }
        // Pages 4..<12 straddle an 8-page boundary, so the block widens to pages 0..<16: every set.
        let removed = iotlb.invalidate(
            .iotlb(
                granularity: .pageSelective, domainID: Fixtures.did(4), block: Fixtures.block(4, 8),
                invalidationHint: false)
        ) { _ in }
        #expect(removed == 16)
    }

    @Test func lookupIsByDIDAndPASIDNotByDevice() throws {
        var iotlb = try IOTLB(entries: 64, ways: 4)
        iotlb.fill(Fixtures.entry(did: 7, pasid: nil, page: 0x42, kind: .secondStage, owner: 1))
        // Any requester whose attachment resolves to DID 7 (second-stage) hits the same entry.
        #expect(
            iotlb.lookup(IOTLBTag(domainID: Fixtures.did(7), pasid: nil, page: 0x42))?.origin.owner == DomainSerial(1))
        #expect(iotlb.lookup(IOTLBTag(domainID: Fixtures.did(7), pasid: PASID.none, page: 0x42)) == nil)
        #expect(iotlb.lookup(IOTLBTag(domainID: Fixtures.did(8), pasid: nil, page: 0x42)) == nil)
    }

    @Test func leastRecentlyUsedWayIsEvicted() throws {
        var iotlb = try IOTLB(entries: 8, ways: 2)  // 4 sets: pages 0, 4, 8 share set 0
        iotlb.fill(Fixtures.entry(did: 2, pasid: nil, page: 0, kind: .secondStage, owner: 1))
        iotlb.fill(Fixtures.entry(did: 2, pasid: nil, page: 4, kind: .secondStage, owner: 1))
        _ = iotlb.lookup(IOTLBTag(domainID: Fixtures.did(2), pasid: nil, page: 0))
        let evicted = iotlb.fill(Fixtures.entry(did: 2, pasid: nil, page: 8, kind: .secondStage, owner: 1))
        #expect(evicted?.tag.page == 4)
        #expect(iotlb.count == 2)
        // Refilling an existing tag replaces it and evicts nothing.
        #expect(
            iotlb.fill(Fixtures.entry(did: 2, pasid: nil, page: 8, kind: .secondStage, owner: 1, generation: 9)) == nil)
        #expect(iotlb.count == 2)
    }

    @Test func geometryIsValidated() {
        #expect(throws: ModelError.self) { try IOTLB(entries: 10, ways: 4) }
        #expect(throws: ModelError.self) { try IOTLB(entries: 0, ways: 1) }
        #expect(throws: ModelError.self) { try DeviceTLB(entries: 0) }
    }
}

/// Device-TLB (ATS) invalidation semantics, including the conservative reading for PASID entries.
@Suite("Device TLB")
struct DeviceTLBTests {
    func populated() throws -> DeviceTLB {
        var tlb = try DeviceTLB(entries: 8)
        for page: UInt64 in [0x10, 0x11, 0x80] {
            tlb.fill(
                DeviceTLBEntry(
                    pasid: .none, page: page, origin: TranslationOrigin(owner: DomainSerial(1), generation: 1)))
            tlb.fill(
                DeviceTLBEntry(
                    pasid: Fixtures.pasid(3), page: page,
                    origin: TranslationOrigin(owner: DomainSerial(2), generation: 1)))
        }
        return tlb
    }

    @Test func invalidationWithoutPASIDDropsOnlyUntaggedEntriesInTheBlock() throws {
        var tlb = try populated()
        let removed = tlb.invalidate(
            .deviceTLB(source: SourceID(rawValue: 1), block: Fixtures.block(0x10, 2), queueDepth: 32)
        ) { _ in }
        #expect(removed == 2)
        #expect(tlb.lookup(pasid: .none, page: 0x80) != nil)
        // Conservative reading: PASID-tagged entries are not reached by a non-PASID invalidation.
        #expect(tlb.lookup(pasid: Fixtures.pasid(3), page: 0x10) != nil)
    }

    @Test func pasidInvalidationDropsThatPASIDOnly() throws {
        var tlb = try populated()
        let removed = tlb.invalidate(
            .pasidDeviceTLB(
                source: SourceID(rawValue: 1), pasid: Fixtures.pasid(3), block: .wholeAddressSpace, queueDepth: 32)
        ) { _ in }
        #expect(removed == 3)
        #expect(tlb.entries.allSatisfy { $0.pasid == .none })
    }

    @Test func fullyAssociativeLRU() throws {
        var tlb = try DeviceTLB(entries: 2)
        let origin = TranslationOrigin(owner: DomainSerial(1), generation: 1)
        tlb.fill(DeviceTLBEntry(pasid: .none, page: 1, origin: origin))
        tlb.fill(DeviceTLBEntry(pasid: .none, page: 2, origin: origin))
        _ = tlb.lookup(pasid: .none, page: 1)
        #expect(tlb.fill(DeviceTLBEntry(pasid: .none, page: 3, origin: origin))?.page == 2)
    }
}
