import TestSupport
import Testing
import VTd
@testable import Workloads

/// The replayed machine `ReplayEmission` publishes: units by name, devices by meeting order.
@Suite("Replay topology")
struct ReplayTopologyTests {
    let path: String

    init() throws { path = try sampleTrace().path }

    @Test("the sample reconstructs to the expected topology")
    func topology() throws {
        let replay = try TraceReplay(contentsOf: path)
        #expect(replay.file == path)
        #expect(replay.unitNames == ["dmar0", "dmar1"])
        #expect(replay.topology.units.count == 2)
        let named = replay.devices.filter { !$0.isStandIn }
        #expect(
            Set(named.map(\.name)) == ["0000:3b:00.0", "0000:6b:00.0", "0000:6a:01.0", "0000:6b:00.1", "0000:6c:00.0"])
        #expect(named.allSatisfy { $0.hasATS })
        #expect(replay.devices.first { $0.name == "0000:3b:00.0" }?.unit == IOMMUUnitID(0))
        #expect(replay.devices.first { $0.name == "0000:6a:01.0" }?.unit == IOMMUUnitID(1))
        // Three non-ATS devices the trace cannot name, all behind dmar0: the boot NVMe domain, the
        // spanning domain's dmar0 device and nested child B's device.
        let standIns = replay.devices.filter(\.isStandIn)
        #expect(standIns.count == 3)
        #expect(standIns.allSatisfy { !$0.hasATS && $0.unit == IOMMUUnitID(0) })
        for device in replay.devices {
            let modeled = replay.topology.devices[device.id.rawValue]
            #expect(modeled.hasATS == device.hasATS && modeled.iommu == device.unit)
        }
        #expect(
            replay.topology.devices.first { $0.hasATS && $0.iommu == IOMMUUnitID(0) }?.source.description == "3b:00.0")
        #expect(Set(replay.topology.devices.map(\.source)).count == replay.topology.devices.count)
    }

    @Test("units sort by name with numbers compared as numbers")
    func unitOrder() {
        let topology = ReplayTopology(
            unitNames: ["dmar10", "dmar2", "iommu", "dmar0"], capabilities: Array(repeating: .server, count: 4),
            devices: [.init(name: "0000:00:02.0", unit: 0, hasATS: true, isStandIn: false)])
        #expect(topology.unitNames == ["dmar0", "dmar2", "dmar10", "iommu"])
        #expect(topology.devices.map(\.unit) == [IOMMUUnitID(2)])
        #expect(ReplayTopology.naturalOrder("dmar9", "dmar10") && !ReplayTopology.naturalOrder("dmar10", "dmar9"))
    }

    @Test("PCI names give requester IDs; stand-ins, other names and duplicates get unused ones from 0xff00 down")
    func sources() throws {
        let topology = ReplayTopology(
            unitNames: ["dmar0"], capabilities: Array(repeating: .server, count: 1),
            devices: [
                .init(name: "0000:3b:00.0", unit: 0, hasATS: true, isStandIn: false),
                .init(name: "dmar0-nonats-1", unit: 0, hasATS: false, isStandIn: true),
                .init(name: "0000:ff:00.0", unit: 0, hasATS: true, isStandIn: false),
                .init(name: "platform-dev", unit: 0, hasATS: true, isStandIn: false),
            ])
        #expect(
            topology.topology.devices.map(\.source.rawValue) == [0x3b00, 0xff00 - 1, 0xff00, 0xff00 - 2])
        #expect(ReplayTopology.pciSource("0000:3b:00.1")?.description == "3b:00.1")
        #expect(ReplayTopology.pciSource("3b:00.1") == nil && ReplayTopology.pciSource("0000:3b:0.1") == nil)
    }
}
