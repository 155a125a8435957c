import CacheTags

/// One table configuration on the table axis of a run: the implementation and, for the kernel
/// list, where its nodes are allocated.
public struct TableChoice: Sendable {
    public let kind: CacheTagTableKind
    /// The node allocator (kernel list only); nil means the system allocator.
    public let allocator: TagAllocator?
    /// Bytes the node allocator holds now, when it can tell (jemalloc's `stats.allocated`).
    public let heapBytes: (@Sendable () -> Int?)?

    public init(kind: CacheTagTableKind, allocator: TagAllocator? = nil, heapBytes: (@Sendable () -> Int?)? = nil) {
        self.kind = kind
        self.allocator = kind == .kernelList ? allocator : nil
        self.heapBytes = kind == .kernelList ? heapBytes : nil
    }

    /// The kernel list on jemalloc, with its heap statistics.
    public static func kernelList(on jemalloc: Jemalloc) -> TableChoice {
        TableChoice(kind: .kernelList, allocator: jemalloc.allocator, heapBytes: { jemalloc.allocatedBytes() })
    }

    /// The name written in reports: `kernel-list`, `kernel-list+jemalloc`, `grouped-array`.
    public var label: String {
        guard let allocator, allocator.name != TagAllocator.system.name else { return kind.rawValue }
        return "\(kind.rawValue)+\(allocator.name)"
    }

    /// A factory of the concrete table type. Pass it to a generic function
    /// (`func f<F: TableFactory>(_: F)`) and Swift opens it, so the timed code is specialized per table.
    public var factory: any TableFactory {
        switch kind {
        case .kernelList:
            let allocator = self.allocator ?? .system
            return ConcreteTableFactory { KernelListTable(domainUsesFirstStage: $0, allocator: allocator) }
        case .groupedArray:
            return ConcreteTableFactory { GroupedArrayTable(domainUsesFirstStage: $0) }
        }
    }
}

/// Builds tables of one concrete type.
public protocol TableFactory {
    associatedtype Table: CacheTagTable
    /// A new table for a domain; the flag is `domainUsesFirstStage`.
    var make: (Bool) -> Table { get }
}

struct ConcreteTableFactory<Table: CacheTagTable>: TableFactory {
    let make: (Bool) -> Table
}
