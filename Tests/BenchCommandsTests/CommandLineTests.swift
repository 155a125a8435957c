import TestSupport
import Metrics
import ArgumentParser
import CacheTags
import BenchCommands
import Foundation
import Reports
import Testing

/// End-to-end runs of the command line on tiny workloads, in process (the same code path as
/// the executable: parse, run, report).
@Suite("Command line, end to end", .serialized)
struct CommandLineTests {
    /// Parses and runs `arguments` as the executable would; returns the error if it failed.
    @discardableResult
    static func invoke(_ arguments: [String]) -> Error? {
        do {
            try CacheTagBench.invoke(arguments: arguments)
            return nil
        } catch {
            return error
        }
    }

    /// What the executable would print for `error`, and its exit code.
    static func failure(_ error: Error?) -> (message: String, exitCode: Int32) {
        guard let error else { return ("", 0) }
        return (CacheTagBench.message(for: error), CacheTagBench.exitCode(for: error).rawValue)
    }

    /// Replay reports what it costs to read and rebuild the trace, not a rate of handing back
    /// events it already has.
    @Test func replayNotesParseTimeNotGenerationRate() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let trace = try sampleTrace().path
        let error = Self.invoke(["replay", trace, "--scheme", "kernel", "--table", "kernel-list", "--quick", "--out", directory.path])
        #expect(error == nil, "\(String(describing: error))")
        let notes = try RunManifest.read(from: directory.child("run.json")).notes
        #expect(notes.contains { $0.contains("lines read and reconstructed in") && $0.contains("M lines/s") })
        #expect(!notes.contains { $0.contains("events generated") })
        // A generated workload still notes its generation rate.
        let run = TemporaryReportDirectory()
        defer { run.remove() }
        #expect(Self.invoke(["run", "--workload", "sva-munmap", "--scheme", "kernel", "--table", "kernel-list", "--quick", "--out", run.path]) == nil)
        #expect(try RunManifest.read(from: run.child("run.json")).notes.contains { $0.contains("events generated") })
    }

    @Test func runWritesParsableReports() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let error = Self.invoke([
            "run", "--workload", "nested-s2", "--scheme", "per-domain,shared-pasid", "--quick", "--out", directory.path,
        ])
        #expect(error == nil, "\(String(describing: error))")
        #expect(Set(directory.files()).isSuperset(of: ["nested-s2.csv", "summary.csv", "run.json"]))

        let report = try ReportCSV.read(from: directory.child("nested-s2.csv"))
        #expect(report.header.prefix(3) == ["workload", "scheme", "table"])
        #expect(report.header.suffix(5) == ["metric", "stat", "value", "unit", "fingerprint"])
        // Every row carries the run's fingerprint, the one run.json records.
        let written = try RunManifest.read(from: directory.child("run.json"))
        #expect(report.fingerprint == written.fingerprint?.digest)
        #expect(written.files == ["run.json", "nested-s2.csv", "summary.csv"])
        #expect(Set(report.rows.map(\.scheme)) == ["per-domain", "shared-pasid"])
        #expect(Set(report.rows.map(\.table)) == Set(CacheTagTables.runnable.map(\.name)))
        // Every row has every column, and the units are the catalog's.
        let text = try String(contentsOf: directory.child("nested-s2.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let columns = lines[0].split(separator: ",", omittingEmptySubsequences: false).count
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
        for row in report.rows where Metric.named(row.metric) != nil && row.stat != "count" {
            #expect(row.unit == Metric.named(row.metric)?.unit.rawValue, "\(row.metric)")
        }
        let metrics = Set(report.rows.map(\.metric))
        for required in ["hw.descriptors.total", "hw.submissions", "hw.dids_in_use", "oracle.stale", "oracle.cross_domain", "sw.flush_range_ns"] {
            #expect(metrics.contains(required), "missing \(required)")
        }
        #expect(report.rows.filter { $0.metric.hasPrefix("oracle.") }.allSatisfy { $0.value == 0 })
        // Every metric written is documented in the catalog (and so in `list` and the README).
        for metric in metrics { #expect(Metric.named(metric) != nil, "\(metric) is not in Metric.all") }

        let manifest = try RunManifest.read(from: directory.child("run.json"))
        #expect(manifest.seed == 1)
        #expect(manifest.schemes == ["per-domain", "shared-pasid"])
        #expect(manifest.tables == CacheTagTables.runnable.map(\.name))
        #expect(manifest.quick)
        #expect(manifest.workloads.map(\.name) == ["nested-s2"])
        #expect(manifest.commandLine.contains("--quick"))
        #expect(manifest.costModel["submission_us"] != nil)
    }

    @Test func sameSeedRepeatsEveryModeledNumber() throws {
        let first = TemporaryReportDirectory()
        let second = TemporaryReportDirectory()
        defer { first.remove(); second.remove() }
        for directory in [first, second] {
            let error = Self.invoke(["run", "--workload", "dma-stream", "--scheme", "kernel", "--quick", "--seed", "9", "--out", directory.path])
            #expect(error == nil)
        }
        let modeled = { (directory: TemporaryReportDirectory) throws -> [ReportRow] in
            try ReportCSV.read(from: directory.child("dma-stream.csv")).rows.filter { !$0.metric.hasPrefix("sw.") }
        }
        let rows = try modeled(first)
        #expect(!rows.isEmpty)
        #expect(rows == (try modeled(second)))
    }

    @Test(arguments: [
        (["run", "--workload", "no-such-workload"], "no-such-workload"),
        (["run", "--workload", "nested-s2", "--scheme", "bogus"], "bogus"),
        (["run", "--workload", "nested-s2", "--table", "btree"], "btree"),
        (["run", "--workload", "nested-s2", "--param", "colour=blue"], "colour"),
        (["run", "--workload", "nested-s2", "--param", "children=-3"], "children"),
        (["run", "--workload", "nested-s2", "--param", "children=lots"], "children"),
        (["run", "--workload", "nested-s2", "--vary", "children=1,,4"], "--vary"),
        (["run", "--workload", "nested-s2", "--cost", "warp_factor=9"], "warp_factor"),
        (["run", "--workload", "nested-s2", "--cost", "submission_us=-1"], "submission_us"),
        (["replay", "/nonexistent/trace.txt"], "/nonexistent/trace.txt"),
        (["compare", "/nonexistent/report"], "/nonexistent/report"),
    ])
    func badInputFailsInOneLineNamingTheCulprit(arguments: [String], culprit: String) throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let outArguments = arguments.first == "compare" ? [] : ["--out", directory.path, "--quick"]
        let (message, exitCode) = Self.failure(Self.invoke(arguments + outArguments))
        #expect(exitCode != 0)
        #expect(message.contains(culprit), "\(message)")
        #expect(!message.trimmingCharacters(in: .whitespacesAndNewlines).contains("\n"), "\(message)")
        // Nothing was written: bad input is found before the report directory is touched.
        #expect(directory.files().isEmpty)
    }

    @Test func unwritableOutputDirectoryFailsCleanly() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        // A regular file where the report directory should be.
        let blocker = directory.child("blocker")
        try Data("not a directory".utf8).write(to: blocker)
        let (message, exitCode) = Self.failure(
            Self.invoke(["run", "--workload", "nested-s2", "--scheme", "kernel", "--quick", "--out", blocker.appendingPathComponent("report").path]))
        #expect(exitCode != 0)
        #expect(message.contains("blocker"), "\(message)")
        #expect(directory.files() == ["blocker"])
    }

    @Test func resumeAfterInterruptionGivesTheRowsOfAnUninterruptedRun() throws {
        let whole = TemporaryReportDirectory()
        let resumed = TemporaryReportDirectory()
        defer { whole.remove(); resumed.remove() }
        let common = ["run", "--workload", "nested-s2", "--scheme", "per-domain,shared-pasid", "--table", "grouped-array", "--quick"]
        #expect(Self.invoke(common + ["--vary", "children=1,4,16", "--out", whole.path]) == nil)
        // The interruption: only the first point finished before the run was stopped. Each point
        // is appended atomically, so that is what a killed run leaves: a prefix of its points.
        #expect(Self.invoke(common + ["--vary", "children=1,4,16", "--out", resumed.path]) == nil)
        let full = try ReportCSV.read(from: resumed.child("nested-s2.csv"))
        let firstChildren = full.rows.filter { $0.parameters.value(named: "children") == "1" }
        let before = ReportCSV(
            workload: full.workload, parameterNames: full.parameterNames, rows: firstChildren, fingerprint: full.fingerprint)
        try before.write(to: resumed.child("nested-s2.csv"))
        #expect(Self.invoke(common + ["--vary", "children=1,4,16", "--out", resumed.path, "--resume"]) == nil)
        let after = try ReportCSV.read(from: resumed.child("nested-s2.csv"))
        let reference = try ReportCSV.read(from: whole.child("nested-s2.csv"))

        // The finished point was kept as it was (its timings were not re-measured) ...
        let firstPoint = Set(before.rows.map(\.point))
        #expect(after.rows.filter { firstPoint.contains($0.point) } == before.rows)
        // ... and the resumed report holds the same rows as the uninterrupted one: same keys,
        // and identical modeled values (measured ones are fresh timings).
        let key = { (row: ReportRow) in "\(row.point)|\(row.metric)|\(row.stat)" }
        #expect(Set(after.rows.map(key)) == Set(reference.rows.map(key)))
        let modeled = { (report: ReportCSV) in
            Dictionary(uniqueKeysWithValues: report.rows.filter { !$0.metric.hasPrefix("sw.") }.map { (key($0), $0.value) })
        }
        #expect(modeled(after) == modeled(reference))
    }

    @Test func compareShowsRatiosToTheBaseline() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(Self.invoke(["run", "--workload", "sva-munmap", "--scheme", "per-domain,kernel", "--table", "grouped-array", "--quick", "--out", directory.path]) == nil)
        let comparison = try SchemeComparisonProbe.render(directory.url, format: "csv")
        let lines = comparison.split(separator: "\n")
        #expect(lines.first == "workload,table,parameters,metric,unit,scheme,value,p10,p90,baseline,ratio_to_baseline,ratio_ci95_low,ratio_ci95_high")
        // The baseline's own ratio is exactly 1 wherever it is defined.
        var baselineRatios = 0
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields[5] == "kernel", case let ratio = fields[10], !ratio.isEmpty else { continue }
            #expect(ratio == "1", "\(line)")
            baselineRatios += 1
        }
        #expect(baselineRatios > 0)
        #expect(Self.invoke(["compare", directory.path, "--baseline", "no-such-scheme"]) != nil)
    }

    @Test func listNamesEveryWorkloadSchemeTableAndMetric() {
        let text = ListCommandProbe.text()
        for name in ["dma-stream", "sva-munmap", "nested-s2", "attach-churn", "multi-iommu", "replay",
                     "per-domain", "shared-pasid", "kernel", "shared-all", "kernel-list", "grouped-array",
                     "sw.flush_range_ns", "hw.descriptors.iotlb", "oracle.cross_domain", "submission_us"] {
            #expect(text.contains(name), "list lacks \(name)")
        }
    }
}
