import Foundation

/// Writes RFC 4180 records: the inverse of `CSVRecordReader`.
///
/// A field is quoted only when it must be (comma, quote, CR, LF) or when it has leading or
/// trailing blanks that some readers would trim; quotes inside are doubled. Records end in LF,
/// which pandas, gnuplot and spreadsheets all accept and which keeps `cut`/`awk` output free of
/// stray carriage returns (the reader accepts CRLF too).
package enum CSVRecordWriter {
    /// One field, quoted if needed.
    static func field(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.first?.isWhitespace == true || text.last?.isWhitespace == true
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record including its terminating LF.
    package static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
