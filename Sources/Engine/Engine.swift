import CacheTags
import IOMMUModel
import VTd
import Workloads

/// Applies workload events to a cache-tag directory and, in modeled mode, to the modeled IOMMU:
/// the driver's side (DID scheme, tags, flush walks) and the hardware's side (caches, queues,
/// oracle) of one run, in lock step.
///
/// Per event:
/// - `createDomain` / `destroyDomain`: directory and model;
/// - `attach`: the scheme leases a DID and the tags are assigned; the model learns
///   (device, PASID) → domain, DID, translation type. A DID the scheme cannot find (exhaustion) is
///   counted (`hw.attach_failures`), not fatal; later `detach` and `access` events of that
///   (device, PASID) are skipped and counted (`events.skipped`);
/// - `detach`: the model forgets the attachment, the tags are unassigned, and the tear-down
///   invalidations (`AttachmentTeardown`) are submitted as one submission;
/// - `map`: the page table gains the pages, then `cache_tag_flush_range_np`;
/// - `unmap`: the page table only (the workload issues the flush, strict or lazy);
/// - `flushRange` / `flushAll` / `flushRangeForNewMappings`: the table walk feeds the model (or
///   the counting sink), then the oracle checks the domain's range;
/// - `access`: a model lookup (nothing in counting mode).
///
/// A `final class` because the directory and the model are state shared across every event.
public final class Engine<Table: CacheTagTable>: WorkloadEngine {
    private struct AttachmentKey: Hashable {
        let device: DeviceID
        let pasid: PASID
    }

    /// The hardware the events run on.
    public let topology: Topology
    /// Counting only, or the full model.
    public let mode: EngineMode
    /// The driver side: domains, DID leases, tables.
    public let directory: CacheTagDirectory<Table>
    /// The modeled IOMMU; nil in counting mode.
    public private(set) var model: IOMMUModel?
    private var counting: InvalidationCountingSink
    /// (device, PASID) pairs whose attach failed and that have not been detached since.
    private var failedAttachments: Set<AttachmentKey> = []
    /// Events seen and skipped, flushes, tear-downs.
    public private(set) var counters = EngineCounters()

    /// An engine over `topology` with `scheme`. `makeTable` builds each domain's table (default:
    /// `Table(domainUsesFirstStage:)`).
    public init(
        topology: Topology, scheme: any DomainIDScheme, mode: EngineMode = .modeled(ModelConfiguration()),
        makeTable: @escaping (Bool) -> Table = { Table(domainUsesFirstStage: $0) }
    ) throws(EngineError) {
        self.topology = topology
        self.mode = mode
        directory = CacheTagDirectory(
            units: topology.units, devices: topology.devices, scheme: scheme, makeTable: makeTable)
        counting = InvalidationCountingSink(cost: mode.cost)
        if case let .modeled(configuration) = mode {
            do {
                model = try IOMMUModel(units: topology.units, devices: topology.devices, configuration: configuration)
            } catch {
                throw .configuration(error.description)
            }
        }
    }

    /// The table implementation's name.
    public var tableName: String { Table.name }
    /// The DID scheme's name.
    public var schemeName: String { directory.scheme.name }
    /// The model (a copy), nil in counting mode.
    public var modelState: IOMMUModel? { model }
    /// The model's first oracle violation.
    public var firstViolation: OracleViolation? { model?.firstViolation }

    /// Applies events in order, stopping at the first error.
    public func run(_ events: [WorkloadEvent]) throws(EngineError) {
        for event in events { try apply(event) }
    }

    /// Applies `source`'s events for `seed`. The source must run on the engine's topology.
    public func run(_ source: some EventSource, seed: UInt64) throws(EngineError) {
        guard source.topology == topology else {
            throw .configuration("the event source's topology is not the engine's")
        }
        try run(source.events(seed: seed))
    }

