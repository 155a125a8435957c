import Atomics
import CMembarrier

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hazard pointers for published snapshots (Michael, 2004), one 64-byte line per slot so readers on
/// different cores never write the same cache line.
///
/// A reader announces the snapshot it loaded in a slot, then re-reads the published snapshot and
/// retries until the two agree: from then on the snapshot cannot be reused, because a writer
/// reuses a retired snapshot only after a scan of every slot finds none holding it. The reader
/// clears its slot when the flush returns.
///
/// Two ways to make the announcement visible to the writer's scan:
/// - **Asymmetric fences** (Linux `membarrier`, where available: `cmb_register`): each thread owns
///   one of the first `ownedSlots` slots (C thread-local storage) and announces with a plain store;
///   the writer issues one `membarrier` before each scan, which orders every running thread's
///   stores before the scan's loads (userspace RCU's "memb" flavour). A flush pays no atomic
///   read-modify-write and no fence.
/// - **Fences** (no `membarrier`, or a process with more threads than owned slots): the reader
///   claims a free slot among the others by a sequentially consistent compare-and-swap from 0, and
///   re-reads with sequentially consistent loads; the writer's scan is sequentially consistent
///   after its sequentially consistent exchange.
final class SnapshotHazards: @unchecked Sendable {
    /// Shared by every concurrent table of the process, like per-thread hazard pointers.
    static let shared = SnapshotHazards(slots: 128)

    private let base: UnsafeMutableRawPointer
    let slotCount: Int
    /// Slots owned by one thread each (the asymmetric protocol); the rest are claimed by CAS.
    let ownedSlots: Int
    /// Whether writers can order readers' plain stores with `membarrier`.
    let asymmetric: Bool
    private static let lineSize = 64

    init(slots: Int) {
        precondition(slots > 1 && slots & (slots - 1) == 0, "a power of two")
        slotCount = slots
        ownedSlots = slots / 2
        asymmetric = cmb_register() == 1
        base = .allocate(byteCount: slots * Self.lineSize, alignment: Self.lineSize)
        for index in 0..<slots {
            (base + index * Self.lineSize).bindMemory(to: UInt.AtomicRepresentation.self, capacity: 1)
                .initialize(to: UInt.AtomicRepresentation(0))
        }
    }

    @inline(__always)
    func slot(_ index: Int) -> UnsafeAtomic<UInt> {
        UnsafeAtomic(at: (base + index * Self.lineSize).assumingMemoryBound(to: UInt.AtomicRepresentation.self))
    }

    /// Where this thread starts probing among the claimed (not owned) slots.
    @inline(__always)
    func homeSlot() -> Int {
        #if canImport(Darwin)
        let thread = UInt(bitPattern: pthread_self())
        #else
        let thread = UInt(pthread_self())
        #endif
        let claimed = slotCount - ownedSlots
        return ownedSlots + Int(truncatingIfNeeded: (thread >> 12) ^ (thread >> 20)) & (claimed - 1)
    }

    /// Runs `body` with the snapshot published in `published`, protected from reuse.
    @inline(__always)
    func withProtectedSnapshot<R>(_ published: UnsafeAtomic<UInt>, _ body: (TagArrayView) -> R) -> R {
        if asymmetric {
            let owned = Int(cmb_thread_slot(Int32(ownedSlots)))
            // A flush nested in another on this thread (a sink that flushes a concurrent table)
            // finds its own slot taken and uses a claimed one, so the outer snapshot stays protected.
            if owned >= 0, self.slot(owned).load(ordering: .relaxed) == 0 {
                let slot = self.slot(owned)
                var current = published.load(ordering: .acquiring)
                slot.store(current, ordering: .relaxed)
                while true {
                    // The writer's membarrier orders the store above before its scan; this
                    // re-read only has to come after the store in program order.
                    cmb_compiler_barrier()
                    let again = published.load(ordering: .acquiring)
                    if again == current { break }
                    current = again
                    slot.store(current, ordering: .relaxed)
                }
                defer { slot.store(0, ordering: .releasing) }
                return body(TagArraySnapshot.view(at: current))
            }
        }
        var current = published.load(ordering: .acquiring)
        var index = homeSlot()
        var slot = self.slot(index)
        while !slot.compareExchange(expected: 0, desired: current, ordering: .sequentiallyConsistent).exchanged {
            index = ownedSlots + (index &+ 1 &- ownedSlots) & (slotCount &- ownedSlots &- 1)
            slot = self.slot(index)
        }
        while true {
            let again = published.load(ordering: .sequentiallyConsistent)
            if again == current { break }
            current = again
            slot.store(current, ordering: .sequentiallyConsistent)
        }
        defer { slot.store(0, ordering: .releasing) }
        return body(TagArraySnapshot.view(at: current))
    }

    /// Makes every reader's announcement so far visible to the scan that follows (the writer's half
    /// of the asymmetric protocol; the fenced protocol needs nothing here).
    func prepareScan() {
        guard asymmetric else { return }
        // A failed barrier cannot happen once registered; if it did, stop trusting plain stores.
        precondition(cmb_barrier() == 0, "membarrier failed after registration")
    }

    /// Whether any reader holds the snapshot at `address` now (after `prepareScan`).
    func isProtected(_ address: UInt) -> Bool {
        for index in 0..<slotCount where slot(index).load(ordering: .sequentiallyConsistent) == address { return true }
        return false
    }
}
