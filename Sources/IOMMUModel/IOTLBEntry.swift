/// One valid IOTLB entry: its tag, its translation type and where the translation came from.
public struct IOTLBEntry: Hashable, Sendable, CustomStringConvertible {
    /// What lookups and invalidations match.
    public var tag: IOTLBTag
    /// The translation type, which decides which invalidations reach it.
    public var kind: TranslationKind
    /// The domain and mapping generation(s) it was filled from (the oracle's evidence).
    public var origin: TranslationOrigin

    /// An entry for hand-built caches and fills.
    public init(tag: IOTLBTag, kind: TranslationKind, origin: TranslationOrigin) {
        self.tag = tag
        self.kind = kind
        self.origin = origin
    }

    /// Kind and tag, for violation messages.
    public var description: String { "\(kind) \(tag)" }
}
