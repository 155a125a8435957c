/// Errors for values that cannot exist on VT-d hardware. Each names the field and the allowed
/// range so a command line or trace parser can report it in one line.
public enum VTdError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `field` had `value`, outside `allowed`.
    case outOfRange(field: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case let .outOfRange(field, value, allowed):
            return "\(field): \(value) is out of range (allowed: \(allowed))"
        }
    }
}
