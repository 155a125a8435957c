import VTd

/// One cache tag: what a domain must invalidate when its mappings change
/// (Linux `struct cache_tag`: type, iommu, dev, domain_id, pasid; `users` lives in the table).
///
/// The tag carries the unit's capabilities and the device's facts by value, so a table can
/// build descriptors without a topology lookup. Identity, as the kernel's `cache_tag_assign`
/// matches, is (type, DID, PASID) plus the unit for IOTLB types or the device for device-TLB
/// types: two devices behind one unit that attach the same domain share one IOTLB tag.
public struct CacheTag: Sendable, CustomStringConvertible {
    public let type: CacheTagType
    /// The unit whose invalidation queue receives this tag's descriptors.
    public let unit: IOMMUUnit
    /// The device the tag was assigned for. Part of the identity only for device-TLB types.
    public let device: Device
    public let domainID: DomainID
    public let pasid: PASID

    public init(type: CacheTagType, unit: IOMMUUnit, device: Device, domainID: DomainID, pasid: PASID) {
        precondition(device.iommu == unit.id, "\(device) is not behind \(unit)")
        self.type = type
        self.unit = unit
        self.device = device
        self.domainID = domainID
        self.pasid = pasid
    }

    /// The identity the kernel matches tags by.
    public var key: Key {
        Key(
            type: type, target: type.isDeviceTLB ? device.id.rawValue : unit.id.rawValue, domainID: domainID,
            pasid: pasid)
    }

    /// A tag's identity: 16 bytes, hashable.
    public struct Key: Hashable, Sendable {
        public let type: CacheTagType
        /// The unit index for IOTLB types, the device index for device-TLB types.
        public let target: Int
        public let domainID: DomainID
        public let pasid: PASID

        public init(type: CacheTagType, target: Int, domainID: DomainID, pasid: PASID) {
            self.type = type
            self.target = target
            self.domainID = domainID
            self.pasid = pasid
        }

        /// A deterministic order for listings: type, target, DID, PASID.
        public var walkOrder: [Int] { [Int(type.rawValue), target, Int(domainID.rawValue), Int(pasid.rawValue)] }
    }

    public var description: String {
        let owner = type.isDeviceTLB ? "\(unit)/\(device.source)" : "\(unit)"
        return "\(owner) type \(type) did \(domainID.rawValue) pasid \(pasid.rawValue)"
    }
}

/// A tag and its reference count, as tables report their contents.
public struct CountedCacheTag: Sendable {
    public let tag: CacheTag
    /// How many assignments hold the tag (`users` in the kernel).
    public let users: Int
}
