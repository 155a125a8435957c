import Foundation
@testable import Plots
import Reports
import Testing

@Suite("PlotRenderer")
struct PlotRendererTests {
    /// A temporary report directory removed after the test.
    final class Directory {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("plots-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }
        func read(_ name: String) throws -> String {
            try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    @Test("a tiny report yields well-formed SVGs and an index")
    func tinyReport() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        let written = try PlotRenderer.render(reportDirectory: directory.url)
        let names = written.map(\.lastPathComponent)
        #expect(names.last == "index.html")
        #expect(names.contains("nested-s2-sw.flush_range_ns.svg"))
        #expect(names.contains("nested-s2-hw.descriptors.iotlb.svg"))
        #expect(names.contains("sva-munmap-descriptors.svg"))
        #expect(names.contains("sva-munmap-measured-time.svg"))
        // oracle.stale is zero everywhere: listed, not drawn.
        #expect(!names.contains { $0.contains("oracle") })
        #expect(try directory.read("index.html").contains("zero everywhere, not charted: oracle.stale"))
        #expect(!(try directory.contents()).contains { $0.contains(".tmp.") })

        for url in written where url.pathExtension == "svg" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let svg = try #require(SVGInspector.inspect(text), "\(url.lastPathComponent) is not well-formed")
            #expect(svg.rootName == "svg")
            #expect(svg.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg")
            #expect(svg.rootAttributes["version"] == "1.1")
            let width = try #require(svg.rootAttributes["width"])
            let height = try #require(svg.rootAttributes["height"])
            #expect(svg.rootAttributes["viewBox"] == "0 0 \(width) \(height)")
            // Line charts title both axes; bar charts title the value axis and label each bar group.
            #expect(svg.count(ofClass: "axis-title") == (svg.count(ofClass: "bar") > 0 ? 1 : 2), "\(url.lastPathComponent)")
            #expect(svg.count(ofClass: "legend") == 1)
            #expect(svg.count(ofClass: "title") == 1)
        }
    }

    @Test("a sweep chart has one series per scheme in each panel, with axis labels and units")
    func sweepSeries() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        try PlotRenderer.render(reportDirectory: directory.url, metric: "sw.flush_range_ns", format: .svg)
        let svg = try #require(SVGInspector.inspect(try directory.read("nested-s2-sw.flush_range_ns.svg")))
        // Tables differ for this measured metric: one panel each.
        #expect(svg.count(ofClass: "panel") == 2)
        #expect(svg.count(ofClass: "series") == 3 * 2)
        #expect(svg.count(ofClass: "band") == 3 * 2)
        let axisTitles = svg.texts["axis-title"] ?? []
        #expect(axisTitles.contains("children"))
        #expect(axisTitles.contains("flush-range time (ns, p50)"))
        #expect((svg.texts["panel-title"] ?? []) == ["table: kernel-list", "table: grouped-array"])
        #expect((svg.texts["tick-label"] ?? []).contains("16"))
    }

