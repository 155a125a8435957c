import CacheTags
import IOMMUModel
import Metrics

/// The figures of a finished run, in the order reports write them (docs/design.md §5).
extension EventDriver where Observer == ModelObserver {
    /// Every modeled metric: queue, DIDs, caches, model times, oracle, events, descriptors per flush.
    package var metrics: [MetricValue] {
        let model = observer.model
        let cache = model.counters
        return driverMetrics(queue: model.queue, caches: [
            MetricValue(.iotlbHits, Double(cache.iotlbHits)),
            MetricValue(.iotlbMisses, Double(cache.iotlbMisses)),
            MetricValue(.iotlbCollateralEvictions, Double(cache.iotlbCollateralEvictions)),
            MetricValue(.iotlbCapacityEvictions, Double(cache.iotlbCapacityEvictions)),
            MetricValue(.deviceTLBHits, Double(cache.deviceTLBHits)),
            MetricValue(.deviceTLBMisses, Double(cache.deviceTLBMisses)),
            MetricValue(.deviceTLBCollateralEvictions, Double(cache.deviceTLBCollateralEvictions)),
            MetricValue(.deviceTLBCapacityEvictions, Double(cache.deviceTLBCapacityEvictions)),
            MetricValue(.dmaFaults, Double(cache.dmaFaults)),
        ] + hitRates(cache) + collateralMetrics(cache), pageWalkMicros: cache.pageWalkMicros, oracle: [
            MetricValue(.oracleStale, Double(cache.staleTranslations)),
            MetricValue(.oracleCrossDomain, Double(cache.crossDomainHits)),
            MetricValue(.oracleAliasedAttachments, Double(cache.aliasedAttachments)),
        ]) + observer.flushCosts.metrics
    }

    /// Hit rates of the caches that saw lookups (absent, not zero, without any).
    private func hitRates(_ cache: ModelCounters) -> [MetricValue] {
        var rates: [MetricValue] = []
        if cache.iotlbHits + cache.iotlbMisses > 0 {
            rates.append(MetricValue(.iotlbHitRate, Double(cache.iotlbHits) / Double(cache.iotlbHits + cache.iotlbMisses)))
        }
        if cache.deviceTLBHits + cache.deviceTLBMisses > 0 {
            rates.append(
                MetricValue(.deviceTLBHitRate, Double(cache.deviceTLBHits) / Double(cache.deviceTLBHits + cache.deviceTLBMisses)))
        }
        return rates
    }

    /// Collateral evictions by cause; each cache's causes add up to its total.
    private func collateralMetrics(_ cache: ModelCounters) -> [MetricValue] {
        let iotlb = cache.iotlbCollateral
        let deviceTLB = cache.deviceTLBCollateral
        return [
            MetricValue(.iotlbCollateralTeardown, Double(iotlb[.teardown])),
            MetricValue(.iotlbCollateralSharedDID, Double(iotlb[.otherDomain])),
            MetricValue(.iotlbCollateralRangeRounding, Double(iotlb[.rangeRounding])),
            MetricValue(.iotlbCollateralDomainSelective, Double(iotlb[.domainSelective])),
            MetricValue(.deviceTLBCollateralTeardown, Double(deviceTLB[.teardown])),
            MetricValue(.deviceTLBCollateralOtherDomain, Double(deviceTLB[.otherDomain])),
            MetricValue(.deviceTLBCollateralRangeRounding, Double(deviceTLB[.rangeRounding])),
            MetricValue(.deviceTLBCollateralDomainSelective, Double(deviceTLB[.domainSelective])),
        ]
    }

    /// The model's first oracle violation (strict or not), nil when none.
    package var firstViolation: OracleViolation? { observer.model.firstViolation }
}

extension EventDriver where Observer == CountingObserver {
    /// The counted metrics: queue and DIDs. Lookup, page-walk and oracle metrics are absent
    /// rather than zero, so nothing reports "no violations" without having checked.
    package var metrics: [MetricValue] {
        driverMetrics(queue: observer.sink.counters, caches: [], pageWalkMicros: nil, oracle: [])
    }
}

