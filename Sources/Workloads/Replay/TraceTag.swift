import VTd

/// A cache tag as a trace names it: type, unit and (for device-TLB types) device by their kernel
/// names, DID and PASID (docs/vtd-facts.md §4).
package struct TraceTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let type: CacheTagType
    package let unit: String
    /// The device's name for device-TLB types; nil for IOTLB types (the kernel prints the unit).
    package let device: String?
    package let did: UInt16
    package let pasid: UInt32

    package init(type: CacheTagType, unit: String, device: String? = nil, did: UInt16, pasid: UInt32) {
        self.type = type
        self.unit = unit
        self.device = type.isDeviceTLB ? device : nil
        self.did = did
        self.pasid = pasid
    }

    /// The tag `key` names, with its unit and device by name.
    init(_ key: TagKey, unitNames: [String], devices: ReplayDeviceTable) {
        self.init(
            type: key.type, unit: unitNames[key.unit], device: key.device >= 0 ? devices[key.device].name : nil,
            did: key.did, pasid: key.pasid)
    }

    /// By unit, then type in the kernel's order, device, DID and PASID.
    package static func < (lhs: TraceTag, rhs: TraceTag) -> Bool {
        (lhs.unit, lhs.type.sortRank, lhs.device ?? "", lhs.did, lhs.pasid) < (
            rhs.unit, rhs.type.sortRank, rhs.device ?? "", rhs.did, rhs.pasid
        )
    }

    package var description: String { "\(unit)/\(device ?? unit) type \(type) did \(did) pasid \(pasid)" }
}
