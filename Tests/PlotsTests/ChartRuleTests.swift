import Foundation
import Plots
import Reports
import Testing

/// The structural rules every chart keeps, checked on the parsed SVGs of a small report: the
/// unsafe control is styled as such, a categorical sweep is never a line, no bar is a zero-height
/// sliver, and DIDs never share an axis with attach failures.
@Suite("Chart rules")
struct ChartRuleTests {
    static let schemes = ["per-domain", "kernel", "shared-pasid", "shared-all"]

    /// A report with a categorical sweep (attach=rid|pasid), a numeric one (children=1,4,16), zeros,
    /// and the shared-all control.
    static func write(to directory: URL) throws {
        var categorical: [ReportRow] = []
        var numeric: [ReportRow] = []
        for (index, scheme) in schemes.enumerated() {
            for attach in ["rid", "pasid"] {
                let parameters = [ReportParameter(name: "attach", value: attach)]
                func row(_ metric: String, _ value: Double) -> ReportRow {
                    ReportRow(workload: "cat", scheme: scheme, table: "kernel-list", parameters: parameters, metric: metric,
                              stat: "value", value: value, unit: "count")
                }
                categorical += [
                    row("hw.dids_in_use", Double(10 - index)), row("hw.attach_failures", scheme == "per-domain" ? 40 : 0),
                    row("oracle.aliased_attachments", scheme == "shared-all" ? 3 : 0),
                ]
            }
            for children in [1, 4, 16] {
                numeric.append(
                    ReportRow(workload: "num", scheme: scheme, table: "kernel-list",
                              parameters: [ReportParameter(name: "children", value: "\(children)")],
                              metric: "hw.descriptors.total", stat: "value", value: Double(children * (index + 1)), unit: "count"))
            }
        }
        try ReportCSV(workload: "cat", parameterNames: ["attach"], rows: categorical).write(to: directory.appendingPathComponent("cat.csv"))
        try ReportCSV(workload: "num", parameterNames: ["children"], rows: numeric).write(to: directory.appendingPathComponent("num.csv"))
    }

    @Test func everyChartKeepsTheRules() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chart-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.write(to: directory)
        let written = try PlotRenderer.render(reportDirectory: directory, unsafeSchemes: ["shared-all"], headline: "HEADLINE: test")
        let svgs = try written.filter { $0.pathExtension == "svg" }.map { url in
            (url.lastPathComponent, try #require(SVGInspector.inspect(try String(contentsOf: url, encoding: .utf8))))
        }
        #expect(!svgs.isEmpty)
        for (name, svg) in svgs {
            // No zero-height sliver: a zero is a marker.
            for bar in svg.elements(ofClass: "bar") {
                #expect((Double(bar["height"] ?? "0") ?? 0) >= 1, "\(name): a bar of height \(bar["height"] ?? "?")")
            }
            // The control is labelled and drawn dotted wherever it appears.
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            if text.contains(">shared-all") {
                #expect(text.contains(">shared-all (unsafe control)<"), "\(name): the control is not labelled")
                let styled = svg.elements(ofClass: "unsafe-control")
                #expect(!styled.isEmpty, "\(name): shared-all not styled as the unsafe control")
                for element in styled where element["fill"] != nil && !(element["class"] ?? "").contains("zero-marker") {
                    #expect(element["fill"] == "#8C8C8C" && element["stroke-dasharray"] == "2 3", "\(name)")
                }
            }
            // A categorical parameter is never a line.
            if name.hasPrefix("cat-") { #expect(svg.count(ofClass: "line") == 0, "\(name) draws a line over a category") }
        }
        let names = svgs.map(\.0)
        #expect(names.contains("cat-dids-by-attach.svg") && names.contains("cat-attach-failures-by-attach.svg"))
        // The zeros of attach failures (all but per-domain) are markers, not bars.
        let failures = try #require(svgs.first { $0.0 == "cat-attach-failures-by-attach.svg" }?.1)
        #expect(failures.count(ofClass: "zero-marker") == 6 && failures.count(ofClass: "bar") == 2)
        // DIDs and attach failures are two charts, never one axis.
        let dids = try #require(svgs.first { $0.0 == "cat-dids-by-attach.svg" }?.1)
        #expect(!(dids.texts["tick-label"] ?? []).contains("attach failures"))
        // The numeric sweep is a line chart, its control dotted.
        let line = try #require(svgs.first { $0.0.hasPrefix("num-") }?.1)
        #expect(line.count(ofClass: "line") == 4)
        #expect(line.elements(ofClass: "line").contains { $0["stroke-dasharray"] == "2 3" })
        // A sweep carries the proposal's ratio to Linux today in its own panel, around a 1× line.
        #expect(line.count(ofClass: "ratio-panel") == 1 && line.count(ofClass: "ratio-one") == 1 && line.count(ofClass: "ratio-line") == 1)
        // index.html opens with the headline, and run facts come after the charts.
        let index = try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8)
        let headline = try #require(index.range(of: "HEADLINE: test"))
        let charts = try #require(index.range(of: "<h2>Charts</h2>"))
        let run = try #require(index.range(of: "<h2>Run</h2>"))
        #expect(headline.lowerBound < charts.lowerBound && charts.lowerBound < run.lowerBound)
    }

