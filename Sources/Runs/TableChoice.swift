import CacheTags
import VTd

/// One configuration on the table axis of a run: a table from the registry and, for tables with
/// a node per tag, where the nodes are allocated.
package struct TableChoice: Sendable {
    package let table: CacheTagTableDescriptor
    /// The node allocator (tables with the `nodeAllocator` trait only); nil means the system allocator.
    package let allocator: TagAllocator?
    /// Bytes the node allocator holds now, when it can tell (jemalloc's `stats.allocated`).
    package let heapBytes: (@Sendable () -> Int?)?
    /// The kernel version the kernel-faithful table follows (`--kernel`); other tables ignore it.
    package var kernel: KernelProfile = .latest

    package init(_ table: CacheTagTableDescriptor, allocator: TagAllocator? = nil, heapBytes: (@Sendable () -> Int?)? = nil) {
        let takesAllocator = table.traits.contains(.nodeAllocator)
        self.table = table
        self.allocator = takesAllocator ? allocator : nil
        self.heapBytes = takesAllocator ? heapBytes : nil
    }

    /// `table` with its nodes on jemalloc, with its heap statistics.
    package static func on(_ jemalloc: Jemalloc, _ table: CacheTagTableDescriptor) -> TableChoice {
        TableChoice(table, allocator: jemalloc.allocator, heapBytes: { jemalloc.allocatedBytes() })
    }

    /// The name written in reports: `kernel-list`, `kernel-list+jemalloc`, `grouped-array`.
    package var label: String {
        guard let allocator, allocator.name != TagAllocator.system.name else { return table.name }
        return "\(table.name)+\(allocator.name)"
    }

    /// Builds this choice's tables as `Table` (the registry entry's type, opened by the caller's
    /// generic function), nodes from the choice's allocator.
    func makeTable<Table: CacheTagTable>(_: Table.Type) -> (Bool) -> Table {
        let allocator = self.allocator ?? .system
        let kernel = kernel
        return { Table(domainUsesFirstStage: $0, allocator: allocator, kernel: kernel) }
    }
}
