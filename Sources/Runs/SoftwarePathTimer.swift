import Timing
import CacheTags
import Engine
import VTd
import Workloads

/// How long to keep repeating a measurement.
package struct TimingBudget: Sendable {
    /// Passes over the event stream that are run and thrown away first (caches, allocator, branch predictors).
    package var warmUpPasses: Int
    /// Passes always measured.
    package var minimumPasses: Int
    /// Stop repeating once this much time has gone by (and the minimum is met).
    package var nanoseconds: UInt64
    /// Never run more passes than this.
    package var maximumPasses: Int

    package init(warmUpPasses: Int = 1, minimumPasses: Int = 1, nanoseconds: UInt64 = 250_000_000, maximumPasses: Int = 50) {
        self.warmUpPasses = warmUpPasses
        self.minimumPasses = minimumPasses
        self.nanoseconds = nanoseconds
        self.maximumPasses = maximumPasses
    }

    /// One warm-up pass and one measured pass: for `--quick` runs and tests.
    package static let quick = TimingBudget(warmUpPasses: 1, minimumPasses: 1, nanoseconds: 0, maximumPasses: 1)
}

/// What timing the software path of one (workload, scheme, table) found.
package struct SoftwareMeasurement: Sendable {
    package var timings = OperationTimings()
    /// Measured passes over the event stream.
    package var passes = 0
    /// Table bytes per distinct tag at the moment the most tags were held.
    package var bytesPerTag: Double = 0
    /// Allocator heap bytes held by the tables at that moment, when the allocator can tell.
    package var heapBytes: Int?
    /// Clock overhead subtracted from every sample, in ns.
    package var clockOverhead: UInt64 = 0
    /// A checksum of the descriptors written, so the work cannot be optimized away.
    package var checksum: UInt64 = 0
}

/// Times the software path alone: the directory's attach/detach (DID choice and tag assignment)
/// and the tables' flush walks writing descriptors into a preallocated ring, with no model
/// bookkeeping in the figure (docs/design.md §4). The events run through the same `EventDriver`
/// as the modeled run, the driver reading the clock around each table-facing call for `TimingObserver`;
/// page-table and DMA events cost nothing here, and `map` is timed as the
/// `cache_tag_flush_range_np` it causes. An event the stream cannot justify stops the
/// measurement with its error: a broken stream is never timed.
package enum SoftwarePathTimer {
    /// Measures `events` on `topology` under `scheme` with tables built by `makeTable`.
    package static func measure<Table: CacheTagTable>(
        events: [WorkloadEvent], topology: Topology, scheme: any DomainIDScheme, budget: TimingBudget,
        heapBytes: (() -> Int?)? = nil, makeTable: @escaping (Bool) -> Table
    ) throws(EngineError) -> SoftwareMeasurement {
        var measurement = SoftwareMeasurement()
        measurement.clockOverhead = MonotonicClock.calibratedOverhead()
        var sink = DescriptorBufferSink()

        for _ in 0..<budget.warmUpPasses {
            let observer = try pass(
                events, topology, scheme, makeTable,
                TimingObserver(sink: sink, overhead: measurement.clockOverhead, samplesFootprint: true, heapBytes: heapBytes))
            sink = observer.sink
            (measurement.bytesPerTag, measurement.heapBytes) = (observer.bytesPerTagAtPeak, observer.heapAtPeak)
        }
        let recorder = TimingRecorder()
        let start = MonotonicClock.now()
        while measurement.passes < budget.maximumPasses {
            let observer = TimingObserver(sink: sink, overhead: measurement.clockOverhead, recorder: recorder)
            sink = try pass(events, topology, scheme, makeTable, observer).sink
            measurement.passes += 1
            if measurement.passes >= budget.minimumPasses && MonotonicClock.now() &- start >= budget.nanoseconds { break }
        }
        measurement.timings = recorder.timings
        measurement.checksum = sink.checksum
        return measurement
    }

    /// One pass over the events with a fresh directory; returns the observer with what it timed.
    private static func pass<Table: CacheTagTable>(
        _ events: [WorkloadEvent], _ topology: Topology, _ scheme: any DomainIDScheme,
        _ makeTable: @escaping (Bool) -> Table, _ observer: TimingObserver
    ) throws(EngineError) -> TimingObserver {
        var driver = EventDriver(topology: topology, scheme: scheme, observer: observer, makeTable: makeTable)
        try driver.run(events)
        return driver.observer
    }
}
