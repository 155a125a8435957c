import VTd

/// The modeled IOMMU's hardware: cache geometry and behaviour the model needs, and the capability
/// bits the kernel-faithful tables read from every unit. Chosen by `--hw NAME`, `--hw key=value`
/// (repeatable, sweepable as `--vary hw.KEY=...`) and `--hw-file FILE`; `list` shows the keys and
/// the named profiles (`HardwareProfile+Keys.swift`).
///
/// The DID space (`ndoms`) is a workload parameter (every workload has one); a profile that sets it
/// overrides every workload's value. Intel publishes no IOTLB geometry, so each profile says where
/// its numbers come from (docs/vtd-facts.md §3, §7).
package struct HardwareProfile: Hashable, Sendable {
    /// The named profile this one started from (`server`, `qemu`, `adversarial`).
    package var name: String
    /// IOTLB entries per unit.
    package var iotlbEntries: Int
    /// IOTLB associativity; `iotlbEntries` must be a multiple.
    package var iotlbWays: Int
    /// How the IOTLB picks a set.
    package var setIndex: IOTLBSetIndex
    /// Device-TLB entries per ATS device.
    package var deviceTLBEntries: Int
    /// CAP.PSI.
    package var pageSelectiveInvalidation: Bool
    /// CAP.MAMV.
    package var maximumAddressMaskValue: Int
    /// CAP.CM.
    package var cachingMode: Bool
    /// CAP.DRD.
    package var readDrain: Bool
    /// CAP.DWD.
    package var writeDrain: Bool
    /// Scalable mode (ECAP.SMTS, not `sm_off`).
    package var scalableMode: Bool
    /// `cap_ndoms` of every unit, or nil to leave it to the workload's `ndoms` parameter.
    package var domainCount: Int?
    /// How much a PASID-based IOTLB invalidation drops.
    package var pasidSelectivePrecision: PASIDSelectivePrecision
    /// Which RID_PASID each device's context entry carries.
    package var ridPASID: RIDPASIDAssignment

    /// The model configuration for this hardware with `cost` and strictness.
    package func configuration(cost: CostModel = .defaults, strict: Bool = false) -> ModelConfiguration {
        ModelConfiguration(
            iotlbEntries: iotlbEntries, iotlbWays: iotlbWays, iotlbSetIndex: setIndex,
            pasidSelectivePrecision: pasidSelectivePrecision, deviceTLBEntries: deviceTLBEntries, cost: cost,
            strict: strict)
    }

    /// `unit`'s capabilities with this profile's bits (its DID space too when the profile sets one).
    package func capabilities(over unit: IOMMUCapabilities) -> IOMMUCapabilities {
        var result = unit
        result.pageSelectiveInvalidation = pageSelectiveInvalidation
        result.maximumAddressMaskValue = maximumAddressMaskValue
        result.cachingMode = cachingMode
        result.readDrain = readDrain
        result.writeDrain = writeDrain
        result.scalableMode = scalableMode
        if let domainCount { result.domainIDs = try! DomainIDSpace(domainCount: domainCount) }
        return result
    }

    /// `device` with the RID_PASID this profile gives device number `index`.
    package func device(_ device: Device, index: Int) -> Device {
        var result = device
        result.ridPASID = ridPASID.ridPASID(ofDevice: index)
        return result
    }
}

/// Which RID_PASID the devices' scalable-mode context entries carry (VT-d spec §9.4: a field of
/// the context entry; values other than 0 need ECAP.RPS).
package enum RIDPASIDAssignment: String, Hashable, Sendable, CaseIterable {
    /// 0 for every device: what Linux programs (`IOMMU_NO_PASID`).
    case zero
    /// Each device its own, counting down from the top of the 20-bit PASID space: what would let
    /// nested children attached at RID be PASID-unique under one DID. Generated PASID attachments
    /// count up from 1 and their parameters keep them below 2^17 (a workload's live PASIDs are
    /// bounded by its parameters' ranges), so the two never meet.
    case perDevice = "per-device"

    /// The RID_PASID of device number `index`.
    package func ridPASID(ofDevice index: Int) -> PASID {
        switch self {
        case .zero: .none
        case .perDevice: PASID(unchecked: PASID.maximum - UInt32(index))
        }
    }
}
