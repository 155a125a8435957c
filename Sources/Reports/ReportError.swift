/// Why a report file could not be read or written, located as precisely as possible.
///
/// `description` is always one line in the compiler style `file:line: column 'name': message`,
/// so a user can jump to the cell in an editor and a test can match it. Location parts that do
/// not apply (a directory error has no line) are left out.
package struct ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file or directory path as the user spelled it.
    package var file: String
    /// 1-based physical line (the header is line 1), when the problem is inside a file.
    package var line: Int?
    /// CSV column name (or `#n` when the header itself is unreadable), when the problem is a cell.
    package var column: String?
    /// What is wrong, one line.
    package var message: String

    /// Creates an error; newlines in `message` are flattened so `description` stays one line.
    package init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line: column 'name': message`, one line.
    package var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let column { text += "column '\(column)': " }
        text += message
        return ReportError.singleLine(text)
    }

    /// Quotes a cell value for a message: escaped so control characters stay visible and the
    /// message stays on one line, shortened when long.
    package static func quoted(_ value: String, limit: Int = 40) -> String {
        var body = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": body += "\\\""
            case "\\": body += "\\\\"
            case "\n": body += "\\n"
            case "\r": body += "\\r"
            case "\t": body += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    body += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    body.unicodeScalars.append(scalar)
                }
            }
        }
        if body.count > limit { body = String(body.prefix(limit)) + "…" }
        return "\"\(body)\""
    }

    private static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
