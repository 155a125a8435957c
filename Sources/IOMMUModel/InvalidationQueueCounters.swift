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
        // Device-TLB completions overlap across devices, and on one device up to its ATS
        // invalidate queue depth (the QDEP field the descriptor carries; 0 means 32) are in flight
        // at once: the CPU waits ceil(count / depth) round trips for the slowest device. (Charging
        // one round trip per descriptor instead made fewer IOTLB descriptors per batch look dearer.)
        var perSource: [(source: UInt16, count: Int, depth: Int)] = []
        for descriptor in batch {
            var source: UInt16?
            var depth = 32
            switch DescriptorType(rawValue: descriptor.typeCode) {
            case .iotlb: iotlb += 1
            case .pasidIOTLB: pasidIOTLB += 1
            case .deviceTLB:
                deviceTLB += 1
                source = UInt16(truncatingIfNeeded: descriptor.quadword0 >> 32)
                depth = Int((descriptor.quadword0 >> 16) & 0x1f)
            case .pasidDeviceTLB:
                pasidDeviceTLB += 1
                source = UInt16(truncatingIfNeeded: descriptor.quadword0 >> 16)
                depth = Int((descriptor.quadword0 >> 4) & 0x1f)
            case .wait: waits += 1
            case .contextCache: contextCache += 1
            case .pasidCache: pasidCache += 1
            default: other += 1
            }
            if let source {
                if depth == 0 { depth = 32 }
                if let index = perSource.firstIndex(where: { $0.source == source }) {
                    perSource[index].count += 1
                } else {
                    perSource.append((source, 1, depth))
                }
            }
        }
        let serialized = perSource.map { ($0.count + $0.depth - 1) / $0.depth }.max() ?? 0
        deviceTLBMicros += Double(serialized) * cost.deviceTLBInvalidationMicros
    }
}
