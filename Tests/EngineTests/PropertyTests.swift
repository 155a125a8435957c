import TestSupport
import CacheTags
import Engine
import IOMMUModel
import Metrics
import Testing
import VTd
import Workloads

/// The oracle over long random runs: the safe schemes never violate it, on both tables, and the
/// negative control does — proof that the oracle can fail.
@Suite("Oracle property", .tags(.slow))
struct PropertyTests {
    static let operations = TestScale.scaled(100_000)
    static let seed: UInt64 = 0xC0FF_EE15_600D
    static let topology = Fixtures.mixed
    /// Generated once, shared by every run.
    static let events = RandomOperations.events(seed: seed, operations: operations, topology: topology)

    static func run(scheme: String, table: CacheTagTableDescriptor, strict: Bool) throws(EngineError) -> [MetricValue] {
        try modeledRun(
            table, topology: topology, scheme: DomainIDSchemes.named(scheme)!,
            configuration: ModelConfiguration(strict: strict), events: events
        ).metrics
    }

    @Test(arguments: DomainIDSchemes.safe.map(\.name), CacheTagTables.runnable)
    func safeSchemesNeverViolateTheOracle(scheme: String, table: CacheTagTableDescriptor) throws {
        // Strict: the first violation would throw with its one-line description.
        let metrics = try Self.run(scheme: scheme, table: table, strict: true)
        #expect(Fixtures.metric("oracle.stale", in: metrics) == 0)
        #expect(Fixtures.metric("oracle.cross_domain", in: metrics) == 0)
        // The run exercised what it claims to.
        #expect(Fixtures.metric("hw.iotlb.hits", in: metrics) > 5_000)
        #expect(Fixtures.metric("hw.devtlb.hits", in: metrics) > 5_000)
        #expect(Fixtures.metric("hw.iotlb.collateral_evictions", in: metrics) > 0)
        #expect(Fixtures.metric("hw.descriptors.pasid_iotlb", in: metrics) > 0)
        #expect(Fixtures.metric("hw.descriptors.pasid_devtlb", in: metrics) > 0)
        #expect(Fixtures.metric("hw.teardowns", in: metrics) > 1_000)
        #expect(Fixtures.metric("events.total", in: metrics) >= Double(Self.operations))
    }

    @Test(arguments: CacheTagTables.runnable)
    func sharedAllIsCaught(table: CacheTagTableDescriptor) throws {
        let metrics = try Self.run(scheme: "shared-all", table: table, strict: false)
        let violations =
            Fixtures.metric("oracle.stale", in: metrics) + Fixtures.metric("oracle.cross_domain", in: metrics)
        #expect(violations > 0)
        #expect(Fixtures.metric("oracle.cross_domain", in: metrics) > 0)
    }

    @Test func sharedAllStopsAtTheFirstViolationInStrictMode() throws {
        do {
            _ = try Self.run(scheme: "shared-all", table: .groupedArray, strict: true)
            Issue.record("the negative control passed the strict oracle")
        } catch {
            guard case let .oracle(index, violation) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(index < Self.events.count)
            #expect(!violation.description.contains("\n"))
        }
    }
}
