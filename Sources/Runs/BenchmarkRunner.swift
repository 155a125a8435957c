import Timing
import CacheTags
import Foundation
import IOMMUModel
import Metrics
import Reports
import Workloads

/// Everything one run needs: the points, the axes, the budgets and where to write.
package struct RunConfiguration: Sendable {
    /// Each workload's points, in order (one per parameter value of a sweep).
    package var points: [PreparedWorkload]
    package var schemes: [any DomainIDScheme]
    package var tables: [TableChoice]
    package var seed: UInt64
    /// Seeds per modeled point: `seed`, `seed + 1`, … (replayed traces have one stream and run once).
    package var seedCount: Int = 1
    /// Modeled passes run at once (`--jobs`); the timed passes always run alone.
    package var jobs: Int = 1
    package var budget: TimingBudget
    /// Cost-model overrides already validated, as `key=value`.
    package var costModel: CostModelSettings
    /// The run's hardware profile (a point may differ from it by a `--vary hw.KEY` sweep).
    package var hardware: HardwareProfile = .server
    /// Hardware keys a replayed trace decided (its units' capabilities), recorded as `trace`.
    package var hardwareFromTrace: Set<String> = []
    /// Stop at the first oracle violation instead of counting.
    package var strictOracle: Bool
    package var quick: Bool
    package var outputDirectory: URL
    /// Skip points already in the output's CSVs.
    package var resume: Bool
    /// The command line that produced the run, for run.json.
    package var commandLine: [String]
    /// Which parameter each workload varies, for run.json and the plots.
    package var varied: [String: String]
    package var notes: [String]

    /// The scheme ratios are relative to: `kernel` (Linux today) when it ran, else the first scheme.
    /// The seeds of every modeled point.
    package var seeds: [UInt64] { (0..<UInt64(max(seedCount, 1))).map { seed &+ $0 } }

    package var baselineScheme: String {
        ReportSummary.baselineScheme(among: schemes.map(\.name))!
    }

    package init(
        points: [PreparedWorkload], schemes: [any DomainIDScheme], tables: [TableChoice], seed: UInt64,
        budget: TimingBudget, costModel: CostModelSettings, strictOracle: Bool = false, quick: Bool = false,
        outputDirectory: URL, resume: Bool = false, commandLine: [String], varied: [String: String] = [:],
        notes: [String] = []
    ) {
        self.points = points
        self.schemes = schemes
        self.tables = tables
        self.seed = seed
        self.budget = budget
        self.costModel = costModel
        self.strictOracle = strictOracle
        self.quick = quick
        self.outputDirectory = outputDirectory
        self.resume = resume
        self.commandLine = commandLine
        self.varied = varied
        self.notes = notes
    }
}

