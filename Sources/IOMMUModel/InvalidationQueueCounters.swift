import VTd

/// What the invalidation queues received: descriptors by type, submissions, waits, write-buffer
/// flushes, and the modeled time they cost. Shared by the modeled IOMMU and the light
/// `InvalidationCountingSink`, so a run with and without the model counts the same way.
///
/// Each submission is the descriptors a `qi_batch` hands to `qi_submit_sync` plus the wait
/// descriptor that closes it (the sink adds the wait, `InvalidationSink`).
package struct InvalidationQueueCounters: Hashable, Sendable {
    /// IOTLB invalidations (type 2): global, domain- or page-selective.
    package var iotlb = 0
    /// PASID-based IOTLB invalidations (type 6).
    package var pasidIOTLB = 0
    /// Device-TLB invalidations without PASID (type 3).
    package var deviceTLB = 0
    /// PASID-based device-TLB invalidations (type 8).
    package var pasidDeviceTLB = 0
    /// Context-cache invalidations (type 1): set-up and tear-down of legacy context entries.
    package var contextCache = 0
    /// PASID-cache invalidations (type 7): set-up and tear-down of PASID-table entries.
    package var pasidCache = 0
    /// Invalidation waits (type 5): one per submission.
    package var waits = 0
    /// Descriptors of any other type.
    package var other = 0
    /// Submissions (`qi_submit_sync` calls).
    package var submissions = 0
    /// Write-buffer flushes (register operation, no descriptor).
    package var writeBufferFlushes = 0
    /// Modeled queue time: submissions and their descriptors (µs).
    package var invalidationMicros = 0.0
    /// Modeled device-TLB completion time (µs).
    package var deviceTLBMicros = 0.0

    /// All zero.
    package init() {}

    /// Every descriptor queued, waits included.
    package var totalDescriptors: Int {
        iotlb + pasidIOTLB + deviceTLB + pasidDeviceTLB + contextCache + pasidCache + waits + other
    }

    /// Counts one submission (its descriptors plus the wait the sink adds) and its modeled time.
    package mutating func record(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, cost: CostModel) {
        submissions += 1
        waits += 1
        invalidationMicros += cost.submissionTime(descriptors: batch.count)
        // Device-TLB completions overlap across devices and serialize per device: track the
        // largest per-source count (a batch holds at most 16 descriptors, so a small list is enough).
        var perSource: [(source: UInt16, count: Int)] = []
        for descriptor in batch {
            var source: UInt16?
            switch DescriptorType(rawValue: descriptor.typeCode) {
            case .iotlb: iotlb += 1
            case .pasidIOTLB: pasidIOTLB += 1
            case .deviceTLB:
                deviceTLB += 1
                source = UInt16(truncatingIfNeeded: descriptor.quadword0 >> 32)
            case .pasidDeviceTLB:
                pasidDeviceTLB += 1
                source = UInt16(truncatingIfNeeded: descriptor.quadword0 >> 16)
            case .wait: waits += 1
            case .contextCache: contextCache += 1
            case .pasidCache: pasidCache += 1
            default: other += 1
            }
            if let source {
                if let index = perSource.firstIndex(where: { $0.source == source }) {
                    perSource[index].count += 1
                } else {
                    perSource.append((source, 1))
                }
            }
        }
        let serialized = perSource.map(\.count).max() ?? 0
        deviceTLBMicros += Double(serialized) * cost.deviceTLBInvalidationMicros
    }
}
