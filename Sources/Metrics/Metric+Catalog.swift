/// Every metric the tool writes (docs/design.md §5), in presentation order: measured, modeled,
/// oracle, then run bookkeeping. A new metric is one `static let` here plus its line in `all`.
extension Metric {
    package static let swAttachNanos = Metric(
        "sw.attach_ns", .ns, label: "attach time", group: .measuredTime, better: .lowerIsBetter, statistics: .timing,
        meaning: "CPU time of one whole attach on the software path: the scheme's DID choice, the domain bookkeeping and the cache-tag assigns (a first attach creates the table), per operation; the table's own assign alone is perf.assign_ns")
    package static let swDetachNanos = Metric(
        "sw.detach_ns", .ns, label: "detach time", group: .measuredTime, better: .lowerIsBetter, statistics: .timing,
        meaning: "CPU time of one whole detach on the software path: the cache-tag unassigns, the domain bookkeeping and the DID release, per operation; the table's own unassign alone is perf.unassign_ns")
    package static let swFlushRangeNanos = Metric(
        "sw.flush_range_ns", .ns, label: "flush-range time", group: .measuredTime, better: .lowerIsBetter, statistics: .timing,
        meaning: "CPU time to walk a domain's tags and emit the descriptors of one range flush")
    package static let swFlushAllNanos = Metric(
        "sw.flush_all_ns", .ns, label: "flush-all time", group: .measuredTime, better: .lowerIsBetter, statistics: .timing,
        meaning: "CPU time to walk a domain's tags and emit the descriptors of one full flush")
    package static let swFlushRangeNPNanos = Metric(
        "sw.flush_range_np_ns", .ns, label: "non-present flush time", group: .measuredTime, better: .lowerIsBetter, statistics: .timing,
        meaning: "CPU time of the flush after mapping a previously non-present range (caching mode, write-buffer flush)")
    package static let swNanosPerDescriptor = Metric(
        "sw.ns_per_descriptor", .ns, label: "time per descriptor", group: .measuredTime, better: .lowerIsBetter, statistics: .mean,
        meaning: "Measured flush time divided by the descriptors it emitted")
    package static let swBytesPerTag = Metric(
        "sw.bytes_per_tag", .bytes, label: "bytes per tag", group: .memory, better: .lowerIsBetter,
        meaning: "Table memory per cache tag, allocator overhead included")
    package static let swHeapBytes = Metric(
        "sw.heap_bytes", .bytes, label: "tag-node heap", group: .memory, better: .lowerIsBetter,
        meaning: "jemalloc heap bytes held by kernel-list tag nodes when the most tags were held (kernel-list+jemalloc only)")
    package static let flushes = Metric(
        "hw.flushes", .count, label: "flushes", group: .submissions, better: .neither,
        meaning: "Flush requests (range, all, non-present) issued to the table")
    package static let descriptorsTotal = Metric(
        "hw.descriptors.total", .count, label: "descriptors (all)", group: .descriptors, better: .lowerIsBetter,
        meaning: "Invalidation descriptors queued, all types including waits")
    package static let descriptorsIOTLB = Metric(
        "hw.descriptors.iotlb", .count, label: "IOTLB descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "IOTLB invalidation descriptors (global, domain- or page-selective)")
    package static let descriptorsPASIDIOTLB = Metric(
        "hw.descriptors.pasid_iotlb", .count, label: "PASID-IOTLB descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "PASID-based IOTLB invalidation descriptors")
    package static let descriptorsDeviceTLB = Metric(
        "hw.descriptors.devtlb", .count, label: "device-TLB descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "Device-TLB (ATS) invalidation descriptors")
    package static let descriptorsPASIDDeviceTLB = Metric(
        "hw.descriptors.pasid_devtlb", .count, label: "PASID device-TLB descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "PASID-based device-TLB invalidation descriptors")
    package static let descriptorsContextCache = Metric(
        "hw.descriptors.context_cache", .count, label: "context-cache descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "Context-cache invalidations: legacy-mode set-up (caching mode) and tear-down of a context entry")
    package static let descriptorsPASIDCache = Metric(
        "hw.descriptors.pasid_cache", .count, label: "PASID-cache descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "PASID-cache invalidations: scalable-mode set-up (caching mode) and tear-down of a PASID entry")
    package static let descriptorsWait = Metric(
        "hw.descriptors.wait", .count, label: "wait descriptors", group: .descriptors, better: .lowerIsBetter,
        meaning: "Invalidation wait descriptors, one per submission")
    package static let descriptorsPerFlush = Metric(
        "hw.descriptors_per_flush", .ratio, label: "descriptors per flush", group: .perFlush, better: .lowerIsBetter,
        meaning: "Descriptors the flush walks emitted (waits not included) per flush that emitted any")
    package static let descriptorsPerUnmap = Metric(
        "hw.descriptors_per_unmap", .ratio, label: "descriptors per unmap", group: .perFlush, better: .lowerIsBetter,
        meaning: "All descriptors queued (waits, set-up and tear-down included) per unmap: the run's invalidation traffic per unit of work")
    package static let submissionsPerUnmap = Metric(
        "hw.submissions_per_unmap", .ratio, label: "submissions per unmap", group: .perFlush, better: .lowerIsBetter,
        meaning: "Queue submissions (each closed by a wait the CPU spins on) per unmap")
    package static let descriptorsPerAttach = Metric(
        "hw.descriptors_per_attach", .ratio, label: "descriptors per attach", group: .perFlush, better: .lowerIsBetter,
        meaning: "All descriptors queued per attachment that got a DID: compares schemes that refuse different numbers of attaches")
    package static let submissions = Metric(
        "hw.submissions", .count, label: "submissions", group: .submissions, better: .lowerIsBetter,
        meaning: "Batches submitted to an invalidation queue, each closed by a wait")
    package static let writeBufferFlushes = Metric(
        "hw.write_buffer_flushes", .count, label: "write-buffer flushes", group: .submissions, better: .lowerIsBetter,
        meaning: "Write-buffer flush calls of flush_range_np on units not in caching mode: one per tag in kernel-list (as the kernel), one per unit in grouped-array; a no-op on hardware without RWBF")
    package static let didsInUse = Metric(
        "hw.dids_in_use", .count, label: "DIDs in use (peak)", group: .dids, better: .lowerIsBetter,
        meaning: "Peak number of Domain IDs allocated at once, over all IOMMU units")
    package static let attachFailures = Metric(
        "hw.attach_failures", .count, label: "attach failures", group: .attachFailures, better: .lowerIsBetter,
        meaning: "Attachments refused because an IOMMU unit ran out of Domain IDs")
    package static let sharingFallbacks = Metric(
        "hw.sharing_fallbacks", .count, label: "sharing fallbacks", group: .attachFailures, better: .lowerIsBetter,
        meaning: "Shared-DID placements that fell back to an own DID because the PASID was taken under the shared DID")
    package static let teardowns = Metric(
        "hw.teardowns", .count, label: "tear-downs", group: .submissions, better: .neither,
        meaning: "Detach tear-downs submitted (PASID entry tear-down with its flushes)")
    package static let iotlbHits = Metric(
        "hw.iotlb.hits", .count, label: "IOTLB hits", group: .tlb, better: .higherIsBetter,
        meaning: "Modeled IOTLB lookups that hit")
    package static let iotlbMisses = Metric(
        "hw.iotlb.misses", .count, label: "IOTLB misses", group: .tlb, better: .lowerIsBetter,
        meaning: "Modeled IOTLB lookups that missed and walked the page table")
    package static let deviceTLBHits = Metric(
        "hw.devtlb.hits", .count, label: "device-TLB hits", group: .tlb, better: .higherIsBetter,
        meaning: "Modeled device-TLB lookups that hit")
    package static let deviceTLBMisses = Metric(
        "hw.devtlb.misses", .count, label: "device-TLB misses", group: .tlb, better: .lowerIsBetter,
        meaning: "Modeled device-TLB lookups that missed")
    package static let iotlbHitRate = Metric(
        "hw.iotlb.hit_rate", .ratio, label: "IOTLB hit rate", group: .hitRate, better: .higherIsBetter,
        meaning: "IOTLB hits / (hits + misses)")
    package static let deviceTLBHitRate = Metric(
        "hw.devtlb.hit_rate", .ratio, label: "device-TLB hit rate", group: .hitRate, better: .higherIsBetter,
        meaning: "Device-TLB hits / (hits + misses)")
    package static let dmaFaults = Metric(
        "hw.dma_faults", .count, label: "DMA faults", group: .tlb, better: .lowerIsBetter,
        meaning: "Modeled DMA that found no attachment or no mapping")
    package static let iotlbCollateralEvictions = Metric(
        "hw.iotlb.collateral_evictions", .count, label: "IOTLB collateral evictions", group: .collateral, better: .lowerIsBetter,
        meaning: "Valid IOTLB entries dropped by an invalidation that did not need to drop them: the sum of the four hw.iotlb.collateral.* causes")
    package static let deviceTLBCollateralEvictions = Metric(
        "hw.devtlb.collateral_evictions", .count, label: "device-TLB collateral evictions", group: .collateral, better: .lowerIsBetter,
        meaning: "Valid device-TLB entries dropped by an invalidation that did not need to drop them: the sum of the four hw.devtlb.collateral.* causes")
    package static let iotlbCollateralTeardown = Metric(
        "hw.iotlb.collateral.teardown", .count, label: "IOTLB collateral: tear-down", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "IOTLB collateral evictions by detach tear-downs (and caching-mode set-ups) of PASID/context entries: other domains' entries they dropped (a nested sibling's on a shared DID)")
    package static let iotlbCollateralSharedDID = Metric(
        "hw.iotlb.collateral.shared_did", .count, label: "IOTLB collateral: shared DID", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "IOTLB collateral evictions of another domain's entries that carried the flushed DID (DID sharing; a global invalidation would count here too, and no table emits one)")
    package static let iotlbCollateralRangeRounding = Metric(
        "hw.iotlb.collateral.range_rounding", .count, label: "IOTLB collateral: range rounding", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "IOTLB collateral evictions of the flushed domain's entries outside the range but inside the aligned block (AM)")
    package static let iotlbCollateralDomainSelective = Metric(
        "hw.iotlb.collateral.domain_selective", .count, label: "IOTLB collateral: domain-selective", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "IOTLB collateral evictions of the flushed domain's entries outside any block: DID- or PASID-wide invalidations, did-wide hardware")
    package static let deviceTLBCollateralTeardown = Metric(
        "hw.devtlb.collateral.teardown", .count, label: "device-TLB collateral: tear-down", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "Device-TLB collateral evictions by detach tear-downs (and caching-mode set-ups): other domains' entries they dropped")
    package static let deviceTLBCollateralOtherDomain = Metric(
        "hw.devtlb.collateral.other_domain", .count, label: "device-TLB collateral: other domain", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "Device-TLB collateral evictions of another domain's entries on the same (device, PASID-or-none)")
    package static let deviceTLBCollateralRangeRounding = Metric(
        "hw.devtlb.collateral.range_rounding", .count, label: "device-TLB collateral: range rounding", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "Device-TLB collateral evictions of the flushed domain's entries outside the range but inside the aligned block")
    package static let deviceTLBCollateralDomainSelective = Metric(
        "hw.devtlb.collateral.domain_selective", .count, label: "device-TLB collateral: whole space", group: .collateralCauses,
        better: .lowerIsBetter,
        meaning: "Device-TLB collateral evictions of the flushed domain's entries by a whole-address-space invalidation")
    package static let iotlbCapacityEvictions = Metric(
        "hw.iotlb.capacity_evictions", .count, label: "IOTLB capacity evictions", group: .collateral, better: .lowerIsBetter,
        meaning: "Valid IOTLB entries replaced by a fill (LRU), not by an invalidation")
    package static let deviceTLBCapacityEvictions = Metric(
        "hw.devtlb.capacity_evictions", .count, label: "device-TLB capacity evictions", group: .collateral, better: .lowerIsBetter,
        meaning: "Valid device-TLB entries replaced by a fill (LRU), not by an invalidation")
    package static let modelInvalidationMicros = Metric(
        "model.invalidation_us", .us, label: "invalidation time", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Modeled time in the invalidation queue: descriptors and waits")
    package static let modelDeviceTLBMicros = Metric(
        "model.devtlb_us", .us, label: "device-TLB invalidation time", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Modeled time of ATS device-TLB invalidation round trips")
    package static let modelPageWalkMicros = Metric(
        "model.page_walk_us", .us, label: "page-walk time", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Modeled time of page walks caused by IOTLB and device-TLB misses")
    package static let modelInvalidationMicrosPerUnmap = Metric(
        "model.invalidation_us_per_unmap", .us, label: "invalidation time per unmap", group: .modeledTime,
        better: .lowerIsBetter, meaning: "Modeled invalidation-queue time per unmap")
    package static let modelInvalidationMicrosPerAttach = Metric(
        "model.invalidation_us_per_attach", .us, label: "invalidation time per attach", group: .modeledTime,
        better: .lowerIsBetter, meaning: "Modeled invalidation-queue time per attachment that got a DID")
    package static let flushDescriptorsP50 = Metric(
        "hw.flush_descriptors.p50", .count, label: "descriptors per unmap flush, p50", group: .perFlush, better: .lowerIsBetter,
        meaning: "Median descriptors (waits included) of one flush_range / flush_all")
    package static let flushDescriptorsP99 = Metric(
        "hw.flush_descriptors.p99", .count, label: "descriptors per unmap flush, p99", group: .perFlush, better: .lowerIsBetter,
        meaning: "99th percentile of the descriptors of one flush_range / flush_all")
    package static let flushDescriptorsMax = Metric(
        "hw.flush_descriptors.max", .count, label: "descriptors of the worst flush", group: .perFlush, better: .lowerIsBetter,
        meaning: "Descriptors of the largest single flush_range / flush_all")
    package static let flushCPUMicrosP50 = Metric(
        "model.flush_cpu_us.p50", .us, label: "CPU time per unmap flush, p50", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Median modeled CPU-side time of one flush_range / flush_all (queue, waits, device-TLB completions)")
    package static let flushCPUMicrosP99 = Metric(
        "model.flush_cpu_us.p99", .us, label: "CPU time per unmap flush, p99", group: .modeledTime, better: .lowerIsBetter,
        meaning: "99th percentile of the modeled CPU-side time of one flush_range / flush_all")
    package static let flushCPUMicrosMax = Metric(
        "model.flush_cpu_us.max", .us, label: "CPU time of the worst flush", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Modeled CPU-side time of the single most expensive flush_range / flush_all")
    package static let flushCPUMicrosSecondStageP99 = Metric(
        "model.flush_cpu_us.second_stage.p99", .us, label: "CPU time per second-stage flush, p99", group: .modeledTime,
        better: .lowerIsBetter, meaning: "p99 of model.flush_cpu_us over flushes of second-stage domains (a nested parent's unmaps)")
    package static let flushCPUMicrosFirstStageP99 = Metric(
        "model.flush_cpu_us.first_stage.p99", .us, label: "CPU time per first-stage flush, p99", group: .modeledTime,
        better: .lowerIsBetter, meaning: "p99 of model.flush_cpu_us over flushes of first-stage, SVA and nested domains (a child's unmaps)")
    package static let modelCPUMicros = Metric(
        "model.cpu_us", .us, label: "CPU-side invalidation time", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Modeled CPU time of invalidation: submissions, descriptors and the waits it spins on, device-TLB completions included")
    package static let modelCPUMicrosPerUnmap = Metric(
        "model.cpu_us_per_unmap", .us, label: "CPU-side time per unmap", group: .modeledTime, better: .lowerIsBetter,
        meaning: "model.cpu_us per unmap")
    package static let modelDeviceStallMicros = Metric(
        "model.device_stall_us", .us, label: "device-side stall time", group: .modeledTime, better: .lowerIsBetter,
        meaning: "Modeled device-side time: page walks after IOTLB and device-TLB misses (another resource than model.cpu_us)")
    package static let modelTotalMicros = Metric(
        "model.total_us", .us, label: "total modeled time", group: .modeledTime, better: .lowerIsBetter,
        meaning: "model.cpu_us plus model.device_stall_us: two resources added, kept for continuity; compare the two parts")
    package static let oracleStale = Metric(
        "oracle.stale", .count, label: "stale translations", group: .oracle, better: .lowerIsBetter,
        meaning: "Translations that survived the invalidation that should have removed them (must be 0)")
    package static let oracleCrossDomain = Metric(
        "oracle.cross_domain", .count, label: "cross-domain hits", group: .oracle, better: .lowerIsBetter,
        meaning: "Lookups that hit an entry filled for another domain (must be 0)")
    package static let oracleAliasedAttachments = Metric(
        "oracle.aliased_attachments", .count, label: "aliased attachments", group: .oracle, better: .lowerIsBetter,
        meaning: "Attachments whose IOTLB tag (unit, DID, PASID-or-none) another live domain already used (must be 0)")
    package static let eventsTotal = Metric(
        "events.total", .count, label: "events", group: .events, better: .neither,
        meaning: "Workload events applied (attach, detach, map, DMA, unmap, flush)")
    package static let workUnmaps = Metric(
        "work.unmaps", .count, label: "unmaps", group: .events, better: .neither,
        meaning: "Unmaps applied: the unit of work of the per-unmap figures")
    package static let workAttachesSucceeded = Metric(
        "work.attaches_ok", .count, label: "attaches that got a DID", group: .events, better: .higherIsBetter,
        meaning: "Attachments that got a DID and were set up")
    package static let workAttachesFailed = Metric(
        "work.attaches_failed", .count, label: "attaches refused", group: .events, better: .lowerIsBetter,
        meaning: "Attachments refused for want of a DID (the same count as hw.attach_failures)")
    package static let workAccesses = Metric(
        "work.dma_accesses", .count, label: "DMA accesses", group: .events, better: .neither,
        meaning: "DMA accesses through a live attachment")
    package static let eventsSkipped = Metric(
        "events.skipped", .count, label: "events skipped", group: .events, better: .lowerIsBetter,
        meaning: "Events skipped because they refer to an attachment that failed (DID exhaustion)")

    package static let replayOps = Metric(
        "replay.ops", .count, label: "flush calls compared", group: .replayMatch, better: .neither,
        meaning: "Flush calls of a replayed trace compared with the descriptors the kernel queued for them (qi_submit lines), scheme kernel on kernel-list; calls the trace cut off are not counted")
    package static let replayOpsExact = Metric(
        "replay.ops_exact", .count, label: "calls matched exactly", group: .replayMatch, better: .higherIsBetter,
        meaning: "Compared calls whose descriptors equal the kernel's: same count, same order, all four quadwords")
    package static let replayOpsCountMatch = Metric(
        "replay.ops_count_match", .count, label: "calls matched in count", group: .replayMatch, better: .higherIsBetter,
        meaning: "Compared calls with as many descriptors as the kernel's")
    package static let replayOpsTruncated = Metric(
        "replay.ops_truncated", .count, label: "calls cut off", group: .replayMatch, better: .neither,
        meaning: "Flush calls at the end of the trace whose qi_submit lines the trace does not hold (not compared)")
    package static let replayMismatchMissing = Metric(
        "replay.mismatch.missing", .count, label: "mismatch: missing", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with fewer descriptors than the kernel queued")
    package static let replayMismatchExtra = Metric(
        "replay.mismatch.extra", .count, label: "mismatch: extra", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with more descriptors than the kernel queued")
    package static let replayMismatchType = Metric(
        "replay.mismatch.type", .count, label: "mismatch: type", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a descriptor of another type")
    package static let replayMismatchDID = Metric(
        "replay.mismatch.did", .count, label: "mismatch: did", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different DID")
    package static let replayMismatchGranularity = Metric(
        "replay.mismatch.granularity", .count, label: "mismatch: granularity", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different granularity")
    package static let replayMismatchAddress = Metric(
        "replay.mismatch.address", .count, label: "mismatch: address", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different address (device-TLB: size-encoded address)")
    package static let replayMismatchAM = Metric(
        "replay.mismatch.am", .count, label: "mismatch: am", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different address mask (AM)")
    package static let replayMismatchIH = Metric(
        "replay.mismatch.ih", .count, label: "mismatch: ih", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different invalidation hint (IH)")
    package static let replayMismatchDrain = Metric(
        "replay.mismatch.drain", .count, label: "mismatch: drain", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with different read/write drain bits (DR/DW)")
    package static let replayMismatchPasid = Metric(
        "replay.mismatch.pasid", .count, label: "mismatch: pasid", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different PASID")
    package static let replayMismatchSID = Metric(
        "replay.mismatch.sid", .count, label: "mismatch: sid", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with a different source ID, PFSID or queue depth")
    package static let replayMismatchOther = Metric(
        "replay.mismatch.other", .count, label: "mismatch: other", group: .replayMatch, better: .lowerIsBetter,
        meaning: "Compared calls with other differing bits")

    /// The replay self-check's metrics, in presentation order.
    package static let replayMatch: [Metric] = [
        .replayOps, .replayOpsExact, .replayOpsCountMatch, .replayOpsTruncated, .replayMismatchMissing, .replayMismatchExtra, .replayMismatchType, .replayMismatchDID, .replayMismatchGranularity, .replayMismatchAddress, .replayMismatchAM, .replayMismatchIH, .replayMismatchDrain, .replayMismatchPasid, .replayMismatchSID, .replayMismatchOther,
    ]

    /// Every metric, in presentation order.
    package static let all: [Metric] = [
        .swAttachNanos, .swDetachNanos, .swFlushRangeNanos, .swFlushAllNanos, .swFlushRangeNPNanos,
        .swNanosPerDescriptor, .swBytesPerTag, .swHeapBytes, .descriptorsTotal, .descriptorsIOTLB,
        .descriptorsPASIDIOTLB, .descriptorsDeviceTLB, .descriptorsPASIDDeviceTLB, .descriptorsContextCache,
        .descriptorsPASIDCache, .descriptorsWait,
        .descriptorsPerFlush, .flushDescriptorsP50, .flushDescriptorsP99, .flushDescriptorsMax, .descriptorsPerUnmap, .submissionsPerUnmap, .descriptorsPerAttach, .submissions, .flushes, .writeBufferFlushes, .didsInUse, .attachFailures, .sharingFallbacks,
        .teardowns, .iotlbHits, .iotlbMisses, .deviceTLBHits, .deviceTLBMisses, .iotlbHitRate, .deviceTLBHitRate, .dmaFaults,
        .iotlbCollateralEvictions, .deviceTLBCollateralEvictions, .iotlbCollateralTeardown, .iotlbCollateralSharedDID,
        .iotlbCollateralRangeRounding, .iotlbCollateralDomainSelective, .deviceTLBCollateralTeardown,
        .deviceTLBCollateralOtherDomain, .deviceTLBCollateralRangeRounding, .deviceTLBCollateralDomainSelective,
        .iotlbCapacityEvictions,
        .deviceTLBCapacityEvictions, .modelInvalidationMicros, .modelDeviceTLBMicros, .modelPageWalkMicros,
        .modelInvalidationMicrosPerUnmap, .modelInvalidationMicrosPerAttach, .modelCPUMicros, .modelCPUMicrosPerUnmap, .flushCPUMicrosP50, .flushCPUMicrosP99,
        .flushCPUMicrosMax, .flushCPUMicrosSecondStageP99, .flushCPUMicrosFirstStageP99,
        .modelDeviceStallMicros, .modelTotalMicros, .oracleStale, .oracleCrossDomain, .oracleAliasedAttachments, .eventsTotal,
        .eventsSkipped, .workUnmaps, .workAttachesSucceeded, .workAttachesFailed, .workAccesses,
    ] + replayMatch
}
