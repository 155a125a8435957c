import CAllocatorInfo

/// Heap bytes as the allocator hands them out, the one way every table counts its memory
/// (`footprintBytes`, the perf suite's bytes per tag): the usable size of each allocation
/// (`malloc_usable_size`; `malloc_size` on Darwin; Sources/CAllocatorInfo), which includes the allocator's rounding
/// to its size classes, not what the code asked for.
package enum AllocationSize {
    /// The usable size of the heap block at `pointer` (from `malloc`, Swift's allocator or a
    /// Swift object's allocation).
    package static func of(_ pointer: UnsafeRawPointer) -> Int {
        Int(cai_usable_size(pointer))
    }

    package static func of<T>(_ pointer: UnsafeMutablePointer<T>) -> Int { of(UnsafeRawPointer(pointer)) }

    /// A class instance's own allocation (its stored properties; not what they point to).
    package static func of(object: AnyObject) -> Int { of(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())) }
}
