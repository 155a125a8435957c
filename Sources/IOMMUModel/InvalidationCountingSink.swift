import VTd

/// The fast sink: counts descriptors by type and their modeled queue time, keeps no caches.
/// What the engine uses when a run does not need the IOTLB model or the oracle.
public struct InvalidationCountingSink: InvalidationSink, Sendable {
    /// The cost model for the modeled queue time.
    public let cost: CostModel
    /// What was submitted so far.
    public private(set) var counters = InvalidationQueueCounters()

    /// An empty counter using `cost`.
    public init(cost: CostModel = .defaults) { self.cost = cost }

    /// Counts one submission and the wait that closes it.
    public mutating func submit(_ descriptors: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        counters.record(descriptors, cost: cost)
    }

    /// Counts a write-buffer flush.
    public mutating func flushWriteBuffer(of unit: IOMMUUnitID) { counters.writeBufferFlushes += 1 }
}
