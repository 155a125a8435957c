import VTd

/// A cache tag's identity as the kernel matches it: type, DID and PASID, and the unit for IOTLB
/// types or the device for device-TLB types (kernel: `cache_tag_assign`, `cache_tag_unassign`;
/// docs/vtd-facts.md §1). Two trace lines with equal keys touch the same tag.
///
/// Units and devices are indices so keys hash quickly: `unit` indexes `TraceLexer.unitNames`;
/// `device` indexes `TraceLexer.devices` in lexed lines and `ReplayDeviceTable.records` from
/// `TagLifetimes` on (which also numbers stand-ins); it is -1 for IOTLB types.
struct TagKey: Hashable {
    let type: CacheTagType
    let unit: Int
    let device: Int
    let did: UInt16
    let pasid: UInt32

    /// Non-nesting tags alive at once under one owner belong to one domain: the driver gives a
    /// domain one DID per unit, except that SVA domains all share DID 1 and are told apart by
    /// their globally unique PASIDs (kernel: `domain_get_id_for_dev`; docs/vtd-facts.md §1, §9).
    struct Owner: Hashable {
        /// The unit; -1 under DID 1, where the PASID alone names the domain.
        let unit: Int
        let did: UInt16
        /// The PASID under DID 1; 0 otherwise.
        let pasid: UInt32
    }

    /// The owner this tag's domain holds (meaningful for non-nesting tags).
    var owner: Owner {
        did == DomainID.firstStageDefault.rawValue
            ? Owner(unit: -1, did: did, pasid: pasid) : Owner(unit: unit, did: did, pasid: 0)
    }

    /// For a NESTING tag: the IOTLB tag of the child it stands for, which carries the same unit,
    /// DID and PASID (kernel: `cache_tag_assign_parent_domain` copies the child's DID and PASID).
    var childIOTLB: TagKey { TagKey(type: .iotlb, unit: unit, device: -1, did: did, pasid: pasid) }

    /// Whether both tags come from one attachment of one device: the driver assigns a domain's
    /// IOTLB tag and then, for an ATS device, its DEVTLB tag with the same unit, DID and PASID
    /// (kernel: `cache_tag_assign_domain`).
    func sharesAttachment(with other: TagKey) -> Bool {
        unit == other.unit && did == other.did && pasid == other.pasid
    }

    /// The key with its device renumbered.
    func renumbered(device: Int) -> TagKey {
        TagKey(type: type, unit: unit, device: device, did: did, pasid: pasid)
    }
}
