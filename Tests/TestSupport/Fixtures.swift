import Metrics
import CacheTags
import Engine
import IOMMUModel
import VTd
import Workloads

/// Small hand-built topologies and helpers shared by the tests.
package enum Fixtures {
    /// A unit with the given capabilities. Drain bits are off unless asked for: the behaviour
    /// tests write their expected descriptors without DR/DW, and `DescriptorBitsTests` and the
    /// golden replay check the drain bits themselves.
    package static func unit(
        _ index: Int, domainCount: Int = 65536, pageSelective: Bool = true, mamv: Int = 18, cachingMode: Bool = false,
        drain: Bool = false
    ) -> IOMMUUnit {
        IOMMUUnit(
            id: IOMMUUnitID(index),
            capabilities: try! IOMMUCapabilities(
                domainIDs: try! DomainIDSpace(domainCount: domainCount), pageSelectiveInvalidation: pageSelective,
                maximumAddressMaskValue: mamv, cachingMode: cachingMode, readDrain: drain, writeDrain: drain))
    }

    /// Device `index` behind unit `unit`, source ID bus `index + 1`, device 0, function 0.
    package static func device(_ index: Int, unit: Int, ats: Bool = false, quirk: Bool = false) -> Device {
        try! Device(
            id: DeviceID(index), iommu: IOMMUUnitID(unit),
            source: try! SourceID(bus: index + 1, device: 0, function: 0),
            hasATS: ats, queueDepth: 32, needsExtraInvalidation: quirk)
    }

    /// One server unit with four devices: dev0 and dev1 plain, dev2 and dev3 with ATS.
    package static var singleUnit: Topology {
        try! Topology(
            units: [unit(0)],
            devices: [
                device(0, unit: 0), device(1, unit: 0), device(2, unit: 0, ats: true), device(3, unit: 0, ats: true),
            ])
    }

    /// The property tests' topology: unit 0 is a server part; unit 1 is small and emulated-like
    /// (16 DIDs so attachments can fail, MAMV 4 so wide flushes fall back to domain-selective,
    /// caching mode so new mappings are flushed). Devices alternate units; some have ATS, one has
    /// the extra-invalidation quirk.
    package static var mixed: Topology {
        try! Topology(
            units: [unit(0), unit(1, domainCount: 16, mamv: 4, cachingMode: true)],
            devices: [
                device(0, unit: 0), device(1, unit: 0, ats: true), device(2, unit: 0, ats: true, quirk: true),
                device(3, unit: 0), device(4, unit: 1), device(5, unit: 1, ats: true), device(6, unit: 1),
                device(7, unit: 1, ats: true),
            ])
    }

    package static func pasid(_ value: UInt32) -> PASID { PASID(unchecked: value) }
    package static func domain(_ value: Int) -> IOMMUDomainID { IOMMUDomainID(value) }
    package static func did(_ value: UInt16) -> DomainID { DomainID(value) }

    /// The aligned block of `count` pages at `first`.
    package static func block(_ first: UInt64, _ count: UInt64) -> AlignedInvalidation {
        AlignedInvalidation(covering: IOVARange(firstPage: first, pageCount: count))
    }

    /// An IOTLB entry for hand-built caches.
    package static func entry(
        did: UInt16, pasid: UInt32?, page: UInt64, kind: TranslationKind, owner: Int32, generation: UInt64 = 1
    ) -> IOTLBEntry {
        IOTLBEntry(
            tag: IOTLBTag(domainID: DomainID(did), pasid: pasid.map { PASID(unchecked: $0) }, page: page), kind: kind,
            origin: TranslationOrigin(owner: DomainSerial(owner), generation: generation))
    }

    /// The metric called `name` (fails loudly when missing).
    package static func metric(_ name: String, in metrics: [MetricValue]) -> Double {
        guard let metric = metrics.first(where: { $0.metric.name == name }) else { preconditionFailure("no metric \(name)") }
        return metric.value
    }
}

/// Runs `events` through the modeled IOMMU on the registry's `table`; returns the metrics and
/// the first oracle violation.
package func modeledRun(
    _ table: CacheTagTableDescriptor, topology: Topology, scheme: any DomainIDScheme,
    configuration: ModelConfiguration = ModelConfiguration(), events: [WorkloadEvent]
) throws(EngineError) -> (metrics: [MetricValue], firstViolation: OracleViolation?) {
    func run<Table: CacheTagTable>(_: Table.Type) throws(EngineError) -> ([MetricValue], OracleViolation?) {
        var driver = try ModeledDriver<Table>(topology: topology, scheme: scheme, configuration: configuration)
        try driver.run(events)
        return (driver.metrics, driver.firstViolation)
    }
    return try run(table.type)
}

/// Runs `events` counting descriptors only, on the registry's `table`.
package func countedRun(
    _ table: CacheTagTableDescriptor, topology: Topology, scheme: any DomainIDScheme, events: [WorkloadEvent]
) throws(EngineError) -> [MetricValue] {
    func run<Table: CacheTagTable>(_: Table.Type) throws(EngineError) -> [MetricValue] {
        var driver = CountingDriver<Table>(topology: topology, scheme: scheme, cost: .defaults)
        try driver.run(events)
        return driver.metrics
    }
    return try run(table.type)
}
