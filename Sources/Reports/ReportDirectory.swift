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
        } else {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw ReportError(
                    file: display, message: "cannot create the report directory: \(ReportFileText.reason(error))")
            }
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

    /// `run.json`.
    package var manifestURL: URL { url.appendingPathComponent(Self.manifestFileName) }

    /// `summary.csv`.
    package var summaryURL: URL { url.appendingPathComponent(Self.summaryFileName) }

    /// The CSV of one workload (see `ReportCSV.fileName(forWorkload:)`).
    package func csvURL(forWorkload workload: String) -> URL {
        url.appendingPathComponent(ReportCSV.fileName(forWorkload: workload))
    }

    /// The workload CSVs present: every visible `*.csv` except `summary.csv`, sorted by name so
    /// that everything derived from them is deterministic.
    package func workloadCSVURLs() throws(ReportError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw ReportError(
                file: ReportFileText.displayPath(url),
                message: "cannot list the report directory: \(ReportFileText.reason(error))")
        }
        return names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") && $0 != Self.summaryFileName }
            .sorted()
            .map { url.appendingPathComponent($0) }
    }

    /// Reads every workload CSV, strictly; the first bad cell aborts with its location.
    package func readWorkloadReports() throws(ReportError) -> [ReportCSV] {
        var reports: [ReportCSV] = []
        for file in try workloadCSVURLs() {
            reports.append(try ReportCSV.read(from: file))
        }
        return reports
    }

    /// What `compare` and `plot` read, the same strict way for both: `run.json` first (nil when
    /// the directory has none, e.g. CSVs copied by hand), then every workload CSV.
    package func readReport() throws(ReportError) -> (manifest: RunManifest?, reports: [ReportCSV]) {
        let manifest = try readManifest()
        return (manifest, try readWorkloadReports())
    }

    /// Reads `run.json`, or nil when the directory has none (e.g. CSVs copied by hand).
    package func readManifest() throws(ReportError) -> RunManifest? {
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { return nil }
        return try RunManifest.read(from: manifestURL)
    }
}
