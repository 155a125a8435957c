/// Index of an IOMMU domain (an address space) within a run.
public struct IOMMUDomainID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }
    @inlinable public static func < (lhs: IOMMUDomainID, rhs: IOMMUDomainID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "domain\(rawValue)" }
}

/// What kind of page table a domain uses, which decides the tags it carries, the descriptors
/// its flushes use, and whether it may share a DID (Linux: `IOMMU_DOMAIN_DMA`/`UNMANAGED` paging
/// domains with `use_first_level` false or true, `IOMMU_DOMAIN_SVA`, `IOMMU_DOMAIN_NESTED`).
public enum DomainKind: Hashable, Sendable, CustomStringConvertible {
    /// Second-stage paging (classic DMA-API and VFIO domains). Its IOTLB entries carry no PASID,
    /// so it must never share a DID with another domain.
    case secondStage
    /// First-stage paging (`use_first_level`): PASID-tagged entries, PASID-based invalidation.
    case firstStage
    /// Shared virtual addressing: the IOMMU walks a process page table; first-stage, PASID-tagged.
    case sva
    /// A first-stage child nested on a second-stage parent (a vIOMMU guest's page table).
    /// Changes to the parent must reach the child's cached nested translations (NESTING tags).
    case nested(parent: IOMMUDomainID)

    /// Whether the domain's IOTLB entries are PASID-tagged and flushed with PASID-based
    /// descriptors (Linux `domain->use_first_level`; true for SVA, nested and first-stage).
    @inlinable
    public var usesFirstStage: Bool {
        if case .secondStage = self { return false }
        return true
    }

    /// The nested child's parent, if any.
    @inlinable
    public var parent: IOMMUDomainID? {
        if case let .nested(parent) = self { return parent }
        return nil
    }

    /// Stable names for reports, traces and the command line.
    public var name: String {
        switch self {
        case .secondStage: "second-stage"
        case .firstStage: "first-stage"
        case .sva: "sva"
        case .nested: "nested"
        }
    }

    public var description: String {
        if case let .nested(parent) = self { return "nested on \(parent)" }
        return name
    }
}
