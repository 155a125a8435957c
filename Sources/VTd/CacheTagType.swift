/// What a cache tag invalidates (Linux `enum cache_tag_type` in drivers/iommu/intel/cache.c).
public enum CacheTagType: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// The IOTLB (and paging-structure caches) of one IOMMU unit, for one DID/PASID.
    case iotlb
    /// One ATS device's device TLB.
    case devtlb
    /// On a second-stage parent: the IOTLB entries of a nested child (child's DID and PASID).
    case nestingIotlb
    /// On a second-stage parent: a nested child's device TLB. Nested translations in the device
    /// cannot be bounded by a parent range, so these flush the whole device TLB.
    case nestingDevtlb

    /// Whether a tag of this type targets a device TLB (matched by device) rather than an
    /// IOMMU's IOTLB (matched by unit).
    public var isDeviceTLB: Bool { self == .devtlb || self == .nestingDevtlb }

    /// The names the kernel's trace events print (`iotlb`, `devtlb`, `nesting_iotlb`, `nesting_devtlb`).
    public var description: String {
        switch self {
        case .iotlb: "iotlb"
        case .devtlb: "devtlb"
        case .nestingIotlb: "nesting_iotlb"
        case .nestingDevtlb: "nesting_devtlb"
        }
    }

    /// Parses a trace name, accepting the `parent_*` spellings some kernels print.
    public init?(traceName: String) {
        switch traceName {
        case "iotlb": self = .iotlb
        case "devtlb": self = .devtlb
        case "nesting_iotlb", "parent_iotlb": self = .nestingIotlb
        case "nesting_devtlb", "parent_devtlb": self = .nestingDevtlb
        default: return nil
        }
    }
}
