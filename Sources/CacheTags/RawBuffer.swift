/// A growable array in manually managed memory: no reference counting, so a reader can walk it
/// through a plain pointer. Noncopyable: it owns its memory and its deinit frees it.
struct RawBuffer<Element: ~Copyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element> = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    private(set) var count = 0
    private(set) var capacity = 0

    init() {}

    deinit {
        guard capacity > 0 else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(position: Int) -> Element {
        @inline(__always) _read { yield base[position] }
        @inline(__always) nonmutating _modify { yield &base[position] }
    }

    /// Doubling, from 1 for large elements (a unit group) or 4 for small ones.
    private var grownCapacity: Int { capacity > 0 ? capacity * 2 : (MemoryLayout<Element>.stride > 32 ? 1 : 4) }

    mutating func append(_ element: consuming Element) {
        if count == capacity { grow(to: grownCapacity) }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func insert(_ element: consuming Element, at position: Int) {
        if count == capacity { grow(to: grownCapacity) }
        (base + position + 1).moveInitialize(from: base + position, count: count - position)
        (base + position).initialize(to: element)
        count += 1
    }

    mutating func remove(at position: Int) {
        (base + position).deinitialize(count: 1)
        (base + position).moveInitialize(from: base + position + 1, count: count - position - 1)
        count -= 1
    }

    mutating func removeLast() {
        count -= 1
        (base + count).deinitialize(count: 1)
    }

    private mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if capacity > 0 {
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = newCapacity
    }
}

extension RawBuffer where Element: Copyable {
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: capacity == 0 ? nil : base, count: count) }
}
