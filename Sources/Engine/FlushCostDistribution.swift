import IOMMUModel
import Metrics
import VTd

/// What each unmap-side flush (`flush_range`, `flush_all`) cost on the modeled IOMMU, one sample
/// per flush: its descriptors (waits included) and its CPU-side time (queue, waits, device-TLB
/// completions). Totals hide the flush that stalls a CPU for a millisecond; these give p50, p99
/// and the worst one, overall and by the flushed domain's stage (second-stage parents vs
/// first-stage and nested children).
package struct FlushCostDistribution: Sendable {
    private var descriptors: [Double] = []
    private var micros: [Double] = []
    private var secondStageMicros: [Double] = []
    private var firstStageMicros: [Double] = []
    private var open: (descriptors: Int, micros: Double, firstStage: Bool)?

    package init() {}

    /// A flush of a domain of `kind` begins; `queue` is the queue's counters now.
    mutating func begin(kind: DomainKind?, queue: InvalidationQueueCounters) {
        open = (queue.totalDescriptors, queue.invalidationMicros + queue.deviceTLBMicros, kind?.usesFirstStage ?? false)
    }

    /// The flush begun last ends; `queue` is the queue's counters now.
    mutating func end(queue: InvalidationQueueCounters) {
        guard let start = open else { return }
        open = nil
        let cost = queue.invalidationMicros + queue.deviceTLBMicros - start.micros
        descriptors.append(Double(queue.totalDescriptors - start.descriptors))
        micros.append(cost)
        if start.firstStage { firstStageMicros.append(cost) } else { secondStageMicros.append(cost) }
    }

    /// The nearest-rank percentile `p` (0…1) of `values`.
    package static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The distribution's metrics (absent when no such flush ran).
    var metrics: [MetricValue] {
        var list: [MetricValue] = []
        func add(_ metric: Metric, _ value: Double?) { if let value { list.append(MetricValue(metric, value)) } }
        add(.flushDescriptorsP50, Self.percentile(descriptors, 0.5))
        add(.flushDescriptorsP99, Self.percentile(descriptors, 0.99))
        add(.flushDescriptorsMax, descriptors.max())
        add(.flushCPUMicrosP50, Self.percentile(micros, 0.5))
        add(.flushCPUMicrosP99, Self.percentile(micros, 0.99))
        add(.flushCPUMicrosMax, micros.max())
        add(.flushCPUMicrosSecondStageP99, Self.percentile(secondStageMicros, 0.99))
        add(.flushCPUMicrosFirstStageP99, Self.percentile(firstStageMicros, 0.99))
        return list
    }
}
