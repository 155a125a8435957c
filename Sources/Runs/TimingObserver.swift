import CacheTags
import Engine
import Timing
import VTd

/// The software-path timer as an event observer: asks the driver to read the clock just before
/// and just after each table-facing call (attach, detach, flush walks into the ring: nothing else
/// inside the window) and records the difference, clock overhead subtracted. Everything else it
/// is told costs it nothing.
///
/// When sampling footprints (the warm-up passes) it also records, after each attach and outside
/// the timed interval, table bytes per tag and (with a `heapBytes` probe) the allocator's heap
/// growth at the peak tag count.
struct TimingObserver: EventObserver {
    var sink: DescriptorBufferSink
    /// Where the samples go: one recorder for every measured pass, held by reference so the
    /// observer's copies (into and out of the driver) never copy the histograms.
    let recorder: TimingRecorder
    let overhead: UInt64
    private let samplesFootprint: Bool
    private let heapBytes: (() -> Int?)?
    private let heapAtStart: Int?
    private var peakTags = 0
    private(set) var bytesPerTagAtPeak = 0.0
    private(set) var heapAtPeak: Int?

    init(
        sink: DescriptorBufferSink, overhead: UInt64, recorder: TimingRecorder = TimingRecorder(),
        samplesFootprint: Bool = false, heapBytes: (() -> Int?)? = nil
    ) {
        self.sink = sink
        self.recorder = recorder
        self.overhead = overhead
        self.samplesFootprint = samplesFootprint
        self.heapBytes = samplesFootprint ? heapBytes : nil
        heapAtStart = samplesFootprint ? heapBytes?() : nil
    }

    static var timesOperations: Bool { true }

    mutating func timed(_ operation: DriverOperation, nanoseconds: UInt64, descriptors: Int) {
        recorder.timings.record(operation, nanoseconds: nanoseconds &- min(overhead, nanoseconds), descriptors: descriptors)
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

/// The histograms of a measurement, shared by the observers of its passes.
final class TimingRecorder {
    var timings = OperationTimings()
}
