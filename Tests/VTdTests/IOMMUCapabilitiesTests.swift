import TestSupport
import Testing
import VTd

@Suite struct IOMMUCapabilitiesTests {
    @Test func serverDefaults() {
        let server = IOMMUCapabilities.server
        #expect(server.domainIDs.count == 65536)
        #expect(server.pageSelectiveInvalidation)
        #expect(server.maximumAddressMaskValue == 18)
        #expect(!server.cachingMode)
        #expect(IOMMUUnit(id: IOMMUUnitID(2)).capabilities == server)
        #expect(IOMMUUnit(id: IOMMUUnitID(2)).description == "dmar2")
    }

    @Test func mamvBounds() throws {
        #expect(try IOMMUCapabilities(maximumAddressMaskValue: 0).maximumAddressMaskValue == 0)
        #expect(try IOMMUCapabilities(maximumAddressMaskValue: 63).maximumAddressMaskValue == 63)
        for bad in [-1, 64] {
            let error = #expect(throws: VTdError.self) { try IOMMUCapabilities(maximumAddressMaskValue: bad) }
            #expect(error?.field == "mamv")
        }
    }
}
