import Foundation

/// One workload's report file: `workload,scheme,table,<parameters…>,metric,stat,value,unit`,
/// then `fingerprint` (the run's `RunFingerprint` digest, the same in every row) in files written
/// since fingerprints exist.
///
/// One tidy CSV per workload (docs/design.md §5) because each workload has its own parameter columns;
/// a file mixing workloads would need a union of columns mostly left empty. Everything that
/// writes or reads these files goes through this type so the harness, `compare` and `plot`
/// agree on the format, and a damaged file is rejected with its file, line and column.
package struct ReportCSV: Hashable, Sendable {
    /// The workload every row belongs to.
    package var workload: String
    /// Parameter columns, in order. Always includes every parameter some row carries.
    package private(set) var parameterNames: [String]
    /// The rows, in file order.
    package private(set) var rows: [ReportRow]
    /// The digest of the run that wrote every row (`RunFingerprint.digest`); nil for a file
    /// written before fingerprints (no `fingerprint` column).
    package var fingerprint: String?
    /// The line of the first row, where a reader locates a fingerprint that disagrees with
    /// `run.json` (nil for a report built in memory or without rows).
    package private(set) var firstRowLine: Int?

    /// The name of the column that carries `fingerprint`.
    package static let fingerprintColumn = "fingerprint"
    private static let layout = TidyTable(extraColumns: [])
    private static let fingerprintedLayout = TidyTable(extraColumns: [fingerprintColumn])

    /// Creates a report. `parameterNames` fixes the column order; parameters that rows carry
    /// but `parameterNames` does not list are appended in first-seen order, so no value is lost.
    package init(workload: String, parameterNames: [String] = [], rows: [ReportRow], fingerprint: String? = nil) {
        self.workload = workload
        self.parameterNames = Self.union(parameterNames, rows)
        self.rows = rows
        self.fingerprint = fingerprint
    }

    private var layout: TidyTable { fingerprint == nil ? Self.layout : Self.fingerprintedLayout }

    /// The header row.
    package var header: [String] { layout.header(parameterNames: parameterNames) }

    /// The CSV text: header, then one line per row.
    package func encoded() -> String {
        let layout = self.layout
        let extras = fingerprint.map { [$0] } ?? []
        var text = CSVRecordWriter.record(header)
        for row in rows {
            text += CSVRecordWriter.record(layout.cells(of: row, parameterNames: parameterNames, extras: extras))
        }
        return text
    }

    /// Parses CSV text. `file` is used only to name the file in errors. The workload is taken
    /// from the rows, or from the file name when there are none.
    package static func decode(_ text: String, file: String) throws(ReportError) -> ReportCSV {
        let fingerprinted = TidyTable.lastHeaderField(of: text) == fingerprintColumn
        let (parameterNames, decoded) = try (fingerprinted ? fingerprintedLayout : layout).decode(text, file: file)
        let workload = decoded.first?.row.workload ?? Self.workloadName(fromFile: file)
        for item in decoded where item.row.workload != workload {
            throw ReportError(
                file: file, line: item.line, column: "workload",
                message: "\(ReportError.quoted(item.row.workload)) differs from \(ReportError.quoted(workload)) above (one workload per file)")
        }
        var fingerprint: String?
        if fingerprinted {
            // One run per file: a row of another run (another digest) is an error, like another workload.
            for item in decoded {
                let cell = item.extras[0]
                guard !cell.text.isEmpty else {
                    throw ReportError(file: file, line: cell.line, column: fingerprintColumn, message: "is empty")
                }
                if let first = fingerprint, first != cell.text {
                    throw ReportError(
                        file: file, line: cell.line, column: fingerprintColumn,
                        message: "\(ReportError.quoted(cell.text)) differs from \(ReportError.quoted(first)) above (one run per file)")
                }
                fingerprint = cell.text
            }
        }
        var report = ReportCSV(workload: workload, parameterNames: parameterNames, rows: decoded.map(\.row))
        report.fingerprint = fingerprint
        report.firstRowLine = decoded.first?.line
        return report
    }

    /// Reads and parses the file at `url`.
    package static func read(from url: URL) throws(ReportError) -> ReportCSV {
        try decode(ReportFileText.read(url), file: ReportFileText.displayPath(url))
    }

    /// Writes the file atomically (see `AtomicFile`).
    package func write(to url: URL) throws(ReportError) {
        let reserved = Self.fingerprintedLayout.reservedNames
        if let clash = parameterNames.first(where: { reserved.contains($0) || $0.isEmpty }) {
            throw ReportError(
                file: ReportFileText.displayPath(url), column: clash,
                message: "cannot be a parameter name (it is empty or a fixed column)")
        }
        // What the readers reject is never written: a value that could not be computed has no row.
        if let bad = rows.first(where: { !$0.value.isFinite }) {
            throw ReportError(
                file: ReportFileText.displayPath(url), column: "value",
                message: "\(bad.metric) \(bad.stat) of \(bad.scheme)/\(bad.table) is \(ReportNumber.format(bad.value)), not a finite number")
        }
        try AtomicFile.write(Data(encoded().utf8), to: url)
    }

    /// The file name a workload's report uses: its name with characters unsafe in file names
    /// replaced by `_`, plus `.csv`.
    package static func fileName(forWorkload workload: String) -> String {
        let safe = workload.unicodeScalars.map { scalar -> String in
            let isSafe = (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "-" || scalar == "_" || scalar == "."
            return isSafe ? String(scalar) : "_"
        }.joined()
        return (safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe) + ".csv"
    }

    /// The workload name implied by a file path (`reports/x/nested-s2.csv` → `nested-s2`).
    static func workloadName(fromFile file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return base.hasSuffix(".csv") ? String(base.dropLast(4)) : base
    }

    static func union(_ names: [String], _ rows: [ReportRow]) -> [String] {
        var seen = Set<String>()
        // One column per name, even when several workloads' lists name it (a summary's case).
        var result = names.filter { seen.insert($0).inserted }
        for row in rows {
            for parameter in row.parameters where seen.insert(parameter.name).inserted {
                result.append(parameter.name)
            }
        }
        return result
    }

    /// Two reports are equal when their contents are: where the rows were read from is not content.
    package static func == (lhs: ReportCSV, rhs: ReportCSV) -> Bool {
        lhs.workload == rhs.workload && lhs.parameterNames == rhs.parameterNames && lhs.rows == rhs.rows
            && lhs.fingerprint == rhs.fingerprint
    }

    /// Hashes what `==` compares.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(workload)
        hasher.combine(parameterNames)
        hasher.combine(rows)
        hasher.combine(fingerprint)
    }

    /// Replaces the rows (keeping `parameterNames` a superset of what they carry).
    mutating func setRows(_ newRows: [ReportRow]) {
        rows = newRows
        parameterNames = Self.union(parameterNames, newRows)
    }
}
