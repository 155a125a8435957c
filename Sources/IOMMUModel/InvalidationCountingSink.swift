import VTd

/// The fast sink: counts descriptors by type and their modeled queue time, keeps no caches.
/// What the engine uses when a run does not need the IOTLB model or the oracle.
package struct InvalidationCountingSink: InvalidationSink, Sendable {
    /// The cost model for the modeled queue time.
    package let cost: CostModel
    /// What was submitted so far.
    package private(set) var counters = InvalidationQueueCounters()

    /// An empty counter using `cost`.
    package init(cost: CostModel = .defaults) { self.cost = cost }

    /// Counts one submission and the wait that closes it.
    package mutating func submit(_ descriptors: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        counters.record(descriptors, cost: cost)
    }

    /// Counts a write-buffer flush.
    package mutating func flushWriteBuffer(of unit: IOMMUUnitID) { counters.writeBufferFlushes += 1 }
}
