import Reports
import Testing

@Suite("MetricCatalog")
struct MetricCatalogTests {
    @Test("names are unique and kinds follow the prefix")
    func consistency() {
        #expect(Set(MetricCatalog.all.map(\.name)).count == MetricCatalog.all.count)
        for metric in MetricCatalog.all {
            #expect(metric.kind == MetricKind(metricName: metric.name), "\(metric.name)")
            #expect(!metric.meaning.isEmpty && !metric.meaning.contains("\n"))
        }
        #expect(MetricCatalog.all.count == 40)
    }

    @Test("units and labels, with fallbacks for unknown metrics")
    func labels() {
        #expect(MetricCatalog.unit(of: "sw.flush_range_ns", fallback: "x") == "ns")
        #expect(MetricCatalog.unit(of: "hw.future_thing", fallback: "widgets") == "widgets")
        #expect(MetricCatalog.axisLabel(for: "model.total_us", unit: "us") == "total modeled time (µs)")
        #expect(MetricCatalog.axisLabel(for: "hw.submissions", unit: "count") == "submissions")
        #expect(MetricCatalog.axisLabel(for: "x.y", unit: "bytes") == "x.y (bytes)")
        #expect(MetricKind(metricName: "sw.new_ns") == .measured)
        #expect(MetricKind(metricName: "oracle.stale") == .modeled)
    }
}
