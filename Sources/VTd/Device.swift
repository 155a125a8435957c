/// Index of a PCI function within a topology.
public struct DeviceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }
    @inlinable public static func < (lhs: DeviceID, rhs: DeviceID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "dev\(rawValue)" }
}

/// A PCI function behind one IOMMU unit: what the device-TLB descriptors need to know of it
/// (Linux `struct device_domain_info`: bus/devfn, pfsid, ats_qdep, dtlb_extra_inval).
public struct Device: Hashable, Sendable, CustomStringConvertible {
    public let id: DeviceID
    /// The unit that translates this device's DMA.
    public let iommu: IOMMUUnitID
    /// Requester ID.
    public let source: SourceID
    /// The physical function's source ID for an SR-IOV VF (PFSID), else the device's own.
    public let physicalFunctionSource: SourceID
    /// Whether ATS is enabled: the device caches translations in its device TLB, so flushes
    /// also need device-TLB invalidations (a DEVTLB cache tag).
    public let hasATS: Bool
    /// ATS invalidate queue depth (`ats_qdep`), carried in device-TLB descriptors (0 = 32).
    public let queueDepth: Int
    /// Devices with an erratum that need every device-TLB invalidation sent twice
    /// (`dtlb_extra_inval`, set by `quirk_extra_dev_tlb_flush` for some integrated devices).
    public let needsExtraInvalidation: Bool
    /// The RID_PASID of the device's scalable-mode context entry: the PASID that requests without
    /// a PASID are processed with, so the PASID first-stage and nested IOTLB entries of the RID
    /// attachment carry (VT-d spec §9.4; a value other than 0 needs ECAP.RPS). Linux always uses 0
    /// (`IOMMU_NO_PASID`); a hardware profile may give each device its own (`--hw rid_pasid=per-device`),
    /// which makes nested children attached at RID PASID-unique, so a scheme can share their DID.
    public var ridPASID: PASID = .none

    public init(
        id: DeviceID, iommu: IOMMUUnitID, source: SourceID, physicalFunctionSource: SourceID? = nil,
        hasATS: Bool = false, queueDepth: Int = 32, needsExtraInvalidation: Bool = false
    ) throws(VTdError) {
        guard (0...32).contains(queueDepth) else {
            throw VTdError.outOfRange(field: "queue_depth", value: "\(queueDepth)", allowed: "0...32")
        }
        self.id = id
        self.iommu = iommu
        self.source = source
        self.physicalFunctionSource = physicalFunctionSource ?? source
        self.hasATS = hasATS
        self.queueDepth = queueDepth
        self.needsExtraInvalidation = needsExtraInvalidation
    }

    /// The PASID IOTLB entries of an attachment through `pasid` are tagged with: `ridPASID` for
    /// the RID attachment, else `pasid`.
    @inlinable
    public func taggedPASID(_ pasid: PASID) -> PASID { pasid.isNone ? ridPASID : pasid }

    public var description: String { "\(id) (\(source) on \(iommu)\(hasATS ? ", ATS" : ""))" }
}
