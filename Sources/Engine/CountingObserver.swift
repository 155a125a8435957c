import CacheTags
import IOMMUModel
import VTd

/// Counts what the tables emit, tear-downs included, with the cost model's queue time: no
/// caches, no oracle. The tests use it to check the driver alone and that the model changes no
/// count it shares with a counter; no report is made with it.
package struct CountingObserver: EventObserver {
    package var sink: InvalidationCountingSink

    package init(cost: CostModel = .defaults) { sink = InvalidationCountingSink(cost: cost) }

    package mutating func attached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID,
        directory: CacheTagDirectory<Table>
    ) throws(ObserverError) {
        AttachmentTeardown.submitSetup(attachment, into: &sink)
    }

    package mutating func detached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID
    ) throws(ObserverError) {
        AttachmentTeardown.submit(attachment, pasid: pasid, into: &sink)
    }
}
