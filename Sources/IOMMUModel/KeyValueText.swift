/// One `key=value` assignment of a settings file or option, and where it was written.
package struct KeyValueAssignment: Hashable, Sendable {
    package let key: String
    package let value: String
    /// `file:line`, or `--option assignment N`: what errors name.
    package let location: String

    package init(key: String, value: String, location: String) {
        self.key = key
        self.value = value
        self.location = location
    }
}

/// The `key=value` syntax shared by `--cost-file`/`--cost` and `--hw-file`/`--hw`: one
/// assignment per line, `#` starts a comment, blank lines are skipped, any line ending (LF, CRLF
/// or CR) ends a line, and whitespace around key and value is ignored.
package enum KeyValueText {
    /// The assignments of a file's text; a line that is not `key=value` is reported through
    /// `malformed(text, location)`.
    package static func assignments<Failure: Error>(
        fileText: String, file: String, malformed: (String, String) -> Failure
    ) throws(Failure) -> [KeyValueAssignment] {
        var result: [KeyValueAssignment] = []
        var lineNumber = 0
        // `Character.isNewline` treats CR-LF as one line end, so a Windows file numbers its lines right.
        for rawLine in fileText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let text = trimmed(line)
            guard !text.isEmpty else { continue }
            result.append(try split(Substring(text), location: "\(file):\(lineNumber)", malformed: malformed))
        }
        return result
    }

    /// The assignments of repeated options (`--cost a=1 --cost b=2`), located as `source assignment N`.
    package static func assignments<Failure: Error>(
        _ texts: [String], source: String, malformed: (String, String) -> Failure
    ) throws(Failure) -> [KeyValueAssignment] {
        var result: [KeyValueAssignment] = []
        for (index, text) in texts.enumerated() {
            result.append(try split(Substring(text), location: "\(source) assignment \(index + 1)", malformed: malformed))
        }
        return result
    }

    private static func split<Failure: Error>(
        _ text: Substring, location: String, malformed: (String, String) -> Failure
    ) throws(Failure) -> KeyValueAssignment {
        guard let equals = text.firstIndex(of: "=") else { throw malformed(String(text), location) }
        let key = trimmed(text[..<equals])
        guard !key.isEmpty else { throw malformed(String(text), location) }
        return KeyValueAssignment(key: key, value: trimmed(text[text.index(after: equals)...]), location: location)
    }

    /// `text` without leading and trailing whitespace (spaces, tabs, line ends).
    static func trimmed(_ text: Substring) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}
