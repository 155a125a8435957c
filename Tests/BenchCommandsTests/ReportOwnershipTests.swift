import BenchCommands
import Foundation
import Reports
import TestSupport
import Testing

/// A report is one run's (issue 16): `--resume` refuses another run's report naming what differs,
/// a replacing run removes only the files it wrote, and readers never take a foreign or another
/// run's CSV for the report's own.
@Suite("Report ownership", .serialized)
struct ReportOwnershipTests {
    static func message(_ arguments: [String]) -> String? {
        CommandLineTests.invoke(arguments).map { CommandLineTests.failure($0).message }
    }

    static let dmaStream = [
        "run", "--workload", "dma-stream", "--param", "operations=200", "--scheme", "kernel,shared-pasid", "--table",
        "grouped-array", "--quick",
    ]

    @Test(
        "--resume with a different seed, cost, parameter or workload is refused, naming the setting",
        arguments: [
            (["--seed", "2"], "seed (report: \"1\", this run: \"2\")"),
            (["--cost", "submission_us=9"], "cost.submission_us"),
            (["--param", "depth=8"], "param.dma-stream.depth (report: \"16\", this run: \"8\")"),
            (["--scheme", "kernel"], "schemes"),
        ])
    func resumeRefusesAnotherRun(change: [String], named: String) throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(Self.message(Self.dmaStream + ["--out", directory.path]) == nil)
        let before = directory.files()
        let refused = try #require(Self.message(Self.dmaStream + change + ["--out", directory.path, "--resume"]))
        #expect(refused.contains("--resume: refused"), "\(refused)")
        #expect(refused.contains(named), "\(refused)")
        #expect(refused.split(separator: "\n").count == 1)
        // Refused before any work: the report is as it was.
        #expect(directory.files() == before)
        // The same run resumes (nothing left to do) and changes no row.
        let rows = try String(contentsOf: directory.child("dma-stream.csv"), encoding: .utf8)
        #expect(Self.message(Self.dmaStream + ["--out", directory.path, "--resume"]) == nil)
        #expect(try String(contentsOf: directory.child("dma-stream.csv"), encoding: .utf8) == rows)
    }

    @Test("--resume of another workload's report is refused")
    func resumeRefusesAnotherWorkload() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(Self.message(Self.dmaStream + ["--out", directory.path]) == nil)
        let other = ["run", "--workload", "sva-munmap", "--scheme", "kernel,shared-pasid", "--table", "grouped-array", "--quick"]
        let refused = try #require(Self.message(other + ["--out", directory.path, "--resume"]))
        #expect(refused.contains("workloads (report: \"dma-stream\", this run: \"sva-munmap\")"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: directory.child("sva-munmap.csv").path))
    }

    @Test("--resume of a replay with another trace is refused")
    func resumeRefusesAnotherTrace() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let golden = try sampleTrace()
        let changed = FileManager.default.temporaryDirectory.appendingPathComponent("changed-\(UUID().uuidString).txt")
        // The same events plus one line of console noise: another file, so another run.
        try (golden.text + "console noise\n").write(to: changed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: changed) }
        let replay = ["--scheme", "kernel", "--table", "kernel-list", "--quick", "--out", directory.path]
        #expect(Self.message(["replay", golden.path] + replay) == nil)
        let refused = try #require(Self.message(["replay", changed.path] + replay + ["--resume"]))
        #expect(refused.contains("trace.replay"), "\(refused)")
    }

    @Test("a replacing run removes only its own files; foreign files survive and are never read")
    func foreignFilesSurvive() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(Self.message(Self.dmaStream + ["--out", directory.path]) == nil)
        #expect(Self.message(["plot", directory.path]) == nil)
        let charts = directory.files().filter { $0.hasSuffix(".svg") }
        #expect(!charts.isEmpty)
        let listed = try #require(try RunManifest.read(from: directory.child("run.json")).files)
        #expect(Set(charts).isSubset(of: listed) && listed.contains("index.html"))
        // The user's files: a CSV that is not a report (it would fail a strict reader), a chart.
        try "my,own\ndata,here\n".write(to: directory.child("mydata.csv"), atomically: true, encoding: .utf8)
        try "<svg/>".write(to: directory.child("diagram.svg"), atomically: true, encoding: .utf8)
        // Readers ignore them ...
        #expect(Self.message(["compare", directory.path]) == nil)
        #expect(Self.message(["plot", directory.path]) == nil)
        // ... and a replacing run of another workload removes the old report, not them.
        let other = ["run", "--workload", "sva-munmap", "--scheme", "kernel,shared-pasid", "--table", "grouped-array", "--quick"]
        #expect(Self.message(other + ["--out", directory.path]) == nil)
        let after = directory.files()
        #expect(after.contains("mydata.csv") && after.contains("diagram.svg"))
        #expect(!after.contains("dma-stream.csv"))
        #expect(charts.allSatisfy { !after.contains($0) })
        #expect(after.contains("sva-munmap.csv"))
        // Nothing of the lock or of temporary files is left behind.
        #expect(!after.contains { $0.hasPrefix(".") })
    }

    @Test("a stray CSV in a fresh --out is neither read nor removed")
    func strayCSVInAFreshDirectory() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try "not,a,report\n".write(to: directory.child("stray.csv"), atomically: true, encoding: .utf8)
        #expect(Self.message(Self.dmaStream + ["--out", directory.path]) == nil)
        #expect(try String(contentsOf: directory.child("stray.csv"), encoding: .utf8) == "not,a,report\n")
        #expect(Self.message(["compare", directory.path]) == nil)
    }

    @Test("a foreign file where the run would write is refused before any work")
    func foreignFileAtAPlannedName() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try "mine\n".write(to: directory.child("dma-stream.csv"), atomically: true, encoding: .utf8)
        let refused = try #require(Self.message(Self.dmaStream + ["--out", directory.path]))
        #expect(refused.contains("dma-stream.csv: exists and is not a file of this report"), "\(refused)")
        #expect(try String(contentsOf: directory.child("dma-stream.csv"), encoding: .utf8) == "mine\n")
        #expect(!FileManager.default.fileExists(atPath: directory.child("run.json").path))
    }

    @Test("a refused fresh run leaves the previous report as it was")
    func refusedRunKeepsTheOldReport() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let other = ["run", "--workload", "sva-munmap", "--scheme", "kernel", "--table", "grouped-array", "--quick"]
        #expect(Self.message(other + ["--out", directory.path]) == nil)
        try "mine\n".write(to: directory.child("dma-stream.csv"), atomically: true, encoding: .utf8)
        let before = directory.files()
        let manifest = try Data(contentsOf: directory.child("run.json"))
        let refused = try #require(Self.message(Self.dmaStream + ["--out", directory.path]))
        #expect(refused.contains("dma-stream.csv: exists and is not a file of this report"), "\(refused)")
        #expect(directory.files() == before)
        #expect(try Data(contentsOf: directory.child("run.json")) == manifest)
    }

    @Test("names in run.json's files that are not plain file names are never removed")
    func oddFileNamesAreNotRemoved() throws {
        let parent = TemporaryReportDirectory()
        defer { parent.remove() }
        let directory = parent.child("report")
        #expect(Self.message(Self.dmaStream + ["--out", directory.path]) == nil)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "keep".write(to: directory.appendingPathComponent("sub/keep.txt"), atomically: true, encoding: .utf8)
        try "keep".write(to: parent.child("outside.txt"), atomically: true, encoding: .utf8)
        var manifest = try RunManifest.read(from: directory.appendingPathComponent("run.json"))
        manifest.files = (manifest.files ?? []) + ["", ".", "..", "sub", "../outside.txt", ".cachetag-bench.lock"]
        try manifest.write(to: directory.appendingPathComponent("run.json"))
        #expect(Self.message(Self.dmaStream + ["--out", directory.path]) == nil)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("sub/keep.txt").path))
        #expect(FileManager.default.fileExists(atPath: parent.child("outside.txt").path))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("dma-stream.csv").path))
    }

    @Test("without run.json, CSVs of two runs in one directory are an error")
    func twoRunsWithoutManifest() throws {
        let first = TemporaryReportDirectory()
        let second = TemporaryReportDirectory()
        defer { first.remove(); second.remove() }
        let other = ["run", "--workload", "sva-munmap", "--scheme", "kernel,shared-pasid", "--table", "grouped-array", "--quick"]
        #expect(Self.message(Self.dmaStream + ["--out", first.path]) == nil)
        #expect(Self.message(other + ["--out", second.path]) == nil)
        try FileManager.default.copyItem(at: second.child("sva-munmap.csv"), to: first.child("sva-munmap.csv"))
        try FileManager.default.removeItem(at: first.child("run.json"))
        let message = try #require(Self.message(["compare", first.path]))
        #expect(message.contains("sva-munmap.csv:2: column 'fingerprint':") && message.contains("CSVs of two runs"), "\(message)")
    }

    @Test("a CSV of another run, or of a workload run.json does not list, is an error in compare and plot alike")
    func anotherRunsCSV() throws {
        let first = TemporaryReportDirectory()
        let second = TemporaryReportDirectory()
        defer { first.remove(); second.remove() }
        #expect(Self.message(Self.dmaStream + ["--out", first.path]) == nil)
        #expect(Self.message(Self.dmaStream + ["--seed", "2", "--out", second.path]) == nil)
        // Another run's file of the same workload copied over this run's.
        let original = try Data(contentsOf: first.child("dma-stream.csv"))
        try FileManager.default.removeItem(at: first.child("dma-stream.csv"))
        try FileManager.default.copyItem(at: second.child("dma-stream.csv"), to: first.child("dma-stream.csv"))
        let compare = try #require(Self.message(["compare", first.path]))
        #expect(compare == Self.message(["plot", first.path]))
        #expect(compare.contains("dma-stream.csv:2: column 'fingerprint':"), "\(compare)")
        #expect(compare.contains("a file of another run"), "\(compare)")
        // A file of this run with its fingerprint column cut off.
        let text = String(decoding: original, as: UTF8.self)
        let cut = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
        try (cut.joined(separator: "\n") + "\n").write(to: first.child("dma-stream.csv"), atomically: true, encoding: .utf8)
        let missing = try #require(Self.message(["compare", first.path]))
        #expect(missing == Self.message(["plot", first.path]))
        #expect(missing.contains("dma-stream.csv:1: column 'fingerprint': missing from the header"), "\(missing)")
        // Rows of a workload the run did not run.
        let renamed = text.replacingOccurrences(of: "\ndma-stream,", with: "\nsva-munmap,")
        try renamed.write(to: first.child("dma-stream.csv"), atomically: true, encoding: .utf8)
        let stranger = try #require(Self.message(["compare", first.path]))
        #expect(stranger == Self.message(["plot", first.path]))
        #expect(stranger.contains("dma-stream.csv:2: column 'workload': \"sva-munmap\" is not a workload of run.json"), "\(stranger)")
        try original.write(to: first.child("dma-stream.csv"))
        #expect(Self.message(["compare", first.path]) == nil)
    }
}
