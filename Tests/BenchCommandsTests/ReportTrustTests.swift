import BenchCommands
import Foundation
import Reports
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

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
        let valueIndex = lines[0].split(separator: ",").firstIndex(of: "value")!
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

/// Traces that are not traces (issue 16): errors, fast and short, never an all-zero report.
@Suite("Trace trust", .serialized)
struct TraceTrustTests {
    static func replay(_ text: Data, name: String) throws -> (message: String?, seconds: Double, wroteReport: Bool) {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).txt")
        try text.write(to: trace)
        defer { try? FileManager.default.removeItem(at: trace) }
        let clock = ContinuousClock()
        let started = clock.now
        let error = CommandLineTests.invoke(["replay", trace.path, "--quick", "--out", directory.path])
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let wrote = FileManager.default.fileExists(atPath: directory.child("replay.csv").path)
        return (error.map { CommandLineTests.failure($0).message }, seconds, wrote)
    }

    @Test("an empty trace is an error")
    func emptyTrace() throws {
        let result = try Self.replay(Data(), name: "empty")
        let message = try #require(result.message)
        #expect(message.contains("no intel_iommu event"), "\(message)")
        #expect(!result.wroteReport)
    }

    @Test("100 KB of random bytes is an error")
    func randomBytes() throws {
        var rng = SystemRandomNumberGenerator()
        let bytes = Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let result = try Self.replay(bytes, name: "random")
        let message = try #require(result.message)
        #expect(message.contains("no intel_iommu event") || message.contains("field '"), "\(message)")
        #expect(message.count < 400)
        #expect(!result.wroteReport)
    }

    @Test("a 50 MB line fails in well under a second with a short error")
    func hugeLine() throws {
        let line = "intel_iommu dev 0000:00:01.0 " + String(repeating: "x", count: 50_000_000) + "\n"
        let result = try Self.replay(Data(line.utf8), name: "huge")
        let message = try #require(result.message)
        #expect(message.contains(":1: field 'line'"), "\(message.prefix(300))")
        #expect(message.count < 300)
        #expect(result.seconds < 1.0, "took \(result.seconds) s")
    }

    /// The "N line(s) ... are not trace event lines" count replay noted for `text` (0 when none).
    static func noiseCount(_ text: String) throws -> Int {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("noise-\(UUID().uuidString).txt")
        try text.write(to: trace, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: trace) }
        let error = CommandLineTests.invoke([
            "replay", trace.path, "--scheme", "kernel", "--table", "kernel-list", "--quick", "--out", directory.path,
        ])
        #expect(error == nil, "\(String(describing: error))")
        let notes = try RunManifest.read(from: directory.child("run.json")).notes
        guard let note = notes.first(where: { $0.contains("not trace event lines") }) else { return 0 }
        return Int(note.prefix { $0.isNumber }) ?? -1
    }

    @Test("garbage lines inside a real trace are counted and reported")
    func garbageCounted() throws {
        let golden = try sampleTrace().text
        var lines = golden.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("@@@ not a trace line @@@", at: lines.count / 2)
        lines.insert("\u{7}\u{1}garbage", at: lines.count / 3)
        #expect(try Self.noiseCount(lines.joined(separator: "\n")) == Self.noiseCount(golden) + 2)
    }
}

/// One writer per report directory (issue 16).
@Suite("Report writers", .serialized)
struct ReportWriterTests {
    static let run = ["run", "--workload", "dma-stream", "--scheme", "kernel", "--table", "grouped-array", "--quick"]

    @Test("a second writer of one --out fails at once, naming the holder")
    func secondWriterRefused() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let report = try ReportDirectory.create(at: directory.url)
        do {
            let held = try ReportLock(directory: report)  // the other writer, mid-run
            let message = try #require(ReportTrustTests.message(Self.run + ["--out", directory.path]))
            #expect(message.contains("another cachetag-bench (pid \(getpid()))"), "\(message)")
            #expect(!FileManager.default.fileExists(atPath: directory.child("dma-stream.csv").path))
            withExtendedLifetime(held) {}
        }
        // Released with its holder: the next run proceeds.
        #expect(ReportTrustTests.message(Self.run + ["--out", directory.path]) == nil)
    }

    @Test("temporary files of dead processes are removed; a live process's are kept")
    func deadTemporariesRemoved() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        try ReportDirectory.create(at: directory.url)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = directory.child(".dma-stream.csv.tmp.\(child.processIdentifier).x1")
        let live = directory.child(".dma-stream.csv.tmp.\(getppid()).x2")
        try Data("torn".utf8).write(to: dead)
        try Data("busy".utf8).write(to: live)
        #expect(ReportTrustTests.message(Self.run + ["--out", directory.path]) == nil)
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
    }
}

@Suite("Cost files")
struct CostFileTests {
    @Test("a CRLF --cost-file is read line by line")
    func crlfCostFile() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cost-\(UUID().uuidString).txt")
        try "# costs\r\nsubmission_us=2.5\r\ndescriptor_us=0.2\r\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let message = ReportTrustTests.message(ReportWriterTests.run + ["--cost-file", file.path, "--out", directory.path])
        #expect(message == nil, "\(message ?? "")")
        let manifest = try RunManifest.read(from: directory.child("run.json"))
        #expect(manifest.costModel["submission_us"] == 2.5 && manifest.costModel["descriptor_us"] == 0.2)
    }
}

/// Options that used to be accepted silently (issue 16).
@Suite("Option conflicts")
struct OptionConflictTests {
    @Test("a negative --time-budget-ms and a scheme named twice are errors")
    func silentOptionsRefused() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let negative = try #require(
            ReportTrustTests.message(["run", "--workload", "dma-stream", "--time-budget-ms=-5", "--out", directory.path]))
        #expect(negative.contains("--time-budget-ms: -5 is negative"), "\(negative)")
        let twice = try #require(
            ReportTrustTests.message([
                "run", "--workload", "dma-stream", "--scheme", "kernel,kernel", "--quick", "--out", directory.path,
            ]))
        #expect(twice.contains("--scheme: 'kernel' is named twice"), "\(twice)")
    }
}