/// Runs workload × point × scheme × table: the modeled metrics from one run through the
/// modeled IOMMU, then real timings of the software path alone. Each finished point is
/// appended to its workload's CSV at once (atomically), so an interrupted run keeps every
/// finished point and `--resume` skips them.
package struct BenchmarkRunner {
    package let configuration: RunConfiguration

    package init(configuration: RunConfiguration) { self.configuration = configuration }

    /// The version written into run.json.
    package static let toolVersion = "0.1.0"

    /// Runs everything; returns the report directory's summary.
    @discardableResult
    package func run() throws -> ReportSummary {
        let configuration = self.configuration
        let directory = try ReportDirectory.create(at: configuration.outputDirectory)
        // One writer per report for the whole run (released when `lock` goes, at return or throw).
        let lock = try ReportLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        let total = configuration.points.count * configuration.schemes.count * configuration.tables.count
        var progress = ProgressReporter(total: total)

        // A fresh run replaces the report it finds (the files its run.json lists), a resumed one
        // continues it when it is the same run; neither touches a file it did not write.
        let fingerprint = configuration.fingerprint
        let prepared = try Self.prepare(directory, for: configuration, fingerprint: fingerprint)
        let finished = prepared.finished
        let files = prepared.files
        try manifest(fingerprint: fingerprint, files: files).write(to: directory.manifestURL)
        var generationNotes: [String] = []

        for point in configuration.points {
            var events: [WorkloadEvent]?
            for scheme in configuration.schemes {
                for table in configuration.tables {
                    let variedParameter = configuration.varied[point.name]
                    let shown = point.parameters.filter { $0.name == variedParameter }.joinedDescription
                    let label = "\(point.name)\(shown.isEmpty ? "" : " " + shown) \(scheme.name) \(table.label)"
                    let identity = ReportPoint(
                        workload: point.name, scheme: scheme.name, table: table.label, parameters: point.parameters)
                    if finished[point.name]?.contains(identity) == true {
                        progress.finished(label, skipped: true)
                        continue
                    }
                    if events == nil, !point.generatesEvents {
                        events = point.events(seed: configuration.seed)
                    } else if events == nil {
                        let (generated, nanoseconds) = Self.generate(point, seed: configuration.seed)
                        events = generated
                        let rate = Double(generated.count) / (Double(max(nanoseconds, 1)) / 1e9)
                        generationNotes.append(
                            "\(point.name)\(point.parameters.isEmpty ? "" : " " + point.parameters.joinedDescription): "
                                + "\(generated.count) events generated in \(String(format: "%.2f", Double(nanoseconds) / 1e6)) ms "
                                + "(\(String(format: "%.1f", rate / 1e6)) M events/s, best of 3)")
                    }
                    let rows = try measure(point: point, events: events!, scheme: scheme, table: table)
                    try ReportCSV.append(
                        rows, workload: point.name, parameterNames: point.parameters.map(\.name),
                        fingerprint: fingerprint.digest, to: directory.csvURL(forWorkload: point.name))
                    progress.finished(label)
                }
            }
        }

        // run.json again, now with how fast each event stream was generated.
        try manifest(fingerprint: fingerprint, files: files, extraNotes: generationNotes).write(to: directory.manifestURL)
        let summary = ReportSummary(reports: try directory.readReport().reports, baselineScheme: configuration.baselineScheme)
        try summary.write(to: directory.summaryURL)
        return summary
    }

    /// Every row of one (point, scheme, table).
    func measure(point: PreparedWorkload, events: [WorkloadEvent], scheme: any DomainIDScheme, table: TableChoice) throws
        -> [ReportRow]
    {
        try measure(point: point, events: events, scheme: scheme, table: table, as: table.table.type)
    }

    /// The same, with the table's type opened (generic code over it).
    private func measure<Table: CacheTagTable>(
        point: PreparedWorkload, events: [WorkloadEvent], scheme: any DomainIDScheme, table: TableChoice,
        as type: Table.Type
    ) throws -> [ReportRow] {
        let makeTable = table.makeTable(type)
        func row(_ metric: String, _ stat: String, _ value: Double, _ unit: String) -> ReportRow {
            ReportRow(
                workload: point.name, scheme: scheme.name, table: table.label, parameters: point.parameters,
                metric: metric, stat: stat, value: value, unit: unit)
        }
        func row(_ metric: Metric, _ value: Double) -> ReportRow {
            row(metric.name, metric.statistics.central, value, metric.unit.rawValue)
        }
        let seeds = point.generatesEvents ? configuration.seeds : [configuration.seed]
        let costModel =
            point.costOverrides.isEmpty
            ? configuration.costModel : try configuration.costModel.overriding(assignments: point.costOverrides, source: "--vary")
        let perSeed: [[MetricValue]]
        do {
            perSeed = try ModeledSeeds.run(
                point: point, firstEvents: events, seeds: seeds, jobs: configuration.jobs, scheme: scheme,
                makeTable: makeTable, costModel: costModel, strictOracle: configuration.strictOracle)
        } catch {
            // Which run failed, not only the event: the user asked for several schemes and tables.
            let at = point.parameters.isEmpty ? "" : " (\(point.parameters.joinedDescription))"
            let strict = configuration.strictOracle ? "--strict-oracle: " : ""
            throw RunError(
                "\(strict)\(point.name)\(at), scheme \(scheme.name), table \(table.label), seeds \(seeds.map(String.init).joined(separator: ",")): \(error)")
        }
        // Modeled times are sums of fractional microseconds: round away float noise (1e-6 µs).
        func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
        var rows: [ReportRow] = []
        if seeds.count == 1 {
            rows = perSeed[0].map { row($0.metric, rounded($0.value)) }
        } else {
            for (metric, samples) in ModeledSeeds.byMetric(perSeed) {
                guard let statistics = SeedStatistics(samples.map(\.value)) else { continue }
                let unit = metric.unit.rawValue
                rows.append(row(metric, rounded(statistics.mean)))
                rows.append(row(metric.name, ReportStat.mean, rounded(statistics.mean), unit))
                rows.append(row(metric.name, ReportStat.stddev, rounded(statistics.standardDeviation), unit))
                rows.append(row(metric.name, ReportStat.ci95Low, rounded(statistics.low), unit))
                rows.append(row(metric.name, ReportStat.ci95High, rounded(statistics.high), unit))
                for sample in samples {
                    rows.append(row(metric.name, ReportStat.seed(seeds[sample.pass]), rounded(sample.value), unit))
                }
            }
        }
        for fixed in point.fixedMetrics where fixed.scheme == scheme.name && fixed.table == table.label {
            rows += fixed.values.map { row($0.metric, $0.value) }
        }
        let measurement = try SoftwarePathTimer.measure(
            events: events, topology: point.topology, scheme: scheme, budget: configuration.budget,
            heapBytes: table.heapBytes, makeTable: makeTable)
        rows += measurement.timings.rows(row)
        if measurement.bytesPerTag > 0 { rows.append(row(Metric.swBytesPerTag, measurement.bytesPerTag)) }
        if let heap = measurement.heapBytes { rows.append(row(Metric.swHeapBytes, Double(heap))) }
        return rows
    }

    /// Generates a point's events three times and keeps the fastest time (the streams are
    /// identical: same seed).
    static func generate(_ point: PreparedWorkload, seed: UInt64) -> ([WorkloadEvent], UInt64) {
        var best = UInt64.max
        var events: [WorkloadEvent] = []
        for _ in 0..<3 {
            let start = MonotonicClock.now()
            events = point.events(seed: seed)
            best = min(best, MonotonicClock.now() &- start)
        }
        return (events, best)
    }

    /// The run.json of this run.
    func manifest(fingerprint: RunFingerprint? = nil, files: [String]? = nil, extraNotes: [String] = []) -> RunManifest {
        var seen = Set<String>()
        var workloads: [RunManifest.Workload] = []
        for point in configuration.points where seen.insert(point.name).inserted {
            let varied = configuration.varied[point.name]
            workloads.append(
                RunManifest.Workload(
                    name: point.name,
                    parameters: Dictionary(
                        point.parameters.filter { $0.name != varied }.map { ($0.name, $0.value) },
                        uniquingKeysWith: { first, _ in first }),
                    varied: varied))
        }
        return RunManifest(
            toolVersion: Self.toolVersion, gitCommit: RunManifest.gitCommit(), swiftVersion: Self.swiftVersion,
            seed: configuration.seed, costModel: configuration.costModel.values,
            hardware: configuration.hardwareSettings,
            commandLine: configuration.commandLine,
            reproduce: "swift run -c release " + ShellQuoting.commandLine(configuration.commandLine),
            workloads: workloads, schemes: configuration.schemes.map(\.name), tables: configuration.tables.map(\.label),
            quick: configuration.quick,
            allocator: configuration.tables.compactMap(\.allocator?.name).first ?? TagAllocator.system.name,
            notes: configuration.notes + [
                "sw.* figures are CPU time of the software path alone, clock overhead subtracted; hw.*, model.* and oracle.* come from the modeled IOMMU and repeat exactly for the same seed."
            ] + extraNotes,
            fingerprint: fingerprint, files: files)
    }

    /// The toolchain: the first line of `swift --version` when a `swift` is on PATH (the one
    /// `swift run` used), else the compiler generation this binary was built with.
    static var swiftVersion: String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0,
                let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.contains("Swift version") })
            {
                return String(line)
            }
        }
        #if compiler(>=6.3)
        return "compiled with Swift 6.3 or later"
        #else
        return "compiled with Swift 6.1 or later"
        #endif
    }
}
