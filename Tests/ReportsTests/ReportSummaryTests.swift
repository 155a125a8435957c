import TestSupport
import Foundation
import Reports
import Testing

@Suite("summary.csv")
struct ReportSummaryTests {
    static func row(_ scheme: String, _ value: Double, metric: String = "hw.submissions", table: String = "kernel-list",
                    children: String = "4") -> ReportRow {
        ReportRow(workload: "nested-s2", scheme: scheme, table: table,
                  parameters: [ReportParameter(name: "children", value: children)],
                  metric: metric, stat: "value", value: value, unit: "count")
    }

    @Test("ratios are value over the baseline of the same point, metric and stat")
    func ratios() {
        let summary = ReportSummary(rows: [
            Self.row("per-domain", 10), Self.row("shared-pasid", 5), Self.row("kernel", 25),
            Self.row("per-domain", 0, metric: "oracle.stale"), Self.row("shared-all", 3, metric: "oracle.stale"),
            Self.row("shared-pasid", 7, metric: "hw.flushes"),
            Self.row("per-domain", 8, table: "grouped-array"), Self.row("shared-pasid", 2, table: "grouped-array"),
            Self.row("shared-pasid", 1, children: "16"),
        ])
        // Against `kernel` (Linux today), the default baseline; `per-domain` is a reference row.
        #expect(summary.rows.map(\.ratioToBaseline) == [0.4, 0.2, 1, nil, nil, nil, nil, nil, nil])
    }

    @Test("workloads that share a parameter name share its column")
    func sharedParameterColumns() throws {
        func report(_ workload: String, _ parameters: [String]) -> ReportCSV {
            let values = parameters.map { ReportParameter(name: $0, value: "1") }
            return ReportCSV(
                workload: workload, parameterNames: parameters,
                rows: [ReportRow(workload: workload, scheme: "per-domain", table: "t", parameters: values,
                                 metric: "hw.submissions", stat: "value", value: 2, unit: "count")])
        }
        let summary = ReportSummary(reports: [report("a", ["operations", "units"]), report("b", ["operations", "mode"])])
        #expect(summary.parameterNames == ["operations", "units", "mode"])
        let header = summary.encoded().split(separator: "\n")[0].split(separator: ",").map(String.init)
        #expect(Set(header).count == header.count)
    }

    @Test("the baseline scheme is a parameter")
    func otherBaseline() {
        let summary = ReportSummary(rows: [Self.row("per-domain", 10), Self.row("kernel", 20)], baselineScheme: "kernel")
        #expect(summary.rows.map(\.ratioToBaseline) == [0.5, 1])
    }

    @Test("summary.csv has the extra final column and round-trips")
    func roundTrip() throws {
        let other = ReportRow(workload: "sva-munmap", scheme: "per-domain", table: "kernel-list",
                              parameters: [ReportParameter(name: "pasids", value: "8")],
                              metric: "hw.submissions", stat: "value", value: 3, unit: "count")
        let summary = ReportSummary(reports: [
            ReportCSV(workload: "nested-s2", rows: [Self.row("kernel", 10), Self.row("shared-pasid", 5)]),
            ReportCSV(workload: "sva-munmap", rows: [other]),
        ])
        let text = summary.encoded()
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "workload,scheme,table,children,pasids,metric,stat,value,unit,ratio_to_baseline")
        #expect(lines[2] == "nested-s2,shared-pasid,kernel-list,4,,hw.submissions,value,5,count,0.5")
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("summary.csv")
        try summary.write(to: url)
        #expect(try ReportSummary.read(from: url) == summary)
    }

    @Test("a bad ratio cell is located")
    func badRatio() throws {
        let text = "workload,scheme,table,metric,stat,value,unit,ratio_to_baseline\nw,s,t,m,value,1,count,x\n"
        do {
            _ = try ReportSummary.decode(text, file: "summary.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "summary.csv:2: column 'ratio_to_baseline': \"x\" is not a number")
        }
    }
}

@Suite("Comparison significance")
struct ComparisonSignificanceTests {
    static func measured(_ scheme: String, _ p10: Double, _ p50: Double, _ p90: Double) -> [ReportRow] {
        [("p10", p10), ("p50", p50), ("p90", p90)].map { stat, value in
            ReportRow(workload: "w", scheme: scheme, table: "t", parameters: [], metric: "sw.flush_range_ns", stat: stat,
                      value: value, unit: "ns")
        }
    }

    @Test("a measured ratio whose p10–p90 spreads overlap is marked not significant")
    func overlap() throws {
        let rows = Self.measured("kernel", 90, 100, 110) + Self.measured("a", 95, 105, 120) + Self.measured("b", 40, 50, 60)
        let comparison = try SchemeComparison(reports: [ReportCSV(workload: "w", rows: rows)], baseline: "kernel")
        let line = try #require(comparison.lines.first)
        #expect(comparison.spreadsOverlap(line, "a") && !comparison.spreadsOverlap(line, "b"))
        let text = comparison.rendered(as: .text)
        #expect(text.contains("1.050× (n.s.)") && text.contains("0.500×") && !text.contains("0.500× (n.s.)"))
    }

    @Test("paired ratios over seeds have a t interval")
    func paired() throws {
        let statistics = try #require(SeedStatistics.pairedRatio([1: 9, 2: 11, 3: 10], to: [1: 10, 2: 10, 3: 10]))
        #expect(abs(statistics.mean - 1) < 1e-12)
        // s = 0.1, t(2) = 4.303: half-width 4.303 × 0.1 / √3.
        #expect(abs(statistics.high - 1 - 4.303 * 0.1 / 3.0.squareRoot()) < 1e-9)
        #expect(SeedStatistics.tQuantile975(degreesOfFreedom: 4) == 2.776)
    }
}
