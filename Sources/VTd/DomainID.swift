/// A VT-d Domain Identifier: the tag the IOMMU puts on every IOTLB, paging-structure and
/// PASID cache entry it fills (VT-d spec §6.2.1).
///
/// Two domains that share a DID share cache tags: an invalidation by DID reaches both, and
/// second-stage-only entries (which carry no PASID) of the two would alias. Which domains may
/// share is the question this project measures (see `DomainIDScheme`).
public struct DomainID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 16-bit DID as written into context/PASID-table entries and descriptors.
    public let rawValue: UInt16

    @inlinable
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// DID 0: reserved. In caching mode hardware tags not-present translations with it,
    /// so the Linux driver never hands it to a domain.
    public static let reserved = DomainID(0)

    /// DID 1: `FLPT_DEFAULT_DID` in the Linux driver, the DID shared by every SVA domain
    /// (`domain_get_id_for_dev` in drivers/iommu/intel/iommu.c). Allocation of per-domain
    /// DIDs starts after it.
    public static let firstStageDefault = DomainID(1)

    /// The first DID a per-IOMMU allocator hands out (Linux: an ida over 2 ..< cap_ndoms).
    public static let firstAllocatable: UInt16 = 2

    @inlinable
    public static func < (lhs: DomainID, rhs: DomainID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "did \(rawValue)" }
}

/// The number of DIDs one IOMMU unit supports: `cap_ndoms` = 2^(4 + 2·ND) with ND = CAP[2:0]
/// (VT-d spec §11.4.2), i.e. 16, 64, 256, …, 65536.
public struct DomainIDSpace: Hashable, Sendable, CustomStringConvertible {
    /// ND, the capability field (0 … 6).
    public let numberOfDomainsField: Int

    /// Builds the space from the CAP.ND field (0 … 6).
    public init(numberOfDomainsField: Int) throws(VTdError) {
        guard (0...6).contains(numberOfDomainsField) else {
            throw VTdError.outOfRange(field: "cap.nd", value: "\(numberOfDomainsField)", allowed: "0...6")
        }
        self.numberOfDomainsField = numberOfDomainsField
    }

    /// Builds the space from the number of domains, which must be a valid `cap_ndoms` value.
    public init(domainCount: Int) throws(VTdError) {
        for field in 0...6 where 1 << (4 + 2 * field) == domainCount {
            self.numberOfDomainsField = field
            return
        }
        throw VTdError.outOfRange(
            field: "cap_ndoms", value: "\(domainCount)", allowed: "16, 64, 256, 1024, 4096, 16384, 65536")
    }

    /// `cap_ndoms`: DIDs 0 ..< count exist on the unit.
    public var count: Int { 1 << (4 + 2 * numberOfDomainsField) }

    /// DIDs a per-domain allocator can hand out: all but the reserved 0 and the shared default 1.
    public var allocatableCount: Int { count - Int(DomainID.firstAllocatable) }

    /// The 16-bit space of server parts (Skylake-SP, Ice Lake-D; cap 8d2078c106f0466).
    public static let server = try! DomainIDSpace(numberOfDomainsField: 6)

    public var description: String { "\(count) DIDs" }
}
