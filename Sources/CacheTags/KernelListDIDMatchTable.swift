import VTd

/// How a kernel-list table decides that an assigned tag is one it already holds.
enum TagMatching: Hashable, Sendable {
    /// The kernel's rule (`cache_tag_assign`): same type, DID and PASID, and the same unit for
    /// IOTLB types or the same device for device-TLB types.
    case kernel
    /// The rule DID sharing needs: tags whose descriptors are bit-identical in every flush are one
    /// tag with a user count. DID-based IOTLB descriptors carry no PASID, so on one unit every
    /// NESTING_IOTLB tag and every IOTLB tag of a second-stage domain with one DID is one tag,
    /// whatever its PASID (docs/vtd-facts.md §9). PASID-based and device-TLB descriptors name
    /// the PASID and the device, so those tags keep the kernel's identity.
    case descriptor

    /// The identity of `tag` under the rule (only `.descriptor` differs from `tag.key`).
    func key(of tag: CacheTag, domainUsesFirstStage: Bool) -> CacheTag.Key {
        let didBased = tag.type == .nestingIotlb || (tag.type == .iotlb && !domainUsesFirstStage)
        guard self == .descriptor, didBased else { return tag.key }
        return CacheTag.Key(type: .iotlb, target: tag.unit.id.rawValue, domainID: tag.domainID, pasid: .none)
    }
}

/// `kernel-list+did-match`: the kernel's list algorithm with the one change cache.c would need for
/// DIDs shared beyond SVA to save anything: tags that must emit bit-identical descriptors match
/// (`TagMatching.descriptor`). With nested children sharing their parent's DID (`shared-pasid`),
/// the kernel's rule keeps one NESTING_IOTLB tag per child PASID, and each emits the same
/// DID-based descriptor; this rule keeps one. Everything else — node per tag, linear walks,
/// insertion after the unit's last tag, batching, kernel profiles — is `KernelListTable`'s.
///
/// It exists to answer "extend the cache tag code to support sharing domain IDs" (April 2024) in
/// the kernel's own algorithm, so the saving is not confused with the optimized table's.
///
/// Two consequences of merging, stated so no figure is misread:
/// - A merged tag keeps the first tag's list position. Under the NESTING_DEVTLB widening (every
///   kernel profile but `-unwidened`), a later tag that the kernel list would have widened to a
///   domain-selective flush is now flushed at the first one's position, possibly unwidened: part
///   of a widened run's saving is escaping the widening. `--kernel latest-unwidened` shows the
///   saving from merging alone.
/// - Unassigning a tag that was never assigned but matches a merged one (same unit and DID)
///   drops a user of that one, as the kernel's `cache_tag_unassign` would under this rule.
/// - A second-stage domain attached at several PASIDs (or RID and a PASID) on one unit holds one
///   IOTLB tag here, where the kernel list holds one per PASID: this table emits fewer
///   descriptors there too, whatever the DID scheme.
public final class KernelListDIDMatchTable: CacheTagTable {
    public static let name = "kernel-list+did-match"
    public static let summary =
        "the kernel's list with the matching DID sharing needs: tags emitting bit-identical descriptors are one tag"

    let list: KernelListTable

    public convenience init(domainUsesFirstStage: Bool) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, allocator: .system, kernel: .latest)
    }

    public convenience init(domainUsesFirstStage: Bool, allocator: TagAllocator) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, allocator: allocator, kernel: .latest)
    }

    public init(domainUsesFirstStage: Bool, allocator: TagAllocator, kernel: KernelProfile) {
        list = KernelListTable(
            domainUsesFirstStage: domainUsesFirstStage, allocator: allocator, kernel: kernel, matching: .descriptor)
    }

    public func assign(_ tag: CacheTag) { list.assign(tag) }
    public func unassign(_ tag: CacheTag) throws(CacheTagError) { try list.unassign(tag) }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        list.flushRange(range, invalidationHint: invalidationHint, into: &sink)
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int { list.flushAll(into: &sink) }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        list.flushRangeForNewMappings(range, into: &sink)
    }

    public var tagCount: Int { list.tagCount }
    public var countedTags: [CountedCacheTag] { list.countedTags }
    public var footprintBytes: Int { AllocationSize.of(object: self) + list.footprintBytes }
}
