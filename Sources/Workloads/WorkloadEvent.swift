import VTd

/// One step of a workload: what the OS does that the cache-tag layer and the IOMMU see.
///
/// Events are primitive on purpose; generators compose them. A strict-mode unmap is
/// `.unmap` followed by `.flushRange`; a lazy-mode one is `.unmap` alone, with a `.flushAll`
/// when the flush queue drains. Trace replay emits flushes without page-table events.
package enum WorkloadEvent: Hashable, Sendable {
    /// A new domain (`iommu_domain_alloc`, `iommu_sva_bind_device`, nested allocation).
    case createDomain(IOMMUDomainID, DomainKind)
    /// The domain is freed; it has no attachments left.
    case destroyDomain(IOMMUDomainID)
    /// The domain is attached to (device, PASID); PASID none is the RID attachment.
    ///
    /// An attach may fail under a DID scheme (DID exhaustion, `attach-churn`). A consumer then
    /// ignores `access` and `detach` events of that (device, PASID) until it is attached again:
    /// generators are scheme-agnostic and cannot know which attachments a scheme refuses.
    case attach(IOMMUDomainID, device: DeviceID, pasid: PASID)
    /// Whatever domain is on (device, PASID) is detached (the PASID entry is torn down and flushed).
    case detach(device: DeviceID, pasid: PASID)
    /// Pages [firstPage, firstPage + pageCount) become mapped in the domain's page table;
    /// the driver then calls `cache_tag_flush_range_np` (it matters in caching mode only).
    case map(IOMMUDomainID, firstPage: UInt64, pageCount: UInt64)
    /// Pages are removed from the domain's page table. No invalidation by itself.
    case unmap(IOMMUDomainID, firstPage: UInt64, pageCount: UInt64)
    /// `cache_tag_flush_range` over the domain, with the invalidation hint the caller passes
    /// (IH: 1 when the unmap freed no page-table pages, 0 for SVA; docs/vtd-facts.md §1).
    case flushRange(IOMMUDomainID, IOVARange, invalidationHint: Bool)
    /// `cache_tag_flush_all` over the domain.
    case flushAll(IOMMUDomainID)
    /// `cache_tag_flush_range_np` without a page-table change (trace replay).
    case flushRangeForNewMappings(IOMMUDomainID, IOVARange)
    /// The device performs DMA to `page` through (device, PASID): an IOTLB / device-TLB lookup.
    ///
    /// Generated accesses only touch pages mapped in the attached domain. Through a nested child
    /// the page is also mapped in the parent: generators use IOVA = GPA (the child's page `p`
    /// translates through the parent's page `p`), so a model may compose the two tables that way.
    case access(device: DeviceID, pasid: PASID, page: UInt64)
}

/// An event and when it happens, in modeled nanoseconds since the start of the stream
/// (nondecreasing along a stream). Synthetic generators advance a modeled clock (lazy flush
/// queues time out by it); trace replay uses the trace's timestamps.
package struct TimedWorkloadEvent: Hashable, Sendable, CustomStringConvertible {
    /// Modeled nanoseconds since the stream began.
    package var time: UInt64
    package var event: WorkloadEvent

    package init(time: UInt64, event: WorkloadEvent) {
        self.time = time
        self.event = event
    }

    package var description: String { "\(time) ns: \(event)" }
}

/// The kinds of events, for counting and per-kind timing.
package enum WorkloadEventKind: String, CaseIterable, Sendable {
    case createDomain, destroyDomain, attach, detach, map, unmap, flushRange, flushAll, flushRangeForNewMappings, access
}

extension WorkloadEvent {
    /// The strict-mode flush after unmapping `range` from a paging domain: IH is set when the
    /// unmap freed no page-table pages (`IOVARange.freesPageTablePages`), as
    /// `intel_iommu_tlb_sync` decides it. SVA flushes pass IH 0 and are built directly.
    package static func flushAfterUnmap(_ domain: IOMMUDomainID, _ range: IOVARange) -> WorkloadEvent {
        .flushRange(domain, range, invalidationHint: !range.freesPageTablePages)
    }

    /// The domain the event names directly (nil for detach and access, which name an attachment).
    package var domain: IOMMUDomainID? {
        switch self {
        case let .createDomain(domain, _), let .destroyDomain(domain), let .attach(domain, _, _),
            let .map(domain, _, _), let .unmap(domain, _, _), let .flushRange(domain, _, _), let .flushAll(domain),
            let .flushRangeForNewMappings(domain, _):
            domain
        case .detach, .access: nil
        }
    }

    /// The event's kind.
    package var kind: WorkloadEventKind {
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