extension EventDriver {
    func driverMetrics(
        queue: InvalidationQueueCounters, caches: [MetricValue], pageWalkMicros: Double?, oracle: [MetricValue]
    ) -> [MetricValue] {
        func count(_ metric: Metric, _ value: Int) -> MetricValue { MetricValue(metric, Double(value)) }
        var list = [
            count(.flushes, counters.flushes),
            count(.descriptorsTotal, queue.totalDescriptors),
            count(.descriptorsIOTLB, queue.iotlb),
            count(.descriptorsPASIDIOTLB, queue.pasidIOTLB),
            count(.descriptorsDeviceTLB, queue.deviceTLB),
            count(.descriptorsPASIDDeviceTLB, queue.pasidDeviceTLB),
            count(.descriptorsContextCache, queue.contextCache),
            count(.descriptorsPASIDCache, queue.pasidCache),
            count(.descriptorsWait, queue.waits),
            count(.submissions, queue.submissions),
            count(.writeBufferFlushes, queue.writeBufferFlushes),
            count(.didsInUse, directory.peakDIDsInUse),
            count(.attachFailures, directory.attachFailures),
            count(.sharingFallbacks, directory.sharingFallbacks),
            count(.teardowns, counters.teardowns),
        ]
        list += caches
        list.append(MetricValue(.modelInvalidationMicros, queue.invalidationMicros))
        list.append(MetricValue(.modelDeviceTLBMicros, queue.deviceTLBMicros))
        if let pageWalkMicros { list.append(MetricValue(.modelPageWalkMicros, pageWalkMicros)) }
        // Two resources: the CPU waits for the queue and the device-TLB completions; the devices
        // stall on page walks. The total adds them and says so in its meaning.
        list.append(MetricValue(.modelCPUMicros, queue.invalidationMicros + queue.deviceTLBMicros))
        if let pageWalkMicros { list.append(MetricValue(.modelDeviceStallMicros, pageWalkMicros)) }
        list.append(
            MetricValue(.modelTotalMicros, queue.invalidationMicros + queue.deviceTLBMicros + (pageWalkMicros ?? 0)))
        list += oracle
        list += [count(.eventsTotal, counters.events), count(.eventsSkipped, counters.skipped)]
        // Per flush that emitted anything: a flush_range_np on a unit without caching mode only
        // flushes the write buffer, and counting it would dilute the figure.
        if counters.nonEmptyFlushes > 0 {
            list.append(
                MetricValue(.descriptorsPerFlush, Double(counters.flushDescriptors) / Double(counters.nonEmptyFlushes)))
        }
        list += workMetrics(queue: queue)
        return list
    }

    /// The work done, and the invalidation traffic per unit of it: schemes that refuse different
    /// numbers of attachments do different amounts of work, and only these ratios compare them.
    func workMetrics(queue: InvalidationQueueCounters) -> [MetricValue] {
        var list = [
            MetricValue(.workUnmaps, Double(counters.unmaps)),
            MetricValue(.workAttachesSucceeded, Double(counters.attachesSucceeded)),
            MetricValue(.workAttachesFailed, Double(directory.attachFailures)),
            MetricValue(.workAccesses, Double(counters.accesses)),
        ]
        if counters.unmaps > 0 {
            let unmaps = Double(counters.unmaps)
            list += [
                MetricValue(.descriptorsPerUnmap, Double(queue.totalDescriptors) / unmaps),
                MetricValue(.submissionsPerUnmap, Double(queue.submissions) / unmaps),
                MetricValue(.modelInvalidationMicrosPerUnmap, queue.invalidationMicros / unmaps),
                MetricValue(.modelCPUMicrosPerUnmap, (queue.invalidationMicros + queue.deviceTLBMicros) / unmaps),
            ]
        }
        if counters.attachesSucceeded > 0 {
            let attaches = Double(counters.attachesSucceeded)
            list += [
                MetricValue(.descriptorsPerAttach, Double(queue.totalDescriptors) / attaches),
                MetricValue(.modelInvalidationMicrosPerAttach, queue.invalidationMicros / attaches),
            ]
        }
        return list
    }
}
