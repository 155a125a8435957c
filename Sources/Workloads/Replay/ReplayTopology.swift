import VTd

/// The replayed machine: units numbered by name, devices by the order replay met them, each
/// device with a requester ID. Part of `ReplayEmission`'s output.
struct ReplayTopology {
    let topology: Topology
    /// Unit names by `IOMMUUnitID`.
    let unitNames: [String]
    let devices: [ReplayDevice]

    /// `unitNames` as `TagKey.unit` numbers them; `devices` as `ReplayDeviceTable` does.
    /// `capabilities` are `KernelEvidence`'s, by the same index as `unitNames`.
    init(unitNames: [String], capabilities: [IOMMUCapabilities], devices records: [ReplayDeviceTable.Record]) {
        // Units sorted by name (dmar2 before dmar10): IDs follow the kernel's unit names, not the
        // order a trace happens to mention them in.
        let unitOrder = unitNames.indices.sorted { Self.naturalOrder(unitNames[$0], unitNames[$1]) }
        var unitID = Array(repeating: IOMMUUnitID(0), count: unitNames.count)
        for (position, unit) in unitOrder.enumerated() { unitID[unit] = IOMMUUnitID(position) }
        let units = unitOrder.enumerated().map { position, unit in
            IOMMUUnit(id: IOMMUUnitID(position), capabilities: capabilities[unit])
        }

        // A PCI name gives the requester ID; stand-ins and other names get unused IDs from 0xff00 down.
        var usedSources: Set<UInt16> = []
        var sources: [SourceID?] = records.map { record in
            guard !record.isStandIn, let source = Self.pciSource(record.name),
                usedSources.insert(source.rawValue).inserted
            else { return nil }
            return source
        }
        var nextSynthetic: UInt16 = 0xff00
        for index in sources.indices where sources[index] == nil {
            while usedSources.contains(nextSynthetic) { nextSynthetic &-= 1 }
            usedSources.insert(nextSynthetic)
            sources[index] = SourceID(rawValue: nextSynthetic)
        }

        var replayDevices: [ReplayDevice] = []
        var topologyDevices: [Device] = []
        for (index, record) in records.enumerated() {
            let id = DeviceID(index)
            replayDevices.append(
                ReplayDevice(
                    id: id, name: record.name, unit: unitID[record.unit], hasATS: record.hasATS,
                    isStandIn: record.isStandIn))
            topologyDevices.append(
                try! Device(id: id, iommu: unitID[record.unit], source: sources[index]!, hasATS: record.hasATS))
        }
        // A trace without cache-tag events: one idle unit keeps the topology valid.
        topology =
            units.isEmpty
            ? try! Topology(units: [IOMMUUnit(id: IOMMUUnitID(0))], devices: [])
            : try! Topology(units: units, devices: topologyDevices)
        self.unitNames = unitOrder.map { unitNames[$0] }
        devices = replayDevices
    }

    /// `dmar2` before `dmar10`: names compared by their text, then by their trailing number.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func split(_ name: String) -> (String, Int) {
            let digits = name.reversed().prefix(while: { $0.isASCII && $0.isNumber })
            let stem = String(name.dropLast(digits.count))
            return (stem, digits.isEmpty || digits.count > 9 ? -1 : Int(String(digits.reversed()))!)
        }
        let (stemA, numberA) = split(a)
        let (stemB, numberB) = split(b)
        return (stemA, numberA, a) < (stemB, numberB, b)
    }

    /// The requester ID of a PCI name `DDDD:BB:DD.F`, if the name is one.
    static func pciSource(_ name: String) -> SourceID? {
        let parts = name.split(separator: ":")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2 else { return nil }
        let slot = parts[2].split(separator: ".")
        guard slot.count == 2, slot[0].count == 2, slot[1].count == 1, let bus = Int(parts[1], radix: 16),
            let device = Int(slot[0], radix: 16), let function = Int(slot[1], radix: 16)
        else { return nil }
        return try? SourceID(bus: bus, device: device, function: function)
    }
}
