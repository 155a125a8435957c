import VTd

/// Builds submissions the way the kernel's `qi_batch` does: descriptors accumulate for one unit
/// and are submitted when 16 are queued (`QI_MAX_BATCHED_DESC_COUNT`), when the walk moves to
/// another unit, and at the end of the walk.
///
/// The storage is a caller-provided 16-slot buffer (stack memory from
/// `withUnsafeTemporaryAllocation`), so a flush allocates nothing.
struct InvalidationBatch<Sink: InvalidationSink> {
    /// Descriptors per submission before the wait (`QI_MAX_BATCHED_DESC_COUNT`).
    static var capacity: Int { InvalidationBatchLimits.capacity }

    let slots: UnsafeMutablePointer<InvalidationDescriptor>
    var count = 0
    var unit = IOMMUUnitID(-1)
    /// Descriptors handed to the sink so far.
    var emitted = 0

    init(slots: UnsafeMutablePointer<InvalidationDescriptor>) { self.slots = slots }

    /// Queues one descriptor for `unit`, submitting first if the unit changed or the batch is full.
    @inline(__always)
    mutating func append(_ descriptor: InvalidationDescriptor, for unit: IOMMUUnitID, into sink: inout Sink) {
        if unit != self.unit {
            submit(into: &sink)
            self.unit = unit
        } else if count == Self.capacity {
            submit(into: &sink)
        }
        (slots + count).initialize(to: descriptor)
        count &+= 1
    }

    /// Submits what is queued, if anything.
    mutating func submit(into sink: inout Sink) {
        guard count > 0 else { return }
        sink.submit(UnsafeBufferPointer(start: slots, count: count), to: unit)
        emitted &+= count
        count = 0
    }
}

/// The public face of the batch size, for sinks and tests.
public enum InvalidationBatchLimits {
    /// Descriptors per submission before its wait descriptor.
    public static let capacity = 16
}

/// Runs `body` with a stack-allocated batch and closes it at the end. Returns descriptors emitted.
func withInvalidationBatch<Sink: InvalidationSink>(
    into sink: inout Sink, _ body: (inout InvalidationBatch<Sink>, inout Sink) -> Void
) -> Int {
    withUnsafeTemporaryAllocation(of: InvalidationDescriptor.self, capacity: InvalidationBatchLimits.capacity) { buffer in
        var batch = InvalidationBatch<Sink>(slots: buffer.baseAddress!)
        body(&batch, &sink)
        batch.submit(into: &sink)
        return batch.emitted
    }
}
