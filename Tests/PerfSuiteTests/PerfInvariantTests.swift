import CMallocCounter
import CacheTags
import PerfSuite
import Testing
import VTd

/// The micro benchmarks' deterministic invariants as ordinary tests: on the perf scenario, every
/// table's range flush, 2 MiB flush and flush-all emit N descriptors in ceil(N/16) submissions, and
/// no flush path allocates (counted by the test binary's malloc, Tests/CMallocCounter), in the
/// ring-specialized entry points and through the protocol alike; the C list and smmu-invs too.
@Suite("Perf invariants")
struct PerfInvariantTests {
    static let tables = CacheTagTables.all.filter(\.isPerfVariant)

    /// Allocations `body` makes on this thread.
    private func allocations(_ body: () -> Void) -> UInt64 {
        let before = cmc_thread_allocations()
        body()
        return cmc_thread_allocations() - before
    }

    @Test("descriptors and submissions per flush, and zero allocations on every flush path", arguments: PerfScenario.tagCounts)
    func flushInvariants(tags: Int) throws {
        let scenario = PerfScenario(tagCount: tags)
        var sink = DescriptorBufferSink()
        for entry in Self.tables {
            let table = scenario.makeTable(entry)
            let object = table as AnyObject
            for range in [PerfScenario.smallRange, PerfScenario.largeRange] {
                var counter = CountingSink()
                table.flushRange(range, invalidationHint: false, into: &counter)
                #expect(counter.descriptors == tags, "\(entry.name) \(tags) tags")
                #expect(counter.submissions == (tags + 15) / 16, "\(entry.name) \(tags) tags")
            }
            var counter = CountingSink()
            table.flushAll(into: &counter)
            #expect(counter.descriptors == tags && counter.submissions == (tags + 15) / 16, "\(entry.name) flush_all")
            // Warm every path once (lazy globals and metadata, the ring's first use), then count.
            func flushes(_ times: Int) {
                for _ in 0..<times {
                    _ = entry.ring.flushRange(object, PerfScenario.smallRange, false, &sink)
                    _ = entry.ring.flushRange(object, PerfScenario.largeRange, true, &sink)
                    _ = entry.ring.flushAll(object, &sink)
                    table.flushRange(PerfScenario.smallRange, invalidationHint: false, into: &sink)
                    table.flushRangeForNewMappings(PerfScenario.smallRange, into: &sink)
                }
            }
            // A whole warm-up pass first: one-time work (lazy globals and metadata, the test
            // runner's own bookkeeping on this thread) is not the flush path's.
            flushes(100)
            let counted = allocations { flushes(100) }
            #expect(counted == 0 || cmc_available() == 0, "\(entry.name), \(tags) tags: \(counted) allocations in 500 flushes")
        }
        let c = scenario.makeCBaseline()
        c.flushRange(PerfScenario.smallRange, into: &sink)
        let allocated = allocations { for _ in 0..<100 { c.flushRange(PerfScenario.smallRange, into: &sink); c.flushAll(into: &sink) } }
        #expect(allocated == 0, "c-list: \(allocated) allocations")
    }

    @Test("the allocation counter counts (so the zero above can fail)")
    func counterCounts() {
        guard cmc_available() != 0 else { return }
        let allocated = allocations {
            let table = GroupedArrayTable(domainUsesFirstStage: false)
            for tag in PerfScenario(tagCount: 8).tags { table.assign(tag) }
        }
        #expect(allocated >= 2)  // the table object, its state, its grown buffer
    }
}
