/// Why a cost override was refused. Each names the key and where it was given (`file:line`, or
/// the command-line assignment), in one line.
package enum CostModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `key` is not a cost parameter.
    case unknownKey(String, location: String, known: [String])
    /// `key` got a value that is not a finite, non-negative number (or not an integer in range).
    case invalidValue(key: String, value: String, reason: String, location: String)
    /// A line or assignment that is not `key=value`.
    case malformed(text: String, location: String)
    /// The override file could not be read.
    case unreadable(file: String, reason: String)

    /// One line: location, key, and what is wrong.
    package var description: String {
        switch self {
        case let .unknownKey(key, location, known):
            "\(location): unknown cost key '\(key)' (known: \(known.joined(separator: ", ")))"
        case let .invalidValue(key, value, reason, location):
            "\(location): cost '\(key)': '\(value)' \(reason)"
        case let .malformed(text, location):
            "\(location): expected key=value, got '\(text)'"
        case let .unreadable(file, reason):
            "\(file): cannot read cost overrides: \(reason)"
        }
    }
}
