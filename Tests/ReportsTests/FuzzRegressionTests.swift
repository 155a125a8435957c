import Foundation
import Reports
import Testing

/// What the `FuzzReportFiles` target (docs/fuzzing.md) feeds the report readers, kept here so CI
/// runs it without libFuzzer: inputs the fuzzer found or explores, each with the located error
/// it must raise or the report it must read (and read again after writing it back).
@Suite("Fuzz regressions: report files")
struct ReportFilesFuzzRegressionTests {
    static let header = "workload,scheme,table,children,metric,stat,value,unit\n"
    static let row = "nested-s2,per-domain,kernel-list,16,hw.submissions,value,3,count\n"

    func error(_ text: String) -> ReportError? {
        do {
            _ = try ReportCSV.decode(text, file: "r/nested-s2.csv")
            return nil
        } catch {
            return error
        }
    }

    /// `Double(_:)` stops at a NUL as C's `strtod` does, so before the fix the cell `3\0junk`
    /// read as 3 (found writing the fuzz target's checks; `ReportNumber.parse`).
    @Test("a NUL inside a value cell is refused, not cut off")
    func nulInsideValue() throws {
        let error = try #require(self.error(Self.header + Self.row.replacingOccurrences(of: ",3,", with: ",3\u{0}junk,")))
        #expect(error.line == 2 && error.column == "value")
        #expect(error.message == "\"3\\u{0}junk\" is not a number")
        #expect(ReportNumber.parse("\u{0}") == nil && ReportNumber.parse("1e3") == 1000)
    }

    @Test("broken quoting is located by line and column")
    func brokenQuoting() throws {
        let open = try #require(error(Self.header + "nested-s2,\"per-domain,kernel-list,16,m,value,3,count\n"))
        #expect(open.line == 2 && open.column == "scheme" && open.message.contains("not terminated"))
        let stray = try #require(error(Self.header + "nested-s2,per\"domain,kernel-list,16,m,value,3,count\n"))
        #expect(stray.line == 2 && stray.column == "scheme" && stray.message.contains("quote inside an unquoted field"))
        let after = try #require(error("\"workload\"x,scheme\n"))
        #expect(after.line == 1 && after.column == "#1")
    }

    @Test("a header that is empty, short or repeats a column is refused on line 1", arguments: [
        "", "\u{FEFF}", "\n\r\n", "workload\n", "workload,scheme,table,metric,stat,value,unit,unit\n",
        "workload,scheme,table,,metric,stat,value,unit\n", "scheme,workload,table,metric,stat,value,unit\n",
    ])
    func badHeader(text: String) throws {
        let error = try #require(self.error(text))
        #expect(error.line == 1 && error.file == "r/nested-s2.csv")
    }

    @Test("rows with too few or too many fields name the row's line")
    func fieldCounts() throws {
        let short = try #require(error(Self.header + Self.row + "nested-s2,per-domain\n"))
        #expect(short.line == 3 && short.column == "table")
        let long = try #require(error(Self.header + Self.row.replacingOccurrences(of: "count\n", with: "count,x\n")))
        #expect(long.line == 2 && long.column == "unit")
    }

    @Test("a header alone, behind a byte-order mark and with CR line ends, is an empty report")
    func headerOnly() throws {
        let report = try ReportCSV.decode("\u{FEFF}" + Self.header.replacingOccurrences(of: "\n", with: "\r"), file: "r/nested-s2.csv")
        #expect(report.workload == "nested-s2" && report.parameterNames == ["children"] && report.rows.isEmpty)
    }

    @Test("cells with commas, quotes, line ends and edge blanks read back the same after writing")
    func quotedCellsRoundTrip() throws {
        let text = Self.header
            + "nested-s2,\"per,domain\",\"kernel \"\"list\"\"\",\" 16\",\"hw\r\nsubmissions\",value,-0,count\n"
            + "nested-s2,per-domain,kernel-list,,m,p50,1e-7,us\r\n"
        let report = try ReportCSV.decode(text, file: "r/nested-s2.csv")
        #expect(report.rows.map(\.scheme) == ["per,domain", "per-domain"])
        #expect(report.rows[0].table == "kernel \"list\"" && report.rows[0].metric == "hw\r\nsubmissions")
        #expect(report.rows[0].parameters.map(\.value) == [" 16"] && report.rows[1].parameters.isEmpty)
        let again = try ReportCSV.decode(report.encoded(), file: "r/nested-s2.csv")
        #expect(again.rows == report.rows && again.parameterNames == report.parameterNames)
    }

    @Test("run.json that is not a manifest names the file and the key", arguments: [
        "", "{", "[]", "{}", "{\"tool_version\": 1}", "\u{0}", "{\"seed\": -1}",
    ])
    func badManifest(text: String) {
        do {
            _ = try RunManifest.decode(Data(text.utf8), file: "r/run.json")
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.file == "r/run.json" && error.line == nil && !error.message.isEmpty)
        }
    }
}
