import VTd

/// An immutable copy of a tag array for lock-free flushes: one object whose tail holds
/// `[unitCount, entryCount]`, the unit headers, then the entries, so a reader builds the walk's
/// view from the tail's address alone (what the hazard slots and the published atomic hold).
///
/// Written only while no reader can see it: when built, or when `ConcurrentGroupedTable` reuses a
/// retired snapshot that no hazard slot holds any longer (steady churn then allocates nothing).
final class TagArraySnapshot: ManagedBuffer<TagArraySnapshot.Header, UInt64> {
    struct Header {
        /// 64-bit words of the tail.
        let words: Int
    }

    private static let countWords = 2

    /// Tail words a copy of `units` headers and `entries` entries needs.
    static func words(units: Int, entries: Int) -> Int {
        countWords + (units * MemoryLayout<UnitRun>.stride + 7) / 8 + entries * 2
    }

    /// A snapshot with room for at least `words` tail words (rounded up to a power of two, so
    /// retired snapshots fit the next copies of a table that grows and shrinks by a few tags).
    static func make(words: Int) -> TagArraySnapshot {
        precondition(_isPOD(UnitRun.self) && MemoryLayout<UnitRun>.alignment <= 8)
        let rounded = max(8, 1 << (Int.bitWidth - (words - 1).leadingZeroBitCount))
        let buffer = create(minimumCapacity: rounded) { _ in Header(words: rounded) }
        let snapshot = unsafeDowncast(buffer, to: TagArraySnapshot.self)
        snapshot.withUnsafeMutablePointerToElements { $0.initialize(repeating: 0, count: rounded) }
        return snapshot
    }

    /// Tail words available.
    var capacityWords: Int { header.words }

    /// The tail's address: what readers are handed.
    var address: UInt { withUnsafeMutablePointerToElements { UInt(bitPattern: $0) } }

    /// Overwrites the copy with `source` (which must fit).
    func fill(from source: TagArrayView, entryCount: Int) {
        precondition(Self.words(units: source.unitCount, entries: entryCount) <= capacityWords, "snapshot too small")
        withUnsafeMutablePointerToElements { words in
            words[0] = UInt64(source.unitCount)
            words[1] = UInt64(entryCount)
            let view = Self.view(at: UInt(bitPattern: words))
            UnsafeMutablePointer(mutating: view.units).update(from: source.units, count: source.unitCount)
            UnsafeMutablePointer(mutating: view.entries).update(from: source.entries, count: entryCount)
        }
    }

    /// The view of the snapshot whose tail is at `address`.
    @inline(__always)
    static func view(at address: UInt) -> TagArrayView {
        let words = UnsafePointer<UInt64>(bitPattern: address).unsafelyUnwrapped
        let unitCount = Int(truncatingIfNeeded: words[0])
        let units = UnsafeRawPointer(words + countWords)
        let entries = units + (unitCount * MemoryLayout<UnitRun>.stride + 7) & ~7
        return TagArrayView(
            units: units.assumingMemoryBound(to: UnitRun.self), unitCount: unitCount,
            entries: entries.assumingMemoryBound(to: TagEntry.self))
    }

    /// The view of this snapshot.
    var view: TagArrayView { Self.view(at: address) }

    /// Heap bytes of the snapshot (`AllocationSize`).
    var allocationBytes: Int { AllocationSize.of(object: self) }
}
