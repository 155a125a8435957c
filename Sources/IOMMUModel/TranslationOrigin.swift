/// Where a cached translation came from: the domain it was filled for and the generation of the
/// mapping it copies, so the oracle can tell a live translation from a stale one.
///
/// Generations come from one counter per model, bumped on every `map`, so a page that is unmapped
/// and mapped again gets a new generation and an entry of the old mapping no longer matches.
/// Nested translations copy two mappings: the child's first stage (`generation`) and the parent's
/// second stage (`parentGeneration`); either one changing makes the entry stale.
package struct TranslationOrigin: Hashable, Sendable {
    /// The domain the entry was filled for (compared at hit time for the cross-domain check).
    package var owner: DomainSerial
    /// Generation of the owner's mapping of the page when the entry was filled.
    package var generation: UInt64
    /// For nested translations, the second-stage parent; `.none` otherwise.
    package var parent: DomainSerial
    /// Generation of the parent's mapping of the page (identity guest-physical address), or 0.
    package var parentGeneration: UInt64

    /// An origin; parent fields only for nested translations.
    package init(owner: DomainSerial, generation: UInt64, parent: DomainSerial = .none, parentGeneration: UInt64 = 0) {
        self.owner = owner
        self.generation = generation
        self.parent = parent
        self.parentGeneration = parentGeneration
    }
}