    /// Applies one event.
    public func apply(_ event: WorkloadEvent) throws(EngineError) {
        let index = counters.events
        counters.events += 1
        func rejected(_ reason: some CustomStringConvertible) -> EngineError {
            .rejected(eventIndex: index, event: "\(event)", reason: reason.description)
        }
        func oracle(_ violation: OracleViolation) -> EngineError { .oracle(eventIndex: index, violation) }

        switch event {
        case let .createDomain(id, kind):
            do { try directory.createDomain(id, kind: kind) } catch { throw rejected(error) }
            if model != nil {
                do { try model!.createDomain(id, kind: kind) } catch { throw rejected(error) }
            }

        case let .destroyDomain(id):
            do { try directory.destroyDomain(id) } catch { throw rejected(error) }
            if model != nil {
                do { try model!.destroyDomain(id) } catch { throw rejected(error) }
            }

        case let .attach(domain, device, pasid):
            let key = AttachmentKey(device: device, pasid: pasid)
            let attachment: CacheTagDirectory<Table>.Attachment
            do {
                attachment = try directory.attach(domain, device: device, pasid: pasid)
            } catch .domainID {
                failedAttachments.insert(key)
                return
            } catch {
                throw rejected(error)
            }
            failedAttachments.remove(key)
            if model != nil {
                do {
                    try model!.attach(domain, device: device, pasid: pasid, domainID: attachment.domainID)
                } catch .oracle(let violation) {
                    throw oracle(violation)
                } catch {
                    throw rejected(error)
                }
            }

        case let .detach(device, pasid):
            if failedAttachments.remove(AttachmentKey(device: device, pasid: pasid)) != nil {
                counters.skipped += 1
                return
            }
            let attachment: CacheTagDirectory<Table>.Attachment
            do { attachment = try directory.detach(device: device, pasid: pasid) } catch { throw rejected(error) }
            let descriptors = AttachmentTeardown.descriptors(
                kind: attachment.kind, domainID: attachment.domainID, pasid: pasid, device: attachment.device)
            counters.teardowns += 1
            if model != nil {
                do {
                    try model!.detach(device: device, pasid: pasid)
                    try model!.beginFlush(of: attachment.domain, range: .everything, reason: .teardown)
                } catch {
                    throw rejected(error)
                }
                descriptors.withUnsafeBufferPointer { model!.submit($0, to: attachment.device.iommu) }
                do { try model!.completeFlush() } catch { throw oracle(error) }
            } else {
                descriptors.withUnsafeBufferPointer { counting.submit($0, to: attachment.device.iommu) }
            }

        case let .map(domain, firstPage, pageCount):
            guard pageCount > 0 else { throw rejected("map of zero pages") }
            guard directory.kind(of: domain) != nil else { throw rejected(DirectoryError.unknownDomain(domain)) }
            if model != nil {
                do { try model!.map(domain, firstPage: firstPage, pageCount: pageCount) } catch {
                    throw rejected(error)
                }
            }
            try flush(.newMappings, domain, IOVARange(firstPage: firstPage, pageCount: pageCount), rejected, oracle)

        case let .unmap(domain, firstPage, pageCount):
            guard pageCount > 0 else { throw rejected("unmap of zero pages") }
            guard directory.kind(of: domain) != nil else { throw rejected(DirectoryError.unknownDomain(domain)) }
            if model != nil {
                do { try model!.unmap(domain, firstPage: firstPage, pageCount: pageCount) } catch {
                    throw rejected(error)
                }
            }

        case let .flushRange(domain, range):
            try flush(.range, domain, range, rejected, oracle)

        case let .flushAll(domain):
            try flush(.all, domain, .everything, rejected, oracle)

        case let .flushRangeForNewMappings(domain, range):
            try flush(.newMappings, domain, range, rejected, oracle)

        case let .access(device, pasid, page):
            if failedAttachments.contains(AttachmentKey(device: device, pasid: pasid)) {
                counters.skipped += 1
                return
            }
            if model != nil {
                do { try model!.access(device: device, pasid: pasid, page: page) } catch { throw oracle(error) }
            }
        }
    }

