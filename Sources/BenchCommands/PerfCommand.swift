import ArgumentParser
import Foundation
import CacheTags
import PerfSuite
import Runs
import Reports

/// `perf`: the optimized table's performance targets, side by side in one process.
package struct PerfCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Time the tables against the C list and the descriptor-write floor; check the performance targets.",
        discussion: """
            Scenario: one second-stage domain on one IOMMU unit holding N tags = 1 IOTLB tag + (N-1) DEVTLB \
            tags of ATS devices (a range flush emits N descriptors in ceil(N/16) submissions on every table). \
            Variants: c-list (the kernel's list algorithm in C), \(PerfCommand.tableVariants), write-floor \
            (writing N 32-byte descriptors into the ring with nothing else). Samples of every (operation, variant) are \
            interleaved per repetition; figures are medians. Then two threads flush while a third \
            attaches/detaches, for the lock-free and the locked table. Writes <out>/perf.csv (workload perf, \
            scheme n/a, table = variant, parameter tags) and prints every target with met/MISSED. Build in \
            release: swift run -c release cachetag-bench perf

            Examples:
              cachetag-bench perf
              cachetag-bench perf --quick
              cachetag-bench perf --tags 64,1024 --repetitions 31 --out reports/perf-64
            """)

    /// The registry's perf variants with their summaries, for the help text.
    static var tableVariants: String {
        PerfSuite.Variant.allCases.compactMap(\.table).map { "\($0.name) (\($0.summary))" }.joined(separator: ", ")
    }

    @Option(name: .long, help: "Report directory (created if missing), as for 'run'.")
    var out = "reports/perf"

    @Option(name: .long, help: "Tag counts, comma-separated.")
    var tags = PerfScenario.tagCounts.map(String.init).joined(separator: ",")

    @Option(name: .long, help: "Repetitions (samples per operation and variant).")
    var repetitions: Int?

    @Option(name: .long, help: "Target length of one sample, in microseconds.")
    var sampleMicroseconds: Int?

    @Option(name: .long, help: "Length of one concurrency round per variant, in milliseconds (0 skips the run).")
    var concurrencyMilliseconds: Int?

    @Flag(name: .long, help: "A few seconds: tags 1,64,1024, 5 repetitions, short samples.")
    var quick = false

    package init() {}

    /// Where `perf.csv` goes.
    var outputURL: URL {
        URL(fileURLWithPath: out)
    }

    func suiteConfiguration() throws -> PerfSuite.Configuration {
        var configuration = quick ? PerfSuite.Configuration.quick : PerfSuite.Configuration()
        if !quick || tags != PerfScenario.tagCounts.map(String.init).joined(separator: ",") {
            var counts: [Int] = []
            for item in tags.split(separator: ",", omittingEmptySubsequences: false) {
                guard let count = Int(item.trimmingCharacters(in: .whitespaces)), count >= 1, count <= 65_536 else {
                    throw CommandError("--tags: '\(item)' is not a tag count in 1...65536")
                }
                counts.append(count)
            }
            configuration.tagCounts = counts
        }
        if let repetitions {
            guard repetitions >= 1 else { throw CommandError("--repetitions: must be at least 1") }
            configuration.repetitions = repetitions
        }
        if let sampleMicroseconds {
            guard sampleMicroseconds >= 1 else { throw CommandError("--sample-microseconds: must be at least 1") }
            configuration.sampleNanoseconds = UInt64(sampleMicroseconds) * 1000
        }
        if let concurrencyMilliseconds {
            guard concurrencyMilliseconds >= 0 else { throw CommandError("--concurrency-milliseconds: must be >= 0") }
            if concurrencyMilliseconds == 0 {
                configuration.concurrency = nil
            } else {
                var concurrency = configuration.concurrency ?? .init()
                concurrency.milliseconds = concurrencyMilliseconds
                configuration.concurrency = concurrency
            }
        }
        return configuration
    }

    package func run() throws {
        let configuration = try suiteConfiguration()
        let directory: ReportDirectory
        let lock: ReportLock
        let fileName = "perf.csv"
        do {
            directory = try ReportDirectory.create(at: outputURL)
            lock = try ReportLock(directory: directory)
            try BenchmarkRunner.replaceReport(in: directory, writing: [ReportDirectory.manifestFileName, fileName])
        } catch {
            throw CommandError("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        #if DEBUG
        FileHandle.standardError.write(Data("warning: a debug build; timings mean little (use swift run -c release)\n".utf8))
        #endif
        let result = PerfSuite.run(configuration) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let fingerprint = Self.fingerprint(configuration)
        let report = ReportCSV(
            workload: "perf", parameterNames: ["tags"], rows: PerfReport.rows(result), fingerprint: fingerprint.digest)
        let url = directory.url.appendingPathComponent(fileName)
        let invocation = CacheTagBench.invocation
        let manifest = RunManifest(
            toolVersion: BenchmarkRunner.toolVersion, gitCommit: RunManifest.gitCommit(), seed: 0,
            commandLine: invocation, reproduce: "swift run -c release " + ShellQuoting.commandLine(invocation),
            workloads: [RunManifest.Workload(name: "perf", parameters: ["tags": tags], varied: "tags")],
            tables: Array(Set(report.rows.map(\.table))).sorted(), quick: quick,
            notes: [
                "perf.* figures are medians of interleaved repetitions in one process; ratios compare variants measured side by side.",
                "Scenario: one second-stage domain on one unit, 1 IOTLB tag + N-1 DEVTLB tags of ATS devices.",
            ],
            fingerprint: fingerprint, files: [ReportDirectory.manifestFileName, fileName])
        do {
            try report.write(to: url)
            try manifest.write(to: directory.manifestURL)
        } catch {
            throw CommandError("\(error)")
        }
        print(PerfReport.table(result), terminator: "")
        print("wrote \(url.path)")
    }

    /// What decides perf's numbers: the scenario's sizes and repetitions (the rows carry its digest).
    static func fingerprint(_ configuration: PerfSuite.Configuration) -> RunFingerprint {
        let settings = [
            "tool_version": BenchmarkRunner.toolVersion,
            "tags": configuration.tagCounts.map(String.init).joined(separator: ","),
            "repetitions": String(configuration.repetitions),
            "sample_ns": String(configuration.sampleNanoseconds),
            "concurrency_ms": configuration.concurrency.map { String($0.milliseconds) } ?? "off",
        ]
        return RunFingerprint(settings: settings)
    }
}
