/// Errors a workload or trace reports; each is one line naming what is wrong and where.
package enum WorkloadError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownWorkload(String, known: [String])
    case unknownParameter(workload: String, name: String, known: [String])
    case invalidValue(workload: String, name: String, value: String, allowed: String)
    case impossibleTopology(String)
    /// A trace line that cannot be read: file, 1-based line, field, what is wrong.
    case malformedTrace(file: String, line: Int, field: String, reason: String)
    case unreadable(file: String, reason: String)

    package var description: String {
        switch self {
        case let .unknownWorkload(name, known):
            "unknown workload '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .unknownParameter(workload, name, known):
            "\(workload): unknown parameter '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .invalidValue(workload, name, value, allowed):
            "\(workload): parameter '\(name)': '\(value)' is not allowed (allowed: \(allowed))"
        case let .impossibleTopology(reason):
            "impossible topology: \(reason)"
        case let .malformedTrace(file, line, field, reason):
            "\(file):\(line): field '\(field)': \(reason)"
        case let .unreadable(file, reason):
            "\(file): \(reason)"
        }
    }
}