    @Test func perfChartsOverlayTheVariantsAgainstTheCList() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chart-rules-perf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var rows: [ReportRow] = []
        for (index, table) in ["c-list", "kernel-list", "grouped-array"].enumerated() {
            for tags in [1, 16, 1024] {
                for (stat, factor) in [("p10", 0.9), ("p50", 1.0), ("p90", 1.2), ("p99", 2.0)] {
                    rows.append(ReportRow(workload: "perf", scheme: "n/a", table: table,
                                          parameters: [ReportParameter(name: "tags", value: "\(tags)")],
                                          metric: "perf.flush_range_ns", stat: stat, value: Double(tags * (index + 1)) * factor, unit: "ns"))
                }
            }
        }
        for (name, value, bound, met) in [("flush_fast", 5.0, 4.0, 1.0), ("bytes_small", 44.0, 32.0, 0.0)] {
            for (stat, number) in [("value", value), ("bound", bound), ("met", met)] {
                rows.append(ReportRow(workload: "perf", scheme: "n/a", table: "n/a", parameters: [ReportParameter(name: "tags", value: "")],
                                      metric: "perf.target.\(name)", stat: stat, value: number, unit: "ratio"))
            }
        }
        try ReportCSV(workload: "perf", parameterNames: ["tags"], rows: rows).write(to: directory.appendingPathComponent("perf.csv"))
        let written = try PlotRenderer.render(reportDirectory: directory)
        let svgs = try written.filter { $0.pathExtension == "svg" }.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
        #expect(svgs.map(\.0) == ["perf-targets.svg", "perf-perf.flush_range_ns.svg"])
        // Every target against the dashed 1× line, labelled with the report's verdict.
        let targets = try #require(SVGInspector.inspect(svgs[0].1))
        #expect(targets.count(ofClass: "target-line") == 1)
        #expect(Set(targets.texts["bar-label"] ?? []) == ["MET 1.25×", "MISSED 0.73×"])
        let text = svgs[1].1
        let svg = try #require(SVGInspector.inspect(text))
        // One chart per operation, every variant a line on it, each against the C list around 1×.
        #expect(svg.count(ofClass: "line") == 3)
        #expect(svg.count(ofClass: "p99-marker") == 9, "a p99 marker per point of every line")
        #expect(svg.count(ofClass: "ratio-line") == 2 && svg.count(ofClass: "ratio-one") == 1)
        #expect(text.contains("measured on this host") && !text.contains("modeled"))
        #expect(!text.contains("seed") && !text.contains("n/a"))
    }
}
