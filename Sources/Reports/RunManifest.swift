import Foundation

/// `run.json`: everything needed to trust, compare and reproduce a report directory.
///
/// Measured numbers depend on the host, modeled ones on the seed and the cost model; a chart
/// without those facts cannot be compared with another. The manifest is pretty-printed with
/// sorted keys so two runs diff cleanly, and carries `reproduce`, a shell-ready command line.
package struct RunManifest: Codable, Hashable, Sendable {
    /// `cachetag-bench` version that wrote the reports.
    package var toolVersion: String
    /// `git rev-parse HEAD` of the source tree, or `unknown`.
    package var gitCommit: String
    /// When the run started, ISO 8601 in UTC (kept as text so it round-trips exactly).
    package var date: String
    /// CPU model (`/proc/cpuinfo` "model name"), the context of every measured number.
    package var hostCPU: String
    /// Logical CPUs available to the run.
    package var hostCores: Int
    /// Operating system and kernel.
    package var os: String
    /// `swift --version` of the toolchain that built the tool, or `unknown`.
    package var swiftVersion: String
    /// Seed of every workload generator: same seed, same modeled numbers.
    package var seed: UInt64
    /// The cost model in effect (defaults plus `--cost` overrides), key → value.
    package var costModel: [String: Double]
    /// The modeled hardware (`--hw`, `--hw-file`; the `server` profile by default), key → value;
    /// nil in reports written before hardware profiles existed.
    package var hardware: [String: String]?
    /// The exact argument vector, program name included.
    package var commandLine: [String]
    /// `commandLine` quoted for a POSIX shell: paste it to rerun.
    package var reproduce: String
    /// Workloads run, with their parameters and the swept one.
    package var workloads: [Workload]
    /// Domain-ID schemes run.
    package var schemes: [String]
    /// Cache-tag tables run.
    package var tables: [String]
    /// Whether the quick (reduced repetitions) mode was on: such timings are indicative only.
    package var quick: Bool
    /// Memory allocator in use (e.g. `glibc`), which moves the measured times of allocating tables.
    package var allocator: String
    /// Free-form remarks: warnings raised during the run, deviations from defaults.
    package var notes: [String]
    /// What decided the numbers, and its digest (every workload CSV row carries the digest);
    /// nil in reports written before fingerprints existed, which cannot be resumed.
    package var fingerprint: RunFingerprint?
    /// Every file the run (and `plot` after it) writes in the directory, by name, `run.json`
    /// included: a replacing run removes only these, and readers read only the CSVs among them,
    /// so files a user put there are never deleted or mistaken for report files. Nil in reports
    /// written before the list existed (see `ReportDirectory.ownedFileNames`).
    package var files: [String]?

    enum CodingKeys: String, CodingKey {
        case toolVersion = "tool_version"
        case gitCommit = "git_commit"
        case date
        case hostCPU = "host_cpu"
        case hostCores = "host_cores"
        case os
        case swiftVersion = "swift_version"
        case seed
        case costModel = "cost_model"
        case hardware
        case commandLine = "command_line"
        case reproduce
        case workloads, schemes, tables, quick, allocator, notes, fingerprint, files
    }

    /// Creates a manifest. Host facts default to this machine (`HostFacts.current()`), the date
    /// to now, and `reproduce` to `commandLine` quoted for the shell.
    package init(
        toolVersion: String,
        gitCommit: String = "unknown",
        date: String = RunManifest.timestamp(),
        host: HostFacts = .current(),
        swiftVersion: String = "unknown",
        seed: UInt64,
        costModel: [String: Double] = [:],
        hardware: [String: String]? = nil,
        commandLine: [String],
        reproduce: String? = nil,
        workloads: [Workload] = [],
        schemes: [String] = [],
        tables: [String] = [],
        quick: Bool = false,
        allocator: String = "system",
        notes: [String] = [],
        fingerprint: RunFingerprint? = nil,
        files: [String]? = nil
    ) {
        self.toolVersion = toolVersion
        self.gitCommit = gitCommit
        self.date = date
        self.hostCPU = host.cpu
        self.hostCores = host.cores
        self.os = host.os
        self.swiftVersion = swiftVersion
        self.seed = seed
        self.costModel = costModel
        self.hardware = hardware
        self.commandLine = commandLine
        self.reproduce = reproduce ?? ShellQuoting.commandLine(commandLine)
        self.workloads = workloads
        self.schemes = schemes
        self.tables = tables
        self.quick = quick
        self.allocator = allocator
        self.notes = notes
        self.fingerprint = fingerprint
        self.files = files
    }

    /// `date` spelling: ISO 8601, UTC, whole seconds (e.g. `2025-01-31T12:00:00Z`).
    package static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The JSON text: pretty-printed, keys sorted, trailing newline.
    package func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        var data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Parses `run.json` text; `file` names the file in errors.
    package static func decode(_ data: Data, file: String) throws(ReportError) -> RunManifest {
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch let error as DecodingError {
            throw ReportError(file: file, message: describe(error))
        } catch {
            throw ReportError(file: file, message: "is not valid JSON: \(ReportFileText.reason(error))")
        }
    }

    /// Reads `run.json` from `url`.
    package static func read(from url: URL) throws(ReportError) -> RunManifest {
        let display = ReportFileText.displayPath(url)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReportError(file: display, message: "cannot read: \(ReportFileText.reason(error))")
        }
        return try decode(data, file: display)
    }

    /// Writes `run.json` atomically.
    package func write(to url: URL) throws(ReportError) {
        try AtomicFile.write(encoded(), to: url)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? key.stringValue
            }
            return keys.isEmpty ? "top level" : "key '\(keys.joined(separator: "."))'"
        }
        switch error {
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath, key)): missing"
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(type)"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case let .dataCorrupted(context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "is not a valid run manifest"
        }
    }
}
