import CacheTags
import Engine
import Metrics
import TestSupport
import Testing
import VTd
import Workloads

/// Per-flush cost distributions: one sample per unmap-side flush, split by the domain's stage.
@Suite("Flush cost distribution")
struct FlushCostDistributionTests {
    @Test("percentiles are nearest-rank over the samples")
    func percentiles() {
        let values = (1...100).map(Double.init)
        #expect(FlushCostDistribution.percentile(values, 0.5) == 50)
        #expect(FlushCostDistribution.percentile(values, 0.99) == 99)
        #expect(FlushCostDistribution.percentile([7], 0.99) == 7)
        #expect(FlushCostDistribution.percentile([], 0.5) == nil)
    }

    @Test("a nested parent's flushes and a child's are told apart; the worst flush is the largest")
    func nestedSplit() throws {
        let workload = try WorkloadCatalog.make("nested-s2", ["children": "8", "attach": "pasid", "operations": "2000"])
        var driver = try ModeledDriver<KernelListTable>(topology: workload.topology, scheme: KernelScheme())
        try driver.run(workload.events(seed: 2))
        let metrics = Dictionary(driver.metrics.map { ($0.metric.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let parent = try #require(metrics["model.flush_cpu_us.second_stage.p99"])
        let child = try #require(metrics["model.flush_cpu_us.first_stage.p99"])
        // The parent's unmap walks every child's NESTING tags: it costs more than a child's.
        #expect(parent > child)
        let p50 = try #require(metrics["model.flush_cpu_us.p50"])
        let p99 = try #require(metrics["model.flush_cpu_us.p99"])
        let worst = try #require(metrics["model.flush_cpu_us.max"])
        #expect(p50 <= p99 && p99 <= worst && worst >= parent)
        #expect(try #require(metrics["hw.flush_descriptors.max"]) >= #require(metrics["hw.flush_descriptors.p99"]))
    }
}
