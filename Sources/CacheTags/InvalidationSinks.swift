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
///
/// The ring belongs to an object the sink references, freed when the last copy of the sink goes
/// away (copies share the ring, as copies of a queue handle would); the sink keeps the ring's
/// address itself, so the flush path reads no reference.
public struct DescriptorBufferSink: InvalidationSink {
    /// The allocation: the ring (`capacity` slots) followed by the 16-slot scratch tail.
    final class Storage {
        let base: UnsafeMutablePointer<InvalidationDescriptor>
        let count: Int

        init(count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: InvalidationDescriptor(0, 0), count: count)
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    private let owner: Storage
    /// `owner.base`: the ring's first slot.
    private let ring: UnsafeMutablePointer<InvalidationDescriptor>
    /// Slots in the ring (the scratch tail excluded).
    private let capacity: Int
    var next = 0
    public private(set) var descriptors = 0
    public private(set) var submissions = 0

    /// A ring of `capacity` descriptors (the kernel's queue holds `QI_LENGTH` = 256).
    public init(capacity: Int = 256) {
        precondition(capacity >= InvalidationBatchLimits.capacity)
        owner = Storage(count: capacity + InvalidationBatchLimits.capacity)
        ring = owner.base
        self.capacity = capacity
    }

    /// The ring (without the scratch tail).
    var storage: UnsafeMutableBufferPointer<InvalidationDescriptor> { UnsafeMutableBufferPointer(start: ring, count: capacity) }

    public mutating func submissionSlots() -> UnsafeMutablePointer<InvalidationDescriptor>? {
        // In place only where a full batch cannot reach the end; else the scratch tail.
        next + InvalidationBatchLimits.capacity <= capacity ? ring + next : ring + capacity
    }

    public mutating func submit(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        let count = batch.count
        let builtInPlace =
            UnsafePointer(ring + next) == batch.baseAddress && next + InvalidationBatchLimits.capacity <= capacity
        if !builtInPlace, count > 0 {
            if next + count > capacity { next = 0 }
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
