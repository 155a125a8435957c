import CacheTags
import PerfSuite
import TestSupport
import Testing
import VTd

/// The perf scenario is what its doc says: N tags give N descriptors in ⌈N/16⌉ submissions on
/// every table, and the C baseline holds exactly the kernel list's tags.
@Suite("Perf scenario")
struct PerfScenarioTests {
    @Test("N tags flush as N descriptors in ceil(N/16) submissions on every table", arguments: PerfScenario.tagCounts)
    func shape(tags: Int) {
        let scenario = PerfScenario(tagCount: tags)
        #expect(scenario.tags.count == tags)
        for table in CacheTagTables.all {
            func check<Table: CacheTagTable>(_ type: Table.Type) {
                let built = scenario.makeTable(type)
                var counter = CountingSink()
                built.flushRange(PerfScenario.smallRange, invalidationHint: false, into: &counter)
                #expect(counter.descriptors == tags, "\(table.name)")
                #expect(counter.submissions == (tags + 15) / 16, "\(table.name)")
            }
            check(table.type)
        }
        #expect(scenario.makeCBaseline().tagCount == tags)
    }
}
