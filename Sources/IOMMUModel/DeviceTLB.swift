import VTd

/// The translation cache of one ATS device (PCIe ATC): small, fully associative, LRU, tagged by
/// (PASID-or-none, page). It is filled from the IOMMU's answer to a translation request and
/// emptied only by device-TLB invalidations addressed to the device's source ID.
///
/// Default 64 entries: ATC sizes are not published per device; tens of entries is a common
/// order of magnitude for NIC and accelerator ATCs (an assumption, configurable).
///
/// Invalidation (PCIe ATS invalidate request, sent by VT-d device-TLB descriptors §6.5.2.5/§6.5.2.6):
/// - the PASID-based descriptor drops entries of that PASID inside the block;
/// - the descriptor without PASID drops entries *without* PASID inside the block, and leaves
///   PASID-tagged entries alone. This is the conservative reading: whether an invalidation without
///   PASID also reaches PASID-tagged ATC entries is not something a flush may rely on, so the model
///   gives no credit for it and a missing PASID-based invalidation shows up as stale.
package struct DeviceTLB: Sendable {
    struct Slot: Sendable {
        var entry: DeviceTLBEntry
        var lastUse: UInt64
        var valid: Bool
        var staleReported: Bool
    }

    /// Entries the cache holds.
    package let capacity: Int
    var slots: ContiguousArray<Slot>
    private var clock: UInt64 = 0
    /// Valid entries now.
    package private(set) var count = 0

    /// An empty device TLB of `entries` entries (at least one).
    package init(entries: Int = 64) throws(ModelError) {
        guard entries > 0 else { throw .invalidGeometry("device TLB of \(entries) entries") }
        capacity = entries
        let empty = DeviceTLBEntry(pasid: .none, page: 0, origin: TranslationOrigin(owner: .none, generation: 0))
        slots = ContiguousArray(
            repeating: Slot(entry: empty, lastUse: 0, valid: false, staleReported: false), count: entries)
    }

    /// The entry for (pasid, page), marked most recently used; nil on a miss.
    package mutating func lookup(pasid: PASID, page: UInt64) -> DeviceTLBEntry? {
        for slot in slots.indices
        where slots[slot].valid && slots[slot].entry.page == page && slots[slot].entry.pasid == pasid {
            clock &+= 1
            slots[slot].lastUse = clock
            return slots[slot].entry
        }
        return nil
    }

    /// Inserts `entry` (replacing one with the same tag); returns the valid entry evicted for
    /// capacity, if any.
    @discardableResult
    package mutating func fill(_ entry: DeviceTLBEntry) -> DeviceTLBEntry? {
        let victim =
            slots.indices.first {
                slots[$0].valid && slots[$0].entry.page == entry.page && slots[$0].entry.pasid == entry.pasid
            }
            ?? slots.indices.first { !slots[$0].valid }
            ?? slots.indices.min { slots[$0].lastUse < slots[$1].lastUse }!
        var evicted: DeviceTLBEntry?
        if slots[victim].valid {
            if slots[victim].entry.page != entry.page || slots[victim].entry.pasid != entry.pasid {
                evicted = slots[victim].entry
            }
            count -= 1
        }
        clock &+= 1
        slots[victim] = Slot(entry: entry, lastUse: clock, valid: true, staleReported: false)
        count += 1
        return evicted
    }

    /// Applies a device-TLB descriptor already routed to this device (source ID matched by the
    /// caller) and calls `dropped` for each entry removed. Other descriptor types do nothing.
    @discardableResult
    package mutating func invalidate(_ descriptor: DecodedDescriptor, dropping dropped: (DeviceTLBEntry) -> Void) -> Int
    {
        let pasid: PASID
        let block: AlignedInvalidation
        switch descriptor {
        case let .deviceTLB(_, invalidated, _):
            pasid = .none
            block = invalidated
        case let .pasidDeviceTLB(_, invalidatedPASID, invalidated, _):
            pasid = invalidatedPASID
            block = invalidated
        case .iotlb, .pasidIOTLB, .wait:
            return 0
        }
        var removed = 0
        for slot in slots.indices where slots[slot].valid {
            let entry = slots[slot].entry
            guard entry.pasid == pasid, block.contains(page: entry.page) else { continue }
            dropped(entry)
            slots[slot].valid = false
            count -= 1
            removed += 1
        }
        return removed
    }

    /// The oracle's sweep: entries in `range` for which `isStale` holds, not reported before.
    mutating func reportStale(in range: IOVARange, where isStale: (DeviceTLBEntry) -> Bool) -> [DeviceTLBEntry] {
        var found: [DeviceTLBEntry] = []
        for slot in slots.indices where slots[slot].valid && !slots[slot].staleReported {
            let entry = slots[slot].entry
            guard entry.page >= range.firstPage, entry.page <= range.lastPage, isStale(entry) else { continue }
            slots[slot].staleReported = true
            found.append(entry)
        }
        return found
    }

    /// Every valid entry in slot order: for tests and inspection.
    package var entries: [DeviceTLBEntry] { slots.filter(\.valid).map(\.entry) }
}
