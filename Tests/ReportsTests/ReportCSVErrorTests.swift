import TestSupport
import Foundation
import Reports
import Testing

@Suite("ReportCSV strict reading")
struct ReportCSVErrorTests {
    static let header = "workload,scheme,table,children,metric,stat,value,unit\n"
    static let good = "nested-s2,per-domain,kernel-list,16,hw.submissions,value,3,count\n"

    func error(_ text: String, file: String = "reports/x/nested-s2.csv") -> ReportError? {
        do {
            _ = try ReportCSV.decode(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test("a non-numeric value names file, line and column")
    func nonNumeric() throws {
        let text = Self.header + Self.good + Self.good.replacingOccurrences(of: ",16,", with: ",32,")
            + "nested-s2,per-domain,kernel-list,16,hw.submissions,value,abc,count\n"
        let error = try #require(self.error(text))
        #expect(error.description == "reports/x/nested-s2.csv:4: column 'value': \"abc\" is not a number")
        #expect(error.line == 4)
        #expect(error.column == "value")
    }

    @Test("a repeated (workload, scheme, table, parameters, metric, stat) names both lines")
    func duplicateRow() throws {
        let text = Self.header + Self.good + Self.good.replacingOccurrences(of: ",3,", with: ",4,")
        let error = try #require(self.error(text))
        #expect(error.description == "reports/x/nested-s2.csv:3: column 'stat': repeats line 2 (same workload, scheme, table, parameters, metric and stat)")
        // Another stat or another point is another value.
        #expect(self.error(Self.header + Self.good + Self.good.replacingOccurrences(of: ",value,", with: ",p50,")) == nil)
        #expect(self.error(Self.header + Self.good + Self.good.replacingOccurrences(of: ",16,", with: ",32,")) == nil)
    }

    @Test("nan and infinities are not report values", arguments: ["nan", "NaN", "inf", "-inf", "infinity"])
    func nonFiniteValue(cell: String) throws {
        let text = Self.header + Self.good.replacingOccurrences(of: ",3,", with: ",\(cell),")
        let error = try #require(self.error(text))
        #expect(error.line == 2 && error.column == "value")
        #expect(error.description.contains("not a finite number") || error.description.contains("is not a number"))
    }

    @Test("a negative count is rejected; other units may be negative")
    func negativeCount() throws {
        let error = try #require(self.error(Self.header + Self.good.replacingOccurrences(of: ",3,", with: ",-3,")))
        #expect(error.description == "reports/x/nested-s2.csv:2: column 'value': \"-3\" is a negative count")
        let ratio = Self.good.replacingOccurrences(of: ",3,count", with: ",-0.5,ratio")
        #expect(self.error(Self.header + ratio) == nil)
        // The t interval of a count over seeds can reach below zero: a multi-seed run writes such rows.
        let low = Self.good.replacingOccurrences(of: ",value,3,", with: ",ci95_low,-0.9,")
        #expect(low != Self.good)
        #expect(self.error(Self.header + low) == nil)
    }

    @Test("a non-finite value is never written")
    func nonFiniteNotWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nan-\(UUID().uuidString).csv")
        let row = ReportRow(
            workload: "w", scheme: "s", table: "t", parameters: [], metric: "m", stat: "value", value: .nan, unit: "count")
        #expect(throws: ReportError.self) { try ReportCSV(workload: "w", rows: [row]).write(to: directory) }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("blank or padded numbers are not numbers", arguments: ["", " 3", "3 ", "3ns", "1,5"])
    func paddedNumbers(cell: String) throws {
        let text = Self.header + "nested-s2,per-domain,kernel-list,16,hw.submissions,value,\"\(cell)\",count\n"
        let error = try #require(self.error(text))
        #expect(error.line == 2)
        #expect(error.column == "value")
    }

    @Test("a missing header column is named")
    func missingHeaderColumn() throws {
        let error = try #require(self.error("workload,scheme,table,children,metric,stat,value\n" + Self.good))
        #expect(error.line == 1)
        #expect(error.column == "unit")
        #expect(error.description.hasPrefix("reports/x/nested-s2.csv:1: column 'unit': missing from the header"))
    }

    @Test("misplaced and duplicated header columns are named")
    func misplacedHeaderColumns() throws {
        let swapped = try #require(self.error("scheme,workload,table,metric,stat,value,unit\n"))
        #expect(swapped.column == "workload")
        #expect(swapped.line == 1)
        let duplicated = try #require(self.error("workload,scheme,table,n,n,metric,stat,value,unit\n"))
        #expect(duplicated.column == "n")
        let trailing = try #require(self.error("workload,scheme,table,metric,stat,unit,value\n"))
        #expect(trailing.column == "value")
    }

    @Test("too few fields name the first missing column; too many name the last")
    func columnCount() throws {
        let short = try #require(self.error(Self.header + Self.good + "nested-s2,per-domain,kernel-list,16,hw.submissions,value\n"))
        #expect(short.line == 3)
        #expect(short.column == "value")
        #expect(short.message.contains("6 fields"))
        let long = try #require(self.error(Self.header + "nested-s2,per-domain,kernel-list,16,hw.submissions,value,3,count,extra\n"))
        #expect(long.line == 2)
        #expect(long.column == "unit")
        #expect(long.message.contains("9 fields"))
    }

    @Test("an unterminated quote names the line where it opened and the column")
    func unterminatedQuote() throws {
        let text = Self.header + Self.good + "nested-s2,\"per-domain,kernel-list,16,hw.submissions,value,3,count\n" + Self.good
        let error = try #require(self.error(text))
        #expect(error.line == 3)
        #expect(error.column == "scheme")
        #expect(error.message.contains("not terminated"))
        #expect(!error.description.contains("\n"))
    }

    @Test("stray quotes are rejected")
    func strayQuotes() throws {
        let inside = try #require(self.error(Self.header + "nested-s2,per\"domain,kernel-list,16,m,value,3,count\n"))
        #expect(inside.line == 2)
        #expect(inside.column == "scheme")
        let after = try #require(self.error(Self.header + "nested-s2,per-domain,\"kernel\"list,16,m,value,3,count\n"))
        #expect(after.column == "table")
    }

    @Test("line numbers count physical lines, including quoted newlines")
    func physicalLines() throws {
        let text = Self.header + "nested-s2,\"two\nlines\",kernel-list,16,m,value,1,count\n" + "nested-s2,s,t,16,m,value,x,count\n"
        let error = try #require(self.error(text))
        #expect(error.line == 4)
    }

    @Test("empty required cells and mixed workloads are rejected")
    func emptyCells() throws {
        let empty = try #require(self.error(Self.header + "nested-s2,,kernel-list,16,m,value,1,count\n"))
        #expect(empty.column == "scheme")
        let mixed = try #require(self.error(Self.header + Self.good + "other,s,t,16,m,value,1,count\n"))
        #expect(mixed.column == "workload")
        #expect(mixed.line == 3)
    }

    @Test("an empty file and an unreadable file are errors naming the file")
    func emptyAndMissing() throws {
        let empty = try #require(self.error(""))
        #expect(empty.line == 1)
        let missing = URL(fileURLWithPath: "/nonexistent/dir/w.csv")
        #expect(throws: ReportError.self) { try ReportCSV.read(from: missing) }
        do {
            _ = try ReportCSV.read(from: missing)
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/dir/w.csv: cannot read"))
        }
    }
}
