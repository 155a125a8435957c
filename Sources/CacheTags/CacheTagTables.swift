import VTd

/// The table registry: every `CacheTagTable` this package ships, with what it is for.
///
/// The command line (`--table`, `list`), the run harness, the perf suite, the micro benchmarks
/// and the tests (behaviour, differential) all read this one list: adding a table is its own
/// file plus one line here (README "Extending").
public enum CacheTagTables {
    /// Every table, the kernel's own algorithm first.
    public static let all: [CacheTagTableDescriptor] = [
        CacheTagTableDescriptor(KernelListTable.self, traits: [.runnable, .kernelAlgorithm, .nodeAllocator]),
        CacheTagTableDescriptor(
            KernelListDIDMatchTable.self, traits: [.runnable, .nodeAllocator, .dropsDuplicateDescriptors, .mergesTags]),
        CacheTagTableDescriptor(GroupedArrayTable.self, traits: [.runnable, .dropsDuplicateDescriptors]),
        CacheTagTableDescriptor(SMMUInvsTable.self, traits: [.runnable, .dropsDuplicateDescriptors, .mergesTags]),
        CacheTagTableDescriptor(
            ConcurrentGroupedTable.self, traits: [.dropsDuplicateDescriptors, .lockFreeFlushes, .perfVariant]),
        CacheTagTableDescriptor(LockedGroupedTable.self, traits: [.dropsDuplicateDescriptors, .lockedControl]),
    ]

    /// The table called `name`, or nil.
    public static func named(_ name: String) -> CacheTagTableDescriptor? { all.first { $0.name == name } }

    /// The tables a run, a replay or the suite can put on its table axis (`--table`).
    public static var runnable: [CacheTagTableDescriptor] { all.filter { $0.traits.contains(.runnable) } }

    /// The kernel's algorithm: the reference every other table is differentially tested against.
    public static var kernel: CacheTagTableDescriptor { all.first { $0.traits.contains(.kernelAlgorithm) }! }
}

/// One entry of the table registry: the implementing type, its name and summary (from the type)
/// and its traits.
public struct CacheTagTableDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// What a table is for; callers select tables by trait, never by name.
    public struct Traits: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// On the table axis of `run`, `replay` and the suite (modeled and timed).
        public static let runnable = Traits(rawValue: 1 << 0)
        /// The kernel's own list algorithm (drivers/iommu/intel/cache.c), duplicates and all: the
        /// differential tests' reference.
        public static let kernelAlgorithm = Traits(rawValue: 1 << 1)
        /// Takes a node allocator (`--allocator system,jemalloc`).
        public static let nodeAllocator = Traits(rawValue: 1 << 2)
        /// Emits each bit-identical descriptor of a flush once (the differential test compares it
        /// with the kernel list's output with exact duplicates removed).
        public static let dropsDuplicateDescriptors = Traits(rawValue: 1 << 3)
        /// Flushes read a published layout without a lock while attach/detach write.
        public static let lockFreeFlushes = Traits(rawValue: 1 << 4)
        /// A variant of the perf suite and the micro benchmarks besides the runnable tables.
        public static let perfVariant = Traits(rawValue: 1 << 5)
        /// The locked control of the concurrency measurement (one mutex for flushes and writers).
        public static let lockedControl = Traits(rawValue: 1 << 6)
        /// Keeps one entry for tags whose descriptors are the same (SMMUv3's merged entries), so
        /// `tagCount` may be below the kernel list's.
        public static let mergesTags = Traits(rawValue: 1 << 7)
    }

    /// The implementing type; pass it to a generic function (`func f<T: CacheTagTable>(_: T.Type)`)
    /// and Swift opens it. The opened code is generic (the type is known only at run time); the
    /// tables' flushes dispatch to their walk specialized for `DescriptorBufferSink` by a run-time
    /// check (`@_specialize`), and `ring` reaches that code with no protocol dispatch at all.
    public let type: any CacheTagTable.Type
    public let traits: Traits
    /// The table's operations compiled for its own type and the timing ring.
    package let ring: RingEntryPoints

    public init<Table: CacheTagTable>(_ type: Table.Type, traits: Traits) {
        self.type = type
        self.traits = traits
        ring = RingEntryPoints(type)
    }

    /// The stable name (`kernel-list`, `grouped-array`, ...).
    public var name: String { type.name }
    /// One line on what the table is and why it exists.
    public var summary: String { type.summary }
    /// Whether the perf suite and the micro benchmarks time it.
    public var isPerfVariant: Bool { traits.contains(.runnable) || traits.contains(.perfVariant) }

    /// A new, empty table for a domain, its nodes from `allocator` where it has nodes.
    /// A kernel-faithful table follows `kernel`; the others ignore it.
    public func make(
        domainUsesFirstStage: Bool, allocator: TagAllocator = .system, kernel: KernelProfile = .latest
    ) -> any CacheTagTable {
        type.init(domainUsesFirstStage: domainUsesFirstStage, allocator: allocator, kernel: kernel)
    }

    public var description: String { name }

    public static func == (lhs: Self, rhs: Self) -> Bool { ObjectIdentifier(lhs.type) == ObjectIdentifier(rhs.type) }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(type)) }
}

/// One table type's operations, compiled (inside this module, where the registry names the type)
/// for that type and the timing ring, `DescriptorBufferSink`.
///
/// Code that holds a registry entry but not its type statically (the perf suite, the micro
/// benchmarks) runs generic code for it; through the protocol, each flush is a witness call and
/// the run-time type check of the table's `@_specialize` before the specialized walk. These
/// entry points are one indirect call into code specialized for both, the cost a caller with the
/// concrete type pays. Each takes the table as an object and must be given the entry's own type.
package struct RingEntryPoints: Sendable {
    package let flushRange: @Sendable (AnyObject, IOVARange, Bool, inout DescriptorBufferSink) -> Int
    package let flushAll: @Sendable (AnyObject, inout DescriptorBufferSink) -> Int
    /// Assigns each of the tags, in order.
    package let assign: @Sendable (AnyObject, UnsafeBufferPointer<CacheTag>) -> Void
    /// Unassigns each of the tags, in order (stops at the first that throws).
    package let unassign: @Sendable (AnyObject, UnsafeBufferPointer<CacheTag>) throws(CacheTagError) -> Void

    init<Table: CacheTagTable>(_: Table.Type) {
        flushRange = { table, range, invalidationHint, sink in
            unsafeDowncast(table, to: Table.self).flushRange(range, invalidationHint: invalidationHint, into: &sink)
        }
        flushAll = { table, sink in unsafeDowncast(table, to: Table.self).flushAll(into: &sink) }
        assign = { table, tags in
            let table = unsafeDowncast(table, to: Table.self)
            for tag in tags { table.assign(tag) }
        }
        unassign = { table, tags throws(CacheTagError) in
            let table = unsafeDowncast(table, to: Table.self)
            for tag in tags { try table.unassign(tag) }
        }
    }
}
