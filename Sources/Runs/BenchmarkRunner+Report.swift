import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Reports

/// What a run does to the report directory it finds before measuring (docs/design.md §5): the
/// tool owns only the files a `run.json` lists, replaces them on a fresh run, continues them on
/// `--resume` only when the fingerprints agree, and refuses, before any work, to overwrite a
/// file it did not write.
extension BenchmarkRunner {
    /// The directory made ready for a run: what `run()` skips and what its run.json lists.
    struct PreparedReport {
        /// Points already in the report (resume only), by workload.
        var finished: [String: Set<ReportPoint>] = [:]
        /// The files run.json lists from now on: this run's, then those of the resumed report.
        var files: [String] = []
    }

    /// The files a run writes: `run.json`, each workload's CSV, `summary.csv`.
    static func plannedFileNames(_ configuration: RunConfiguration) -> [String] {
        var names = [ReportDirectory.manifestFileName]
        for point in configuration.points {
            let name = ReportCSV.fileName(forWorkload: point.name)
            if !names.contains(name) { names.append(name) }
        }
        return names + [ReportDirectory.summaryFileName]
    }

    /// Replaces or resumes the report in `directory`, as `configuration.resume` says.
    static func prepare(
        _ directory: ReportDirectory, for configuration: RunConfiguration, fingerprint: RunFingerprint
    ) throws -> PreparedReport {
        let planned = plannedFileNames(configuration)
        guard configuration.resume, let previous = try directory.readManifest() else {
            try replaceReport(in: directory, writing: planned)
            return PreparedReport(files: planned)
        }
        try checkResumable(previous, by: fingerprint, manifestPath: ReportFileText.displayPath(directory.manifestURL))
        let owned = try directory.ownedFileNames(manifest: previous)
        try refuseForeignFiles(planned, owned: owned, in: directory)
        var prepared = PreparedReport(files: planned + owned.filter { !planned.contains($0) })
        for report in try directory.readWorkloadReports(manifest: previous) {
            prepared.finished[report.workload, default: []].formUnion(report.finishedPoints)
        }
        return prepared
    }

    /// Before a fresh run that writes `planned`: refuses, before any work, when one of `planned`
    /// is a file the previous report did not write, then removes that report's files (those its
    /// run.json lists).
    package static func replaceReport(in directory: ReportDirectory, writing planned: [String]) throws {
        let previous: RunManifest?
        do {
            previous = try directory.readManifest()
        } catch {
            throw ReportError(
                file: error.file, line: error.line, column: error.column,
                message: "\(error.message); it decides which files here are the report's, so move or delete it to start a new report in this directory")
        }
        // Refuse first, remove after: a refused run leaves the old report as it was.
        let owned = try previous.map { try directory.ownedFileNames(manifest: $0) } ?? []
        try refuseForeignFiles(planned, owned: owned, in: directory)
        try remove(owned, from: directory)
    }

    /// Throws when a file of `planned` exists but is not in `owned`: the user's, left alone.
    static func refuseForeignFiles(_ planned: [String], owned: [String], in directory: ReportDirectory) throws {
        let present = Set(try directory.fileNames())
        for name in planned where present.contains(name) && !owned.contains(name) {
            throw ReportError(
                file: ReportFileText.displayPath(directory.url.appendingPathComponent(name)),
                message: "exists and is not a file of this report (no run.json here lists it): move it away or choose another --out")
        }
    }

    /// `--resume` continues only the same run: one line naming every setting that differs.
    static func checkResumable(_ previous: RunManifest, by fingerprint: RunFingerprint, manifestPath: String) throws {
        guard let old = previous.fingerprint else {
            throw ReportError(
                file: manifestPath,
                message: "--resume: the report was written before run fingerprints existed, so it cannot be checked; rerun without --resume to replace it")
        }
        let differences = old.differences(from: fingerprint)
        guard differences.isEmpty else {
            throw ReportError(
                file: manifestPath,
                message: "--resume: refused, the report is of another run: \(differences.joined(separator: "; ")); rerun without --resume to replace it, or use another --out")
        }
    }

    /// Removes the named regular files of `directory` that exist (what an earlier run or plot
    /// wrote; `ownedFileNames` has already dropped names that are not plain file names). A
    /// directory or a link of that name is left alone: a report never holds one.
    static func remove(_ names: [String], from directory: ReportDirectory) throws {
        let manager = FileManager.default
        for name in names {
            let url = directory.url.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            do {
                try manager.removeItem(at: url)
            } catch {
                throw ReportError(
                    file: ReportFileText.displayPath(url), message: "cannot remove the previous report's file: \(ReportFileText.reason(error))")
            }
        }
    }
}
