import TestSupport
import CacheTags
import IOMMUModel
import Testing
import VTd

/// The structural half of the oracle: two domains whose attachments carry the same IOTLB tag.
@Suite("Oracle: aliased attachments")
struct AliasOracleTests {
    func model(strict: Bool = false) throws -> IOMMUModel {
        let topology = Fixtures.singleUnit
        return try IOMMUModel(
            units: topology.units, devices: topology.devices, configuration: ModelConfiguration(strict: strict))
    }

    @Test func twoSecondStageDomainsOnOneDIDAlias() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.createDomain(Fixtures.domain(2), kind: .secondStage)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(5))
        #expect(model.counters.aliasedAttachments == 0)
        // Second-stage entries carry no PASID: a different PASID does not tell them apart.
        try model.attach(Fixtures.domain(2), device: DeviceID(1), pasid: Fixtures.pasid(7), domainID: Fixtures.did(5))
        #expect(model.counters.aliasedAttachments == 1)
        #expect(model.firstViolation?.kind == .aliasedAttachment)
    }

    @Test func distinctPASIDsUnderOneDIDDoNotAlias() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .sva)
        try model.createDomain(Fixtures.domain(2), kind: .sva)
        try model.attach(Fixtures.domain(1), device: DeviceID(2), pasid: Fixtures.pasid(1), domainID: .firstStageDefault)
        try model.attach(Fixtures.domain(2), device: DeviceID(2), pasid: Fixtures.pasid(2), domainID: .firstStageDefault)
        // One domain on two devices under the same tag is not an alias either.
        try model.attach(Fixtures.domain(1), device: DeviceID(3), pasid: Fixtures.pasid(1), domainID: .firstStageDefault)
        #expect(model.counters.aliasedAttachments == 0)
        // The same PASID for another domain under the shared DID is.
        try model.attach(Fixtures.domain(2), device: DeviceID(0), pasid: Fixtures.pasid(1), domainID: .firstStageDefault)
        #expect(model.counters.aliasedAttachments == 1)
    }

    @Test func aTagFreedByDetachCanBeReused() throws {
        var model = try model()
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.createDomain(Fixtures.domain(2), kind: .secondStage)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(5))
        try model.detach(device: DeviceID(0), pasid: .none)
        try model.attach(Fixtures.domain(2), device: DeviceID(1), pasid: .none, domainID: Fixtures.did(5))
        #expect(model.counters.aliasedAttachments == 0)
    }

    @Test func strictModeThrowsAtTheAliasingAttach() throws {
        var model = try model(strict: true)
        try model.createDomain(Fixtures.domain(1), kind: .secondStage)
        try model.createDomain(Fixtures.domain(2), kind: .secondStage)
        try model.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none, domainID: Fixtures.did(9))
        #expect(throws: ModelError.self) {
            try model.attach(Fixtures.domain(2), device: DeviceID(1), pasid: .none, domainID: Fixtures.did(9))
        }
    }
}
