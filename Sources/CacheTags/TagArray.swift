import VTd

// The storage of the optimized table: one sorted array of 16-byte tag entries, grouped by unit
// and by descriptor family, plus one small header per unit. It is what a flush walks
// (`TagArrayView.walk`) and what attach/detach edit, so a tag is stored exactly once.
//
// Why this shape (docs/perf-design.md): most real domains hold one to a few tags, so the fixed
// costs decide — no hashing, no per-tag allocation, two entries and one unit header inline in the
// table's state (a first attach allocates nothing); for large domains a binary search finds a
// tag and a `memmove` of 16-byte entries makes room, which stays below a list walk at every size
// measured, and 16 bytes per tag is below the list's node.

/// Where a tag's descriptor family lives in a unit's part of the array: the order a flush emits
/// in (IOTLB kinds before device-TLB kinds: the TLB must be clean before the device refetches).
enum TemplateKind: Int, CaseIterable {
    /// DID-based IOTLB (second-stage domains, NESTING_IOTLB on parents).
    case domainIOTLB
    /// PASID-based IOTLB (the first-stage domain's own IOTLB tags).
    case pasidIOTLB
    /// Device TLB, flushed over the range (DEVTLB).
    case rangeDeviceTLB
    /// Device TLB, always flushed whole (NESTING_DEVTLB).
    case wholeDeviceTLB

    var isDeviceTLB: Bool { rawValue >= 2 }
}

/// One cache tag: quadword 0 of its descriptor without the flush's bits, and its identity and
/// user count. Sorted by (`word0`, `identity`) within a kind, so tags whose descriptors are
/// bit-identical sit next to each other and a flush emits such a run once.
struct TagEntry {
    /// Quadword 0 without granularity and drain bits (IOTLB kinds) or complete (device-TLB kinds).
    var word0: UInt64
    /// `identity << usersBits | users`. The identity is what the kernel matches beyond `word0`
    /// and the unit (`cache_tage_match`): IOTLB kinds `nesting << 20 | PASID` (the DID is in
    /// `word0`); device-TLB kinds `repeat << 42 | DID << 26 | device` (the PASID is in `word0`;
    /// `repeat` marks a device with the extra-invalidation quirk).
    var meta: UInt64

    static let usersBits: UInt64 = 20
    static let usersMask: UInt64 = (1 << usersBits) - 1
    /// Bit 42 of a device-TLB identity.
    static let repeatBit: UInt64 = 1 << 42

    @inline(__always) var identity: UInt64 { meta >> Self.usersBits }
    @inline(__always) var users: Int { Int(meta & Self.usersMask) }
    @inline(__always) var repeats: Bool { identity & Self.repeatBit != 0 }

    /// Whether this entry sorts before (`word0`, `identity`).
    @inline(__always)
    func precedes(_ word0: UInt64, _ identity: UInt64) -> Bool {
        self.word0 < word0 || (self.word0 == word0 && self.identity < identity)
    }

    /// Whether `word0` is a PASID-based device-TLB invalidation (type 8): its quadword 1 carries
    /// the size bit at 11, not 0.
    @inline(__always)
    static func isPASIDDeviceTLB(_ word0: UInt64) -> Bool { word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue }
}

/// One unit's part of the array: its capabilities (for the flush's descriptor shapes), how many
/// entries of each kind follow in `TemplateKind` order, and what makes its walk irregular.
struct UnitRun {
    let capabilities: IOMMUCapabilities
    let unit: IOMMUUnitID
    var counts: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
    /// Entries whose `word0` equals their predecessor's in the same kind (emitted once).
    var duplicates: Int32 = 0
    /// Entries with the repeat bit (emitted twice).
    var repeating: Int32 = 0
    /// Type-8 entries of the two device-TLB kinds: while a kind holds none or only those, one
    /// quadword 1 serves the whole kind.
    var pasidDeviceTLB: (Int32, Int32) = (0, 0)

    init(unit: IOMMUUnit) {
        capabilities = unit.capabilities
        self.unit = unit.id
    }

