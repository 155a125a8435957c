import TestSupport
import IOMMUModel
import Testing
import VTd

/// Each collateral cause, produced by a hand-built case that produces it and no other; the causes
/// add up to the total.
@Suite("Collateral evictions by cause")
struct CollateralCauseTests {
    let unit = IOMMUUnitID(0)

    func model(_ configuration: ModelConfiguration = ModelConfiguration(iotlbEntries: 64, iotlbWays: 4)) throws -> IOMMUModel {
        let topology = Fixtures.singleUnit
        return try IOMMUModel(units: topology.units, devices: topology.devices, configuration: configuration)
    }

    func submit(_ descriptors: [InvalidationDescriptor], to model: inout IOMMUModel) {
        descriptors.withUnsafeBufferPointer { model.submit($0, to: unit) }
    }

    /// Every cause except `cause` is zero in `counts`, and `cause` has `count`.
    func only(_ cause: CollateralCause, _ count: Int, in counts: CollateralCounts) {
        for other in CollateralCause.allCases {
            #expect(counts[other] == (other == cause ? count : 0), "\(other)")
        }
        #expect(counts.total == count)
    }

    /// A second-stage domain on dev2 (ATS) with pages 0..<4 cached in the IOTLB and device TLB.
    func secondStage() throws -> IOMMUModel {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.map(Fixtures.domain(1), firstPage: 0, pageCount: 4)
        try model.attach(Fixtures.domain(1), device: DeviceID(2), pasid: .none, domainID: Fixtures.did(2))
        for page: UInt64 in 0..<4 { try model.access(device: DeviceID(2), pasid: .none, page: page) }
        return model
    }

    @Test func rangeRoundingIsTheAlignedBlockOutsideTheRange() throws {
        var model = try secondStage()
        // Pages 1...2 round to the block 0..<4: pages 0 and 3 go too.
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 1, pageCount: 2), reason: .range)
        submit(
            [
                .iotlb(.pageSelective, domainID: Fixtures.did(2), block: Fixtures.block(1, 2)),
                .deviceTLB(source: Fixtures.device(2, unit: 0).source, queueDepth: 32, block: Fixtures.block(1, 2)),
            ], to: &model)
        try model.completeFlush()
        only(.rangeRounding, 2, in: model.counters.iotlbCollateral)
        only(.rangeRounding, 2, in: model.counters.deviceTLBCollateral)
    }

    @Test func domainSelectiveIsOutsideAnyBlock() throws {
        var model = try secondStage()
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 1, pageCount: 1), reason: .range)
        submit(
            [
                .iotlb(.domainSelective, domainID: Fixtures.did(2)),
                .deviceTLB(source: Fixtures.device(2, unit: 0).source, queueDepth: 32, block: .wholeAddressSpace),
            ], to: &model)
        try model.completeFlush()
        only(.domainSelective, 3, in: model.counters.iotlbCollateral)
        only(.domainSelective, 3, in: model.counters.deviceTLBCollateral)
    }

    /// First-stage domains 1 and 2 on DID 1 through PASIDs 5 and 6 of dev2 and dev3; domain 1 has
    /// page 0 cached, domain 2 pages 0..<2.
    func sharedDID(_ configuration: ModelConfiguration) throws -> IOMMUModel {
        var model = try model(configuration)
        for (index, pages) in [(1, 1), (2, 2)] {
            try model.createDomain(Fixtures.domain(index), kind: .firstStage)
            try model.map(Fixtures.domain(index), firstPage: 0, pageCount: 4)
            try model.attach(
                Fixtures.domain(index), device: DeviceID(index + 1), pasid: Fixtures.pasid(UInt32(index + 4)),
                domainID: .firstStageDefault)
            for page in 0..<UInt64(pages) {
                try model.access(device: DeviceID(index + 1), pasid: Fixtures.pasid(UInt32(index + 4)), page: page)
            }
        }
        return model
    }

    @Test func sharedDIDIsAnotherDomainsEntry() throws {
        var model = try sharedDID(ModelConfiguration(iotlbEntries: 64, iotlbWays: 4, pasidSelectivePrecision: .didWide))
        try model.beginFlush(of: Fixtures.domain(1), range: IOVARange(firstPage: 0, pageCount: 1), reason: .range)
        submit(
            [
                .pasidIOTLB(
                    .pageSelectiveWithinPASID, domainID: .firstStageDefault, pasid: Fixtures.pasid(5),
                    block: Fixtures.block(0, 1))
            ], to: &model)
        try model.completeFlush()
        only(.otherDomain, 2, in: model.counters.iotlbCollateral)
        #expect(model.counters.deviceTLBCollateral.total == 0)
    }

    @Test func teardownIsWhateverTheTearDownDropsOfOthers() throws {
        var model = try sharedDID(ModelConfiguration(iotlbEntries: 64, iotlbWays: 4))
        // Domain 1's tear-down with a domain-selective flush (as for a nested entry) on the shared DID.
        try model.detach(device: DeviceID(2), pasid: Fixtures.pasid(5))
        try model.beginFlush(of: Fixtures.domain(1), range: .everything, reason: .teardown)
        submit([.iotlb(.domainSelective, domainID: .firstStageDefault)], to: &model)
        try model.completeFlush()
        only(.teardown, 2, in: model.counters.iotlbCollateral)
    }

    @Test func deviceTLBOtherDomainAndTeardown() throws {
        // dev2's RID: domain 1's entries stay in the device TLB after its detach (no tear-down
        // submitted); domain 2 attaches there next.
        func leftover() throws -> IOMMUModel {
            var model = try secondStage()
            try model.detach(device: DeviceID(2), pasid: .none)
            try model.createDomain(Fixtures.domain(2), kind: .secondStage)
            try model.map(Fixtures.domain(2), firstPage: 8, pageCount: 1)
            try model.attach(Fixtures.domain(2), device: DeviceID(2), pasid: .none, domainID: Fixtures.did(3))
            return model
        }
        let devtlb = InvalidationDescriptor.deviceTLB(
            source: Fixtures.device(2, unit: 0).source, queueDepth: 32, block: Fixtures.block(0, 4))
        var flushed = try leftover()
        try flushed.beginFlush(of: Fixtures.domain(2), range: IOVARange(firstPage: 0, pageCount: 4), reason: .range)
        submit([devtlb], to: &flushed)
        try flushed.completeFlush()
        only(.otherDomain, 4, in: flushed.counters.deviceTLBCollateral)

        var tornDown = try leftover()
        try tornDown.detach(device: DeviceID(2), pasid: .none)
        try tornDown.beginFlush(of: Fixtures.domain(2), range: .everything, reason: .teardown)
        submit([devtlb], to: &tornDown)
        try tornDown.completeFlush()
        only(.teardown, 4, in: tornDown.counters.deviceTLBCollateral)
    }
}
