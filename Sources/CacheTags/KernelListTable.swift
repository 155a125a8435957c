import VTd

/// The Linux driver's cache-tag list, reproduced with its costs: every tag is a separately
/// allocated node on a doubly linked list; assign and unassign match by walking the list; a new
/// tag is linked after the last tag of the same unit (a unit's first tag at the head) so one walk
/// can batch per unit; a flush
/// emits one descriptor per tag (two for devices with the extra-invalidation quirk), in list order,
/// batched 16 at a time and closed at every unit change (drivers/iommu/intel/cache.c,
/// `cache_tag_assign`, `cache_tag_unassign`, `cache_tag_flush_range`, `cache_tag_flush_all`).
///
/// Where kernel versions differ it follows a `KernelProfile` (default `.latest`): submissions per
/// descriptor before `qi_batch`, the whole-space first-stage encoding, flush_all's device-TLB form,
/// and the NESTING_DEVTLB widening every version has (the rest of a range walk widened to
/// everything once a NESTING_DEVTLB tag is met), so a replay can match the kernel's `qi_submit`
/// stream descriptor for descriptor.
///
/// It is the reference the optimized table is differentially tested against, and the baseline
/// it is timed against.
public final class KernelListTable: CacheTagTable {
    public static let name = "kernel-list"
    public static let summary =
        "the kernel's algorithm: a linked list of individually allocated tags, linear match, one descriptor per tag"

    /// One list node: the kernel's `struct cache_tag` with its `users` count.
    struct Node {
        var next: UnsafeMutablePointer<Node>?
        var previous: UnsafeMutablePointer<Node>?
        let tag: CacheTag
        let key: CacheTag.Key
        var users: Int
    }

    private var head: UnsafeMutablePointer<Node>?
    private let domainUsesFirstStage: Bool
    private let allocator: TagAllocator
    /// The kernel version whose behaviour the walks reproduce.
    public let kernel: KernelProfile
    /// How assign and unassign decide that two tags are one (`TagMatching`).
    let matching: TagMatching
    public private(set) var tagCount = 0

