#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `KernelListTable` gets the memory of each tag node: the allocator axis of reports.
///
/// The kernel allocates every `struct cache_tag` with `kzalloc`; user space's nearest analogue is
/// the process allocator. A `TagAllocator` is a pair of C function pointers, so the harness can
/// plug in jemalloc's `malloc`/`free` found with `dlsym` without linking against it.
public struct TagAllocator: @unchecked Sendable {
    /// A name for reports (`system`, `jemalloc`).
    public let name: String
    public let allocate: @convention(c) (Int) -> UnsafeMutableRawPointer?
    public let deallocate: @convention(c) (UnsafeMutableRawPointer?) -> Void
    /// The usable size of a block from `allocate` (`malloc_usable_size`), for honest bytes per
    /// tag; nil when the allocator cannot tell (the requested size is counted then).
    public let usableSize: (@convention(c) (UnsafeMutableRawPointer?) -> Int)?

    public init(
        name: String, allocate: @escaping @convention(c) (Int) -> UnsafeMutableRawPointer?,
        deallocate: @escaping @convention(c) (UnsafeMutableRawPointer?) -> Void,
        usableSize: (@convention(c) (UnsafeMutableRawPointer?) -> Int)? = nil
    ) {
        self.name = name
        self.allocate = allocate
        self.deallocate = deallocate
        self.usableSize = usableSize
    }

    /// The C library's `malloc` and `free`.
    public static let system = TagAllocator(
        name: "system", allocate: { size in malloc(size) }, deallocate: { pointer in free(pointer) },
        usableSize: { pointer in AllocationSize.of(UnsafeRawPointer(pointer.unsafelyUnwrapped)) })

    /// Bytes the block at `pointer` of `requested` bytes occupies.
    func bytes(of pointer: UnsafeMutableRawPointer, requested: Int) -> Int { usableSize?(pointer) ?? requested }
}
