import Foundation

/// Incremental sweeps: write each finished point as it completes, and skip finished points on
/// `--resume` (docs/design.md §5).
///
/// Appending rewrites the whole file atomically (old rows + new rows) instead of appending in
/// place: files stay small, and an interruption can then never leave half a row.
extension ReportCSV {
    /// The points that have at least one row in this report.
    package var finishedPoints: Set<ReportPoint> {
        Set(rows.map(\.point))
    }

    /// The finished points of the file at `url`, or none when the file does not exist yet.
    package static func finishedPoints(at url: URL) throws(ReportError) -> Set<ReportPoint> {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try read(from: url).finishedPoints
    }

    /// Adds `newRows`; rows already present for the same points are replaced, so re-running a
    /// point without `--resume` does not duplicate it. Order: kept old rows, then the new ones.
    package mutating func merge(_ newRows: [ReportRow]) {
        let replaced = Set(newRows.map(\.point))
        setRows(rows.filter { !replaced.contains($0.point) } + newRows)
    }

    /// Appends finished rows of one workload to its file at `url` (created when missing),
    /// atomically, and returns the report now on disk. `parameterNames` orders the columns of a
    /// new file; an existing file keeps its column order (new parameters are appended). Every
    /// row of the file belongs to the run `fingerprint` names: a file holding another run's rows
    /// is refused, never merged.
    @discardableResult
    package static func append(
        _ newRows: [ReportRow], workload: String, parameterNames: [String] = [], fingerprint: String? = nil, to url: URL
    ) throws(ReportError) -> ReportCSV {
        let display = ReportFileText.displayPath(url)
        if let stranger = newRows.first(where: { $0.workload != workload }) {
            throw ReportError(
                file: display, column: "workload",
                message: "cannot append a row of workload \(ReportError.quoted(stranger.workload)) to the report of \(ReportError.quoted(workload))")
        }
        var report: ReportCSV
        if FileManager.default.fileExists(atPath: url.path) {
            report = try read(from: url)
            if !report.rows.isEmpty, report.workload != workload {
                throw ReportError(
                    file: display, column: "workload",
                    message: "holds workload \(ReportError.quoted(report.workload)), not \(ReportError.quoted(workload))")
            }
            if !report.rows.isEmpty, report.fingerprint != fingerprint {
                throw ReportError(
                    file: display, line: report.firstRowLine, column: fingerprintColumn,
                    message: "holds rows of run \(report.fingerprint ?? "(none)"), not of this run (\(fingerprint ?? "none")): not merged")
            }
            report.workload = workload
            report.fingerprint = fingerprint
        } else {
            report = ReportCSV(workload: workload, parameterNames: parameterNames, rows: [], fingerprint: fingerprint)
        }
        report.merge(newRows)
        try report.write(to: url)
        return report
    }
}
