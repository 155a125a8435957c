import CacheTags
import IOMMUModel
import Timing
import VTd
import Workloads

/// The one place workload events become driver calls: the DID scheme, the cache tags and the
/// flush walks of a `CacheTagDirectory`, with an `EventObserver` told what happened. The modeled
/// run (`ModelObserver`), the counting run (`CountingObserver`) and the timed run of the
/// software path (Runs' timer) all use it, so the three can never read a stream differently.
///
/// Per event:
/// - `createDomain` / `destroyDomain`: the directory, then the observer;
/// - `attach`: the scheme leases a DID and the tags are assigned (timed as `.assign`). A DID the
///   scheme cannot find (exhaustion) is counted by the directory (`hw.attach_failures`), not an
///   error; later `detach` and `access` events of that (device, PASID) are skipped and counted
///   (`events.skipped`);
/// - `detach`: the tags are unassigned (timed as `.unassign`); the observer tears the attachment
///   down (`AttachmentTeardown`);
/// - `map`: the observer maps the pages, then `cache_tag_flush_range_np`;
/// - `unmap`: the observer only (the workload issues the flush, strict or lazy);
/// - `flushRange` / `flushAll` / `flushRangeForNewMappings`: the table walk into the observer's
///   sink (timed as the operation of the same name), bracketed by `willFlush`/`didFlush` (the
///   oracle's check);
/// - `access`: the observer (a model lookup).
///
/// An event the stream cannot justify (an unknown domain, a double attach) stops the run with
/// an error naming the event and its index: none is dropped silently.
///
/// A struct over its observer so the observer's sink is reached without a dynamic exclusivity
/// check, and `@inlinable` so a caller in another module that knows both types statically gets
/// it specialized. The runs open the table type from the registry at run time, so there the
/// driver runs as generic code (as the timer did before the driver existed); for an observer
/// that times (`timesOperations`), the driver reads the clock itself around each directory
/// call, so a timed window holds that call and nothing else.
package struct EventDriver<Table: CacheTagTable, Observer: EventObserver> {
    /// The driver side: domains, DID leases, tables.
    package let directory: CacheTagDirectory<Table>
    /// The party told about every event.
    package var observer: Observer
    /// Events seen and skipped; flushes; tear-downs.
    package var counters: DriverCounters { tally }
    @usableFromInline var tally = DriverCounters()
    /// (device, PASID) pairs whose attach failed and that have not been detached since.
    @usableFromInline var failedAttachments: Set<DriverAttachmentKey> = []

    /// A driver over `topology` with `scheme`, tables from `makeTable` (`domainUsesFirstStage` → table).
    package init(
        topology: Topology, scheme: any DomainIDScheme, observer: Observer,
        makeTable: @escaping (Bool) -> Table = { Table(domainUsesFirstStage: $0) }
    ) {
        directory = CacheTagDirectory(
            units: topology.units, devices: topology.devices, scheme: scheme, makeTable: makeTable)
        self.observer = observer
    }

    /// Applies `events` in order, stopping at the first one the stream cannot justify: a run's
    /// figures never describe a stream with an event silently left out.
    @inlinable
    package mutating func run(_ events: [WorkloadEvent]) throws(EngineError) {
        for event in events { try apply(event) }
    }

    /// Applies one event.
    @inlinable
    package mutating func apply(_ event: WorkloadEvent) throws(EngineError) {
        let index = tally.events
        tally.events += 1
        do {
            try dispatch(event)
        } catch {
            switch error {
            case let .rejected(reason): throw .rejected(eventIndex: index, event: "\(event)", reason: reason)
            case let .oracle(violation): throw .oracle(eventIndex: index, violation)
            }
        }
    }

    @inlinable
    mutating func dispatch(_ event: WorkloadEvent) throws(ObserverError) {
        switch event {
        case let .createDomain(id, kind):
            do { try directory.createDomain(id, kind: kind) } catch { throw .rejected(error.description) }
            try observer.domainCreated(id, kind: kind)

        case let .destroyDomain(id):
            do { try directory.destroyDomain(id) } catch { throw .rejected(error.description) }
            try observer.domainDestroyed(id)

        case let .attach(domain, device, pasid):
            let key = DriverAttachmentKey(device, pasid)
            let attachment: CacheTagDirectory<Table>.Attachment
            let timed = Observer.timesOperations
            let start = timed ? MonotonicClock.now() : 0
            do {
                attachment = try directory.attach(domain, device: device, pasid: pasid)
            } catch .domainID {
                failedAttachments.insert(key)
                return
            } catch {
                throw .rejected(error.description)
            }
            if timed { observer.timed(.assign, nanoseconds: MonotonicClock.now() &- start, descriptors: 0) }
            failedAttachments.remove(key)
            tally.attachesSucceeded += 1
            try observer.attached(attachment, device: device, pasid: pasid, directory: directory)

        case let .detach(device, pasid):
            if failedAttachments.remove(DriverAttachmentKey(device, pasid)) != nil {
                tally.skipped += 1
                return
            }
            let attachment: CacheTagDirectory<Table>.Attachment
            let timed = Observer.timesOperations
            let start = timed ? MonotonicClock.now() : 0
            do { attachment = try directory.detach(device: device, pasid: pasid) } catch {
                throw .rejected(error.description)
            }
            if timed { observer.timed(.unassign, nanoseconds: MonotonicClock.now() &- start, descriptors: 0) }
            tally.teardowns += 1
            try observer.detached(attachment, device: device, pasid: pasid)

        case let .map(domain, firstPage, pageCount):
            guard pageCount > 0 else { throw .rejected("map of zero pages") }
            try requireDomain(domain)
            try observer.mapped(domain, firstPage: firstPage, pageCount: pageCount)
            try flush(.newMappings, domain, IOVARange(firstPage: firstPage, pageCount: pageCount))

        case let .unmap(domain, firstPage, pageCount):
            guard pageCount > 0 else { throw .rejected("unmap of zero pages") }
            try requireDomain(domain)
            tally.unmaps += 1
            try observer.unmapped(domain, firstPage: firstPage, pageCount: pageCount)

        case let .flushRange(domain, range, invalidationHint):
            try flush(.range, domain, range, invalidationHint: invalidationHint)

        case let .flushAll(domain):
            try flush(.all, domain, .everything)

        case let .flushRangeForNewMappings(domain, range):
            try flush(.newMappings, domain, range)

        case let .access(device, pasid, page):
            if failedAttachments.contains(DriverAttachmentKey(device, pasid)) {
                tally.skipped += 1
                return
            }
            tally.accesses += 1
            try observer.accessed(device: device, pasid: pasid, page: page)
        }
    }

    @inlinable
    func requireDomain(_ domain: IOMMUDomainID) throws(ObserverError) {
        guard directory.kind(of: domain) != nil else { throw .rejected(DirectoryError.unknownDomain(domain).description) }
    }

    /// One table flush into the observer's sink, bracketed by the observer's flush hooks.
    @inlinable
    mutating func flush(
        _ reason: FlushReason, _ domain: IOMMUDomainID, _ range: IOVARange, invalidationHint: Bool = false
    ) throws(ObserverError) {
        try requireDomain(domain)
        tally.flushes += 1
        try observer.willFlush(domain, range: range, reason: reason)
        let timed = Observer.timesOperations
        let emitted: Int
        do {
            // Clock, directory call, clock: nothing else in a timed window.
            switch reason {
            case .range:
                let start = timed ? MonotonicClock.now() : 0
                emitted = try directory.flushRange(
                    domain, range, invalidationHint: invalidationHint, into: &observer.sink)
                if timed { observer.timed(.flushRange, nanoseconds: MonotonicClock.now() &- start, descriptors: emitted) }
            case .all:
                let start = timed ? MonotonicClock.now() : 0
                emitted = try directory.flushAll(domain, into: &observer.sink)
                if timed { observer.timed(.flushAll, nanoseconds: MonotonicClock.now() &- start, descriptors: emitted) }
            case .newMappings:
                let start = timed ? MonotonicClock.now() : 0
                emitted = try directory.flushRangeForNewMappings(domain, range, into: &observer.sink)
                if timed { observer.timed(.flushRangeForNewMappings, nanoseconds: MonotonicClock.now() &- start, descriptors: emitted) }
            case .teardown, .setup: preconditionFailure("tear-downs and set-ups are not table flushes")
            }
        } catch {
            throw .rejected(error.description)
        }
        tally.flushDescriptors &+= emitted
        if emitted > 0 { tally.nonEmptyFlushes &+= 1 }
        try observer.didFlush()
    }
}

/// A (device, PASID) pair, outside the generic driver so sets of it need no generic metadata.
@usableFromInline struct DriverAttachmentKey: Hashable {
    @usableFromInline let device: DeviceID
    @usableFromInline let pasid: PASID
    @inlinable init(_ device: DeviceID, _ pasid: PASID) {
        self.device = device
        self.pasid = pasid
    }
}
