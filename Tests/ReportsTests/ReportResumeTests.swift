import TestSupport
import Foundation
import Reports
import Testing

@Suite("Sweep resume")
struct ReportResumeTests {
    static func rows(children: Int, scheme: String = "per-domain") -> [ReportRow] {
        let parameters = [ReportParameter(name: "children", value: "\(children)"), ReportParameter(name: "mode", value: "strict")]
        return [
            ReportRow(workload: "nested-s2", scheme: scheme, table: "kernel-list", parameters: parameters,
                      metric: "hw.submissions", stat: "value", value: Double(children), unit: "count"),
            ReportRow(workload: "nested-s2", scheme: scheme, table: "kernel-list", parameters: parameters,
                      metric: "sw.flush_range_ns", stat: "p50", value: 10.5, unit: "ns"),
        ]
    }

    @Test("appending finished points accumulates them and reads back as the finished set")
    func appendAndResume() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("nested-s2.csv")
        #expect(try ReportCSV.finishedPoints(at: url).isEmpty)

        try ReportCSV.append(Self.rows(children: 1), workload: "nested-s2", parameterNames: ["children", "mode"], to: url)
        try ReportCSV.append(Self.rows(children: 4), workload: "nested-s2", to: url)
        try ReportCSV.append(Self.rows(children: 4, scheme: "kernel"), workload: "nested-s2", to: url)

        let finished = try ReportCSV.finishedPoints(at: url)
        #expect(finished.count == 3)
        // Parameter order does not matter for identity.
        let probe = ReportPoint(
            workload: "nested-s2", scheme: "kernel", table: "kernel-list",
            parameters: [ReportParameter(name: "mode", value: "strict"), ReportParameter(name: "children", value: "4")])
        #expect(finished.contains(probe))
        #expect(!finished.contains(ReportPoint(workload: "nested-s2", scheme: "kernel", table: "kernel-list",
                                               parameters: [ReportParameter(name: "children", value: "16")])))
        #expect(try ReportCSV.read(from: url).rows.count == 6)
        #expect(try directory.contents() == ["nested-s2.csv"])
    }

    @Test("re-running a point replaces its rows instead of duplicating them")
    func replaceRerun() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("nested-s2.csv")
        try ReportCSV.append(Self.rows(children: 1) + Self.rows(children: 4), workload: "nested-s2", to: url)
        var again = Self.rows(children: 1)
        again[0].value = 99
        let report = try ReportCSV.append(again, workload: "nested-s2", to: url)
        #expect(report.rows.count == 4)
        #expect(report.rows.last?.value == 10.5)
        #expect(try ReportCSV.read(from: url).rows.filter { $0.value == 99 }.count == 1)
    }

    @Test("rows of another workload are refused")
    func wrongWorkload() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("nested-s2.csv")
        #expect(throws: ReportError.self) {
            try ReportCSV.append(Self.rows(children: 1), workload: "sva-munmap", to: url)
        }
        #expect(try directory.contents().isEmpty)
    }
}
