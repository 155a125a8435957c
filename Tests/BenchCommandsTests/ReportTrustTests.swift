import BenchCommands
import Foundation
import Reports
import TestSupport
import Testing

/// Reports one can trust under misuse (issue 16): `compare` and `plot` read a report the same
/// strict way and fail with the same one-line error on every bad input.
@Suite("Report trust", .serialized)
struct ReportTrustTests {
    static func message(_ arguments: [String]) -> String? {
        let error = CommandLineTests.invoke(arguments)
        return error.map { CommandLineTests.failure($0).message }
    }

    /// A good report directory from a tiny run.
    static func report() throws -> TemporaryReportDirectory {
        let directory = TemporaryReportDirectory()
        let error = CommandLineTests.invoke([
            "run", "--workload", "dma-stream", "--scheme", "kernel,shared-pasid", "--table", "grouped-array", "--quick",
            "--out", directory.path,
        ])
        #expect(error == nil, "\(String(describing: error))")
        return directory
    }

    @Test("duplicated, nan and negative-count rows: compare and plot give the same error, naming file, line and column")
    func badRowsSameErrorInBothReaders() throws {
        let directory = try Self.report()
        defer { directory.remove() }
        let csv = directory.child("dma-stream.csv")
        let original = try String(contentsOf: csv, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let dataLine = lines[1]
        let fields = dataLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let valueIndex = fields.count - 2
        func replacingValue(_ value: String) -> String {
            var changed = fields
            changed[valueIndex] = value
            return changed.joined(separator: ",")
        }
        let cases: [(String, String)] = [
            ("duplicate", (lines[0...1] + [dataLine] + lines[2...]).joined(separator: "\n")),
            ("nan", ([lines[0], replacingValue("nan")] + lines[2...]).joined(separator: "\n")),
            ("negative", ([lines[0], replacingValue("-1")] + lines[2...]).joined(separator: "\n")),
        ]
        for (name, text) in cases {
            try text.write(to: csv, atomically: true, encoding: .utf8)
            let compare = try #require(Self.message(["compare", directory.path]), "\(name): compare accepted it")
            let plot = try #require(Self.message(["plot", directory.path]), "\(name): plot accepted it")
            #expect(compare == plot, "\(name)")
            #expect(compare.contains("dma-stream.csv:") && compare.contains("column '"), "\(name): \(compare)")
            #expect(compare.split(separator: "\n").count == 1, "\(name): \(compare)")
        }
        try original.write(to: csv, atomically: true, encoding: .utf8)
        #expect(Self.message(["compare", directory.path]) == nil)
    }

    @Test("a bad run.json: compare and plot give the same error")
    func badManifestSameErrorInBothReaders() throws {
        let directory = try Self.report()
        defer { directory.remove() }
        try "{ not json".write(to: directory.child("run.json"), atomically: true, encoding: .utf8)
        let compare = try #require(Self.message(["compare", directory.path]))
        let plot = try #require(Self.message(["plot", directory.path]))
        #expect(compare == plot)
        #expect(compare.contains("run.json"))
    }
}
