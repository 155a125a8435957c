import TestSupport
import CacheTags
import IOMMUModel
import Testing
import VTd
import Workloads

/// The model as an invalidation sink: collateral accounting, the oracle's two rules, nesting.
@Suite("Modeled IOMMU")
struct ModelTests {
    let unit = IOMMUUnitID(0)

    func model(strict: Bool = false) throws -> IOMMUModel {
        let topology = Fixtures.singleUnit
        return try IOMMUModel(
            units: topology.units, devices: topology.devices,
            configuration: ModelConfiguration(iotlbEntries: 64, iotlbWays: 4, strict: strict))
    }

    func submit(_ descriptors: [InvalidationDescriptor], to model: inout IOMMUModel) {
        descriptors.withUnsafeBufferPointer { model.submit($0, to: unit) }
    }

    /// Two SVA-like domains sharing DID 1 through PASIDs 5 and 6 on dev0/dev1, pages 0..<4 mapped
    /// and touched by both.
    func sharedDID() throws -> IOMMUModel {
        var model = try model()
        for (index, pasid) in [(1, 5), (2, 6)] {
            try model.createDomain(Fixtures.domain(index), kind: .sva)
            try model.map(Fixtures.domain(index), firstPage: 0, pageCount: 4)
            try model.attach(
                Fixtures.domain(index), device: DeviceID(index - 1), pasid: Fixtures.pasid(UInt32(pasid)),
                domainID: .firstStageDefault)
            for page: UInt64 in 0..<4 {
                #expect(
                    try model.access(device: DeviceID(index - 1), pasid: Fixtures.pasid(UInt32(pasid)), page: page)
                        == .pageWalk)
            }
        }
        #expect(model.counters.iotlbMisses == 8)
        return model
    }

    @Test func domainSelectiveOnASharedDIDCountsTheOtherDomainAsCollateral() throws {
        var model = try sharedDID()
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 0, pageCount: 1), reason: .range)
        submit([.iotlb(.domainSelective, domainID: .firstStageDefault)], to: &model)
        try model.completeFlush()
        #expect(model.counters.iotlbInvalidated == 8)
        // 4 entries of domain 2, and 3 of domain 1 outside the one page asked for.
        #expect(model.counters.iotlbCollateralEvictions == 7)
        #expect(model.counters.staleTranslations == 0)
    }

    @Test func pasidSelectiveSparesTheOtherDomain() throws {
        var model = try sharedDID()
        try model.beginFlush(of: Fixtures.domain(1), range: .everything, reason: .all)
        submit([.pasidIOTLB(.pasidSelective, domainID: .firstStageDefault, pasid: Fixtures.pasid(5))], to: &model)
        try model.completeFlush()
        #expect(model.counters.iotlbInvalidated == 4)
        #expect(model.counters.iotlbCollateralEvictions == 0)
        #expect(try model.access(device: DeviceID(1), pasid: Fixtures.pasid(6), page: 0) == .iotlbHit)
    }

    @Test func queueCountsDescriptorsSubmissionsAndWaits() throws {
        var model = try sharedDID()
        submit(
            [
                .iotlb(.domainSelective, domainID: Fixtures.did(9)),
                .pasidIOTLB(.pasidSelective, domainID: Fixtures.did(9), pasid: Fixtures.pasid(1)),
            ], to: &model)
        submit(
            [
                .deviceTLB(source: SourceID(rawValue: 0x300), queueDepth: 32, block: .wholeAddressSpace),
                .deviceTLB(source: SourceID(rawValue: 0x300), queueDepth: 32, block: .wholeAddressSpace),
                .pasidDeviceTLB(
                    source: SourceID(rawValue: 0x400), pasid: Fixtures.pasid(2), queueDepth: 32,
                    block: .wholeAddressSpace),
            ], to: &model)
        model.flushWriteBuffer(of: unit)
        let queue = model.queue
        #expect(queue.iotlb == 1 && queue.pasidIOTLB == 1 && queue.deviceTLB == 2 && queue.pasidDeviceTLB == 1)
        #expect(
            queue.submissions == 2 && queue.waits == 2 && queue.totalDescriptors == 7 && queue.writeBufferFlushes == 1)
        // 1.9 + 2×0.1 and 1.9 + 3×0.1; the two device-TLB invalidations to one device fit in its
        // queue depth (32), so they complete in one round trip (5 µs), as the other device's does.
        #expect(abs(queue.invalidationMicros - 4.3) < 1e-9)
        #expect(abs(queue.deviceTLBMicros - 5) < 1e-9)
    }

    @Test func deviceTLBRoundTripsFollowTheQueueDepth() throws {
        var model = try sharedDID()
        let source = SourceID(rawValue: 0x300)
        // Depth 2: five invalidations to one device take three round trips.
        submit(Array(repeating: .deviceTLB(source: source, queueDepth: 2, block: .wholeAddressSpace), count: 5), to: &model)
        #expect(abs(model.queue.deviceTLBMicros - 15) < 1e-9)
    }

    @Test func deviceTLBCollateralAndRouting() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.map(Fixtures.domain(1), firstPage: 0, pageCount: 8)
        try model.attach(Fixtures.domain(1), device: DeviceID(2), pasid: .none, domainID: Fixtures.did(2))
        for page: UInt64 in 0..<8 { try model.access(device: DeviceID(2), pasid: .none, page: page) }
        #expect(try model.access(device: DeviceID(2), pasid: .none, page: 3) == .deviceTLBHit)
        #expect(model.deviceTLB(of: DeviceID(2))?.count == 8)
        // Unmap page 3 and flush it with a 4-page device-TLB block: 3 collateral; dev3 untouched.
        try model.unmap(Fixtures.domain(1), firstPage: 3, pageCount: 1)
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 3, pageCount: 1), reason: .range)
        submit(
            [
                .iotlb(.pageSelective, domainID: Fixtures.did(2), block: Fixtures.block(3, 1)),
                .deviceTLB(source: Fixtures.device(2, unit: 0).source, queueDepth: 32, block: Fixtures.block(0, 4)),
            ], to: &model)
        try model.completeFlush()
        #expect(model.counters.deviceTLBInvalidated == 4)
        #expect(model.counters.deviceTLBCollateralEvictions == 3)
        #expect(model.counters.iotlbCollateralEvictions == 0)
        #expect(model.counters.staleTranslations == 0)
        #expect(try model.access(device: DeviceID(2), pasid: .none, page: 3) == .translationFault)
    }

    @Test func missingInvalidationIsStale() throws {
        var model = try model(strict: true)
        try model.createDomain(Fixtures.domain(1), kind: .firstStage)
        try model.map(Fixtures.domain(1), firstPage: 0x40, pageCount: 2)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: Fixtures.pasid(9), domainID: Fixtures.did(3))
        try model.access(device: DeviceID(0), pasid: Fixtures.pasid(9), page: 0x41)
        try model.unmap(Fixtures.domain(1), firstPage: 0x41, pageCount: 1)
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 0x41, pageCount: 1), reason: .range)
        // Wrong PASID: the entry survives.
        submit([.pasidIOTLB(.pasidSelective, domainID: Fixtures.did(3), pasid: Fixtures.pasid(8))], to: &model)
        #expect(throws: OracleViolation.self) { try model.completeFlush() }
        #expect(model.counters.staleTranslations == 1)
        let violation = try #require(model.firstViolation)
        #expect(violation.kind == .stale)
        #expect(!violation.description.contains("\n"))
        #expect(violation.description.contains("domain1"))
    }

    @Test func remappedPageWithOldEntryIsStale() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.map(Fixtures.domain(1), firstPage: 7, pageCount: 1)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(2))
        try model.access(device: DeviceID(0), pasid: .none, page: 7)
        try model.unmap(Fixtures.domain(1), firstPage: 7, pageCount: 1)
        try model.map(Fixtures.domain(1), firstPage: 7, pageCount: 1)  // new generation, old entry cached
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 7, pageCount: 1), reason: .newMappings)
        try model.completeFlush()
        #expect(model.counters.staleTranslations == 1)
        // Counted once, not at every later check.
        try model.beginFlush(of: Fixtures.domain(1), range: .everything, reason: .all)
        try model.completeFlush()
        #expect(model.counters.staleTranslations == 1)
    }

    @Test func secondStageDomainsSharingADIDAliasAndAreCaught() throws {
        var model = try model()
        for index in 1...2 {
            try model.createDomain(Fixtures.domain(index), kind: .secondStage)
            try model.map(Fixtures.domain(index), firstPage: 0, pageCount: 1)
            try model.attach(
                Fixtures.domain(index), device: DeviceID(index - 1), pasid: .none, domainID: .firstStageDefault)
        }
        #expect(try model.access(device: DeviceID(0), pasid: .none, page: 0) == .pageWalk)
        #expect(try model.access(device: DeviceID(1), pasid: .none, page: 0) == .iotlbHit)
        #expect(model.counters.crossDomainHits == 1)
        // The structural check saw it first, at the second attach.
        #expect(model.counters.aliasedAttachments == 1)
        #expect(model.firstViolation?.kind == .aliasedAttachment)
    }

    @Test func secondStageThroughAPASIDIsNotPASIDTagged() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.map(Fixtures.domain(1), firstPage: 0, pageCount: 1)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: Fixtures.pasid(4), domainID: Fixtures.did(2))
        try model.attach(Fixtures.domain(1), device: DeviceID(1), pasid: .none, domainID: Fixtures.did(2))
        try model.access(device: DeviceID(0), pasid: Fixtures.pasid(4), page: 0)
        #expect(model.iotlb(of: unit)?.entries.first?.tag.pasid == nil)
        // The same domain through the RID shares the entry: a hit, not a violation.
        #expect(try model.access(device: DeviceID(1), pasid: .none, page: 0) == .iotlbHit)
        #expect(model.counters.crossDomainHits == 0)
    }

    @Test func reusedDomainNumberIsANewIncarnation() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.map(Fixtures.domain(1), firstPage: 0, pageCount: 1)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(2))
        try model.access(device: DeviceID(0), pasid: .none, page: 0)
        try model.detach(device: DeviceID(0), pasid: .none)  // no tear-down submitted: entry lingers
        try model.destroyDomain(Fixtures.domain(1))
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.map(Fixtures.domain(1), firstPage: 0, pageCount: 1)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(2))
        #expect(try model.access(device: DeviceID(0), pasid: .none, page: 0) == .iotlbHit)
        #expect(model.counters.crossDomainHits == 1)
    }

    /// A parent's flush must clean its nested children's translations.
    @Test func nestedChildEntriesAreCheckedOnTheParentsFlush() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.createDomain(Fixtures.domain(2), kind: .nested(parent: Fixtures.domain(1)))
        try model.map(Fixtures.domain(1), firstPage: 0, pageCount: 4)
        try model.map(Fixtures.domain(2), firstPage: 0, pageCount: 4)
        try model.attach(Fixtures.domain(2), device: DeviceID(2), pasid: Fixtures.pasid(1), domainID: Fixtures.did(5))
        #expect(try model.access(device: DeviceID(2), pasid: Fixtures.pasid(1), page: 2) == .pageWalk)
        #expect(model.counters.pageWalkMicros == CostModel.defaults.pageWalkTime(nested: true))
        // The parent unmaps page 2 and flushes only its own (empty) IOTLB tag: both caches stale.
        try model.unmap(Fixtures.domain(1), firstPage: 2, pageCount: 1)
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 2, pageCount: 1), reason: .range)
        submit([.iotlb(.pageSelective, domainID: Fixtures.did(4), block: Fixtures.block(2, 1))], to: &model)
        try model.completeFlush()
        #expect(model.counters.staleTranslations == 2)
        // The NESTING_IOTLB (child DID) and NESTING_DEVTLB (whole, child PASID) descriptors clean it.
        var clean = try self.model()
        try clean.createDomain(Fixtures.domain(1), kind: .secondStage)
        try clean.createDomain(Fixtures.domain(2), kind: .nested(parent: Fixtures.domain(1)))
        try clean.map(Fixtures.domain(1), firstPage: 0, pageCount: 4)
        try clean.map(Fixtures.domain(2), firstPage: 0, pageCount: 4)
        try clean.attach(Fixtures.domain(2), device: DeviceID(2), pasid: Fixtures.pasid(1), domainID: Fixtures.did(5))
        try clean.access(device: DeviceID(2), pasid: Fixtures.pasid(1), page: 2)
        try clean.unmap(Fixtures.domain(1), firstPage: 2, pageCount: 1)
        try clean.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 2, pageCount: 1), reason: .range)
        submit(
            [
                .iotlb(.pageSelective, domainID: Fixtures.did(5), block: Fixtures.block(2, 1)),
                .pasidDeviceTLB(
                    source: Fixtures.device(2, unit: 0).source, pasid: Fixtures.pasid(1), queueDepth: 32,
                    block: .wholeAddressSpace),
            ], to: &clean)
        try clean.completeFlush()
        #expect(clean.counters.staleTranslations == 0)
        #expect(try clean.access(device: DeviceID(2), pasid: Fixtures.pasid(1), page: 2) == .translationFault)
    }

    @Test func faultsAreCountedAndFillNothing() throws {
        var model = try model()
        #expect(try model.access(device: DeviceID(0), pasid: .none, page: 0) == .noAttachment)
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(2))
        #expect(try model.access(device: DeviceID(0), pasid: .none, page: 0) == .translationFault)
        #expect(model.counters.dmaFaults == 2)
        #expect(model.iotlb(of: unit)?.count == 0)
    }

    @Test func topologyMistakesAreRefused() throws {
        var model = try model()
        #expect(throws: ModelError.unknownDomain(Fixtures.domain(3))) {
            try model.map(Fixtures.domain(3), firstPage: 0, pageCount: 1)
        }
        try model.createDomain(Fixtures.domain(3), kind: .firstStage)
        #expect(throws: ModelError.parentNotSecondStage(child: Fixtures.domain(4), parent: Fixtures.domain(3))) {
            try model.createDomain(Fixtures.domain(4), kind: .nested(parent: Fixtures.domain(3)))
        }
        try model.attach(Fixtures.domain(3), device: DeviceID(0), pasid: Fixtures.pasid(2), domainID: Fixtures.did(2))
        #expect(throws: ModelError.domainBusy(Fixtures.domain(3))) { try model.destroyDomain(Fixtures.domain(3)) }
        #expect(throws: ModelError.notAttached(device: DeviceID(1), pasid: .none)) {
            try model.detach(device: DeviceID(1), pasid: .none)
        }
    }
}

