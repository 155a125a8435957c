/// An open-addressing (linear probing) index of positions in some array, keyed by a 64-bit hash
/// the caller supplies; slots hold position + 1 (0 = empty), load at most 3/4, deletion by
/// backward shift (no tombstones). Callers pass closures that read the keyed array.
struct SlotIndex: ~Copyable {
    private var slots = RawBuffer<UInt32>()
    private var used = 0
    private var shift = 64

    var footprintBytes: Int { slots.capacity * 4 }

    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift)) }

    @inline(__always)
    func find(hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        guard used > 0 else { return nil }
        let mask = slots.count - 1
        var slot = home(hash)
        while true {
            let value = slots[slot]
            if value == 0 { return nil }
            if matches(Int(value) - 1) { return Int(value) - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `position` (whose key hashes to `hash`); `hashOf` gives the hash of any indexed position.
    mutating func insert(_ position: Int, hash: UInt64, _ hashOf: (Int) -> UInt64) {
        if (used + 1) * 4 > slots.count * 3 { rehash(to: Swift.max(8, slots.count * 2), hashOf) }
        place(position, hash: hash)
        used += 1
    }

    private mutating func place(_ position: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = home(hash)
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(position + 1)
    }

    /// Removes `position` (whose key hashes to `hash`).
    mutating func remove(_ position: Int, hash: UInt64, _ hashOf: (Int) -> UInt64) {
        let mask = slots.count - 1
        var slot = home(hash)
        while Int(slots[slot]) != position + 1 { slot = (slot + 1) & mask }
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let wanted = home(hashOf(Int(slots[next]) - 1))
            // Move `next` into the hole unless its home lies cyclically in (hole, next].
            let distanceToNext = (next - wanted) & mask
            let distanceToHole = (hole - wanted) & mask
            if distanceToHole < distanceToNext {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        used -= 1
    }

    /// The entry of position `old` (key hash `hash`) now names `new`.
    mutating func replace(_ old: Int, with new: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = home(hash)
        while Int(slots[slot]) != old + 1 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(new + 1)
    }

    private mutating func rehash(to count: Int, _ hashOf: (Int) -> UInt64) {
        var old = RawBuffer<UInt32>()
        swap(&old, &slots)
        for _ in 0..<count { slots.append(0) }
        shift = 64 - count.trailingZeroBitCount
        for slot in 0..<old.count where old[slot] != 0 {
            let position = Int(old[slot]) - 1
            place(position, hash: hashOf(position))
        }
    }
}
