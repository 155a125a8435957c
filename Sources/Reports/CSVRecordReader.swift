/// One cell of a CSV file with the physical line it starts on, so errors can point at it.
struct CSVField: Hashable, Sendable {
    /// The unquoted cell text.
    var text: String
    /// 1-based physical line where the cell starts.
    var line: Int
}

/// One CSV record (a row; possibly spanning several physical lines through quoted newlines).
struct CSVRecord: Hashable, Sendable {
    /// 1-based physical line where the record starts.
    var line: Int
    /// The cells, left to right.
    var fields: [CSVField]
}

/// A syntax error found while splitting a file into records, before column names are known.
struct CSVSyntaxError: Error, Hashable, Sendable {
    /// 1-based physical line of the offending cell.
    var line: Int
    /// 0-based index of the offending cell in its record, so the caller can name the column.
    var fieldIndex: Int
    /// What is wrong.
    var message: String
}

/// Splits RFC 4180 text into records, strictly.
///
/// Strict because a report that parses "somehow" produces wrong charts silently: a quote inside
/// an unquoted cell, text after a closing quote or a quote left open are errors, located by line
/// and cell. Records may end in LF or CRLF; blank lines are skipped (as pandas does) and a UTF-8
/// byte-order mark is ignored (spreadsheets write one).
enum CSVRecordReader {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// The records of `text`, in file order.
    static func records(in text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let count = bytes.count
        var index = 0
        var line = 1
        var records: [CSVRecord] = []

        /// Consumes one LF, CRLF or lone CR at `index`, counting the line.
        func consumeNewline() {
            if bytes[index] == carriageReturn, index + 1 < count, bytes[index + 1] == lineFeed {
                index += 2
            } else {
                index += 1
            }
            line += 1
        }

        while index < count {
            let recordLine = line
            var fields: [CSVField] = []
            fieldLoop: while true {
                let fieldLine = line
                var cell: [UInt8] = []
                if index < count, bytes[index] == quote {
                    index += 1
                    while true {
                        guard index < count else {
                            throw CSVSyntaxError(
                                line: fieldLine, fieldIndex: fields.count,
                                message: "quoted field is not terminated (no closing quote before end of file)")
                        }
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < count, bytes[index + 1] == quote {
                                cell.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            break
                        }
                        if byte == lineFeed || (byte == carriageReturn && !(index + 1 < count && bytes[index + 1] == lineFeed)) {
                            line += 1
                        }
                        cell.append(byte)
                        index += 1
                    }
                    fields.append(CSVField(text: String(decoding: cell, as: UTF8.self), line: fieldLine))
                    guard index < count else { break fieldLoop }
                    switch bytes[index] {
                    case comma:
                        index += 1
                    case lineFeed, carriageReturn:
                        consumeNewline()
                        break fieldLoop
                    default:
                        throw CSVSyntaxError(
                            line: line, fieldIndex: fields.count - 1,
                            message: "unexpected text after the closing quote (a quote inside a quoted field must be doubled)")
                    }
                } else {
                    while index < count {
                        let byte = bytes[index]
                        if byte == comma || byte == lineFeed || byte == carriageReturn { break }
                        if byte == quote {
                            throw CSVSyntaxError(
                                line: line, fieldIndex: fields.count,
                                message: "quote inside an unquoted field (quote the whole field and double the quote)")
                        }
                        cell.append(byte)
                        index += 1
                    }
                    fields.append(CSVField(text: String(decoding: cell, as: UTF8.self), line: fieldLine))
                    guard index < count else { break fieldLoop }
                    if bytes[index] == comma {
                        index += 1
                    } else {
                        consumeNewline()
                        break fieldLoop
                    }
                }
            }
            let isBlankLine = fields.count == 1 && fields[0].text.isEmpty
            if !isBlankLine { records.append(CSVRecord(line: recordLine, fields: fields)) }
        }
        return records
    }
}
