/// The column layout shared by workload CSVs and `summary.csv`, and its strict reading.
///
/// Both files are `workload,scheme,table,<parameters…>,metric,stat,value,unit` followed by
/// zero or more extra columns (`summary.csv` adds `ratio_to_baseline`); keeping one codec makes
/// the two agree on quoting, numbers and error messages.
struct TidyTable {
    /// Fixed columns before the parameters.
    static let leadingColumns = ["workload", "scheme", "table"]
    /// Fixed columns after the parameters.
    static let trailingColumns = ["metric", "stat", "value", "unit"]

    /// Extra columns after `unit`, e.g. `ratio_to_baseline`.
    var extraColumns: [String]

    /// The header for the given parameter columns.
    func header(parameterNames: [String]) -> [String] {
        Self.leadingColumns + parameterNames + Self.trailingColumns + extraColumns
    }

    /// Column names that cannot be parameters because the layout already uses them.
    var reservedNames: Set<String> { Set(Self.leadingColumns + Self.trailingColumns + extraColumns) }

    /// The cells of one row under `parameterNames`; a parameter the row lacks is an empty cell.
    func cells(of row: ReportRow, parameterNames: [String], extras: [String]) -> [String] {
        [row.workload, row.scheme, row.table]
            + parameterNames.map { row.parameters.value(named: $0) ?? "" }
            + [row.metric, row.stat, ReportNumber.format(row.value), row.unit] + extras
    }

    /// A decoded row with the raw extra cells (for the caller to interpret and locate).
    struct DecodedRow {
        var row: ReportRow
        var extras: [CSVField]
        var line: Int
    }

    /// Parses `text`, checking the header and every cell; errors name `file`, line and column.
    func decode(_ text: String, file: String) throws(ReportError) -> (parameterNames: [String], rows: [DecodedRow]) {
        let records: [CSVRecord]
        do {
            records = try CSVRecordReader.records(in: text)
        } catch {
            // The header names columns once it is readable; before that, use the position.
            var columnName = "#\(error.fieldIndex + 1)"
            if error.line > 1, let header = try? CSVRecordReader.records(in: Self.firstLine(of: text)).first,
                error.fieldIndex < header.fields.count
            {
                columnName = header.fields[error.fieldIndex].text
            }
            throw ReportError(file: file, line: error.line, column: columnName, message: error.message)
        }
        guard let headerRecord = records.first else {
            throw ReportError(
                file: file, line: 1,
                message: "empty file: expected the header \(header(parameterNames: ["<parameters>"]).joined(separator: ","))")
        }
        let parameterNames = try parseHeader(headerRecord, file: file)
        let columns = header(parameterNames: parameterNames)
        var rows: [DecodedRow] = []
        rows.reserveCapacity(records.count - 1)
        // One value per (workload, scheme, table, parameters, metric, stat): a second is an error,
        // never "the last one wins".
        var firstLine: [String: Int] = [:]
        for record in records.dropFirst() {
            let decoded = try decodeRow(record, columns: columns, parameterNames: parameterNames, file: file)
            let key = Self.identity(of: decoded.row)
            if let earlier = firstLine.updateValue(decoded.line, forKey: key) {
                throw ReportError(
                    file: file, line: decoded.line, column: "stat",
                    message: "repeats line \(earlier) (same workload, scheme, table, parameters, metric and stat)")
            }
            rows.append(decoded)
        }
        return (parameterNames, rows)
    }

    /// What makes a row one value: everything but the value and the unit.
    private static func identity(of row: ReportRow) -> String {
        var key = row.workload + "\u{1}" + row.scheme + "\u{1}" + row.table
        for parameter in row.parameters { key += "\u{1}" + parameter.name + "=" + parameter.value }
        return key + "\u{1}" + row.metric + "\u{1}" + row.stat
    }

