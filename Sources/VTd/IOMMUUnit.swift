/// Index of an IOMMU unit (a DMAR unit, `dmarN` in the kernel's names) within a topology.
public struct IOMMUUnitID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }
    @inlinable public static func < (lhs: IOMMUUnitID, rhs: IOMMUUnitID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// `dmarN`, as the kernel names the unit.
    public var description: String { "dmar\(rawValue)" }
}

/// The capability bits of one IOMMU unit that decide which descriptors a flush can use
/// (VT-d spec §11.4.2, the CAP register).
public struct IOMMUCapabilities: Hashable, Sendable {
    /// `cap_ndoms`: how many DIDs exist.
    public var domainIDs: DomainIDSpace
    /// CAP.PSI: page-selective IOTLB invalidation supported. Without it every second-stage
    /// range flush falls back to domain-selective (`cap_pgsel_inv`).
    public var pageSelectiveInvalidation: Bool
    /// CAP.MAMV: the largest address mask a page-selective IOTLB invalidation may carry
    /// (`cap_max_amask_val`); a wider flush falls back to domain-selective. 18 (1 GiB) on Skylake-SP.
    public var maximumAddressMaskValue: Int
    /// CAP.CM: caching mode (emulated IOMMUs such as QEMU's): not-present entries may be cached,
    /// so new mappings of second-stage domains need an IOTLB flush (`cache_tag_flush_range_np`).
    public var cachingMode: Bool
    /// CAP.DRD: the unit can drain reads; the kernel then sets DR (bit 7) in every IOTLB
    /// descriptor (`qi_desc_iotlb`, `cap_read_drain`). Set on Skylake-SP (cap 8d2078c106f0466)
    /// and on QEMU's unit; docs/vtd-facts.md §1 ("Descriptor bits the kernel really sets").
    public var readDrain: Bool
    /// CAP.DWD: write draining; the kernel sets DW (bit 6) in IOTLB descriptors (`cap_write_drain`).
    public var writeDrain: Bool
    /// Whether the kernel runs the unit in scalable mode (ECAP.SMTS and not `intel_iommu=sm_off`):
    /// it decides the set-up and tear-down traffic of an attachment (PASID-table entries and
    /// PASID-cache invalidations, or legacy context entries and context-cache invalidations).
    public var scalableMode: Bool

    public init(
        domainIDs: DomainIDSpace = .server, pageSelectiveInvalidation: Bool = true, maximumAddressMaskValue: Int = 18,
        cachingMode: Bool = false, readDrain: Bool = true, writeDrain: Bool = true, scalableMode: Bool = true
    ) throws(VTdError) {
        guard (0...63).contains(maximumAddressMaskValue) else {
            throw VTdError.outOfRange(field: "mamv", value: "\(maximumAddressMaskValue)", allowed: "0...63")
        }
        self.domainIDs = domainIDs
        self.pageSelectiveInvalidation = pageSelectiveInvalidation
        self.maximumAddressMaskValue = maximumAddressMaskValue
        self.cachingMode = cachingMode
        self.readDrain = readDrain
        self.writeDrain = writeDrain
        self.scalableMode = scalableMode
    }

    /// A Skylake-SP-like server unit: 65,536 DIDs, PSI, MAMV 18, no caching mode, read and write
    /// draining, scalable mode.
    public static let server = try! IOMMUCapabilities()
}

/// One IOMMU unit: its index and capabilities. Each unit has its own invalidation queue and
/// its own DID space, which is why the kernel batches a flush per unit.
public struct IOMMUUnit: Hashable, Sendable, CustomStringConvertible {
    public let id: IOMMUUnitID
    public var capabilities: IOMMUCapabilities

    public init(id: IOMMUUnitID, capabilities: IOMMUCapabilities = .server) {
        self.id = id
        self.capabilities = capabilities
    }

    public var description: String { id.description }
}
