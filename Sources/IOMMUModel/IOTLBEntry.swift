/// One valid IOTLB entry: its tag, its translation type and where the translation came from.
package struct IOTLBEntry: Hashable, Sendable, CustomStringConvertible {
    /// What lookups and invalidations match.
    package var tag: IOTLBTag
    /// The translation type, which decides which invalidations reach it.
    package var kind: TranslationKind
    /// The domain and mapping generation(s) it was filled from (the oracle's evidence).
    package var origin: TranslationOrigin

    /// An entry for hand-built caches and fills.
    package init(tag: IOTLBTag, kind: TranslationKind, origin: TranslationOrigin) {
        self.tag = tag
        self.kind = kind
        self.origin = origin
    }

    /// Kind and tag, for violation messages.
    package var description: String { "\(kind) \(tag)" }
}
