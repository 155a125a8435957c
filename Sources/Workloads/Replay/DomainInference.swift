import VTd

/// Stage 4 of replay: tag lives and their joins → domains, their kinds and nesting, plus the
/// stand-in devices IOTLB lives still lack.
///
/// - **Domains.** Lives joined by `TagLifetimes` (alive together under one owner, one attach) or
///   by `ReplayTimeline` (flushed in one call) belong to one domain.
/// - **Uncovered IOTLB lives.** A non-ATS device's IOTLB tag names no device (docs/vtd-facts.md
///   §4). An IOTLB life no attachment accounts for is covered by an ATS device of its domain on the
///   same unit with the same PASID, if the domain has one; otherwise by a dedicated stand-in
///   attached from the life's start.
/// - **Nesting.** NESTING lives naming one child sit on one second-stage parent (kernel:
///   `cache_tag_assign_parent_domain`; docs/vtd-facts.md §1), so their domains are one.
/// - **Kinds.** A domain holding NESTING tags is a second-stage parent; a domain a parent's
///   NESTING tags name is nested on that parent. Otherwise every tag under DID 1 with one and the
///   same PASID is SVA (kernel: `domain_get_id_for_dev`; docs/vtd-facts.md §1); every tag with a
///   PASID is first-stage; any RID (PASID 0) tag is second-stage, as first-stage paging at RID
///   cannot be told apart from the cache-tag events. A domain that would be both nested and a
///   parent, or nested on two parents, is repaired (counted) by keeping the first reading.
struct DomainInference {
    /// A domain's kind, naming a nested domain's parent by its root.
    enum Kind: Equatable {
        case secondStage
        case nested(parentRoot: Int)
        case sva
        case firstStage
    }

    /// Each life's domain, named by its root: the domain's smallest life.
    private(set) var rootOfLife: [Int] = []
    /// The kind of every domain, by root.
    private(set) var kindOfRoot: [Int: Kind] = [:]
    /// The parent of every nested domain, by root.
    private(set) var parentOfRoot: [Int: Int] = [:]
    /// The tag lives, covered now.
    private(set) var lives: [TagLifetimes.Life]
    /// The devices, with the dedicated stand-ins added.
    private(set) var devices: ReplayDeviceTable
    /// Attaches of the dedicated stand-ins, each at its life's start, in the order made.
    private(set) var standInAttachments: [AttachmentChange] = []
    /// Attachments invented here (one per dedicated stand-in).
    private(set) var inferredAttachments = 0
    /// Nesting contradictions repaired.
    private(set) var repairs = 0

    private var sets: DisjointSets

    /// `joins` are `TagLifetimes.joins` and `ReplayTimeline.joins`; `unitNames` name stand-ins.
    init(lives: [TagLifetimes.Life], joins: [(Int, Int)], devices: ReplayDeviceTable, unitNames: [String]) {
        self.lives = lives
        self.devices = devices
        sets = DisjointSets(count: lives.count)
        for (a, b) in joins { sets.union(a, b) }
        coverIOTLBLives(unitNames: unitNames)
        joinNestingParents()
        rootOfLife = lives.indices.map { sets.root($0) }
        classify()
    }

    /// Covers IOTLB lives no attachment accounts for (grouping as joined so far, before nesting).
    private mutating func coverIOTLBLives(unitNames: [String]) {
        struct Place: Hashable {
            let root: Int
            let unit: Int
            let pasid: UInt32
        }
        var atsCovered: Set<Place> = []
        for index in lives.indices where lives[index].key.type == .devtlb && lives[index].covered {
            let key = lives[index].key
            atsCovered.insert(Place(root: sets.root(index), unit: key.unit, pasid: key.pasid))
        }
        for index in lives.indices where lives[index].key.type == .iotlb && !lives[index].covered {
            let key = lives[index].key
            if atsCovered.contains(Place(root: sets.root(index), unit: key.unit, pasid: key.pasid)) { continue }
            // A new device, so never attached yet: the attach always happens.
            let device = devices.standIn(
                unit: key.unit, unitName: unitNames[key.unit], pasid: key.pasid, dedicated: true)
            lives[index].covered = true
            inferredAttachments += 1
            standInAttachments.append(
                AttachmentChange(
                    .attach, device: device, pasid: key.pasid, life: index, at: lives[index].start, time: 0))
        }
    }

    /// Joins the parents of NESTING lives that name one child, in life order.
    private mutating func joinNestingParents() {
        var parentOfChildRoot: [Int: Int] = [:]
        for index in lives.indices {
            guard let child = lives[index].child else { continue }
            let childRoot = sets.root(child)
            if let other = parentOfChildRoot[childRoot] {
                sets.union(other, index)
            } else {
                parentOfChildRoot[childRoot] = index
            }
        }
    }

    private mutating func classify() {
        var hasNesting: Set<Int> = []
        var allDefaultDIDWithPASID: [Int: Bool] = [:]
        var allWithPASID: [Int: Bool] = [:]
        var pasidOfRoot: [Int: UInt32] = [:]
        for index in lives.indices {
            let root = rootOfLife[index]
            let key = lives[index].key
            if key.type.isNesting {
                hasNesting.insert(root)
            } else {
                // SVA: every tag under DID 1, through one PASID (one process).
                let samePASID = pasidOfRoot[root].map { $0 == key.pasid } ?? true
                pasidOfRoot[root] = key.pasid
                allDefaultDIDWithPASID[root, default: true] =
                    allDefaultDIDWithPASID[root, default: true] && key.did == DomainID.firstStageDefault.rawValue
                    && key.pasid != 0 && samePASID
                allWithPASID[root, default: true] = allWithPASID[root, default: true] && key.pasid != 0
            }
        }
        for index in lives.indices {
            guard let child = lives[index].child else { continue }
            let parentRoot = rootOfLife[index]
            let childRoot = rootOfLife[child]
            if childRoot == parentRoot || hasNesting.contains(childRoot) {
                repairs += 1
                continue
            }
            if let existing = parentOfRoot[childRoot] {
                if existing != parentRoot { repairs += 1 }
            } else {
                parentOfRoot[childRoot] = parentRoot
            }
        }
        for root in Set(rootOfLife) {
            kindOfRoot[root] =
                if hasNesting.contains(root) {
                    .secondStage
                } else if let parent = parentOfRoot[root] {
                    .nested(parentRoot: parent)
                } else if allDefaultDIDWithPASID[root] == true {
                    .sva
                } else if allWithPASID[root] == true {
                    .firstStage
                } else {
                    .secondStage
                }
        }
    }
}
