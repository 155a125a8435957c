/// One incarnation of a domain inside the model: a serial number handed out at creation and
/// never reused, so an entry filled for a destroyed domain can never be mistaken for an entry of
/// a later domain that reuses the same `IOMMUDomainID` (the oracle compares serials, not IDs).
public struct DomainSerial: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position of the incarnation in the model's creation order; −1 is `none`.
    public let rawValue: Int32

    /// A serial from its raw value (hand-built entries in tests).
    @inlinable public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// No domain: the parent of a non-nested translation.
    public static let none = DomainSerial(-1)

    /// Creation order.
    @inlinable public static func < (lhs: DomainSerial, rhs: DomainSerial) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "serial \(rawValue)" }
}
