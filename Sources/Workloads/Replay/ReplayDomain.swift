import VTd

/// A reconstructed domain.
public struct ReplayDomain: Hashable, Sendable {
    public let id: IOMMUDomainID
    public let kind: DomainKind
    /// Every distinct tag the domain held in the trace (its own, and NESTING tags for a parent).
    public let tags: [TraceTag]
}
