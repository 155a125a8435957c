import VTd

/// The limit probe: the cost of writing descriptors into a queue-sized ring with nothing else
/// (no table, no batch, no branch per descriptor beyond the loop), the floor every flush's
/// "ns per descriptor" is compared with.
package enum DescriptorWriteFloor {
    /// Writes `count` 32-byte descriptors into `ring` from `position` (wrapping at its end, like
    /// `DescriptorBufferSink`'s 256-entry ring). Quadword 0 varies per descriptor so the stores
    /// cannot be folded into a fill. Returns the next position.
    @inline(never)
    package static func write(
        count: Int, into ring: UnsafeMutableBufferPointer<InvalidationDescriptor>, from position: Int, seed: UInt64
    ) -> Int {
        var next = position
        let base = ring.baseAddress.unsafelyUnwrapped
        let capacity = ring.count
        var written = 0
        while written < count {
            if next == capacity { next = 0 }
            let chunk = min(count &- written, capacity &- next)
            let slots = base + next
            for index in 0..<chunk {
                slots[index] = InvalidationDescriptor(seed &+ UInt64(truncatingIfNeeded: index), seed, 0, 0)
            }
            next &+= chunk
            written &+= chunk
        }
        return next
    }
}
