/// Quoting for a POSIX shell, so `run.json`'s `reproduce` can be pasted as-is.
package enum ShellQuoting {
    /// `word` unchanged when it contains only characters no shell treats specially, otherwise
    /// single-quoted with embedded single quotes written as `'\''`.
    package static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./=:,+@%".unicodeScalars.contains(scalar))
        }
        if plain { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// The words quoted and joined by spaces.
    package static func commandLine(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
