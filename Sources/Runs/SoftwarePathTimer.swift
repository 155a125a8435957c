import Timing
import CacheTags
import VTd
import Workloads

/// How long to keep repeating a measurement.
public struct TimingBudget: Sendable {
    /// Passes over the event stream that are run and thrown away first (caches, allocator, branch predictors).
    public var warmUpPasses: Int
    /// Passes always measured.
    public var minimumPasses: Int
    /// Stop repeating once this much time has gone by (and the minimum is met).
    public var nanoseconds: UInt64
    /// Never run more passes than this.
    public var maximumPasses: Int

    public init(warmUpPasses: Int = 1, minimumPasses: Int = 1, nanoseconds: UInt64 = 250_000_000, maximumPasses: Int = 50) {
        self.warmUpPasses = warmUpPasses
        self.minimumPasses = minimumPasses
        self.nanoseconds = nanoseconds
        self.maximumPasses = maximumPasses
    }

    /// One warm-up pass and one measured pass: for `--quick` runs and tests.
    public static let quick = TimingBudget(warmUpPasses: 1, minimumPasses: 1, nanoseconds: 0, maximumPasses: 1)
}

/// What timing the software path of one (workload, scheme, table) found.
public struct SoftwareMeasurement: Sendable {
    public var timings = OperationTimings()
    /// Measured passes over the event stream.
    public var passes = 0
    /// Table bytes per distinct tag at the moment the most tags were held.
    public var bytesPerTag: Double = 0
    /// Allocator heap bytes held by the tables at that moment, when the allocator can tell.
    public var heapBytes: Int?
    /// Clock overhead subtracted from every sample, in ns.
    public var clockOverhead: UInt64 = 0
    /// A checksum of the descriptors written, so the work cannot be optimized away.
    public var checksum: UInt64 = 0
}

/// Times the software path alone: the directory's attach/detach (DID choice and tag assignment)
/// and the tables' flush walks writing descriptors into a preallocated ring, with no model
/// bookkeeping in the figure (DESIGN.md §4). Page-table and DMA events are not software-path
/// work and are skipped; `map` is timed as the `cache_tag_flush_range_np` it causes.
public enum SoftwarePathTimer {
    /// Measures `events` on `topology` under `scheme` with tables built by `makeTable`.
    public static func measure<Table: CacheTagTable>(
        events: [WorkloadEvent], topology: Topology, scheme: any DomainIDScheme, budget: TimingBudget,
        heapBytes: (() -> Int?)? = nil, makeTable: @escaping (Bool) -> Table
    ) -> SoftwareMeasurement {
        var measurement = SoftwareMeasurement()
        measurement.clockOverhead = MonotonicClock.calibratedOverhead()
        var sink = DescriptorBufferSink()

        for _ in 0..<budget.warmUpPasses {
            var discarded = OperationTimings()
            (measurement.bytesPerTag, measurement.heapBytes) = pass(
                events, topology, scheme, makeTable, &sink, &discarded, overhead: measurement.clockOverhead,
                footprint: heapBytes ?? { nil }, sampleFootprint: true)
        }
        let start = MonotonicClock.now()
        while measurement.passes < budget.maximumPasses {
            _ = pass(
                events, topology, scheme, makeTable, &sink, &measurement.timings, overhead: measurement.clockOverhead,
                footprint: { nil }, sampleFootprint: false)
            measurement.passes += 1
            if measurement.passes >= budget.minimumPasses && MonotonicClock.now() &- start >= budget.nanoseconds { break }
        }
        measurement.checksum = sink.checksum
        return measurement
    }

    /// One pass over the events with a fresh directory. Returns bytes per tag, and the heap
    /// growth `footprint` reports, at the peak tag count when `sampleFootprint` is set (sampled
    /// outside the timed intervals).
    private static func pass<Table: CacheTagTable>(
        _ events: [WorkloadEvent], _ topology: Topology, _ scheme: any DomainIDScheme,
        _ makeTable: @escaping (Bool) -> Table, _ sink: inout DescriptorBufferSink, _ timings: inout OperationTimings,
        overhead: UInt64, footprint: () -> Int?, sampleFootprint: Bool
    ) -> (bytesPerTag: Double, heapBytes: Int?) {
        let heapAtStart = sampleFootprint ? footprint() : nil
        var heapAtPeak: Int?
        let directory = CacheTagDirectory<Table>(
            units: topology.units, devices: topology.devices, scheme: scheme, makeTable: makeTable)
        var peakTags = 0
        var bytesPerTagAtPeak = 0.0
        for event in events {
            switch event {
            case let .createDomain(domain, kind):
                try? directory.createDomain(domain, kind: kind)
            case let .destroyDomain(domain):
                try? directory.destroyDomain(domain)
            case let .attach(domain, device, pasid):
                let start = MonotonicClock.now()
                let attached = (try? directory.attach(domain, device: device, pasid: pasid)) != nil
                let end = MonotonicClock.now()
                if attached {
                    timings.record(.assign, nanoseconds: (end &- start) &- min(overhead, end &- start))
                    if sampleFootprint {
                        let tags = directory.tagCount
                        if tags > peakTags {
                            peakTags = tags
                            bytesPerTagAtPeak = Double(directory.footprintBytes) / Double(tags)
                            if let heapAtStart, let now = footprint() { heapAtPeak = now - heapAtStart }
                        }
                    }
                }
            case let .detach(device, pasid):
                let start = MonotonicClock.now()
                let detached = (try? directory.detach(device: device, pasid: pasid)) != nil
                let end = MonotonicClock.now()
                if detached { timings.record(.unassign, nanoseconds: (end &- start) &- min(overhead, end &- start)) }
            case let .flushRange(domain, range):
                time(.flushRange, &timings, overhead) { try? directory.flushRange(domain, range, into: &sink) }
            case let .flushAll(domain):
                time(.flushAll, &timings, overhead) { try? directory.flushAll(domain, into: &sink) }
            case let .flushRangeForNewMappings(domain, range):
                time(.flushRangeForNewMappings, &timings, overhead) {
                    try? directory.flushRangeForNewMappings(domain, range, into: &sink)
                }
            case let .map(domain, firstPage, pageCount):
                let range = IOVARange(firstPage: firstPage, pageCount: pageCount)
                time(.flushRangeForNewMappings, &timings, overhead) {
                    try? directory.flushRangeForNewMappings(domain, range, into: &sink)
                }
            case .unmap, .access:
                continue
            }
        }
        return (bytesPerTagAtPeak, heapAtPeak)
    }

    @inline(__always)
    private static func time(
        _ operation: TimedOperation, _ timings: inout OperationTimings, _ overhead: UInt64, _ body: () -> Int?
    ) {
        let start = MonotonicClock.now()
        let descriptors = body()
        let end = MonotonicClock.now()
        guard let descriptors else { return }
        let elapsed = end &- start
        timings.record(operation, nanoseconds: elapsed &- min(overhead, elapsed), descriptors: descriptors)
    }
}
