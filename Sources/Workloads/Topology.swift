import VTd

/// The hardware a workload runs on: IOMMU units and the devices behind them.
/// Device `i` must have `DeviceID(i)`.
package struct Topology: Hashable, Sendable {
    package var units: [IOMMUUnit]
    package var devices: [Device]

    /// Builds a topology, checking that every device sits behind a listed unit and that device
    /// indices match positions.
    package init(units: [IOMMUUnit], devices: [Device]) throws(WorkloadError) {
        guard !units.isEmpty else { throw .impossibleTopology("no IOMMU units") }
        for (index, unit) in units.enumerated() where unit.id.rawValue != index {
            throw .impossibleTopology("unit at position \(index) has id \(unit.id.rawValue)")
        }
        for (index, device) in devices.enumerated() {
            guard device.id.rawValue == index else {
                throw .impossibleTopology("device at position \(index) has id \(device.id.rawValue)")
            }
            guard units.indices.contains(device.iommu.rawValue) else {
                throw .impossibleTopology("\(device.id) is behind \(device.iommu), which does not exist")
            }
        }
        self.units = units
        self.devices = devices
    }
}
