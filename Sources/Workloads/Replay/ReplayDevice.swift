import VTd

/// A device of the reconstructed topology.
package struct ReplayDevice: Hashable, Sendable {
    package let id: DeviceID
    /// The kernel's name (`0000:3b:00.0`), or a made-up `dmarN-nonats-K` for a stand-in.
    package let name: String
    package let unit: IOMMUUnitID
    package let hasATS: Bool
    /// True for a stand-in: a non-ATS device the trace cannot name (IOTLB tags print the unit, not
    /// the device; docs/vtd-facts.md §4), inferred from IOTLB tags no ATS device accounts for.
    package let isStandIn: Bool
}
