import CacheTags
import IOMMUModel
import VTd
import Workloads

/// Every submission of a run, labelled with what caused it: the flush operation (numbered from 0
/// in event order) or the attachment tear-down. What `--descriptors-out` writes and the replay's
/// self-check compares with the kernel's `qi_submit` lines.
package struct DescriptorLog: InvalidationSink {
    /// What a submission belongs to.
    package enum Cause: Hashable, Sendable {
        /// Flush operation `index` (0, 1, … in event order) of `reason`.
        case flush(index: Int, reason: FlushReason)
        /// The tear-down of a detached attachment.
        case teardown
        /// The set-up of an attachment's context or PASID entry.
        case setup
    }

    /// One submission: its cause, unit and descriptors (the wait not included).
    package struct Submission: Hashable, Sendable {
        package let cause: Cause
        package let unit: IOMMUUnitID
        package let descriptors: [InvalidationDescriptor]
    }

    package private(set) var submissions: [Submission] = []
    /// The cause of the submissions being made now.
    var cause = Cause.teardown
    /// Flush operations begun so far.
    private(set) var flushCount = 0

    package init() {}

    package mutating func submit(_ descriptors: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        submissions.append(Submission(cause: cause, unit: unit, descriptors: Array(descriptors)))
    }

    mutating func beginFlush(_ reason: FlushReason) {
        cause = .flush(index: flushCount, reason: reason)
        flushCount += 1
    }

    /// The descriptors of each flush operation, by operation index, in submission order.
    package var descriptorsByFlush: [[InvalidationDescriptor]] {
        var result = Array(repeating: [InvalidationDescriptor](), count: flushCount)
        for submission in submissions {
            if case let .flush(index, _) = submission.cause { result[index] += submission.descriptors }
        }
        return result
    }
}

/// An observer that records every submission (`DescriptorLog`) and models nothing: the driver's
/// descriptor stream alone, cheap enough to run once more per scheme and table.
package struct RecordingObserver: EventObserver {
    package var sink = DescriptorLog()

    package init() {}

    package mutating func attached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID,
        directory: CacheTagDirectory<Table>
    ) throws(ObserverError) {
        sink.cause = .setup
        AttachmentTeardown.submitSetup(attachment, into: &sink)
        sink.cause = .teardown
    }

    package mutating func detached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID
    ) throws(ObserverError) {
        sink.cause = .teardown
        AttachmentTeardown.submit(attachment, pasid: pasid, into: &sink)
    }

    package mutating func willFlush(_ domain: IOMMUDomainID, range: IOVARange, reason: FlushReason) throws(ObserverError) {
        sink.beginFlush(reason)
    }

    package mutating func didFlush() throws(ObserverError) { sink.cause = .teardown }
}

extension DescriptorLog {
    /// Drives `events` through tables of `Table` under `scheme` and returns every submission.
    package static func record<Table: CacheTagTable>(
        events: [WorkloadEvent], topology: Topology, scheme: any DomainIDScheme, makeTable: @escaping (Bool) -> Table
    ) throws(EngineError) -> DescriptorLog {
        var driver = EventDriver(topology: topology, scheme: scheme, observer: RecordingObserver(), makeTable: makeTable)
        try driver.run(events)
        return driver.observer.sink
    }
}
