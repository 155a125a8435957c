/// One incarnation of a domain inside the model: a serial number handed out at creation and
/// never reused, so an entry filled for a destroyed domain can never be mistaken for an entry of
/// a later domain that reuses the same `IOMMUDomainID` (the oracle compares serials, not IDs).
package struct DomainSerial: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position of the incarnation in the model's creation order; −1 is `none`.
    package let rawValue: Int32

    /// A serial from its raw value (hand-built entries in tests).
    @inlinable package init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// No domain: the parent of a non-nested translation.
    package static let none = DomainSerial(-1)

    /// Creation order.
    @inlinable package static func < (lhs: DomainSerial, rhs: DomainSerial) -> Bool { lhs.rawValue < rhs.rawValue }

    package var description: String { "serial \(rawValue)" }
}
