import Foundation
import Metrics
import Testing

@Suite("Metric catalog")
struct MetricTests {
    @Test("names are unique, kinds follow the prefix, every metric has a meaning")
    func consistency() {
        #expect(Set(Metric.all.map(\.name)).count == Metric.all.count)
        for metric in Metric.all {
            #expect(metric.kind == MetricKind(metricName: metric.name), "\(metric.name)")
            #expect(!metric.meaning.isEmpty && !metric.meaning.contains("\n"))
            #expect(Metric.named(metric.name) == metric)
        }
        #expect(Metric.all.count >= 40)
    }

    @Test("every group draws its metrics in the order its chart always had")
    func groupOrder() {
        #expect(MetricChartGroup.submissions.metrics.map(\.name) == [
            "hw.submissions", "hw.flushes", "hw.write_buffer_flushes", "hw.teardowns",
        ])
        #expect(MetricChartGroup.collateral.metrics.map(\.name) == [
            "hw.iotlb.collateral_evictions", "hw.devtlb.collateral_evictions", "hw.iotlb.capacity_evictions",
            "hw.devtlb.capacity_evictions",
        ])
        #expect(MetricChartGroup.collateralCauses.metrics.map(\.name) == [
            "hw.iotlb.collateral.teardown", "hw.iotlb.collateral.shared_did", "hw.iotlb.collateral.range_rounding",
            "hw.iotlb.collateral.domain_selective", "hw.devtlb.collateral.teardown", "hw.devtlb.collateral.other_domain",
            "hw.devtlb.collateral.range_rounding", "hw.devtlb.collateral.domain_selective",
        ])
        #expect(MetricChartGroup.allCases.allSatisfy { !$0.metrics.isEmpty })
    }

    @Test("measured and modeled metrics never share a chart group")
    func groupsAreOneKind() {
        for group in MetricChartGroup.allCases {
            let kinds = Set(group.metrics.map(\.kind))
            #expect(kinds.count == 1, "\(group.id) mixes \(kinds)")
        }
    }

    @Test("timed metrics are measured nanoseconds with percentile statistics")
    func timedMetrics() {
        for metric in Metric.all where metric.statistics == .timing {
            #expect(metric.kind == .measured && metric.unit == .ns, "\(metric.name)")
        }
        #expect(Metric.swFlushRangeNanos.statistics.names == ["p10", "p50", "p90", "p99", "max", "mean", "count"])
        #expect(Metric.swNanosPerDescriptor.statistics.central == "mean")
    }

    @Test("axis labels, with fallbacks for unknown metrics")
    func labels() {
        #expect(Metric.named("hw.future_thing") == nil)
        #expect(Metric.axisLabel(for: "model.total_us", unit: "us") == "total modeled time (µs)")
        #expect(Metric.axisLabel(for: "hw.submissions", unit: "count") == "submissions")
        #expect(Metric.axisLabel(for: "x.y", unit: "bytes") == "x.y (bytes)")
        #expect(MetricKind(metricName: "sw.new_ns") == .measured)
        #expect(MetricKind(metricName: "oracle.stale") == .modeled)
    }
}

@Suite("README metric table")
struct ReadmeMetricTableTests {
    @Test("README's metric table is the catalog's, row for row")
    func readmeMatchesTheCatalog() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let tableLines = lines.drop { !$0.hasPrefix("| metric | unit | kind | better |") }.prefix { $0.hasPrefix("|") }
        // After adding a metric: `CACHETAG_WRITE_README_METRICS=1 swift test --filter ReadmeMetricTable` rewrites
        // the table in place from the catalog (and this test then passes on the next run).
        if ProcessInfo.processInfo.environment["CACHETAG_WRITE_README_METRICS"] == "1", !tableLines.isEmpty {
            let rewritten =
                lines[..<tableLines.startIndex].joined(separator: "\n") + "\n" + Metric.markdownTable + "\n"
                + lines[tableLines.endIndex...].joined(separator: "\n")
            try rewritten.write(to: readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(tableLines.joined(separator: "\n") == Metric.markdownTable)
    }
}
