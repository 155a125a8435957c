import Foundation

/// `summary.csv`: every workload's rows in one file, each with its ratio to a baseline scheme.
///
/// The question the project asks is "how does the proposal compare to Linux today" (docs/vtd-facts.md
/// §9), so the summary precomputes each scheme's ratio to `kernel` per (workload, table, parameters, metric, stat). It keeps the
/// report layout (one union of parameter columns) plus a final `ratio_to_baseline` column,
/// empty where the baseline is missing or zero (a ratio to zero means nothing).
package struct ReportSummary: Hashable, Sendable {
    /// The default baseline: Linux today (`kernel`), the scheme the proposal is judged against;
    /// `per-domain` stays a reference row.
    package static let defaultBaselineScheme = "kernel"

    /// The baseline among `schemes` (in run order): `kernel` when present, else the first.
    /// The one rule summary.csv, the printed summary and `compare` share.
    package static func baselineScheme(among schemes: [String]) -> String? {
        schemes.contains(defaultBaselineScheme) ? defaultBaselineScheme : schemes.first
    }
    /// Name of the extra column.
    package static let ratioColumn = "ratio_to_baseline"

    /// One summary line: a report row and its ratio to the baseline.
    package struct Row: Hashable, Sendable {
        /// The report row.
        package var row: ReportRow
        /// `row.value / baseline value`, nil when the baseline is missing or zero.
        package var ratioToBaseline: Double?

        /// Creates a summary row.
        package init(row: ReportRow, ratioToBaseline: Double?) {
            self.row = row
            self.ratioToBaseline = ratioToBaseline
        }
    }

    /// The scheme ratios are computed against.
    package var baselineScheme: String
    /// Parameter columns (the union over workloads, in first-seen order).
    package var parameterNames: [String]
    /// The rows, in input order.
    package var rows: [Row]

    private static let layout = TidyTable(extraColumns: [ratioColumn])

    /// Builds the summary of `reportRows`, computing each ratio against `baselineScheme`.
    package init(rows reportRows: [ReportRow], parameterNames: [String] = [], baselineScheme: String = defaultBaselineScheme) {
        self.baselineScheme = baselineScheme
        self.parameterNames = ReportCSV.union(parameterNames, reportRows)
        var baseline: [BaselineKey: Double] = [:]
        for row in reportRows where row.scheme == baselineScheme {
            baseline[BaselineKey(row)] = row.value
        }
        self.rows = reportRows.map { row in
            Row(row: row, ratioToBaseline: Self.ratio(row.value, to: baseline[BaselineKey(row)]))
        }
    }

    /// Builds the summary of several workload reports (in the given order).
    package init(reports: [ReportCSV], baselineScheme: String = defaultBaselineScheme) {
        self.init(
            rows: reports.flatMap(\.rows), parameterNames: reports.flatMap(\.parameterNames),
            baselineScheme: baselineScheme)
    }

    /// Creates a summary from rows whose ratios are already known (what `decode` reads).
    package init(baselineScheme: String, parameterNames: [String], rows: [Row]) {
        self.baselineScheme = baselineScheme
        self.parameterNames = ReportCSV.union(parameterNames, rows.map(\.row))
        self.rows = rows
    }

    /// `value / baseline`, or nil when there is no baseline or it is zero.
    package static func ratio(_ value: Double, to baseline: Double?) -> Double? {
        guard let baseline, baseline != 0, baseline.isFinite, value.isFinite else { return nil }
        return value / baseline
    }

    /// The CSV text.
    package func encoded() -> String {
        var text = CSVRecordWriter.record(Self.layout.header(parameterNames: parameterNames))
        for item in rows {
            let ratio = item.ratioToBaseline.map(ReportNumber.format) ?? ""
            text += CSVRecordWriter.record(
                Self.layout.cells(of: item.row, parameterNames: parameterNames, extras: [ratio]))
        }
        return text
    }

    /// Parses `summary.csv` text; ratios are taken as written.
    package static func decode(
        _ text: String, file: String, baselineScheme: String = defaultBaselineScheme
    ) throws(ReportError) -> ReportSummary {
        let (parameterNames, decoded) = try layout.decode(text, file: file)
        var rows: [Row] = []
        for item in decoded {
            let cell = item.extras[0]
            var ratio: Double?
            if !cell.text.isEmpty {
                guard let parsed = ReportNumber.parse(cell.text) else {
                    throw ReportError(
                        file: file, line: cell.line, column: ratioColumn,
                        message: "\(ReportError.quoted(cell.text)) is not a number")
                }
                ratio = parsed
            }
            rows.append(Row(row: item.row, ratioToBaseline: ratio))
        }
        return ReportSummary(baselineScheme: baselineScheme, parameterNames: parameterNames, rows: rows)
    }

    /// Reads `summary.csv` from `url`.
    package static func read(from url: URL, baselineScheme: String = defaultBaselineScheme) throws(ReportError) -> ReportSummary {
        try decode(ReportFileText.read(url), file: ReportFileText.displayPath(url), baselineScheme: baselineScheme)
    }

    /// Writes `summary.csv` atomically.
    package func write(to url: URL) throws(ReportError) {
        try AtomicFile.write(Data(encoded().utf8), to: url)
    }

    /// What a row is compared on: everything but the scheme.
    private struct BaselineKey: Hashable {
        var workload: String
        var table: String
        var parameters: [ReportParameter]
        var metric: String
        var stat: String

        init(_ row: ReportRow) {
            workload = row.workload
            table = row.table
            parameters = row.point.canonicalParameters
            metric = row.metric
            stat = row.stat
        }
    }
}