/// The oracle's ground truth.
@Suite("Page table")
struct PageTableTests {
    @Test func mapFillsHolesAndKeepsExistingGenerations() {
        var table = PageTable()
        #expect(table.map(firstPage: 10, pageCount: 5, generation: 1) == 5)
        #expect(table.map(firstPage: 8, pageCount: 10, generation: 2) == 5)
        #expect(table.generation(of: 8) == 2)
        #expect(table.generation(of: 12) == 1)
        #expect(table.generation(of: 17) == 2)
        #expect(table.generation(of: 18) == nil)
        #expect(table.mappedPages == 10)
    }

    @Test func unmapSplitsRuns() {
        var table = PageTable()
        table.map(firstPage: 0, pageCount: 1 << 30, generation: 1)
        #expect(table.unmap(firstPage: 100, pageCount: 10) == 10)
        #expect(table.unmap(firstPage: 105, pageCount: 10) == 5)
        #expect(table.generation(of: 99) == 1)
        #expect(table.generation(of: 100) == nil)
        #expect(table.generation(of: 114) == nil)
        #expect(table.generation(of: 115) == 1)
        #expect(table.mappedPages == (1 << 30) - 15)
        #expect(table.map(firstPage: 100, pageCount: 15, generation: 3) == 15)
        #expect(table.generation(of: 107) == 3)
    }

    @Test func randomAgainstAReferenceSet() {
        var rng = SplitMix64(seed: 42)
        var table = PageTable()
        var reference: [UInt64: UInt64] = [:]
        for generation in UInt64(1)...2000 {
            let first = rng.next() % 200
            let count = 1 + rng.next() % 20
            if rng.next() & 1 == 0 {
                table.map(firstPage: first, pageCount: count, generation: generation)
                for page in first..<(first + count) where reference[page] == nil { reference[page] = generation }
            } else {
                table.unmap(firstPage: first, pageCount: count)
                for page in first..<(first + count) { reference[page] = nil }
            }
        }
        for page in UInt64(0)..<230 { #expect(table.generation(of: page) == reference[page]) }
        #expect(table.mappedPages == UInt64(reference.count))
    }
}
