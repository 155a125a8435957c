import TestSupport
import CacheTags
import Engine
import IOMMUModel
import Metrics
import Testing
import VTd
import Workloads

@Suite("Engine")
struct EngineTests {
    static let requiredMetrics = [
        "hw.flushes", "hw.descriptors.total", "hw.descriptors.iotlb", "hw.descriptors.pasid_iotlb",
        "hw.descriptors.devtlb", "hw.descriptors.pasid_devtlb", "hw.descriptors.wait", "hw.submissions",
        "hw.write_buffer_flushes", "hw.dids_in_use", "hw.attach_failures", "hw.iotlb.hits", "hw.iotlb.misses",
        "hw.iotlb.collateral_evictions", "hw.devtlb.hits", "hw.devtlb.misses", "hw.devtlb.collateral_evictions",
        "model.invalidation_us", "model.devtlb_us", "model.page_walk_us", "model.total_us", "oracle.stale",
        "oracle.cross_domain",
    ]

    func engine(
        _ topology: Topology = Fixtures.singleUnit, scheme: any DomainIDScheme = PerDomainScheme(),
        configuration: ModelConfiguration = ModelConfiguration(strict: true)
    ) throws -> ModeledDriver<GroupedArrayTable> {
        try ModeledDriver<GroupedArrayTable>(topology: topology, scheme: scheme, configuration: configuration)
    }

    func counting(_ topology: Topology = Fixtures.singleUnit) -> CountingDriver<GroupedArrayTable> {
        CountingDriver<GroupedArrayTable>(topology: topology, scheme: PerDomainScheme(), cost: .defaults)
    }

