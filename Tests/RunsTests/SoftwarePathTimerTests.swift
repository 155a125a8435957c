import CacheTags
import Engine
import TestSupport
import Testing
import VTd
import Workloads

@testable import Runs

/// The timed run goes through the same driver as the modeled run: it times exactly the
/// operations the stream holds, and a stream the driver rejects is never timed.
@Suite("Software-path timer")
struct SoftwarePathTimerTests {
    static let topology = Fixtures.mixed
    static let events = RandomOperations.events(seed: 31, operations: 3_000, topology: topology)

    @Test("one pass times every attach, detach and flush the driver ran", arguments: CacheTagTables.runnable)
    func timesWhatTheDriverRan(_ table: CacheTagTableDescriptor) throws {
        func counts<Table: CacheTagTable>(_: Table.Type) throws -> (SoftwareMeasurement, DriverCounters, Int) {
            let measurement = try SoftwarePathTimer.measure(
                events: Self.events, topology: Self.topology, scheme: KernelScheme(), budget: .quick,
                makeTable: { Table(domainUsesFirstStage: $0) })
            var driver = CountingDriver<Table>(topology: Self.topology, scheme: KernelScheme(), cost: .defaults)
            try driver.run(Self.events)
            let attaches = Self.events.filter { if case .attach = $0 { true } else { false } }.count
            return (measurement, driver.counters, attaches - driver.directory.attachFailures)
        }
        let (measurement, counters, attached) = try counts(table.type)
        let timings = measurement.timings
        #expect(measurement.passes == 1)
        #expect(Int(timings.count(of: .assign)) == attached)
        #expect(Int(timings.count(of: .unassign)) == counters.teardowns)
        let flushes = [DriverOperation.flushRange, .flushAll, .flushRangeForNewMappings].map { timings.count(of: $0) }
        #expect(Int(flushes.reduce(0, +)) == counters.flushes)
        #expect(measurement.bytesPerTag > 0)
    }

    @Test("a stream the driver rejects stops the measurement with the event's error")
    func brokenStreamsAreNotTimed() {
        let events: [WorkloadEvent] = [.flushAll(IOMMUDomainID(42))]
        #expect(throws: EngineError.self) {
            _ = try SoftwarePathTimer.measure(
                events: events, topology: Self.topology, scheme: KernelScheme(), budget: .quick,
                makeTable: { GroupedArrayTable(domainUsesFirstStage: $0) })
        }
    }
}

@Suite("Table axis")
struct TableChoiceTests {
    @Test("only tables with nodes take an allocator; labels name it")
    func allocatorOnlyWhereThereAreNodes() {
        let custom = TagAllocator.system
        let list = TableChoice(.kernelList, allocator: custom)
        #expect(list.label == "kernel-list")
        let grouped = TableChoice(.groupedArray, allocator: custom)
        #expect(grouped.allocator == nil && grouped.label == "grouped-array")
    }

    @Test(
        "jemalloc is requested only through --allocator",
        arguments: [
            (["run", "--allocator", "system,jemalloc"], true),
            (["run", "--allocator=jemalloc"], true),
            (["run", "--allocator", "system"], false),
            (["replay", "/tmp/jemalloc-trace.txt", "--out", "reports/jemalloc"], false),
            (["run", "--allocator"], false),
        ])
    func jemallocRequest(arguments: [String], requested: Bool) {
        #expect(Jemalloc.requested(by: arguments) == requested)
    }
}
