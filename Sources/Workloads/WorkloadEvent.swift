import VTd

/// One step of a workload: what the OS does that the cache-tag layer and the IOMMU see.
///
/// Events are primitive on purpose; generators compose them. A strict-mode unmap is
/// `.unmap` followed by `.flushRange`; a lazy-mode one is `.unmap` alone, with a `.flushAll`
/// when the flush queue drains. Trace replay emits flushes without page-table events.
public enum WorkloadEvent: Hashable, Sendable {
    /// A new domain (`iommu_domain_alloc`, `iommu_sva_bind_device`, nested allocation).
    case createDomain(IOMMUDomainID, DomainKind)
    /// The domain is freed; it has no attachments left.
    case destroyDomain(IOMMUDomainID)
    /// The domain is attached to (device, PASID); PASID none is the RID attachment.
    case attach(IOMMUDomainID, device: DeviceID, pasid: PASID)
    /// Whatever domain is on (device, PASID) is detached (the PASID entry is torn down and flushed).
    case detach(device: DeviceID, pasid: PASID)
    /// Pages [firstPage, firstPage + pageCount) become mapped in the domain's page table;
    /// the driver then calls `cache_tag_flush_range_np` (it matters in caching mode only).
    case map(IOMMUDomainID, firstPage: UInt64, pageCount: UInt64)
    /// Pages are removed from the domain's page table. No invalidation by itself.
    case unmap(IOMMUDomainID, firstPage: UInt64, pageCount: UInt64)
    /// `cache_tag_flush_range` over the domain.
    case flushRange(IOMMUDomainID, IOVARange)
    /// `cache_tag_flush_all` over the domain.
    case flushAll(IOMMUDomainID)
    /// `cache_tag_flush_range_np` without a page-table change (trace replay).
    case flushRangeForNewMappings(IOMMUDomainID, IOVARange)
    /// The device performs DMA to `page` through (device, PASID): an IOTLB / device-TLB lookup.
    case access(device: DeviceID, pasid: PASID, page: UInt64)
}

/// The kinds of events, for counting and per-kind timing.
public enum WorkloadEventKind: String, CaseIterable, Sendable {
    case createDomain, destroyDomain, attach, detach, map, unmap, flushRange, flushAll, flushRangeForNewMappings, access
}

extension WorkloadEvent {
    /// The event's kind.
    public var kind: WorkloadEventKind {
        switch self {
        case .createDomain: .createDomain
        case .destroyDomain: .destroyDomain
        case .attach: .attach
        case .detach: .detach
        case .map: .map
        case .unmap: .unmap
        case .flushRange: .flushRange
        case .flushAll: .flushAll
        case .flushRangeForNewMappings: .flushRangeForNewMappings
        case .access: .access
        }
    }
}
