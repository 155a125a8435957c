import VTd

/// Where a table's flush walk sends its descriptors.
///
/// A submission is what the kernel's `qi_submit_sync` receives for one `qi_batch`: up to
/// `InvalidationBatchLimits.capacity` descriptors for one unit; the sink adds the wait descriptor.
/// One protocol lets the same walk feed a counter, a buffer for timing, or the modeled IOMMU.
public protocol InvalidationSink {
    /// One submission of 1 … 16 descriptors to `unit`'s invalidation queue, to be closed by a wait.
    mutating func submit(_ descriptors: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID)
    /// A write-buffer flush (a register operation, no descriptor): what `cache_tag_flush_range_np`
    /// does for units that are not in caching mode.
    mutating func flushWriteBuffer(of unit: IOMMUUnitID)
}

extension InvalidationSink {
    public mutating func flushWriteBuffer(of unit: IOMMUUnitID) {}
}

/// Counts descriptors, submissions and write-buffer flushes; keeps nothing else.
public struct CountingSink: InvalidationSink, Sendable {
    public private(set) var descriptors = 0
    public private(set) var submissions = 0
    public private(set) var writeBufferFlushes = 0
    /// The largest submission seen (never above `InvalidationBatchLimits.capacity`).
    public private(set) var largestSubmission = 0

    public init() {}

    public mutating func submit(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        descriptors &+= batch.count
        submissions &+= 1
        largestSubmission = max(largestSubmission, batch.count)
    }

    public mutating func flushWriteBuffer(of unit: IOMMUUnitID) { writeBufferFlushes &+= 1 }
}

/// Records every submission in order: the sink of tests and of the differential comparison.
public struct RecordingSink: InvalidationSink, Sendable {
    /// One submission: the unit and its descriptors (without the wait).
    public struct Submission: Equatable, Sendable {
        public let unit: IOMMUUnitID
        public let descriptors: [InvalidationDescriptor]
    }

    public private(set) var submissions: [Submission] = []
    public private(set) var writeBufferFlushes: [IOMMUUnitID] = []

    public init() {}

    public mutating func submit(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        submissions.append(Submission(unit: unit, descriptors: Array(batch)))
    }

    public mutating func flushWriteBuffer(of unit: IOMMUUnitID) { writeBufferFlushes.append(unit) }

    /// Every descriptor of every submission, in order.
    public var descriptors: [InvalidationDescriptor] { submissions.flatMap(\.descriptors) }

    /// Forgets everything recorded so far, keeping capacity.
    public mutating func removeAll() {
        submissions.removeAll(keepingCapacity: true)
        writeBufferFlushes.removeAll(keepingCapacity: true)
    }
}

/// Copies descriptors into a preallocated ring and counts them: the sink of the timed software
/// path, so a measurement includes the cost of writing each descriptor once, as a queue would,
/// and nothing else. Never allocates after `init`.
public struct DescriptorBufferSink: InvalidationSink {
    var storage: UnsafeMutableBufferPointer<InvalidationDescriptor>
    var next = 0
    public private(set) var descriptors = 0
    public private(set) var submissions = 0

    /// A ring of `capacity` descriptors (the kernel's queue holds `QI_LENGTH` = 256).
    public init(capacity: Int = 256) {
        precondition(capacity >= InvalidationBatchLimits.capacity)
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: InvalidationDescriptor(0, 0))
    }

    /// Releases the ring. The sink must not be used afterwards.
    public mutating func deallocate() { storage.deallocate() }

    public mutating func submit(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        if next + batch.count > storage.count { next = 0 }
        _ = UnsafeMutableBufferPointer(rebasing: storage[next..<(next + batch.count)]).update(fromContentsOf: batch)
        next += batch.count
        descriptors &+= batch.count
        submissions &+= 1
    }

    /// A checksum over the ring, so an optimizer cannot prove the writes dead.
    public var checksum: UInt64 { storage.reduce(0) { $0 &+ $1.quadword0 ^ $1.quadword1 } }
}
