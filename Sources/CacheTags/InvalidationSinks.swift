import VTd

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
///
/// It lends its ring to the tables (`submissionSlots()`), so a table's batch is built where it
/// lands and written once. Where a 16-descriptor submission might not fit before the ring's end,
/// it lends a 16-slot scratch tail beyond the ring instead and copies from there, to the start
/// or in place, exactly where a copied submission would go: the ring's contents are the same
/// either way.
public struct DescriptorBufferSink: InvalidationSink {
    /// The ring (`capacity` slots) at the start of an allocation of `capacity + 16` slots.
    var storage: UnsafeMutableBufferPointer<InvalidationDescriptor>
    var next = 0
    public private(set) var descriptors = 0
    public private(set) var submissions = 0

    /// A ring of `capacity` descriptors (the kernel's queue holds `QI_LENGTH` = 256).
    public init(capacity: Int = 256) {
        precondition(capacity >= InvalidationBatchLimits.capacity)
        let allocation = UnsafeMutableBufferPointer<InvalidationDescriptor>.allocate(
            capacity: capacity + InvalidationBatchLimits.capacity)
        allocation.initialize(repeating: InvalidationDescriptor(0, 0))
        storage = UnsafeMutableBufferPointer(rebasing: allocation[0..<capacity])
    }

    /// Releases the ring. The sink must not be used afterwards.
    public mutating func deallocate() { storage.baseAddress.unsafelyUnwrapped.deallocate() }

    public mutating func submissionSlots() -> UnsafeMutablePointer<InvalidationDescriptor>? {
        let ring = storage.baseAddress.unsafelyUnwrapped
        // In place only where a full batch cannot reach the end; else the scratch tail.
        return next + InvalidationBatchLimits.capacity <= storage.count ? ring + next : ring + storage.count
    }

    public mutating func submit(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        let ring = storage.baseAddress.unsafelyUnwrapped
        let count = batch.count
        let builtInPlace =
            UnsafePointer(ring + next) == batch.baseAddress && next + InvalidationBatchLimits.capacity <= storage.count
        if !builtInPlace, count > 0 {
            if next + count > storage.count { next = 0 }
            // From the scratch tail or a caller's buffer; never overlapping the destination.
            (ring + next).update(from: batch.baseAddress.unsafelyUnwrapped, count: count)
        }
        next += count
        descriptors &+= count
        submissions &+= 1
    }

    /// A checksum over the ring, so an optimizer cannot prove the writes dead.
    public var checksum: UInt64 { storage.reduce(0) { $0 &+ $1.quadword0 ^ $1.quadword1 } }
}
