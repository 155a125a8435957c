/// Geometry, costs and strictness of one modeled IOMMU.
package struct ModelConfiguration: Hashable, Sendable {
    /// IOTLB entries per unit (default 1024, the cap of QEMU's intel-iommu IOTLB; see `IOTLB`).
    package var iotlbEntries: Int
    /// IOTLB associativity (default 8; see `IOTLB`).
    package var iotlbWays: Int
    /// How the IOTLB picks a set (default `page`; see `IOTLBSetIndex`).
    package var iotlbSetIndex: IOTLBSetIndex
    /// How much a PASID-based IOTLB invalidation drops (default `exact`; see `PASIDSelectivePrecision`).
    package var pasidSelectivePrecision: PASIDSelectivePrecision
    /// Device-TLB entries per ATS device (default 64; see `DeviceTLB`).
    package var deviceTLBEntries: Int
    /// The cost model.
    package var cost: CostModel
    /// Stop at the first oracle violation: the operation that found it throws `OracleViolation`
    /// (also kept as `IOMMUModel.firstViolation`). Otherwise violations are only counted.
    package var strict: Bool

    /// The defaults, each overridable.
    package init(
        iotlbEntries: Int = 1024, iotlbWays: Int = 8, iotlbSetIndex: IOTLBSetIndex = .page,
        pasidSelectivePrecision: PASIDSelectivePrecision = .exact, deviceTLBEntries: Int = 64, cost: CostModel = .defaults,
        strict: Bool = false
    ) {
        self.iotlbEntries = iotlbEntries
        self.iotlbWays = iotlbWays
        self.iotlbSetIndex = iotlbSetIndex
        self.pasidSelectivePrecision = pasidSelectivePrecision
        self.deviceTLBEntries = deviceTLBEntries
        self.cost = cost
        self.strict = strict
    }
}
