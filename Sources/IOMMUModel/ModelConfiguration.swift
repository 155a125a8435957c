/// Geometry, costs and strictness of one modeled IOMMU.
public struct ModelConfiguration: Hashable, Sendable {
    /// IOTLB entries per unit (default 1024, the cap of QEMU's intel-iommu IOTLB; see `IOTLB`).
    public var iotlbEntries: Int
    /// IOTLB associativity (default 8; see `IOTLB`).
    public var iotlbWays: Int
    /// Device-TLB entries per ATS device (default 64; see `DeviceTLB`).
    public var deviceTLBEntries: Int
    /// The cost model.
    public var cost: CostModel
    /// Stop at the first oracle violation: the operation that found it throws `OracleViolation`
    /// (also kept as `IOMMUModel.firstViolation`). Otherwise violations are only counted.
    public var strict: Bool

    /// The defaults, each overridable.
    public init(
        iotlbEntries: Int = 1024, iotlbWays: Int = 8, deviceTLBEntries: Int = 64, cost: CostModel = .defaults,
        strict: Bool = false
    ) {
        self.iotlbEntries = iotlbEntries
        self.iotlbWays = iotlbWays
        self.deviceTLBEntries = deviceTLBEntries
        self.cost = cost
        self.strict = strict
    }
}
