/// One breach of the safety oracle, with a one-line description of what, where and why.
package struct OracleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which of the two rules was broken.
    package enum Kind: String, Hashable, Sendable {
        /// A translation survived the flush that should have removed it.
        case stale
        /// A lookup hit an entry filled for another domain.
        case crossDomain = "cross-domain"
        /// Two live attachments of different domains on one unit carry the same IOTLB tag
        /// (DID, PASID-or-none): their translations alias whether or not a lookup has hit yet.
        case aliasedAttachment = "aliased-attachment"
    }

    /// The rule broken.
    package let kind: Kind
    /// One line: the cache, the entry, the domains involved and the operation that found it.
    package let detail: String

    /// A violation of `kind` described by `detail`.
    package init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `stale: ...` or `cross-domain: ...`, one line.
    package var description: String { "\(kind.rawValue): \(detail)" }
}
