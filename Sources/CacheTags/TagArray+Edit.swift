import VTd

// Attach and detach on the sorted tag array: find the unit, binary-search the kind, then bump a
// user count or move the tail of the array by one entry.

extension TagArrayState {
    /// The header index of `unit`, or nil.
    @inline(__always)
    func unitIndex(of unit: IOMMUUnitID) -> Int? {
        // The common domain sits on one unit.
        if unitCount == 1 { return units[0].unit == unit ? 0 : nil }
        for index in 0..<unitCount where units[index].unit == unit { return index }
        return nil
    }

    /// The first entry of unit header `index`.
    @inline(__always)
    func unitStart(_ index: Int) -> Int {
        var start = 0
        for before in 0..<index { start &+= units[before].total }
        return start
    }

    /// Lower bound of (`word0`, `identity`) in `entries[start..<end]`: a binary search whose
    /// halving step is a conditional move, not a branch.
    @inline(__always)
    func lowerBound(_ word0: UInt64, _ identity: UInt64, _ start: Int, _ end: Int) -> Int {
        var base = start
        var length = end &- start
        while length > 1 {
            let half = length >> 1
            base = entries[base &+ half &- 1].precedes(word0, identity) ? base &+ half : base
            length &-= half
        }
        if length == 1 && entries[base].precedes(word0, identity) { base &+= 1 }
        return base
    }

    /// Moves `count` entries from `source` to `target` (overlapping allowed); nothing for none.
    @inline(__always)
    func move(_ target: UnsafeMutablePointer<TagEntry>, from source: UnsafeMutablePointer<TagEntry>, count: Int) {
        if count > 0 { target.update(from: source, count: count) }
    }

    /// Adds one user to the entry (`kind`, `word0`, `identity`) of `unit`, inserting it with one
    /// user if it is new. Returns whether it was inserted.
    @discardableResult
    @inline(__always)
    mutating func assign(_ kind: TemplateKind, _ word0: UInt64, _ identity: UInt64, on unit: IOMMUUnit) -> Bool {
        let index = unitIndex(of: unit.id) ?? insertUnit(unit)
        let start = unitStart(index) &+ units[index].start(of: kind)
        let end = start &+ units[index].count(kind)
        let position = lowerBound(word0, identity, start, end)
        if position < end, entries[position].word0 == word0, entries[position].identity == identity {
            precondition(
                entries[position].meta & TagEntry.usersMask != TagEntry.usersMask,
                "grouped-array: more than 2^20 - 1 users of one cache tag")
            entries[position].meta &+= 1
            return false
        }
        if count == capacity { resize(to: entriesAreInline ? 4 : capacity * 2) }
        move(entries + position + 1, from: entries + position, count: count &- position)
        entries[position] = TagEntry(word0: word0, meta: identity << TagEntry.usersBits | 1)
        count &+= 1
        generation &+= 1
        // A neighbour with the same quadword 0 (same kind) makes this entry a duplicate.
        if (position > start && entries[position &- 1].word0 == word0)
            || (position < end && entries[position &+ 1].word0 == word0)
        {
            units[index].duplicates += 1
        }
        if kind.isDeviceTLB {
            if identity & TagEntry.repeatBit != 0 { units[index].repeating += 1 }
            if TagEntry.isPASIDDeviceTLB(word0) { units[index].addPASIDDeviceTLB(1, to: kind) }
        }
        units[index].add(1, to: kind)
        return true
    }

    /// Drops one user of the entry (`kind`, `word0`, `identity`) of `unit`, removing it at zero.
    /// When no entry has that exact `word0` (the tag was assigned with other device facts), the
    /// kind is searched for `fallback`'s identity instead. Returns false when no entry matches.
    @inline(__always)
    mutating func unassign(
        _ kind: TemplateKind, _ word0: UInt64, _ identity: UInt64, on unit: IOMMUUnitID, fallback: (TagEntry) -> Bool
    ) -> Bool {
        guard let index = unitIndex(of: unit) else { return false }
        let start = unitStart(index) &+ units[index].start(of: kind)
        let end = start &+ units[index].count(kind)
        var position = lowerBound(word0, identity, start, end)
        if position == end || entries[position].word0 != word0 || entries[position].identity != identity {
            guard let found = (start..<end).first(where: { fallback(entries[$0]) }) else { return false }
            position = found
        }
        entries[position].meta &-= 1
        guard entries[position].users == 0 else { return true }
        remove(at: position, kind: kind, unit: index, start: start, end: end)
        return true
    }

    @inline(__always)
    private mutating func remove(at position: Int, kind: TemplateKind, unit index: Int, start: Int, end: Int) {
        let entry = entries[position]
        if (position > start && entries[position &- 1].word0 == entry.word0)
            || (position &+ 1 < end && entries[position &+ 1].word0 == entry.word0)
        {
            units[index].duplicates -= 1
        }
        if kind.isDeviceTLB {
            if entry.repeats { units[index].repeating -= 1 }
            if TagEntry.isPASIDDeviceTLB(entry.word0) { units[index].addPASIDDeviceTLB(-1, to: kind) }
        }
        move(entries + position, from: entries + position + 1, count: count &- position &- 1)
        count &-= 1
        generation &+= 1
        units[index].add(-1, to: kind)
        if units[index].total == 0 { removeUnit(index) }
        if !entriesAreInline {
            if count == 0 {
                resize(to: Self.inlineEntries)
            } else if count &* 4 <= capacity && capacity > Self.keptCapacity {
                resize(to: capacity / 2)
            }
        }
    }

    /// A heap buffer of up to this many entries (1 KiB) is kept until the table empties: a domain
    /// whose devices come and go would otherwise allocate on every swing.
    static let keptCapacity = 64

    /// Moves the entries to a buffer of `newCapacity` (the inline room for `inlineEntries`).
    private mutating func resize(to newCapacity: Int) {
        let old = entries
        let wasInline = entriesAreInline
        if newCapacity == Self.inlineEntries {
            entries = inlineRoom
        } else {
            entries = .allocate(capacity: newCapacity)
        }
        entries.update(from: old, count: count)
        if !wasInline { old.deallocate() }
        capacity = newCapacity
    }

    /// Inserts an empty header for `unit` in unit order. Returns its index.
    private mutating func insertUnit(_ unit: IOMMUUnit) -> Int {
        var index = unitCount
        for position in 0..<unitCount where units[position].unit > unit.id {
            index = position
            break
        }
        if unitCount == unitCapacity {
            let grown = UnsafeMutablePointer<UnitRun>.allocate(capacity: unitCapacity * 2)
            grown.initialize(from: units, count: unitCount)
            if !unitsAreInline { units.deallocate() }
            units = grown
            unitCapacity *= 2
        }
        if index < unitCount { (units + index + 1).update(from: units + index, count: unitCount &- index) }
        (units + index).initialize(to: UnitRun(unit: unit))
        unitCount &+= 1
        return index
    }

    private mutating func removeUnit(_ index: Int) {
        if index &+ 1 < unitCount { (units + index).update(from: units + index + 1, count: unitCount &- index &- 1) }
        unitCount &-= 1
    }
}
