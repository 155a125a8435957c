import VTd

/// A domain's cache-tag table: the set of tags its mapping changes must invalidate, and the walk
/// that turns a flush into invalidation descriptors (Linux: `domain->cache_tags` and the
/// `cache_tag_*` functions of drivers/iommu/intel/cache.c).
///
/// Tables are reference types: one per domain, mutated in place by attach and detach.
/// Implementations must produce the same *effects* (the same set of descriptors per flush,
/// duplicates aside) so they can be compared on cost alone; the differential tests hold them to it.
///
/// The flushes are generic over the sink, and a generic method of another module runs
/// unspecialized. Each table therefore marks its flushes
/// `@_specialize(exported: true, where Sink == DescriptorBufferSink)` — a caller in another module
/// that knows the table type calls the walk specialized for the timing ring — and
/// `@_specialize(where Sink == DescriptorBufferSink)` — a generic caller (the directory, the run
/// harness's opened registry types) enters the generic method, whose first act is a type check that
/// jumps to that same specialized walk.
public protocol CacheTagTable: AnyObject {
    /// A stable name for reports and the command line.
    static var name: String { get }
    /// One line on what the table is and why it exists.
    static var summary: String { get }

    /// An empty table for a domain; `domainUsesFirstStage` selects PASID-based IOTLB descriptors
    /// for the domain's own IOTLB tags (Linux `domain->use_first_level`).
    init(domainUsesFirstStage: Bool)
    /// The same, with tag nodes from `allocator` for tables that allocate a node per tag (the
    /// kernel list); others ignore it (the default).
    init(domainUsesFirstStage: Bool, allocator: TagAllocator)
    /// The same, for a table that follows a kernel version's behaviour (`KernelListTable`);
    /// the others ignore `kernel` (the default): they emit the minimal set in the newest encodings.
    init(domainUsesFirstStage: Bool, allocator: TagAllocator, kernel: KernelProfile)

    /// Adds a reference to `tag`, creating it on first use (`cache_tag_assign`).
    func assign(_ tag: CacheTag)
    /// Drops a reference to `tag`, removing it at zero (`cache_tag_unassign`).
    func unassign(_ tag: CacheTag) throws(CacheTagError)

    /// Invalidates `range` everywhere the domain's translations may be cached
    /// (`cache_tag_flush_range`). Returns the number of descriptors emitted.
    @discardableResult
    func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink) -> Int
    /// Invalidates everything the domain may have cached (`cache_tag_flush_all`).
    @discardableResult
    func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int
    /// After new mappings: only units in caching mode need an IOTLB flush for second-stage
    /// domains; others get a write-buffer flush (`cache_tag_flush_range_np`).
    @discardableResult
    func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int

    /// Distinct tags held.
    var tagCount: Int { get }
    /// Every tag with its reference count, in walk order.
    var countedTags: [CountedCacheTag] { get }
    /// Bytes the table's own storage occupies now (nodes, arrays, index), for bytes-per-tag.
    var footprintBytes: Int { get }
}

extension CacheTagTable {
    public init(domainUsesFirstStage: Bool, allocator: TagAllocator) {
        self.init(domainUsesFirstStage: domainUsesFirstStage)
    }

    public init(domainUsesFirstStage: Bool, allocator: TagAllocator, kernel: KernelProfile) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, allocator: allocator)
    }
}

/// Errors a table reports to its caller.
public enum CacheTagError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `unassign` found no matching tag: the caller's attach/detach bookkeeping is broken.
    case notAssigned(String)

    public var description: String {
        switch self {
        case let .notAssigned(tag): "unassign: no cache tag matches \(tag)"
        }
    }
}
