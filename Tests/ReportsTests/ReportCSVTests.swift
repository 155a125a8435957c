import TestSupport
import Foundation
import Reports
import Testing

@Suite("ReportCSV")
struct ReportCSVTests {
    static func row(
        scheme: String = "per-domain", table: String = "kernel-list", children: String = "16",
        mode: String = "strict", metric: String = "hw.descriptors.iotlb", stat: String = "value",
        value: Double = 42, unit: String = "count"
    ) -> ReportRow {
        ReportRow(
            workload: "nested-s2", scheme: scheme, table: table,
            parameters: [ReportParameter(name: "children", value: children), ReportParameter(name: "mode", value: mode)],
            metric: metric, stat: stat, value: value, unit: unit)
    }

    @Test("header is the fixed columns around the parameters, in order")
    func header() {
        let report = ReportCSV(workload: "nested-s2", rows: [Self.row()])
        #expect(
            report.encoded().split(separator: "\n").first
                == "workload,scheme,table,children,mode,metric,stat,value,unit")
    }

    @Test("round trip keeps every field, including ones that need quoting")
    func roundTrip() throws {
        let rows = [
            Self.row(),
            Self.row(scheme: "shared-pasid", mode: "lazy, \"fast\"", metric: "sw.flush_range_ns", stat: "p50", value: 123.25, unit: "ns"),
            Self.row(scheme: "odd\nscheme", mode: " padded ", value: 0.1),
            Self.row(table: "grouped-array", mode: "crlf\r\nvalue", value: -7.5e-5, unit: "ratio"),
            Self.row(table: "grouped-array", value: 1e300),
            Self.row(table: "grouped-array", mode: "ünïcödé", value: 3_000_000_000),
        ]
        let report = ReportCSV(workload: "nested-s2", parameterNames: ["children", "mode"], rows: rows)
        let text = report.encoded()
        #expect(text.contains("\"lazy, \"\"fast\"\"\""))
        #expect(text.contains("\" padded \""))
        let decoded = try ReportCSV.decode(text, file: "x.csv")
        #expect(decoded == report)
        #expect(decoded.rows == rows)
    }

    @Test("values print cleanly and read back exactly", arguments: [
        (42.0, "42"), (-3.0, "-3"), (0.0, "0"), (0.1, "0.1"), (123.25, "123.25"),
        (1e-5, "0.00001"), (2.5e-7, "0.00000025"), (1e16, "10000000000000000"),
        (3_000_000_000.0, "3000000000"), (1e300, "1e+300"),
    ])
    func numberSpelling(value: Double, text: String) {
        #expect(ReportNumber.format(value) == text)
        #expect(ReportNumber.parse(text) == value)
    }

    @Test("random values round-trip through their spelling")
    func numberRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let value = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)
            #expect(ReportNumber.parse(ReportNumber.format(value)) == value)
            let ordinary = Double.random(in: -1e6...1e6)
            let spelled = ReportNumber.format(ordinary)
            #expect(!spelled.contains("e"))
            #expect(ReportNumber.parse(spelled) == ordinary)
        }
    }

    @Test("CRLF records and a byte-order mark are accepted")
    func crlf() throws {
        let text = "\u{FEFF}workload,scheme,table,children,metric,stat,value,unit\r\nw,s,t,1,m,value,2,count\r\n"
        let decoded = try ReportCSV.decode(text, file: "w.csv")
        #expect(decoded.rows.count == 1)
        #expect(decoded.rows[0].parameters == [ReportParameter(name: "children", value: "1")])
        #expect(decoded.rows[0].value == 2)
    }

    @Test("a header-only file is an empty report named after the file")
    func headerOnly() throws {
        let decoded = try ReportCSV.decode("workload,scheme,table,metric,stat,value,unit\n", file: "dir/sva-munmap.csv")
        #expect(decoded.workload == "sva-munmap")
        #expect(decoded.rows.isEmpty)
        #expect(decoded.parameterNames.isEmpty)
    }

    @Test("read and write through files")
    func files() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("nested-s2.csv")
        let report = ReportCSV(workload: "nested-s2", rows: [Self.row(), Self.row(scheme: "kernel")])
        try report.write(to: url)
        #expect(try ReportCSV.read(from: url) == report)
        #expect(try directory.contents() == ["nested-s2.csv"])
    }

    @Test("workload names become safe file names")
    func fileNames() {
        #expect(ReportCSV.fileName(forWorkload: "nested-s2") == "nested-s2.csv")
        #expect(ReportCSV.fileName(forWorkload: "a/b c") == "a_b_c.csv")
        #expect(ReportCSV.fileName(forWorkload: "..") == "_...csv")
    }
}
