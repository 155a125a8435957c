/// Why descriptors are being submitted, which decides what the oracle checks when they complete.
package enum FlushReason: String, Hashable, Sendable {
    /// `cache_tag_flush_range`: stale-checked over the range.
    case range = "flush-range"
    /// `cache_tag_flush_all`: stale-checked over the whole address space.
    case all = "flush-all"
    /// `cache_tag_flush_range_np` after new mappings: stale-checked over the range.
    case newMappings = "flush-range-np"
    /// The PASID/context-entry tear-down of a detach (`intel_pasid_tear_down_entry`): counted for
    /// collateral, not stale-checked (in lazy mode unmapped pages may legitimately await their flush).
    case teardown = "teardown"
    /// The invalidations after programming a PASID/context entry on a caching-mode unit
    /// (`pasid_flush_caches`, `domain_context_mapping_one`): counted for collateral with the
    /// tear-downs, not stale-checked.
    case setup = "setup"

    /// Whether the oracle checks for stale translations when this flush completes.
    package var checksStaleness: Bool { self != .teardown && self != .setup }

    /// Whether the flush comes from a PASID/context-entry change rather than the cache-tag code.
    package var changesAnEntry: Bool { self == .teardown || self == .setup }
}
