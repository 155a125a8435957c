import VTd

/// The translation type of a cached entry: the PASID-table entry's PGTT field (VT-d spec §9.6,
/// "PASID Granular Translation Type") at the time the entry was filled.
///
/// It decides which invalidations reach the entry (VT-d spec §6.5.2.3 and §6.5.2.4):
/// - a DID-based IOTLB page-selective invalidation drops second-stage entries inside the block,
///   but *every* first-stage and nested entry of the DID whatever its address, because those are
///   tagged by first-stage input address and cannot be matched to a second-stage range;
/// - a PASID-based IOTLB invalidation never drops second-stage entries.
package enum TranslationKind: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// Second-stage only (PGTT 010b): not PASID-tagged.
    case secondStage
    /// First-stage only (PGTT 001b): first-stage paging and SVA domains, PASID-tagged.
    case firstStage
    /// Nested (PGTT 011b): a first-stage child over a second-stage parent, PASID-tagged.
    case nested

    /// The kind of the entries an attachment of a domain of `kind` fills.
    package init(_ kind: DomainKind) {
        switch kind {
        case .secondStage: self = .secondStage
        case .firstStage, .sva: self = .firstStage
        case .nested: self = .nested
        }
    }

    /// Whether entries of this kind carry the attachment's PASID in their tag.
    @inlinable
    package var isPASIDTagged: Bool { self != .secondStage }

    /// The PGTT name.
    package var description: String {
        switch self {
        case .secondStage: "second-stage"
        case .firstStage: "first-stage"
        case .nested: "nested"
        }
    }
}
