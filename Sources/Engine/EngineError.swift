import IOMMUModel

/// Why a run stopped. Attach failures from DID exhaustion are not errors (they are counted);
/// these are event streams that contradict themselves, oracle violations in strict mode, and
/// impossible configurations. Each is one line.
package enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Event number `eventIndex` (0-based, in the order applied) was refused.
    case rejected(eventIndex: Int, event: String, reason: String)
    /// A strict-mode oracle violation, at event `eventIndex`.
    case oracle(eventIndex: Int, OracleViolation)
    /// The model could not be built (cache geometry, topology).
    case configuration(String)

    /// One line: the event index, the event and the reason.
    package var description: String {
        switch self {
        case let .rejected(index, event, reason): "event \(index) (\(event)): \(reason)"
        case let .oracle(index, violation): "event \(index): oracle violation: \(violation)"
        case let .configuration(reason): "engine configuration: \(reason)"
        }
    }
}
