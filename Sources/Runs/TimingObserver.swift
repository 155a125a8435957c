import CacheTags
import Engine
import Timing
import VTd

/// The software-path timer as an event observer: reads the clock just before and just after
/// each table-facing call of the driver (attach, detach, flush walks into the ring) and records
/// the difference, clock overhead subtracted. Everything else it is told costs it nothing.
///
/// When sampling footprints (the warm-up passes) it also records, after each attach and outside
/// the timed interval, table bytes per tag and (with a `heapBytes` probe) the allocator's heap
/// growth at the peak tag count.
struct TimingObserver: EventObserver {
    var sink: DescriptorBufferSink
    var timings = OperationTimings()
    let overhead: UInt64
    private var start: UInt64 = 0
    private let samplesFootprint: Bool
    private let heapBytes: (() -> Int?)?
    private let heapAtStart: Int?
    private var peakTags = 0
    private(set) var bytesPerTagAtPeak = 0.0
    private(set) var heapAtPeak: Int?

    init(sink: DescriptorBufferSink, overhead: UInt64, samplesFootprint: Bool = false, heapBytes: (() -> Int?)? = nil) {
        self.sink = sink
        self.overhead = overhead
        self.samplesFootprint = samplesFootprint
        self.heapBytes = samplesFootprint ? heapBytes : nil
        heapAtStart = samplesFootprint ? heapBytes?() : nil
    }

    @inline(__always)
    mutating func willRun(_ operation: DriverOperation) { start = MonotonicClock.now() }

    @inline(__always)
    mutating func didRun(_ operation: DriverOperation, descriptors: Int) {
        let elapsed = MonotonicClock.now() &- start
        timings.record(TimedOperation(operation), nanoseconds: elapsed &- min(overhead, elapsed), descriptors: descriptors)
    }

    mutating func attached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID,
        directory: CacheTagDirectory<Table>
    ) throws(ObserverError) {
        guard samplesFootprint else { return }
        let tags = directory.tagCount
        guard tags > peakTags else { return }
        peakTags = tags
        bytesPerTagAtPeak = Double(directory.footprintBytes) / Double(tags)
        if let heapAtStart, let now = heapBytes?() { heapAtPeak = now - heapAtStart }
    }
}

extension TimedOperation {
    /// The timed operation a driver call is.
    init(_ operation: DriverOperation) {
        switch operation {
        case .assign: self = .assign
        case .unassign: self = .unassign
        case .flush(.range): self = .flushRange
        case .flush(.all): self = .flushAll
        case .flush(.newMappings), .flush(.teardown): self = .flushRangeForNewMappings
        }
    }
}
