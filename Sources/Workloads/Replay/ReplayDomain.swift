import VTd

/// A reconstructed domain.
package struct ReplayDomain: Hashable, Sendable {
    package let id: IOMMUDomainID
    package let kind: DomainKind
    /// Every distinct tag the domain held in the trace (its own, and NESTING tags for a parent).
    package let tags: [TraceTag]
}
