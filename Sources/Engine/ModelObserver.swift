import CacheTags
import IOMMUModel
import VTd
import Workloads

/// The modeled IOMMU as an event observer: caches, queues, page tables, cost model and oracle
/// follow the driver in lock step. The model is itself the sink the flush walks write into.
package struct ModelObserver: EventObserver {
    /// The modeled hardware.
    package var sink: IOMMUModel
    /// Each unmap-side flush's cost.
    package private(set) var flushCosts = FlushCostDistribution()
    private var kinds: [IOMMUDomainID: DomainKind] = [:]

    /// A model of `topology` with `configuration` (cache geometry, cost model, strictness).
    package init(topology: Topology, configuration: ModelConfiguration = ModelConfiguration()) throws(EngineError) {
        do {
            sink = try IOMMUModel(units: topology.units, devices: topology.devices, configuration: configuration)
        } catch {
            throw .configuration(error.description)
        }
    }

    /// The model.
    package var model: IOMMUModel { sink }

    package mutating func domainCreated(_ domain: IOMMUDomainID, kind: DomainKind) throws(ObserverError) {
        do { try sink.createDomain(domain, kind: kind) } catch { throw .rejected(error.description) }
        kinds[domain] = kind
    }

    package mutating func domainDestroyed(_ domain: IOMMUDomainID) throws(ObserverError) {
        do { try sink.destroyDomain(domain) } catch { throw .rejected(error.description) }
    }

    package mutating func attached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID,
        directory: CacheTagDirectory<Table>
    ) throws(ObserverError) {
        do {
            try sink.attach(attachment.domain, device: device, pasid: pasid, domainID: attachment.domainID)
        } catch .oracle(let violation) {
            throw .oracle(violation)
        } catch {
            throw .rejected(error.description)
        }
        // Set-up invalidations (caching mode only) are judged for collateral like tear-downs.
        do { try sink.beginFlush(of: attachment.domain, range: .everything, reason: .setup) } catch {
            throw .rejected(error.description)
        }
        AttachmentTeardown.submitSetup(attachment, into: &sink)
        do { try sink.completeFlush() } catch { throw .oracle(error) }
    }

    /// Forgets the attachment and submits its tear-down invalidations, one submission each.
    package mutating func detached<Table: CacheTagTable>(
        _ attachment: CacheTagDirectory<Table>.Attachment, device: DeviceID, pasid: PASID
    ) throws(ObserverError) {
        do {
            try sink.detach(device: device, pasid: pasid)
            try sink.beginFlush(of: attachment.domain, range: .everything, reason: .teardown)
        } catch {
            throw .rejected(error.description)
        }
        AttachmentTeardown.submit(attachment, pasid: pasid, into: &sink)
        do { try sink.completeFlush() } catch { throw .oracle(error) }
    }

    package mutating func mapped(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64) throws(ObserverError) {
        do { try sink.map(domain, firstPage: firstPage, pageCount: pageCount) } catch { throw .rejected(error.description) }
    }

    package mutating func unmapped(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64) throws(ObserverError) {
        do { try sink.unmap(domain, firstPage: firstPage, pageCount: pageCount) } catch {
            throw .rejected(error.description)
        }
    }

    package mutating func willFlush(_ domain: IOMMUDomainID, range: IOVARange, reason: FlushReason) throws(ObserverError) {
        do { try sink.beginFlush(of: domain, range: range, reason: reason) } catch {
            throw .rejected(DirectoryError.unknownDomain(domain).description)
        }
        if reason == .range || reason == .all { flushCosts.begin(kind: kinds[domain], queue: sink.queue) }
    }

    package mutating func didFlush() throws(ObserverError) {
        do { try sink.completeFlush() } catch { throw .oracle(error) }
        flushCosts.end(queue: sink.queue)
    }

    package mutating func accessed(device: DeviceID, pasid: PASID, page: UInt64) throws(ObserverError) {
        do { _ = try sink.access(device: device, pasid: pasid, page: page) } catch { throw .oracle(error) }
    }
}
