import VTd

/// A device of the reconstructed topology.
public struct ReplayDevice: Hashable, Sendable {
    public let id: DeviceID
    /// The kernel's name (`0000:3b:00.0`), or a made-up `dmarN-nonats-K` for a stand-in.
    public let name: String
    public let unit: IOMMUUnitID
    public let hasATS: Bool
    /// True for a stand-in: a non-ATS device the trace cannot name (IOTLB tags print the unit, not
    /// the device; docs/vtd-facts.md §4), inferred from IOTLB tags no ATS device accounts for.
    public let isStandIn: Bool
}