    /// One table flush into the model (checked by the oracle afterwards) or the counting sink.
    private func flush(
        _ reason: FlushReason, _ domain: IOMMUDomainID, _ range: IOVARange, _ rejected: (DirectoryError) -> EngineError,
        _ oracle: (OracleViolation) -> EngineError
    ) throws(EngineError) {
        guard directory.kind(of: domain) != nil else { throw rejected(.unknownDomain(domain)) }
        counters.flushes += 1
        if model != nil {
            do { try model!.beginFlush(of: domain, range: range, reason: reason) } catch {
                throw rejected(.unknownDomain(domain))
            }
            do { try walk(reason, domain, range, into: &model!) } catch { throw rejected(error) }
            do { try model!.completeFlush() } catch { throw oracle(error) }
        } else {
            do { try walk(reason, domain, range, into: &counting) } catch { throw rejected(error) }
        }
    }

    private func walk<Sink: InvalidationSink>(
        _ reason: FlushReason, _ domain: IOMMUDomainID, _ range: IOVARange, into sink: inout Sink
    ) throws(DirectoryError) {
        switch reason {
        case .range: try directory.flushRange(domain, range, into: &sink)
        case .all: try directory.flushAll(domain, into: &sink)
        case .newMappings: try directory.flushRangeForNewMappings(domain, range, into: &sink)
        case .teardown: preconditionFailure("tear-downs are not table flushes")
        }
    }

    /// The run's counters as a flat list in a stable order (names from DESIGN.md §5). In counting
    /// mode the lookup, page-walk and oracle metrics are absent rather than zero, so nothing
    /// reports "no violations" without having checked.
    public var metrics: [EngineMetric] {
        let queue = model?.queue ?? counting.counters
        func count(_ name: String, _ value: Int) -> EngineMetric {
            EngineMetric(name: name, value: Double(value), unit: "count")
        }
        func micros(_ name: String, _ value: Double) -> EngineMetric {
            EngineMetric(name: name, value: value, unit: "us")
        }
        var list = [
            count("hw.flushes", counters.flushes),
            count("hw.descriptors.total", queue.totalDescriptors),
            count("hw.descriptors.iotlb", queue.iotlb),
            count("hw.descriptors.pasid_iotlb", queue.pasidIOTLB),
            count("hw.descriptors.devtlb", queue.deviceTLB),
            count("hw.descriptors.pasid_devtlb", queue.pasidDeviceTLB),
            count("hw.descriptors.wait", queue.waits),
            count("hw.submissions", queue.submissions),
            count("hw.write_buffer_flushes", queue.writeBufferFlushes),
            count("hw.dids_in_use", directory.peakDIDsInUse),
            count("hw.attach_failures", directory.attachFailures),
            count("hw.sharing_fallbacks", directory.sharingFallbacks),
            count("hw.teardowns", counters.teardowns),
        ]
        if let model {
            let cache = model.counters
            list += [
                count("hw.iotlb.hits", cache.iotlbHits),
                count("hw.iotlb.misses", cache.iotlbMisses),
                count("hw.iotlb.collateral_evictions", cache.iotlbCollateralEvictions),
                count("hw.iotlb.capacity_evictions", cache.iotlbCapacityEvictions),
                count("hw.devtlb.hits", cache.deviceTLBHits),
                count("hw.devtlb.misses", cache.deviceTLBMisses),
                count("hw.devtlb.collateral_evictions", cache.deviceTLBCollateralEvictions),
                count("hw.devtlb.capacity_evictions", cache.deviceTLBCapacityEvictions),
                count("hw.dma_faults", cache.dmaFaults),
            ]
        }
        let pageWalk = model?.counters.pageWalkMicros ?? 0
        list += [
            micros("model.invalidation_us", queue.invalidationMicros),
            micros("model.devtlb_us", queue.deviceTLBMicros),
        ]
        if model != nil { list.append(micros("model.page_walk_us", pageWalk)) }
        list.append(micros("model.total_us", queue.invalidationMicros + queue.deviceTLBMicros + pageWalk))
        if let model {
            list += [
                count("oracle.stale", model.counters.staleTranslations),
                count("oracle.cross_domain", model.counters.crossDomainHits),
                count("oracle.aliased_attachments", model.counters.aliasedAttachments),
            ]
        }
        list += [
            count("events.total", counters.events),
            count("events.skipped", counters.skipped),
        ]
        return list
    }
}