    @inline(__always)
    func count(_ kind: TemplateKind) -> Int {
        switch kind {
        case .domainIOTLB: Int(counts.0)
        case .pasidIOTLB: Int(counts.1)
        case .rangeDeviceTLB: Int(counts.2)
        case .wholeDeviceTLB: Int(counts.3)
        }
    }

    @inline(__always)
    mutating func add(_ delta: Int32, to kind: TemplateKind) {
        switch kind {
        case .domainIOTLB: counts.0 += delta
        case .pasidIOTLB: counts.1 += delta
        case .rangeDeviceTLB: counts.2 += delta
        case .wholeDeviceTLB: counts.3 += delta
        }
    }

    @inline(__always)
    mutating func addPASIDDeviceTLB(_ delta: Int32, to kind: TemplateKind) {
        if kind == .rangeDeviceTLB { pasidDeviceTLB.0 += delta } else { pasidDeviceTLB.1 += delta }
    }

    /// Entries of all kinds.
    var total: Int { Int(counts.0) + Int(counts.1) + Int(counts.2) + Int(counts.3) }

    /// Where kind `kind` starts, from the unit's first entry.
    @inline(__always)
    func start(of kind: TemplateKind) -> Int {
        switch kind {
        case .domainIOTLB: 0
        case .pasidIOTLB: Int(counts.0)
        case .rangeDeviceTLB: Int(counts.0) + Int(counts.1)
        case .wholeDeviceTLB: Int(counts.0) + Int(counts.1) + Int(counts.2)
        }
    }
}

/// What a flush reads: the unit headers and the entries they describe, in unit order. A plain
/// table's view points into its own state; the concurrent table's into a published snapshot.
struct TagArrayView {
    let units: UnsafePointer<UnitRun>
    let unitCount: Int
    let entries: UnsafePointer<TagEntry>
}

/// The table's mutable state: entries and unit headers, each in its inline room until it
/// outgrows it, then in a heap buffer that doubles (and, above `keptCapacity`, halves when three
/// quarters are unused).
/// Plain data behind the table's `let` pointer, so accesses need no exclusivity checks; the
/// inline rooms make the state's address part of its contents, so it is never moved.
struct TagArrayState {
    var entries: UnsafeMutablePointer<TagEntry>
    /// `inlineEntries`' address (where `entries` points while the entries fit there).
    let inlineRoom: UnsafeMutablePointer<TagEntry>
    var count = 0
    var capacity = Self.inlineEntries
    var units: UnsafeMutablePointer<UnitRun>
    var unitCount = 0
    var unitCapacity = 1
    /// Bumped by every change a flush can see (an entry added or removed); not by user counts.
    var generation = 0
    var inlineEntries = (TagEntry(word0: 0, meta: 0), TagEntry(word0: 0, meta: 0))
    var inlineUnit = UnitRun(unit: IOMMUUnit(id: IOMMUUnitID(0)))

    static let inlineEntries = 2

    /// A state at `address` (uninitialized memory for one state) pointing at its own rooms.
    static func initialize(_ address: UnsafeMutablePointer<TagArrayState>) {
        let raw = UnsafeMutableRawPointer(address)
        let entries = (raw + MemoryLayout<TagArrayState>.offset(of: \.inlineEntries)!).assumingMemoryBound(to: TagEntry.self)
        let units = (raw + MemoryLayout<TagArrayState>.offset(of: \.inlineUnit)!).assumingMemoryBound(to: UnitRun.self)
        address.initialize(to: TagArrayState(entries: entries, inlineRoom: entries, units: units))
    }

    var entriesAreInline: Bool { capacity == Self.inlineEntries }
    var unitsAreInline: Bool { unitCapacity == 1 }

    /// Frees the heap buffers (the state itself belongs to the caller).
    mutating func releaseBuffers() {
        if !entriesAreInline { entries.deallocate() }
        if !unitsAreInline { units.deallocate() }
    }

    @inline(__always)
    var view: TagArrayView { TagArrayView(units: UnsafePointer(units), unitCount: unitCount, entries: UnsafePointer(entries)) }
}