    /// The last field of the header when it can be read (how a reader tells which optional
    /// trailing column a file has before choosing the layout).
    static func lastHeaderField(of text: String) -> String? {
        (try? CSVRecordReader.records(in: firstLine(of: text)))?.first?.fields.last?.text
    }

    private static func firstLine(of text: String) -> String {
        String(text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" })
    }

    private func parseHeader(_ record: CSVRecord, file: String) throws(ReportError) -> [String] {
        let names = record.fields.map(\.text)
        let expected = header(parameterNames: ["<parameters>"]).joined(separator: ",")
        func fail(_ column: String, _ message: String) -> ReportError {
            ReportError(file: file, line: record.line, column: column, message: message)
        }
        for required in Self.leadingColumns + Self.trailingColumns + extraColumns where !names.contains(required) {
            throw fail(required, "missing from the header (expected \(expected))")
        }
        var seen: Set<String> = []
        for name in names {
            if name.isEmpty { throw fail("#\(seen.count + 1)", "empty column name in the header") }
            if !seen.insert(name).inserted { throw fail(name, "appears twice in the header") }
        }
        for (offset, required) in Self.leadingColumns.enumerated() where names[offset] != required {
            throw fail(required, "must be column \(offset + 1) of the header (expected \(expected))")
        }
        let tail = Self.trailingColumns + extraColumns
        let tailStart = names.count - tail.count
        for (offset, required) in tail.enumerated() where names[tailStart + offset] != required {
            throw fail(required, "must be column \(tailStart + offset + 1) of the header (expected \(expected))")
        }
        return Array(names[Self.leadingColumns.count..<tailStart])
    }

    private func decodeRow(
        _ record: CSVRecord, columns: [String], parameterNames: [String], file: String
    ) throws(ReportError) -> DecodedRow {
        let fields = record.fields
        if fields.count < columns.count {
            throw ReportError(
                file: file, line: record.line, column: columns[fields.count],
                message: "missing: the row has \(fields.count) fields, the header has \(columns.count)")
        }
        if fields.count > columns.count {
            throw ReportError(
                file: file, line: fields[columns.count].line, column: columns[columns.count - 1],
                message: "the row has \(fields.count) fields, the header has \(columns.count) (extra field after this column)")
        }
        func required(_ index: Int) throws(ReportError) -> String {
            let field = fields[index]
            guard !field.text.isEmpty else {
                throw ReportError(file: file, line: field.line, column: columns[index], message: "is empty")
            }
            return field.text
        }
        let workload = try required(0)
        let scheme = try required(1)
        let table = try required(2)
        var parameters: [ReportParameter] = []
        for (offset, name) in parameterNames.enumerated() {
            let text = fields[3 + offset].text
            if !text.isEmpty { parameters.append(ReportParameter(name: name, value: text)) }
        }
        let base = 3 + parameterNames.count
        let metric = try required(base)
        let stat = try required(base + 1)
        let valueField = fields[base + 2]
        guard let value = ReportNumber.parse(valueField.text) else {
            throw ReportError(
                file: file, line: valueField.line, column: "value",
                message: "\(ReportError.quoted(valueField.text)) is not a number")
        }
        guard value.isFinite else {
            throw ReportError(
                file: file, line: valueField.line, column: "value",
                message: "\(ReportError.quoted(valueField.text)) is not a finite number (a report holds measured or modeled values only)")
        }
        let unit = fields[base + 3].text
        // A count is never negative; the lower end of its 95% interval over seeds may be (a mean
        // of 0.4 with a wide spread), so `ci95_low` alone is exempt.
        if unit == "count" && value < 0 && stat != ReportStat.ci95Low {
            throw ReportError(
                file: file, line: valueField.line, column: "value",
                message: "\(ReportError.quoted(valueField.text)) is a negative count")
        }
        let row = ReportRow(
            workload: workload, scheme: scheme, table: table, parameters: parameters,
            metric: metric, stat: stat, value: value, unit: unit)
        return DecodedRow(row: row, extras: Array(fields[(base + 4)...]), line: record.line)
    }
}
