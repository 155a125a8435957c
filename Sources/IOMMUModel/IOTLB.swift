import VTd

/// One IOMMU unit's IOTLB: set-associative, LRU within a set, 4 KiB entries tagged by
/// (DID, PASID-or-none, page) — see `IOTLBTag`.
///
/// Geometry: Intel does not publish IOTLB sizes. The default of 1024 entries matches the cap of
/// QEMU's intel-iommu IOTLB (docs/vtd-facts.md §7), and 8 ways is the associativity of typical CPU L2
/// TLBs; both are configurable (`ModelConfiguration`). The set index is the page frame modulo the
/// number of sets (low address bits, DID not hashed in), so domains that use the same IOVAs compete
/// for the same sets — the pessimistic choice for conflict misses, and one that keeps every
/// range-limited sweep to the sets the range maps to.
///
/// Invalidations follow VT-d spec §6.5.2.3 (IOTLB) and §6.5.2.4 (PASID-based IOTLB): see
/// `invalidate(_:dropping:)`. The invalidation hint (IH) only spares paging-structure caches,
/// which are not modeled, so it does not change which entries are dropped.
package struct IOTLB: Sendable {
    /// One way of one set.
    struct Slot: Sendable {
        var entry: IOTLBEntry
        var lastUse: UInt64
        var valid: Bool
        /// The oracle already counted this entry as stale; it is not counted twice.
        var staleReported: Bool
    }

    /// Total entries.
    package let capacity: Int
    /// Entries per set.
    package let ways: Int
    /// `capacity / ways`.
    package let setCount: Int
    /// How a translation picks its set.
    package let setIndex: IOTLBSetIndex
    /// How much a PASID-based invalidation drops.
    package let pasidPrecision: PASIDSelectivePrecision
    var slots: ContiguousArray<Slot>
    private var clock: UInt64 = 0
    /// Valid first-stage and nested entries per DID: a DID-based page-selective invalidation must
    /// sweep the whole cache only when the DID has some (they are dropped whatever their address).
    private var pasidTaggedEntries: [DomainID: Int] = [:]
    /// Valid entries now.
    package private(set) var count = 0

    /// An empty IOTLB of `entries` entries in sets of `ways`, indexed by `setIndex`.
    package init(
        entries: Int = 1024, ways: Int = 8, setIndex: IOTLBSetIndex = .page, pasidPrecision: PASIDSelectivePrecision = .exact
    ) throws(ModelError) {
        guard entries > 0, ways > 0, entries % ways == 0 else {
            throw .invalidGeometry("IOTLB of \(entries) entries cannot be split into sets of \(ways) ways")
        }
        capacity = entries
        self.ways = ways
        setCount = entries / ways
        self.setIndex = setIndex
        self.pasidPrecision = pasidPrecision
        let empty = IOTLBEntry(
            tag: IOTLBTag(domainID: .reserved, pasid: nil, page: 0), kind: .secondStage,
            origin: TranslationOrigin(owner: .none, generation: 0))
        slots = ContiguousArray(
            repeating: Slot(entry: empty, lastUse: 0, valid: false, staleReported: false), count: entries)
    }

    /// The set `page` maps to when filled through `domainID`.
    @inline(__always)
    package func set(of page: UInt64, domainID: DomainID) -> Int {
        setIndex.set(page: page, domainID: domainID.rawValue, setCount: setCount)
    }

    /// The entry matching `tag`, marked most recently used; nil on a miss.
    package mutating func lookup(_ tag: IOTLBTag) -> IOTLBEntry? {
        let base = set(of: tag.page, domainID: tag.domainID) * ways
        for slot in base..<(base + ways) where slots[slot].valid && slots[slot].entry.tag == tag {
            clock &+= 1
            slots[slot].lastUse = clock
            return slots[slot].entry
        }
        return nil
    }

    /// Inserts `entry` (replacing an entry with the same tag), evicting the least recently used
    /// way of the set when it is full. Returns the valid entry evicted for capacity, if any.
    @discardableResult
    package mutating func fill(_ entry: IOTLBEntry) -> IOTLBEntry? {
        let base = set(of: entry.tag.page, domainID: entry.tag.domainID) * ways
        let set = base..<(base + ways)
        // Same tag first (a refill), then the first free way, then the least recently used.
        let victim =
            set.first { slots[$0].valid && slots[$0].entry.tag == entry.tag }
            ?? set.first { !slots[$0].valid }
            ?? set.min { slots[$0].lastUse < slots[$1].lastUse }!
        var evicted: IOTLBEntry?
        if slots[victim].valid {
            if slots[victim].entry.tag != entry.tag { evicted = slots[victim].entry }
            release(victim)
        }
        clock &+= 1
        slots[victim] = Slot(entry: entry, lastUse: clock, valid: true, staleReported: false)
        count += 1
        if entry.kind.isPASIDTagged { pasidTaggedEntries[entry.tag.domainID, default: 0] += 1 }
        return evicted
    }

    private mutating func release(_ slot: Int) {
        slots[slot].valid = false
        count -= 1
        let entry = slots[slot].entry
        if entry.kind.isPASIDTagged {
            let remaining = pasidTaggedEntries[entry.tag.domainID, default: 1] - 1
            pasidTaggedEntries[entry.tag.domainID] = remaining == 0 ? nil : remaining
        }
    }

    /// Applies one invalidation descriptor and calls `dropped` for every entry it removes, in
    /// slot order. Returns how many entries were dropped. Device-TLB and wait descriptors do
    /// nothing here.
    ///
    /// - IOTLB global: every entry.
    /// - IOTLB domain-selective: every entry of the DID, every PASID and kind.
    /// - IOTLB page-selective-within-domain: second-stage entries of the DID inside the aligned
    ///   block, and every first-stage/nested entry of the DID whatever its address (VT-d spec
    ///   §6.5.2.3; QEMU's intel-iommu does the same for first-stage entries).
    /// - PASID-based IOTLB PASID-selective: first-stage/nested entries of (DID, PASID).
    /// - PASID-based IOTLB page-selective-within-PASID: those entries inside the block.
    /// - Either PASID-based form on `did-wide` hardware: every entry of the DID.
    @discardableResult
    package mutating func invalidate(_ descriptor: DecodedDescriptor, dropping dropped: (IOTLBEntry) -> Void) -> Int {
        switch descriptor {
        case .iotlb(.global, _, _, _):
            return sweep(block: nil, dropping: dropped) { _ in true }
        case let .iotlb(.domainSelective, did, _, _), let .iotlb(.pageSelective, did, nil, _):
            return sweep(block: nil, dropping: dropped) { $0.tag.domainID == did }
        case let .iotlb(.pageSelective, did, block?, _):
            let sweepsAll = pasidTaggedEntries[did] != nil
            return sweep(block: sweepsAll ? nil : block, domainID: did, dropping: dropped) {
                $0.tag.domainID == did && ($0.kind.isPASIDTagged || block.contains(page: $0.tag.page))
            }
        case let .pasidIOTLB(_, did, _, _, _) where pasidPrecision == .didWide:
            return sweep(block: nil, dropping: dropped) { $0.tag.domainID == did }
        case let .pasidIOTLB(.pasidSelective, did, pasid, _, _),
            let .pasidIOTLB(.pageSelectiveWithinPASID, did, pasid, nil, _):
            guard pasidTaggedEntries[did] != nil else { return 0 }
            return sweep(block: nil, dropping: dropped) { $0.tag.domainID == did && $0.tag.pasid == pasid }
        case let .pasidIOTLB(.pageSelectiveWithinPASID, did, pasid, block?, _):
            guard pasidTaggedEntries[did] != nil else { return 0 }
            return sweep(block: block, domainID: did, dropping: dropped) {
                $0.tag.domainID == did && $0.tag.pasid == pasid && block.contains(page: $0.tag.page)
            }
        case .deviceTLB, .pasidDeviceTLB, .wait:
            return 0
        }
    }

    /// Drops matching entries in the sets `block` maps to for `domainID` (every set when nil or
    /// as wide as the cache).
    private mutating func sweep(
        block: AlignedInvalidation?, domainID: DomainID = .reserved, dropping dropped: (IOTLBEntry) -> Void,
        where matches: (IOTLBEntry) -> Bool
    ) -> Int {
        var removed = 0
        let firstPage = block.map { $0.address >> UInt64(pageShift) }
        forEachSlot(firstPage: firstPage, pageCount: block?.pageCount ?? .max, domainID: domainID) { slot in
            guard slots[slot].valid, matches(slots[slot].entry) else { return }
            dropped(slots[slot].entry)
            release(slot)
            removed += 1
        }
        return removed
    }

    /// Visits the slots of every set that pages [firstPage, firstPage + pageCount) of `domainID`
    /// map to, in ascending set order from the first page's (all slots when the range covers
    /// every set or `firstPage` is nil).
    func forEachSlot(firstPage: UInt64?, pageCount: UInt64, domainID: DomainID, _ body: (Int) -> Void) {
        guard let firstPage, pageCount < UInt64(setCount) else {
            for slot in slots.indices { body(slot) }
            return
        }
        let firstSet = set(of: firstPage, domainID: domainID)
        for offset in 0..<Int(pageCount) {
            let base = ((firstSet + offset) % setCount) * ways
            for slot in base..<(base + ways) { body(slot) }
        }
    }

    /// Entries whose page lies in `range` and for which `isStale` holds, not reported before;
    /// they are marked reported so a later check does not count them again. The oracle's sweep.
    mutating func reportStale(in range: IOVARange, where isStale: (IOTLBEntry) -> Bool) -> [IOTLBEntry] {
        var found: [IOTLBEntry] = []
        let first = range.firstPage
        let last = range.lastPage
        // With the DID in the index, the range's entries may sit in any set (they carry the DIDs of
        // the domain and of its nested children): sweep them all.
        let sweepsAll = setIndex != .page
        forEachSlot(firstPage: sweepsAll ? nil : first, pageCount: range.pageCount, domainID: .reserved) { slot in
            guard slots[slot].valid, !slots[slot].staleReported else { return }
            let entry = slots[slot].entry
            guard entry.tag.page >= first, entry.tag.page <= last, isStale(entry) else { return }
            slots[slot].staleReported = true
            found.append(entry)
        }
        return found
    }

    /// Every valid entry, in slot order (set by set, way by way): for tests and inspection.
    package var entries: [IOTLBEntry] { slots.filter(\.valid).map(\.entry) }

    /// Whether an entry with `tag` is present (no LRU update).
    package func contains(_ tag: IOTLBTag) -> Bool {
        let base = set(of: tag.page, domainID: tag.domainID) * ways
        return (base..<(base + ways)).contains { slots[$0].valid && slots[$0].entry.tag == tag }
    }
}