    public convenience init(domainUsesFirstStage: Bool) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, allocator: .system, kernel: .latest)
    }

    public convenience init(domainUsesFirstStage: Bool, allocator: TagAllocator) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, allocator: allocator, kernel: .latest)
    }

    /// A table whose nodes come from `allocator` (the allocator axis of reports) and whose walks
    /// behave as `kernel`'s.
    public convenience init(domainUsesFirstStage: Bool, allocator: TagAllocator, kernel: KernelProfile) {
        self.init(domainUsesFirstStage: domainUsesFirstStage, allocator: allocator, kernel: kernel, matching: .kernel)
    }

    /// The same with a tag-matching rule (`KernelListDIDMatchTable` uses `.descriptor`).
    init(domainUsesFirstStage: Bool, allocator: TagAllocator, kernel: KernelProfile, matching: TagMatching) {
        self.domainUsesFirstStage = domainUsesFirstStage
        self.allocator = allocator
        self.kernel = kernel
        self.matching = matching
    }

    /// The identity `assign` and `unassign` match by under the table's rule.
    @inline(__always)
    private func matchKey(_ tag: CacheTag) -> CacheTag.Key {
        matching == .kernel ? tag.key : matching.key(of: tag, domainUsesFirstStage: domainUsesFirstStage)
    }

    deinit {
        var node = head
        while let current = node {
            node = current.pointee.next
            free(current)
        }
    }

    private func free(_ node: UnsafeMutablePointer<Node>) {
        node.deinitialize(count: 1)
        allocator.deallocate(UnsafeMutableRawPointer(node))
    }

    public func assign(_ tag: CacheTag) {
        // Like the kernel, allocate before looking: the common re-assign case pays for it.
        guard let raw = allocator.allocate(MemoryLayout<Node>.stride) else {
            fatalError("out of memory allocating a cache tag")
        }
        let key = matchKey(tag)
        let fresh = raw.bindMemory(to: Node.self, capacity: 1)
        fresh.initialize(to: Node(next: nil, previous: nil, tag: tag, key: key, users: 1))

        var lastOfUnit: UnsafeMutablePointer<Node>?
        var node = head
        while let current = node {
            if current.pointee.key == key {
                current.pointee.users += 1
                free(fresh)
                return
            }
            if current.pointee.tag.unit.id == tag.unit.id { lastOfUnit = current }
            node = current.pointee.next
        }
        // After the unit's last tag; a unit's first tag goes to the head, as the kernel's
        // insertion cursor starts at the list head.
        link(fresh, after: lastOfUnit)
        tagCount += 1
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        let key = matchKey(tag)
        var node = head
        while let current = node {
            if current.pointee.key == key {
                current.pointee.users -= 1
                if current.pointee.users == 0 {
                    unlink(current)
                    free(current)
                    tagCount -= 1
                }
                return
            }
            node = current.pointee.next
        }
        throw CacheTagError.notAssigned(tag.description)
    }

    private func link(_ node: UnsafeMutablePointer<Node>, after predecessor: UnsafeMutablePointer<Node>?) {
        guard let predecessor else {
            node.pointee.next = head
            head?.pointee.previous = node
            head = node
            return
        }
        node.pointee.previous = predecessor
        node.pointee.next = predecessor.pointee.next
        predecessor.pointee.next?.pointee.previous = node
        predecessor.pointee.next = node
    }

    private func unlink(_ node: UnsafeMutablePointer<Node>) {
        if let previous = node.pointee.previous { previous.pointee.next = node.pointee.next } else { head = node.pointee.next }
        node.pointee.next?.pointee.previous = node.pointee.previous
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        walk(scope: .range(AlignedInvalidation(covering: range), invalidationHint: invalidationHint), into: &sink)
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        walk(scope: .all, into: &sink)
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        let block = AlignedInvalidation(covering: range)
        return withInvalidationBatch(into: &sink) { batch, sink in
            var node = head
            while let current = node {
                node = current.pointee.next
                let tag = current.pointee.tag
                guard tag.unit.capabilities.cachingMode, !domainUsesFirstStage else {
                    sink.flushWriteBuffer(of: tag.unit.id)
                    continue
                }
                guard !tag.type.isDeviceTLB else { continue }
                queue(
                    FlushScope.range(block, invalidationHint: false).iotlbDescriptor(
                        for: tag, domainUsesFirstStage: domainUsesFirstStage),
                    for: tag, &batch, &sink)
            }
        }
    }

    /// Queues one descriptor; before `qi_batch` (6.10) each one is its own submission.
    @inline(__always)
    private func queue<Sink: InvalidationSink>(
        _ descriptor: InvalidationDescriptor, for tag: CacheTag, _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        batch.append(descriptor, for: tag.unit.id, into: &sink)
        if !kernel.batchesDescriptors { batch.submit(into: &sink) }
    }

    private func walk<Sink: InvalidationSink>(scope: FlushScope, into sink: inout Sink) -> Int {
        let kernel = kernel
        return withInvalidationBatch(into: &sink) { batch, sink in
            var scope = scope
            var node = head
            while let current = node {
                node = current.pointee.next
                let tag = current.pointee.tag
                if tag.type == .nestingDevtlb && kernel.nestingDeviceTLBWidensWalk { scope = scope.widened }
                if tag.type.isDeviceTLB {
                    let descriptor = scope.deviceTLBDescriptor(
                        for: tag, flushAllUsesPASIDDeviceTLB: kernel.flushAllUsesPASIDDeviceTLB)
                    queue(descriptor, for: tag, &batch, &sink)
                    if tag.device.needsExtraInvalidation { queue(descriptor, for: tag, &batch, &sink) }
                } else {
                    queue(
                        scope.iotlbDescriptor(
                            for: tag, domainUsesFirstStage: domainUsesFirstStage,
                            pasidSelectiveForWholeSpace: kernel.pasidSelectiveForWholeSpace),
                        for: tag, &batch, &sink)
                }
            }
        }
    }

    public var countedTags: [CountedCacheTag] {
        var result: [CountedCacheTag] = []
        var node = head
        while let current = node {
            result.append(CountedCacheTag(tag: current.pointee.tag, users: current.pointee.users))
            node = current.pointee.next
        }
        return result
    }

    /// The table object's own allocation (the per-domain fixed part).
    package var fixedFootprintBytes: Int { AllocationSize.of(object: self) }
    /// Bytes a node asks for.
    package var nodeBytes: Int { MemoryLayout<Node>.stride }

    /// Heap bytes as the allocators hand them out: the table object and every node
    /// (`TagAllocator.usableSize`; `AllocationSize`).
    public var footprintBytes: Int {
        var bytes = fixedFootprintBytes
        var node = head
        while let current = node {
            bytes += allocator.bytes(of: UnsafeMutableRawPointer(current), requested: MemoryLayout<Node>.stride)
            node = current.pointee.next
        }
        return bytes
    }
}