    @Test func metricsAreFlatStableAndComplete() throws {
        let modeled = try engine().metrics.map(\.metric.name)
        for name in Self.requiredMetrics { #expect(modeled.contains(name), "\(name)") }
        #expect(Set(modeled).count == modeled.count)
        let counting = counting().metrics.map(\.metric.name)
        #expect(!counting.contains("oracle.stale"))
        #expect(!counting.contains("hw.iotlb.hits"))
        #expect(counting.contains("hw.descriptors.total") && counting.contains("model.invalidation_us"))
    }

    @Test func attachFailuresAreCountedAndTheirEventsSkipped() throws {
        // A unit with 16 DIDs: 14 allocatable, so the 15th domain's attach fails under per-domain.
        let topology = try Topology(units: [Fixtures.unit(0, domainCount: 16)], devices: [Fixtures.device(0, unit: 0)])
        var engine = try engine(topology)
        for index in 0..<15 {
            try engine.apply(.createDomain(Fixtures.domain(index), .firstStage))
            try engine.apply(
                .attach(Fixtures.domain(index), device: DeviceID(0), pasid: Fixtures.pasid(UInt32(index + 1))))
        }
        try engine.apply(.access(device: DeviceID(0), pasid: Fixtures.pasid(15), page: 0))
        try engine.apply(.detach(device: DeviceID(0), pasid: Fixtures.pasid(15)))
        try engine.apply(.destroyDomain(Fixtures.domain(14)))
        let metrics = engine.metrics
        #expect(Fixtures.metric("hw.attach_failures", in: metrics) == 1)
        #expect(Fixtures.metric("events.skipped", in: metrics) == 2)
        #expect(Fixtures.metric("hw.dids_in_use", in: metrics) == 14)
        #expect(Fixtures.metric("hw.dma_faults", in: metrics) == 0)
    }

    @Test func detachTearsDownTheAttachment() throws {
        var engine = counting()
        try engine.apply(.createDomain(Fixtures.domain(1), .secondStage))
        try engine.apply(.attach(Fixtures.domain(1), device: DeviceID(2), pasid: .none))
        try engine.apply(.detach(device: DeviceID(2), pasid: .none))
        try engine.apply(.createDomain(Fixtures.domain(2), .sva))
        try engine.apply(.attach(Fixtures.domain(2), device: DeviceID(3), pasid: Fixtures.pasid(7)))
        try engine.apply(.detach(device: DeviceID(3), pasid: Fixtures.pasid(7)))
        let metrics = engine.metrics
        // Scalable mode: each tear-down starts with a PASID-cache invalidation; then second-stage:
        // IOTLB domain-selective + device TLB; SVA: PASID-selective + PASID device TLB; each alone.
        #expect(Fixtures.metric("hw.descriptors.pasid_cache", in: metrics) == 2)
        #expect(Fixtures.metric("hw.descriptors.context_cache", in: metrics) == 0)
        #expect(Fixtures.metric("hw.descriptors.iotlb", in: metrics) == 1)
        #expect(Fixtures.metric("hw.descriptors.devtlb", in: metrics) == 1)
        #expect(Fixtures.metric("hw.descriptors.pasid_iotlb", in: metrics) == 1)
        #expect(Fixtures.metric("hw.descriptors.pasid_devtlb", in: metrics) == 1)
        #expect(Fixtures.metric("hw.submissions", in: metrics) == 6)
        #expect(Fixtures.metric("hw.teardowns", in: metrics) == 2)
        #expect(Fixtures.metric("hw.flushes", in: metrics) == 0)
    }

    @Test func aFreedAndReusedDIDStartsClean() throws {
        var engine = try engine()
        for domain in 1...2 {
            try engine.apply(.createDomain(Fixtures.domain(domain), .secondStage))
            try engine.apply(.map(Fixtures.domain(domain), firstPage: 0, pageCount: 1))
            try engine.apply(.attach(Fixtures.domain(domain), device: DeviceID(2), pasid: .none))
            #expect(engine.directory.attachment(device: DeviceID(2), pasid: .none)?.domainID == DomainID(2))
            try engine.apply(.access(device: DeviceID(2), pasid: .none, page: 0))
            try engine.apply(.detach(device: DeviceID(2), pasid: .none))
            try engine.apply(.destroyDomain(Fixtures.domain(domain)))
        }
        let metrics = engine.metrics
        #expect(Fixtures.metric("hw.iotlb.misses", in: metrics) == 2)
        #expect(Fixtures.metric("hw.devtlb.misses", in: metrics) == 2)
        #expect(Fixtures.metric("oracle.cross_domain", in: metrics) == 0)
    }

    @Test func mapFlushesNewMappingsOnlyInCachingMode() throws {
        let topology = try Topology(
            units: [Fixtures.unit(0), Fixtures.unit(1, cachingMode: true)],
            devices: [Fixtures.device(0, unit: 0), Fixtures.device(1, unit: 1)])
        var engine = try engine(topology)
        try engine.apply(.createDomain(Fixtures.domain(1), .secondStage))
        try engine.apply(.attach(Fixtures.domain(1), device: DeviceID(0), pasid: .none))
        try engine.apply(.attach(Fixtures.domain(1), device: DeviceID(1), pasid: .none))
        try engine.apply(.map(Fixtures.domain(1), firstPage: 0, pageCount: 4))
        let metrics = engine.metrics
        #expect(Fixtures.metric("hw.flushes", in: metrics) == 1)
        #expect(Fixtures.metric("hw.write_buffer_flushes", in: metrics) == 1)
        #expect(Fixtures.metric("hw.descriptors.iotlb", in: metrics) == 1)
    }

    @Test func contradictoryEventsAreRejectedWithTheirIndex() throws {
        var engine = try engine()
        try engine.apply(.createDomain(Fixtures.domain(1), .secondStage))
        #expect(throws: EngineError.self) { try engine.apply(.flushAll(Fixtures.domain(9))) }
        do {
            try engine.apply(.detach(device: DeviceID(0), pasid: .none))
        } catch {
            guard case let .rejected(index, _, reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(index == 2)
            #expect(reason.contains("not attached"))
        }
    }

    @Test func geometryErrorsAreConfigurationErrors() {
        #expect(throws: EngineError.self) {
            try engine(configuration: ModelConfiguration(iotlbEntries: 100, iotlbWays: 8))
        }
    }

    /// Same seed, same numbers: two runs in one process, and the model on or off for what both
    /// count (across processes: `DeterminismTests` in RunsTests).
    @Test(arguments: CacheTagTables.runnable)
    func sameSeedGivesIdenticalCounters(table: CacheTagTableDescriptor) throws {
        let topology = Fixtures.mixed
        let events = RandomOperations.events(seed: 77, operations: 20_000, topology: topology)
        let first = try modeledRun(table, topology: topology, scheme: SharedPASIDScheme(), events: events).metrics
        let second = try modeledRun(table, topology: topology, scheme: SharedPASIDScheme(), events: events).metrics
        #expect(first == second)
        let counted = try countedRun(table, topology: topology, scheme: SharedPASIDScheme(), events: events)
        for value in counted {
            #expect(
                Fixtures.metric(value.metric.name, in: first) == value.value || value.metric.name == "model.total_us",
                "\(value.metric.name)")
        }
    }

    /// A stream error is never dropped: the run stops at it, naming the event.
    @Test func streamErrorsStopTheRun() throws {
        let events: [WorkloadEvent] = [
            .createDomain(Fixtures.domain(1), .secondStage),
            .flushAll(Fixtures.domain(9)),
            .flushAll(Fixtures.domain(1)),
        ]
        var driver = counting()
        do {
            try driver.run(events)
            Issue.record("the unknown domain was not reported")
        } catch {
            guard case let .rejected(index, _, reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(index == 1 && reason.contains("9"))
        }
        #expect(driver.counters.events == 2 && driver.counters.flushes == 0)
    }

    @Test func everyEmittedMetricIsInTheCatalog() throws {
        for name in try engine().metrics.map(\.metric.name) + counting().metrics.map(\.metric.name) {
            #expect(Metric.named(name) != nil, "\(name)")
        }
    }
}
