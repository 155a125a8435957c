import TestSupport
import Testing
import VTd

@Suite struct SourceIDTests {
    @Test func packsBusDeviceFunction() throws {
        // PCI_DEVID(bus, devfn) = bus << 8 | dev << 3 | fn.
        let sid = try SourceID(bus: 0x3a, device: 0x1f, function: 6)
        #expect(sid.rawValue == 0x3a << 8 | 0x1f << 3 | 6)
        #expect(sid.rawValue == 0x3AFE)
        #expect(sid.bus == 0x3a)
        #expect(sid.device == 0x1f)
        #expect(sid.function == 6)
        #expect(try SourceID(bus: 0, device: 0, function: 0).rawValue == 0)
        #expect(try SourceID(bus: 255, device: 31, function: 7).rawValue == 0xFFFF)
    }

    @Test func everyRawValueRoundTrips() throws {
        var mismatches: [UInt16] = []
        for raw in UInt16.min...UInt16.max {
            let sid = SourceID(rawValue: raw)
            if try SourceID(bus: sid.bus, device: sid.device, function: sid.function) != sid { mismatches.append(raw) }
        }
        #expect(mismatches.isEmpty)
    }

    @Test func descriptionIsLspciForm() throws {
        #expect(try SourceID(bus: 0, device: 2, function: 0).description == "00:02.0")
        #expect(try SourceID(bus: 0x3a, device: 0x1f, function: 6).description == "3a:1f.6")
        #expect(try SourceID(bus: 255, device: 31, function: 7).description == "ff:1f.7")
        #expect(try SourceID(bus: 0xb, device: 0xa, function: 1).description == "0b:0a.1")
    }

    @Test(arguments: [
        (256, 0, 0, "bus"), (-1, 0, 0, "bus"), (0, 32, 0, "device"), (0, -1, 0, "device"), (0, 0, 8, "function"),
        (0, 0, -1, "function"), (300, 40, 9, "bus"),
    ])
    func outOfRangeFieldsThrow(bus: Int, device: Int, function: Int, name: String) {
        let error = #expect(throws: VTdError.self) { try SourceID(bus: bus, device: device, function: function) }
        #expect(error?.field == name)
    }

    @Test func ordersByRawValue() throws {
        #expect(try SourceID(bus: 0, device: 31, function: 7) < SourceID(bus: 1, device: 0, function: 0))
    }
}
