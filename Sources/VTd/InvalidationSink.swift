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
    /// Room for the next submission inside the sink's own queue, or nil (the default).
    ///
    /// A sink that returns a pointer lends `InvalidationBatchLimits.capacity` descriptor slots
    /// there until its next `submit`; a table may build the next submission in place, and that
    /// `submit` then receives a buffer starting at this address. This saves the copy from the
    /// batch into the queue; what the sink observes (submissions, their order and contents) is
    /// the same either way.
    mutating func submissionSlots() -> UnsafeMutablePointer<InvalidationDescriptor>?
}

extension InvalidationSink {
    public mutating func flushWriteBuffer(of unit: IOMMUUnitID) {}
    public mutating func submissionSlots() -> UnsafeMutablePointer<InvalidationDescriptor>? { nil }
}

/// The batch size of a submission, for sinks and tests.
public enum InvalidationBatchLimits {
    /// Descriptors per submission before its wait descriptor (the kernel's `QI_MAX_BATCHED_DESC_COUNT`).
    public static let capacity = 16
}
