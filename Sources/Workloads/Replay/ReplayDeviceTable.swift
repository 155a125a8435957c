/// The devices of the replayed topology, numbered in the order replay meets them: a named ATS
/// device at the first line naming it, a stand-in when one is made. That order is the devices'
/// `DeviceID`s.
///
/// Stand-ins exist because IOTLB tags print the unit, not the device (docs/vtd-facts.md §4): a
/// non-ATS device's attach shows only as an IOTLB assign, so replay makes up a device for it.
struct ReplayDeviceTable {
    struct Record: Equatable {
        let name: String
        /// The unit, as `TagKey.unit` numbers it.
        let unit: Int
        let hasATS: Bool
        let isStandIn: Bool
    }

    private(set) var records: [Record] = []

    private let named: [TraceLexer.NamedDevice]
    /// `records` index of each named device, -1 until met.
    private var indexOfNamed: [Int]
    /// Pool stand-ins free at (unit, PASID), reused before new ones are made: a non-ATS device
    /// detached and attached again is most likely the same device.
    private var freeStandIns: [Slot: [Int]] = [:]
    private var isPoolStandIn: Set<Int> = []

    private struct Slot: Hashable {
        let unit: Int
        let pasid: UInt32
    }

    init(named: [TraceLexer.NamedDevice]) {
        self.named = named
        indexOfNamed = Array(repeating: -1, count: named.count)
    }

    var count: Int { records.count }

    subscript(device: Int) -> Record { records[device] }

    /// The table index of named device `device` (a `TraceLexer.devices` index), numbering it
    /// now if it is new. Named devices are ATS devices: only they have device-TLB tags.
    mutating func index(ofNamed device: Int) -> Int {
        if indexOfNamed[device] < 0 {
            indexOfNamed[device] = records.count
            records.append(Record(name: named[device].name, unit: named[device].unit, hasATS: true, isStandIn: false))
        }
        return indexOfNamed[device]
    }

    /// A stand-in on `unit` free at `pasid`: from the pool unless `dedicated`, else new, named
    /// `UNIT-nonats-INDEX`. Dedicated stand-ins never return to the pool.
    mutating func standIn(unit: Int, unitName: String, pasid: UInt32, dedicated: Bool) -> Int {
        if !dedicated, let device = freeStandIns[Slot(unit: unit, pasid: pasid)]?.popLast() { return device }
        let device = records.count
        records.append(Record(name: "\(unitName)-nonats-\(device)", unit: unit, hasATS: false, isStandIn: true))
        if !dedicated { isPoolStandIn.insert(device) }
        return device
    }

    /// Returns a pool stand-in to the pool once detached at `pasid`.
    mutating func detached(_ device: Int, pasid: UInt32) {
        if isPoolStandIn.contains(device) {
            freeStandIns[Slot(unit: records[device].unit, pasid: pasid), default: []].append(device)
        }
    }
}
