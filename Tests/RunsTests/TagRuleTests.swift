import CacheTags
import Engine
import Metrics
import TestSupport
import Testing
import VTd
import Workloads

@testable import Runs

/// The 2×2 the upstream question needs: today's tag matching (`kernel-list`) and the proposed one
/// (`kernel-list+did-match`), under Linux today (`kernel`) and the proposal (`shared-pasid`).
@Suite("Tag rule × DID scheme")
struct TagRuleTests {
    func descriptors<Table: CacheTagTable>(_: Table.Type, _ scheme: any DomainIDScheme, children: Int) throws -> Double {
        let workload = try WorkloadCatalog.make(
            "nested-s2", ["children": "\(children)", "attach": "pasid", "operations": "3000", "devices": "2"])
        let events = workload.events(seed: 3)
        let metrics = try ModeledRun.metrics(
            events: events, topology: workload.topology, scheme: scheme,
            makeTable: { Table(domainUsesFirstStage: $0) }, costModel: .defaults, strictOracle: true)
        return try #require(metrics.first { $0.metric == Metric.descriptorsTotal }?.value)
    }

    @Test("sharing DIDs saves descriptors only with the proposed tag rule", arguments: [4, 16])
    func twoByTwo(children: Int) throws {
        let todayToday = try descriptors(KernelListTable.self, KernelScheme(), children: children)
        let todayProposal = try descriptors(KernelListTable.self, SharedPASIDScheme(), children: children)
        let ruleToday = try descriptors(KernelListDIDMatchTable.self, KernelScheme(), children: children)
        let ruleProposal = try descriptors(KernelListDIDMatchTable.self, SharedPASIDScheme(), children: children)
        // Today's matching: one NESTING_IOTLB tag per child PASID, each the same DID-based
        // descriptor once the children share a DID, so the proposal saves nothing.
        #expect(todayProposal == todayToday)
        // Without sharing, the rule changes nothing: no two tags emit the same descriptor.
        #expect(ruleToday == todayToday)
        // With it, the children's NESTING_IOTLB tags on a unit are one tag.
        #expect(ruleProposal < todayProposal, "\(ruleProposal) vs \(todayProposal)")
    }
}