    @Test("identical tables are drawn once, with one series per scheme")
    func identicalTables() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        try PlotRenderer.render(reportDirectory: directory.url, metric: "hw.descriptors.iotlb", format: .svg)
        let svg = try #require(SVGInspector.inspect(try directory.read("nested-s2-hw.descriptors.iotlb.svg")))
        #expect(svg.count(ofClass: "panel") == 1)
        #expect(svg.count(ofClass: "series") == 3)
        #expect(svg.count(ofClass: "band") == 0)
        #expect((svg.texts["axis-title"] ?? []).contains("IOTLB descriptors"))
        // kernel's line equals per-domain's here: the legend says so.
        let legendText = try directory.read("nested-s2-hw.descriptors.iotlb.svg")
        #expect(legendText.contains("kernel (= per-domain)"))
    }

    @Test("a comparison chart has one bar series per scheme and ratio labels")
    func comparisonBars() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        try PlotRenderer.render(reportDirectory: directory.url, format: .svg)
        let svg = try #require(SVGInspector.inspect(try directory.read("sva-munmap-measured-time.svg")))
        #expect(svg.count(ofClass: "series") == 3)
        #expect(svg.count(ofClass: "bar") == 3 * 2)
        #expect(svg.count(ofClass: "whisker") == 3 * 2)
        let ratios = svg.texts["bar-label"] ?? []
        // Ratios to `kernel` (the third scheme, scale 3): per-domain 1/3, shared-pasid 2/3.
        #expect(ratios.filter { $0 == "1.00×" }.count == 2)
        #expect(ratios.contains("0.33×"))
        #expect(ratios.contains("0.67×"))
        #expect((svg.texts["axis-title"] ?? []).contains("time per operation (ns, p50)"))

        let descriptors = try #require(SVGInspector.inspect(try directory.read("sva-munmap-descriptors.svg")))
        // Identical across tables: one cluster per metric, so 3 schemes × 2 metrics.
        #expect(descriptors.count(ofClass: "bar") == 3 * 2)
    }

    @Test("output is byte-identical across runs")
    func deterministic() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        let first = try PlotRenderer.render(reportDirectory: directory.url)
        let firstBytes = try first.map { try Data(contentsOf: $0) }
        let second = try PlotRenderer.render(reportDirectory: directory.url)
        #expect(first == second)
        for (url, bytes) in zip(second, firstBytes) {
            #expect(try Data(contentsOf: url) == bytes, "\(url.lastPathComponent)")
        }
    }

    @Test("the index shows every chart with caption and numbers")
    func index() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        let written = try PlotRenderer.render(reportDirectory: directory.url)
        let html = try directory.read("index.html")
        for url in written where url.pathExtension == "svg" {
            #expect(html.contains("<img src=\"\(url.lastPathComponent)\""))
        }
        #expect(html.contains("seed 7"))
        #expect(html.contains("cachetag-bench run --vary children=1,4,16"))
        #expect(html.contains("<th>children=16</th>"))
        #expect(html.components(separatedBy: "<table class=\"numbers\">").count - 1 == written.count - 1)
    }

    @Test("a missing column fails naming file, line and column, and writes nothing")
    func missingColumn() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        // A report file damaged (a file that is not the report's is never read: ReportTrustTests).
        let bad = "workload,scheme,table,metric,stat,value\nsva-munmap,per-domain,kernel-list,hw.submissions,value,3\n"
        try bad.write(to: directory.url.appendingPathComponent("sva-munmap.csv"), atomically: true, encoding: .utf8)
        let before = try directory.contents()
        let error = try #require(throws: ReportError.self) {
            try PlotRenderer.render(reportDirectory: directory.url)
        }
        #expect(error.file.hasSuffix("sva-munmap.csv"))
        #expect(error.line == 1)
        #expect(error.column == "unit")
        #expect(try directory.contents() == before)
    }

    @Test("a non-numeric value fails naming file, line and column, and writes nothing")
    func nonNumeric() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        let url = directory.url.appendingPathComponent("sva-munmap.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var fields = lines[4].components(separatedBy: ",")
        fields[6] = "lots"
        lines[4] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let before = try directory.contents()
        let error = try #require(throws: ReportError.self) {
            try PlotRenderer.render(reportDirectory: directory.url)
        }
        #expect(error.line == 5)
        #expect(error.column == "value")
        #expect(error.description.contains("sva-munmap.csv:5: column 'value': \"lots\" is not a number"))
        #expect(try directory.contents() == before)
    }

    @Test("options that match nothing are one-line errors")
    func badOptions() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        let metric = try #require(throws: PlotError.self) {
            try PlotRenderer.render(reportDirectory: directory.url, metric: "hw.nonsense")
        }
        #expect(metric.description.hasPrefix("--metric hw.nonsense: no such metric"))
        let x = try #require(throws: PlotError.self) {
            try PlotRenderer.render(reportDirectory: directory.url, xParameter: "threads")
        }
        #expect(x.description.contains("children, mode, pasids"))
        let empty = try Directory()
        #expect(throws: PlotError.self) { try PlotRenderer.render(reportDirectory: empty.url) }
        #expect(try empty.contents().isEmpty)
    }

    @Test("--x makes a single-valued parameter the x axis")
    func forcedX() throws {
        let directory = try Directory()
        try ReportFixture.writeTiny(to: directory.url)
        let written = try PlotRenderer.render(reportDirectory: directory.url, metric: "hw.submissions", xParameter: "pasids", format: .svg)
        #expect(written.map(\.lastPathComponent) == ["sva-munmap-hw.submissions.svg"])
        let svg = try #require(SVGInspector.inspect(try String(contentsOf: written[0], encoding: .utf8)))
        #expect(svg.count(ofClass: "series") == 3)
        #expect((svg.texts["axis-title"] ?? []).contains("pasids"))
    }

    @Test("a second varied parameter splits a sweep into one chart per value")
    func twoVariedParameters() throws {
        let directory = try Directory()
        var rows: [ReportRow] = []
        for mode in ["strict", "lazy"] {
            for children in ["1", "4", "16"] {
                for scheme in ["per-domain", "shared-pasid"] {
                    rows.append(ReportRow(
                        workload: "nested-s2", scheme: scheme, table: "grouped-array",
                        parameters: [ReportParameter(name: "mode", value: mode), ReportParameter(name: "children", value: children)],
                        metric: "hw.submissions", stat: "value", value: Double(children)! * (scheme == "per-domain" ? 2 : 1),
                        unit: "count"))
                }
            }
        }
        try ReportCSV(workload: "nested-s2", rows: rows).write(to: directory.url.appendingPathComponent("nested-s2.csv"))
        let written = try PlotRenderer.render(reportDirectory: directory.url, xParameter: "children", format: .svg)
        #expect(written.map(\.lastPathComponent) == [
            "nested-s2-hw.submissions-mode-strict.svg", "nested-s2-hw.submissions-mode-lazy.svg",
        ])
        let svg = try #require(SVGInspector.inspect(try String(contentsOf: written[1], encoding: .utf8)))
        #expect(svg.count(ofClass: "series") == 2)
        #expect((svg.texts["subtitle"] ?? []).contains { $0.contains("mode=lazy") })
    }

    @Test("a missing point becomes a gap, never an invalid coordinate")
    func missingPoint() throws {
        let directory = try Directory()
        // One scheme lacks the middle point (reports hold finite values only: a value that could
        // not be computed has no row).
        var rows = ["1", "4", "16"].enumerated().map { index, children in
            ReportRow(workload: "w", scheme: "per-domain", table: "t",
                      parameters: [ReportParameter(name: "children", value: children)],
                      metric: "hw.submissions", stat: "value", value: Double(index + 1), unit: "count")
        }
        rows += ["1", "16"].map { children in
            ReportRow(workload: "w", scheme: "kernel", table: "t",
                      parameters: [ReportParameter(name: "children", value: children)],
                      metric: "hw.submissions", stat: "value", value: 2, unit: "count")
        }
        try ReportCSV(workload: "w", rows: rows).write(to: directory.url.appendingPathComponent("w.csv"))
        let written = try PlotRenderer.render(reportDirectory: directory.url, format: .svg)
        let text = try String(contentsOf: written[0], encoding: .utf8)
        #expect(SVGInspector.inspect(text) != nil)
        #expect(!text.lowercased().contains("nan"))
    }
}
