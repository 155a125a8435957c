/// Why a cost override was refused. Each names the key and where it was given (`file:line`, or
/// the command-line assignment), in one line.
public enum CostModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `key` is not a cost parameter.
    case unknownKey(String, location: String, known: [String])
    /// `key` got a value that is not a finite, non-negative number (or not an integer in range).
    case invalidValue(key: String, value: String, reason: String, location: String)
    /// A line or assignment that is not `key=value`.
    case malformed(text: String, location: String)
    /// The override file could not be read.
    case unreadable(file: String, reason: String)

    /// One line: location, key, and what is wrong.
    public var description: String {
        switch self {
        case .unknownKey(let key, let location, let known):
            "\(location): unknown cost key '\(key)' (known: \(known.joined(separator: ", ")))"
        case .invalidValue(let key, let value, let reason, let location):
            "\(location): cost '\(key)': '\(value)' \(reason)"
        case .malformed(let text, let location):
            "\(location): expected key=value, got '\(text)'"
        case .unreadable(let file, let reason):
            "\(file): cannot read cost overrides: \(reason)"
        }
    }
}
