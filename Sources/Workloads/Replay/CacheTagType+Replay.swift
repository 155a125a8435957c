import VTd

/// What replay asks of a tag type beyond `CacheTagType` itself.
extension CacheTagType {
    /// Whether the tag sits on a second-stage parent on behalf of a nested child (kernel:
    /// `cache_tag_assign_parent_domain`; docs/vtd-facts.md §1). Such tags carry the child's DID and
    /// PASID, so replay reads them as naming the child, and they bring no attachment of their own.
    var isNesting: Bool { self == .nestingIotlb || self == .nestingDevtlb }

    /// Sort rank: the kernel's `enum cache_tag_type` order (IOTLB, DEVTLB, NESTING_IOTLB,
    /// NESTING_DEVTLB), so tag lists read in the order a trace's types are usually introduced.
    var sortRank: UInt8 { rawValue }
}
