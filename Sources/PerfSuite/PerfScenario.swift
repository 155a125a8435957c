import CacheTags
import VTd

/// The domain every performance target is measured on: one second-stage (DMA/VFIO) domain with
/// `tagCount` cache tags spread the way a real passthrough domain spreads them.
///
/// Layout: one server IOMMU unit (`dmar0`: 65,536 DIDs, PSI, MAMV 18, no caching mode); the
/// domain holds DID 2 (the first allocatable DID) on it. Devices 0, 1, 2, … are PCI functions
/// behind that unit (SID `(i/256 + 1):(i%256)` as bus:devfn) with ATS enabled (queue depth 32), all
/// attached without PASID. Their attachments share one IOTLB tag (same unit, DID and PASID: the
/// kernel's dedup) and each adds its own DEVTLB tag, so N tags = 1 IOTLB + (N − 1) DEVTLB tags
/// (N = 1 is the IOTLB tag alone). A range flush therefore emits N descriptors in ⌈N/16⌉
/// submissions on every table: one page-selective IOTLB invalidation plus one device-TLB
/// invalidation per ATS device, e.g. a VFIO domain of SR-IOV VFs with ATS behind one unit.
///
/// `spareDevices` more ATS devices (ids N−1+1 …) are not attached: assign/unassign timings attach
/// and detach their DEVTLB tags 16 at a time, a different 16 each cycle in rotation (a new,
/// distinct tag each, so every assign inserts and every unassign removes — and a table that keeps
/// zero-user entries for later, as SMMUv3's does, meets them again only after three other
/// groups), and the mixed loop attaches one of them per iteration.
package struct PerfScenario: Sendable {
    /// Distinct tags the domain holds.
    package let tagCount: Int
    /// The unit every device sits behind.
    package let unit: IOMMUUnit
    /// The domain's DID on `unit`.
    package let domainID: DomainID
    /// The tags, in assignment order (the IOTLB tag first).
    package let tags: [CacheTag]
    /// Devices not attached, one DEVTLB tag each, for assign/unassign timings.
    package let spareTags: [CacheTag]
    /// The spare devices' IOTLB tags (identical keys to `tags[0]`: an attach bumps its users).
    package let spareIOTLBTags: [CacheTag]

    /// Spare tags attached and detached per timed cycle.
    package static let churnGroup = 16

    /// The tags of a first attach into an empty table: one ATS device's IOTLB and DEVTLB tags.
    package var firstAttachTags: [CacheTag] { [spareIOTLBTags[0], spareTags[0]] }

    /// The spare DEVTLB tags of churn cycle `cycle`: `churnGroup` of them, groups in rotation.
    package func churnTags(_ cycle: Int) -> ArraySlice<CacheTag> {
        let groups = max(1, spareTags.count / Self.churnGroup)
        let start = (cycle % groups) * Self.churnGroup
        return spareTags[start..<min(start + Self.churnGroup, spareTags.count)]
    }

    /// The tag counts the sweep uses: 1, 4, 16, 64, 256, 1024 per domain.
    package static let tagCounts = [1, 4, 16, 64, 256, 1024]
    /// A 4 KiB unmap: one page (mask 0).
    package static let smallRange = IOVARange(firstPage: 0x12345, pageCount: 1)
    /// A 2 MiB unmap: 512 pages, 2 MiB aligned (mask 9).
    package static let largeRange = IOVARange(firstPage: 0x40000, pageCount: 512)
    /// The second-stage domain: IOTLB tags flush with DID-based descriptors.
    package static let domainUsesFirstStage = false

    /// Builds the layout for `tagCount` ≥ 1 tags and `spareDevices` unattached devices.
    package init(tagCount: Int, spareDevices: Int = 64) {
        precondition(tagCount >= 1, "a scenario holds at least the IOTLB tag")
        self.tagCount = tagCount
        let unit = IOMMUUnit(id: IOMMUUnitID(0), capabilities: .server)
        self.unit = unit
        let did = DomainID(DomainID.firstAllocatable)
        domainID = did

        func device(_ index: Int, ats: Bool) -> Device {
            let sid = SourceID(rawValue: UInt16(truncatingIfNeeded: (index / 256 + 1) << 8 | index % 256))
            return try! Device(id: DeviceID(index), iommu: unit.id, source: sid, hasATS: ats, queueDepth: 32)
        }
        func tag(_ type: CacheTagType, _ device: Device) -> CacheTag {
            CacheTag(type: type, unit: unit, device: device, domainID: did, pasid: .none)
        }

        let first = device(0, ats: tagCount > 1)
        var tags = [tag(.iotlb, first)]
        if tagCount > 1 {
            tags.append(tag(.devtlb, first))
            for index in 1..<(tagCount - 1) { tags.append(tag(.devtlb, device(index, ats: true))) }
        }
        self.tags = tags
        let spareStart = max(tagCount - 1, 1)
        let spares = (0..<spareDevices).map { device(spareStart + $0, ats: true) }
        spareTags = spares.map { tag(.devtlb, $0) }
        spareIOTLBTags = spares.map { tag(.iotlb, $0) }
    }

    /// A table of type `Table` holding the scenario's tags.
    package func makeTable<Table: CacheTagTable>(_ type: Table.Type) -> Table {
        let table = Table(domainUsesFirstStage: Self.domainUsesFirstStage)
        for tag in tags { table.assign(tag) }
        return table
    }

    /// A table of the registry entry `table` holding the scenario's tags.
    package func makeTable(_ table: CacheTagTableDescriptor) -> any CacheTagTable {
        let made = table.make(domainUsesFirstStage: Self.domainUsesFirstStage)
        for tag in tags { made.assign(tag) }
        return made
    }

    /// A kernel-list table holding the scenario's tags, nodes from `allocator`.
    package func makeKernelList(allocator: TagAllocator = .system) -> KernelListTable {
        let table = KernelListTable(domainUsesFirstStage: Self.domainUsesFirstStage, allocator: allocator)
        for tag in tags { table.assign(tag) }
        return table
    }

    /// The C baseline holding the scenario's tags.
    package func makeCBaseline() -> CKernelListBaseline {
        let table = CKernelListBaseline(domainUsesFirstStage: Self.domainUsesFirstStage)
        for tag in tags { table.assign(tag) }
        return table
    }
}
