import TestSupport
import Testing
import VTd

@Suite struct DeviceTests {
    @Test func defaultsAndPhysicalFunction() throws {
        let source = try SourceID(bus: 3, device: 2, function: 1)
        let device = try Device(id: DeviceID(4), iommu: IOMMUUnitID(1), source: source, hasATS: true)
        #expect(device.physicalFunctionSource == source, "PFSID defaults to the device's own SID")
        #expect(device.queueDepth == 32)
        #expect(!device.needsExtraInvalidation)
        #expect(device.description == "dev4 (03:02.1 on dmar1, ATS)")
        let pf = try SourceID(bus: 3, device: 0, function: 0)
        let vf = try Device(id: DeviceID(5), iommu: IOMMUUnitID(1), source: source, physicalFunctionSource: pf)
        #expect(vf.physicalFunctionSource == pf)
        #expect(vf.description == "dev5 (03:02.1 on dmar1)")
    }

    @Test(arguments: [-1, 33, 64])
    func queueDepthOutOfRangeThrows(depth: Int) {
        let error = #expect(throws: VTdError.self) {
            try Device(id: DeviceID(0), iommu: IOMMUUnitID(0), source: SourceID(rawValue: 0), queueDepth: depth)
        }
        #expect(error?.field == "queue_depth")
    }
}
