import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A report directory, `reports/<name>/`: one CSV per workload, `run.json`, `summary.csv`, and
/// after `plot` the charts (docs/design.md §5).
///
/// Knowing the file names in one place lets the harness, `compare` and `plot` find each other's
/// output, and lets a run fail up front, with one clear line, when the directory is not writable
/// rather than after a minute of measuring.
package struct ReportDirectory: Hashable, Sendable {
    /// The directory.
    package var url: URL

    /// File name of the run manifest.
    package static let manifestFileName = "run.json"
    /// File name of the cross-workload summary.
    package static let summaryFileName = "summary.csv"

    /// Wraps an existing (or to-be-created) directory without touching the file system.
    package init(url: URL) {
        self.url = url
    }

    /// Creates the directory (and its parents) if needed and checks that files can be created
    /// in it, so a read-only or mistyped path fails before any work is done.
    @discardableResult
    package static func create(at url: URL) throws(ReportError) -> ReportDirectory {
        let display = ReportFileText.displayPath(url)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ReportError(file: display, message: "cannot use as a report directory: a file of that name exists")
            }
        } else if let (path, code) = makeDirectories(url.path) {
            // A sentence naming the path that failed, not Foundation's "error 512".
            let reason = code == ENOTDIR || code == EEXIST
                ? "\(path) is a file, not a directory" : "\(path): \(ReportFileText.strerrorText(code) ?? "error \(code)")"
            throw ReportError(file: display, message: "cannot create the report directory: \(reason)")
        }
        let probe = url.appendingPathComponent(".write-test.\(getpid())").path
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = ReportFileText.strerrorText(errno) ?? "error \(errno)"
            throw ReportError(file: display, message: "report directory is not writable: \(reason)")
        }
        close(descriptor)
        unlink(probe)
        return ReportDirectory(url: url)
    }

    /// `mkdir -p`: creates `path` and its missing parents; on failure, the path that could not be
    /// made (or the file in its way) and the errno.
    private static func makeDirectories(_ path: String) -> (String, Int32)? {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR { return (prefix, ENOTDIR) }
                continue
            }
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { return (prefix, errno) }
        }
        return nil
    }

    /// `run.json`.
    package var manifestURL: URL { url.appendingPathComponent(Self.manifestFileName) }

    /// `summary.csv`.
    package var summaryURL: URL { url.appendingPathComponent(Self.summaryFileName) }

    /// The CSV of one workload (see `ReportCSV.fileName(forWorkload:)`).
    package func csvURL(forWorkload workload: String) -> URL {
        url.appendingPathComponent(ReportCSV.fileName(forWorkload: workload))
    }

    /// The names in the directory, sorted (hidden ones included; callers filter).
    package func fileNames() throws(ReportError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        } catch {
            throw ReportError(
                file: ReportFileText.displayPath(url),
                message: "cannot list the report directory: \(ReportFileText.reason(error))")
        }
    }

    /// The workload CSVs a reader reads, sorted by name so everything derived from them is
    /// deterministic: those `run.json` lists (`RunManifest.files`) that exist; for a report
    /// written before the list, its workloads' CSVs; with no `run.json` (CSVs copied by hand),
    /// every visible `*.csv`. Never `summary.csv`, never a file the run did not write.
    package func workloadCSVURLs(manifest: RunManifest?) throws(ReportError) -> [URL] {
        let present = try fileNames()
        let candidates: [String]
        if let manifest {
            let owned = Set(try ownedFileNames(manifest: manifest))
            candidates = present.filter { owned.contains($0) && $0.hasSuffix(".csv") }
        } else {
            candidates = present.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }
        }
        return candidates.filter { $0 != Self.summaryFileName }.map { url.appendingPathComponent($0) }
    }

    /// The files of this directory a run or `plot` wrote, by name (present or not): `run.json`'s
    /// `files`, or for a report written before that list, what such a run wrote (`run.json`,
    /// `summary.csv`, `index.html`, its workloads' CSVs and their `<workload>-*.svg` charts).
    package func ownedFileNames(manifest: RunManifest) throws(ReportError) -> [String] {
        // Plain names only: an edited run.json listing "", "..", "sub/x" or the lock file must
        // never make a replacing run delete the directory, a parent's file or the lock.
        if let files = manifest.files { return files.filter(Self.isReportFileName) }
        let bases = manifest.workloads.map { ReportCSV.fileName(forWorkload: $0.name).dropLast(4) }
        let charts = try fileNames().filter { name in
            name.hasSuffix(".svg") && bases.contains { name.hasPrefix($0 + "-") }
        }
        return [Self.manifestFileName, Self.summaryFileName, "index.html"] + bases.map { $0 + ".csv" } + charts
    }

    /// A name a report file can have: not empty, not hidden (the lock, temporary files), no `/` or NUL.
    static func isReportFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.utf8.contains(0)
    }

    /// What `compare`, `plot` and a run's summary read, the same strict way for all: `run.json`
    /// first (nil when the directory has none, e.g. CSVs copied by hand), then the workload CSVs
    /// (`workloadCSVURLs(manifest:)`), each checked against `run.json`: a row of a workload it
    /// does not list, or of another run (its `fingerprint` differs), is an error naming the file,
    /// line and column, never a silent mix.
    package func readReport() throws(ReportError) -> (manifest: RunManifest?, reports: [ReportCSV]) {
        let manifest = try readManifest()
        return (manifest, try readWorkloadReports(manifest: manifest))
    }

    /// The workload CSVs of the report `manifest` (already read: `readReport`, a resumed run)
    /// describes, read and checked as `readReport` says.
    package func readWorkloadReports(manifest: RunManifest?) throws(ReportError) -> [ReportCSV] {
        var reports: [ReportCSV] = []
        var firstRun: (fingerprint: String, file: String)?
        for file in try workloadCSVURLs(manifest: manifest) {
            let report = try ReportCSV.read(from: file)
            let display = ReportFileText.displayPath(file)
            if let manifest {
                try Self.check(report, file: display, against: manifest)
            } else if let fingerprint = report.fingerprint {
                // No run.json to compare with: the CSVs must at least be of one run.
                if let firstRun, firstRun.fingerprint != fingerprint {
                    throw ReportError(
                        file: display, line: report.firstRowLine, column: ReportCSV.fingerprintColumn,
                        message: "\(ReportError.quoted(fingerprint)) differs from \(firstRun.file)'s \(ReportError.quoted(firstRun.fingerprint)): CSVs of two runs in one directory")
                }
                firstRun = firstRun ?? (fingerprint, display)
            }
            reports.append(report)
        }
        return reports
    }

    /// A CSV's rows must be of a workload and the run `run.json` describes.
    static func check(_ report: ReportCSV, file: String, against manifest: RunManifest) throws(ReportError) {
        guard !report.rows.isEmpty else { return }
        let names = manifest.workloads.map(\.name)
        if !names.contains(report.workload) {
            throw ReportError(
                file: file, line: report.firstRowLine, column: "workload",
                message: "\(ReportError.quoted(report.workload)) is not a workload of run.json (\(names.joined(separator: ", ")))")
        }
        let expected = manifest.fingerprint?.digest
        guard report.fingerprint != expected else { return }
        let column = ReportCSV.fingerprintColumn
        guard let found = report.fingerprint else {
            throw ReportError(
                file: file, line: 1, column: column,
                message: "missing from the header: run.json has fingerprint \(expected ?? ""), so its rows carry it (a file of another run)")
        }
        throw ReportError(
            file: file, line: report.firstRowLine, column: column,
            message: "\(ReportError.quoted(found)) is not the run of run.json (\(expected ?? "no fingerprint")): a file of another run")
    }

    /// Reads `run.json`, or nil when the directory has none (e.g. CSVs copied by hand).
    package func readManifest() throws(ReportError) -> RunManifest? {
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { return nil }
        return try RunManifest.read(from: manifestURL)
    }
}
