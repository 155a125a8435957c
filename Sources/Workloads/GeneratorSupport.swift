import VTd

/// Builds a topology device by device, giving each device a unique, plausible requester ID:
/// unit `u`'s devices sit on buses `1 + 16·u …`, 256 functions per bus.
struct TopologyBuilder {
    private(set) var units: [IOMMUUnit]
    private(set) var devices: [Device] = []
    private var perUnit: [Int]

    /// Functions one unit can hold with this numbering (16 buses of 256).
    static let devicesPerUnitLimit = 16 * 256

    /// Units with the server capabilities and `domainCount` DIDs each (a valid `cap_ndoms`, as the
    /// `ndoms` parameter guarantees).
    init(unitCount: Int, domainCount: Int = DomainIDSpace.server.count) {
        precondition((1...15).contains(unitCount), "unit count \(unitCount) outside 1...15")
        var capabilities = IOMMUCapabilities.server
        capabilities.domainIDs = try! DomainIDSpace(domainCount: domainCount)
        units = (0..<unitCount).map { IOMMUUnit(id: IOMMUUnitID($0), capabilities: capabilities) }
        perUnit = Array(repeating: 0, count: unitCount)
    }

    /// Adds a device behind `unit`; returns its id.
    @discardableResult
    mutating func addDevice(unit: Int, ats: Bool) -> DeviceID {
        let index = perUnit[unit]
        precondition(index < Self.devicesPerUnitLimit, "too many devices behind unit \(unit)")
        perUnit[unit] += 1
        let source = SourceID(rawValue: UInt16((1 + 16 * unit + index / 256) << 8 | index % 256))
        let id = DeviceID(devices.count)
        devices.append(try! Device(id: id, iommu: IOMMUUnitID(unit), source: source, hasATS: ats))
        return id
    }

    func build() -> Topology { try! Topology(units: units, devices: devices) }
}

/// Whether device `index` of `count` has ATS when a fraction `fraction` of them do: spread
/// evenly (not drawn), so the topology depends on the parameters only, never on the seed.
func hasATS(index: Int, count: Int, fraction: Double) -> Bool {
    guard fraction > 0 else { return false }
    // Device i has ATS when the running quota floor((i+1)·f) steps up at i.
    let before = Int((Double(index) * fraction).rounded(.down))
    let after = Int((Double(index + 1) * fraction).rounded(.down))
    return after > before || fraction >= 1
}

/// Appends events stamped with a modeled clock.
struct EventRecorder {
    private(set) var events: [TimedWorkloadEvent] = []
    /// Modeled nanoseconds since the start.
    var now: UInt64 = 0

    init(reservingCapacity capacity: Int) { events.reserveCapacity(capacity) }

    @inline(__always)
    mutating func emit(_ event: WorkloadEvent) { events.append(TimedWorkloadEvent(time: now, event: event)) }
}

/// An IOVA allocator of one domain in power-of-two size classes, each slot aligned to its size,
/// with per-class LIFO free lists, the way the Linux IOVA range caches recycle a just-freed range
/// of the same size first (drivers/iommu/iova.c rcaches). Reuse is what makes a missed
/// invalidation visible: the next mapping at the same IOVA would hit the stale entry.
struct IOVASlots {
    private var nextPage: UInt64
    private var free: [[UInt64]]

    init(basePage: UInt64 = 0x100, maximumOrder: Int) {
        nextPage = basePage
        free = Array(repeating: [], count: maximumOrder + 1)
    }

    /// The order (log2 of the slot size in pages) for `pages` pages.
    static func order(ofPages pages: Int) -> Int { pages <= 1 ? 0 : Int.bitWidth - (pages - 1).leadingZeroBitCount }

    /// A free slot of 2^order pages; returns its first page.
    mutating func allocate(order: Int) -> UInt64 {
        if let page = free[order].popLast() { return page }
        let size = UInt64(1) << UInt64(order)
        let page = (nextPage + size - 1) & ~(size - 1)
        nextPage = page + size
        return page
    }

    /// Returns a slot.
    mutating func release(page: UInt64, order: Int) { free[order].append(page) }
}

/// The lowest-free-first allocator Linux uses for global PASIDs (an ida starting at 1,
/// `iommu_global_pasid_ida`): a freed PASID is the next one handed out.
struct LowestFreeAllocator {
    private var inUse: [Bool] = []
    private var lowestCandidate = 0
    private let first: Int

    init(first: Int) { self.first = first }

    mutating func allocate() -> Int {
        var index = lowestCandidate
        while index < inUse.count, inUse[index] { index += 1 }
        if index == inUse.count { inUse.append(true) } else { inUse[index] = true }
        lowestCandidate = index + 1
        return index + first
    }

    mutating func release(_ value: Int) {
        let index = value - first
        precondition(inUse[index], "\(value) is not allocated")
        inUse[index] = false
        lowestCandidate = min(lowestCandidate, index)
    }
}
