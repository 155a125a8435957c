import TestSupport
import Testing
import VTd

@Suite struct PASIDTests {
    @Test func twentyBitBound() throws {
        #expect(PASID.maximum == 0xF_FFFF)
        #expect(try PASID(0xF_FFFF).rawValue == 0xF_FFFF)
        #expect(try PASID(0).rawValue == 0)
        #expect(try PASID(1).rawValue == 1)
    }

    @Test(arguments: [UInt32(1 << 20), UInt32(1 << 20) + 1, UInt32(1 << 31), UInt32.max])
    func widerThanTwentyBitsThrows(value: UInt32) {
        let error = #expect(throws: VTdError.self) { try PASID(value) }
        #expect(error?.field == "pasid")
    }

    @Test func noneIsZero() throws {
        #expect(PASID.none.rawValue == 0)
        #expect(PASID.none.isNone)
        #expect(try PASID(0) == .none)
        #expect(try !PASID(1).isNone)
        #expect(PASID.none.description == "pasid none")
        #expect(try PASID(7).description == "pasid 7")
    }

    @Test func uncheckedMasksToTwentyBits() {
        #expect(PASID(unchecked: 0x12_3456).rawValue == 0x2_3456)
        #expect(PASID(unchecked: UInt32.max).rawValue == PASID.maximum)
        #expect(PASID(unchecked: 1 << 20) == .none)
    }

    @Test func ordering() throws {
        #expect(try PASID(1) < PASID(2))
        #expect(try PASID.none < PASID(1))
    }
}
