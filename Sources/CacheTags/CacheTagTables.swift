/// The table registry: every `CacheTagTable` this package ships, with what it is for.
///
/// The command line (`--table`, `list`), the run harness, the perf suite, the micro benchmarks
/// and the tests (behaviour, differential) all read this one list: adding a table is its own
/// file plus one line here (README "Extending").
public enum CacheTagTables {
    /// Every table, the kernel's own algorithm first.
    public static let all: [CacheTagTableDescriptor] = [
        CacheTagTableDescriptor(KernelListTable.self, traits: [.runnable, .kernelAlgorithm, .nodeAllocator]),
        CacheTagTableDescriptor(GroupedArrayTable.self, traits: [.runnable, .dropsDuplicateDescriptors]),
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
        /// Flushes read a published snapshot without a lock while attach/detach write.
        public static let lockFreeFlushes = Traits(rawValue: 1 << 4)
        /// A variant of the perf suite and the micro benchmarks besides the runnable tables.
        public static let perfVariant = Traits(rawValue: 1 << 5)
        /// The locked control of the concurrency measurement (one mutex for flushes and writers).
        public static let lockedControl = Traits(rawValue: 1 << 6)
    }

    /// The implementing type; pass it to a generic function (`func f<T: CacheTagTable>(_: T.Type)`)
    /// and Swift opens it, so the code that runs is specialized for the table.
    public let type: any CacheTagTable.Type
    public let traits: Traits

    public init(_ type: any CacheTagTable.Type, traits: Traits) {
        self.type = type
        self.traits = traits
    }

    /// The stable name (`kernel-list`, `grouped-array`, ...).
    public var name: String { type.name }
    /// One line on what the table is and why it exists.
    public var summary: String { type.summary }
    /// Whether the perf suite and the micro benchmarks time it.
    public var isPerfVariant: Bool { traits.contains(.runnable) || traits.contains(.perfVariant) }

    /// A new, empty table for a domain, its nodes from `allocator` where it has nodes.
    public func make(domainUsesFirstStage: Bool, allocator: TagAllocator = .system) -> any CacheTagTable {
        type.init(domainUsesFirstStage: domainUsesFirstStage, allocator: allocator)
    }

    public var description: String { name }

    public static func == (lhs: Self, rhs: Self) -> Bool { ObjectIdentifier(lhs.type) == ObjectIdentifier(rhs.type) }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(type)) }
}
