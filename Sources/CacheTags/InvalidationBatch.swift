import VTd

/// Builds submissions the way the kernel's `qi_batch` does: descriptors accumulate for one unit
/// and are submitted when 16 are queued (`QI_MAX_BATCHED_DESC_COUNT`), when the walk moves to
/// another unit, and at the end of the walk.
///
/// The storage is the space the sink lends for its next submission (`submissionSlots()`, so
/// each descriptor is written once, straight into the sink's queue) or else a caller-provided
/// 16-slot buffer (stack memory from `withUnsafeTemporaryAllocation`); a flush allocates nothing.
///
/// The type is not generic over the sink (its methods are): unspecialized callers, such as a
/// table's flush called from another module, then need no generic type metadata per flush
/// (`swift_getGenericMetadata` was 16% of a 64-tag flush before).
struct InvalidationBatch {
    /// Descriptors per submission before the wait (`QI_MAX_BATCHED_DESC_COUNT`).
    static var capacity: Int { InvalidationBatchLimits.capacity }

    /// The caller's 16 slots, used when the sink lends none.
    let ownSlots: UnsafeMutablePointer<InvalidationDescriptor>
    /// Where the current submission is built: the sink's `submissionSlots()` or `ownSlots`.
    var slots: UnsafeMutablePointer<InvalidationDescriptor>
    var count = 0
    var unit = IOMMUUnitID(-1)
    /// Descriptors handed to the sink so far.
    var emitted = 0

    init<Sink: InvalidationSink>(slots: UnsafeMutablePointer<InvalidationDescriptor>, sink: inout Sink) {
        ownSlots = slots
        self.slots = sink.submissionSlots() ?? slots
    }

    /// Queues one descriptor for `unit`, submitting first if the unit changed or the batch is full.
    @inline(__always)
    mutating func append<Sink: InvalidationSink>(
        _ descriptor: InvalidationDescriptor, for unit: IOMMUUnitID, into sink: inout Sink
    ) {
        if unit != self.unit {
            submit(into: &sink)
            self.unit = unit
        } else if count == Self.capacity {
            submit(into: &sink)
        }
        (slots + count).initialize(to: descriptor)
        count &+= 1
    }

    /// Makes `unit` the unit of the descriptors that follow, submitting what is queued for
    /// another unit first (what `append(_:for:into:)` does per descriptor, done once per run).
    @inline(__always)
    mutating func enter<Sink: InvalidationSink>(_ unit: IOMMUUnitID, into sink: inout Sink) {
        if unit != self.unit {
            submit(into: &sink)
            self.unit = unit
        }
    }

    /// Queues `total` descriptors for the current unit (see `enter`), the i-th computed by
    /// `descriptor(i)`: the same submissions as `total` calls of `append(_:for:into:)`, with the
    /// unit and capacity checks done once per chunk instead of once per descriptor.
    @inline(__always)
    mutating func append<Sink: InvalidationSink>(
        count total: Int, into sink: inout Sink, _ descriptor: (Int) -> InvalidationDescriptor
    ) {
        var done = 0
        while done < total {
            if count == Self.capacity { submit(into: &sink) }
            let chunk = min(total &- done, Self.capacity &- count)
            let base = slots + count
            for offset in 0..<chunk { (base + offset).initialize(to: descriptor(done &+ offset)) }
            count &+= chunk
            done &+= chunk
        }
    }

    /// `total` descriptors (`entries[i].word0 | bits`, `word1`, 0, 0) for the current unit: the
    /// optimized tables' store loop, two 16-byte stores per descriptor.
    @inline(__always)
    mutating func append<Sink: InvalidationSink>(
        entries: UnsafePointer<TagEntry>, count total: Int, bits: UInt64, word1: UInt64, into sink: inout Sink
    ) {
        var done = 0
        let high = SIMD2<UInt64>(bits, word1)
        while done < total {
            if count == Self.capacity { submit(into: &sink) }
            let chunk = min(total &- done, Self.capacity &- count)
            let base = UnsafeMutableRawPointer(slots + count)
            let source = entries + done
            for offset in 0..<chunk {
                let slot = base + offset &* MemoryLayout<InvalidationDescriptor>.stride
                slot.storeBytes(of: SIMD2<UInt64>(source[offset].word0, 0) | high, as: SIMD2<UInt64>.self)
                slot.storeBytes(of: SIMD2<UInt64>(), toByteOffset: 16, as: SIMD2<UInt64>.self)
            }
            count &+= chunk
            done &+= chunk
        }
    }

    /// Submits what is queued at the end of a walk (no slots are fetched for a next submission).
    @inline(__always)
    mutating func finish<Sink: InvalidationSink>(into sink: inout Sink) {
        guard count > 0 else { return }
        sink.submit(UnsafeBufferPointer(start: slots, count: count), to: unit)
        emitted &+= count
        count = 0
    }

    /// Submits what is queued, if anything.
    mutating func submit<Sink: InvalidationSink>(into sink: inout Sink) {
        guard count > 0 else { return }
        sink.submit(UnsafeBufferPointer(start: slots, count: count), to: unit)
        emitted &+= count
        count = 0
        slots = sink.submissionSlots() ?? ownSlots
    }
}

/// Runs `body` with a stack-allocated batch and closes it at the end. Returns descriptors emitted.
func withInvalidationBatch<Sink: InvalidationSink>(
    into sink: inout Sink, _ body: (inout InvalidationBatch, inout Sink) -> Void
) -> Int {
    withUnsafeTemporaryAllocation(of: InvalidationDescriptor.self, capacity: InvalidationBatchLimits.capacity) { buffer in
        var batch = InvalidationBatch(slots: buffer.baseAddress!, sink: &sink)
        body(&batch, &sink)
        batch.finish(into: &sink)
        return batch.emitted
    }
}
