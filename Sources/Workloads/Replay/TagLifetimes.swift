import VTd

/// Stage 2 of replay: assign/unassign lines → tag lives, the attachments they imply, and the
/// lives known to share a domain. Tags never assigned in the trace get inferred lives.
///
/// - **Lives.** A tag lives from the assign that creates it (`ref 1`) to the unassign that frees it
///   (`ref 0`) (kernel: `cache_tag_assign`, `cache_tag_unassign`; docs/vtd-facts.md §1). A tag first
///   seen in a flush or unassign was assigned before tracing began (boot assigns are traced only
///   from the kernel command line, docs/vtd-facts.md §4): it lives from the start of the trace, or
///   from just before that line if an earlier life of it ended.
/// - **Attachments.** The driver assigns an attachment's IOTLB tag, then for an ATS device its
///   DEVTLB tag, on one CPU (kernel: `cache_tag_assign_domain`). So an IOTLB assign waits on its
///   CPU for a DEVTLB assign of the same unit, DID and PASID: found, the pair is one attach of that
///   ATS device; not, it is a non-ATS device the trace cannot name, and a stand-in takes its
///   place. Unassigns pair into detaches the same way. NESTING tags (kernel:
///   `cache_tag_assign_parent_domain`) bring no attachment: the child's own tags do.
/// - **Joins.** Lives alive together under one `TagKey.Owner` (one DID per unit, or one PASID under
///   the shared SVA DID 1), NESTING lives alive together naming one child, and the two halves of
///   one attach belong to one domain.
struct TagLifetimes {
    /// One life of one tag.
    struct Life {
        /// `key.device` indexes `devices`.
        let key: TagKey
        let start: TracePosition
        /// Whether some attachment accounts for the life (`DomainInference` covers the rest).
        var covered = false
        /// For a NESTING life: the life of the child's IOTLB tag.
        var child: Int?
        var live = true
    }

    private(set) var lives: [Life] = []
    /// Pairs of lives that belong to one domain.
    private(set) var joins: [(Int, Int)] = []
    /// Attaches and detaches, in the order made (the order among changes at one position).
    private(set) var changes: [AttachmentChange] = []
    private(set) var devices: ReplayDeviceTable
    /// The life each event line touched, by the line's index in the events.
    private(set) var lifeOfEvent: [Int] = []
    /// Lives inferred for tags used without a visible assign.
    private(set) var inferredTags = 0
    /// Attachments invented to account for inferred lives.
    private(set) var inferredAttachments = 0

    private struct Group {
        var representative: Int
        var count: Int
    }

    /// An IOTLB assign or unassign waiting on its CPU for its DEVTLB partner.
    private struct Pending {
        let life: Int
        let key: TagKey
        let line: Int
        let time: UInt64
    }

    private let unitNames: [String]
    private var live: [TagKey: Int] = [:]
    private var everSeen: Set<TagKey> = []
    private var liveByOwner: [TagKey.Owner: Group] = [:]
    /// Live NESTING lives by the child IOTLB tag they name.
    private var liveNestingByChild: [TagKey: Group] = [:]
    private var liveAttachments: [AttachmentChange.Target: Int] = [:]
    private var standInsOf: [Int: [Int]] = [:]
    private var pendingAssign: [Int: Pending] = [:]
    private var pendingUnassign: [Int: Pending] = [:]

    /// Follows `events` (from `TraceLexer`, whose `unitNames` and `devices` they index).
    init(events: [TraceEventLine], unitNames: [String], devices named: [TraceLexer.NamedDevice]) {
        self.unitNames = unitNames
        devices = ReplayDeviceTable(named: named)
        lifeOfEvent.reserveCapacity(events.count)
        for event in events { apply(event) }
        for cpu in Set(pendingAssign.keys).union(pendingUnassign.keys).sorted() { resolvePending(cpu: cpu) }
    }

    private mutating func apply(_ event: TraceEventLine) {
        var key = event.tag
        if key.type.isDeviceTLB { key = key.renumbered(device: devices.index(ofNamed: key.device)) }
        let life: Int
        switch event.action {
        case let .assign(users):
            life = assign(key, users: users, cpu: event.cpu, line: event.line, time: event.time)
        case let .unassign(users):
            life = unassign(key, users: users, cpu: event.cpu, line: event.line, time: event.time)
        case .flush:
            resolvePending(cpu: event.cpu)
            life = live[key] ?? infer(key, line: event.line)
        }
        lifeOfEvent.append(life)
    }

    // MARK: Lives

    /// Starts a life and joins it to the lives it is alive together with.
    private mutating func begin(_ key: TagKey, start: TracePosition) -> Int {
        let index = lives.count
        lives.append(Life(key: key, start: start))
        live[key] = index
        everSeen.insert(key)
        if key.type.isNesting {
            if let group = liveNestingByChild[key.childIOTLB] { joins.append((index, group.representative)) }
            liveNestingByChild[key.childIOTLB, default: Group(representative: index, count: 0)].count += 1
        } else {
            if let group = liveByOwner[key.owner] { joins.append((index, group.representative)) }
            liveByOwner[key.owner, default: Group(representative: index, count: 0)].count += 1
        }
        return index
    }

    private mutating func end(_ index: Int) {
        guard lives[index].live else { return }
        lives[index].live = false
        let key = lives[index].key
        if live[key] == index { live[key] = nil }
        if key.type.isNesting {
            Self.leave(&liveNestingByChild, key.childIOTLB)
        } else {
            Self.leave(&liveByOwner, key.owner)
        }
    }

    private static func leave<Key: Hashable>(_ groups: inout [Key: Group], _ key: Key) {
        guard let group = groups[key] else { return }
        groups[key] = group.count > 1 ? Group(representative: group.representative, count: group.count - 1) : nil
    }

    /// A life for a tag used without a visible assign. A DEVTLB life gets its device's attachment
    /// at once; a NESTING life a child life; an IOTLB life waits for `DomainInference`, which
    /// covers it unless an ATS device of its domain does.
    private mutating func infer(_ key: TagKey, line: Int) -> Int {
        inferredTags += 1
        let index = begin(key, start: everSeen.contains(key) ? .justBefore(line: line) : .beginning)
        switch key.type {
        case .devtlb:
            attachInferred(device: key.device, pasid: key.pasid, life: index)
        case .nestingIotlb, .nestingDevtlb:
            lives[index].covered = true
            linkChild(of: index, line: line)
        case .iotlb:
            break
        }
        return index
    }

    /// Gives NESTING life `index` its child's IOTLB life, inferring one if the child is unseen;
    /// a NESTING_DEVTLB tag names the child's ATS device, which accounts for the child.
    private mutating func linkChild(of index: Int, line: Int) {
        let key = lives[index].key
        let child = live[key.childIOTLB] ?? infer(key.childIOTLB, line: line)
        lives[index].child = child
        if key.type == .nestingDevtlb, !lives[child].covered {
            attachInferred(device: key.device, pasid: key.pasid, life: child)
        }
    }

    // MARK: Attachments

    private mutating func attachInferred(device: Int, pasid: UInt32, life: Int) {
        lives[life].covered = true
        let target = AttachmentChange.Target(device: device, pasid: pasid)
        guard liveAttachments[target] == nil else { return }
        inferredAttachments += 1
        liveAttachments[target] = life
        changes.append(
            AttachmentChange(.attach, device: device, pasid: pasid, life: life, at: lives[life].start, time: 0))
    }

    private mutating func attach(device: Int, pasid: UInt32, life: Int, line: Int, time: UInt64) {
        lives[life].covered = true
        liveAttachments[AttachmentChange.Target(device: device, pasid: pasid)] = life
        let position = TracePosition(line: line)
        changes.append(AttachmentChange(.attach, device: device, pasid: pasid, life: life, at: position, time: time))
    }

    private mutating func detach(device: Int, pasid: UInt32, line: Int, time: UInt64) {
        let life = liveAttachments.removeValue(forKey: AttachmentChange.Target(device: device, pasid: pasid))
        devices.detached(device, pasid: pasid)
        let position = TracePosition(line: line)
        changes.append(AttachmentChange(.detach, device: device, pasid: pasid, life: life, at: position, time: time))
    }

    private mutating func standIn(for key: TagKey, dedicated: Bool) -> Int {
        devices.standIn(unit: key.unit, unitName: unitNames[key.unit], pasid: key.pasid, dedicated: dedicated)
    }

    /// Settles an IOTLB assign or unassign left waiting on `cpu`: no DEVTLB partner came, so a
    /// non-ATS device, which the trace cannot name, made it.
    private mutating func resolvePending(cpu: Int) {
        if let pending = pendingAssign.removeValue(forKey: cpu) {
            let device = standIn(for: pending.key, dedicated: false)
            standInsOf[pending.life, default: []].append(device)
            attach(device: device, pasid: pending.key.pasid, life: pending.life, line: pending.line, time: pending.time)
        }
        if let pending = pendingUnassign.removeValue(forKey: cpu) {
            let key = pending.key
            var attached = standInsOf[pending.life] ?? []
            if let index = attached.firstIndex(where: {
                liveAttachments[AttachmentChange.Target(device: $0, pasid: key.pasid)] == pending.life
            }) {
                let device = attached.remove(at: index)
                standInsOf[pending.life] = attached
                detach(device: device, pasid: key.pasid, line: pending.line, time: pending.time)
            } else {
                // Its attach came before the trace: invent it, from the life's start.
                let device = standIn(for: key, dedicated: true)
                attachInferred(device: device, pasid: key.pasid, life: pending.life)
                detach(device: device, pasid: key.pasid, line: pending.line, time: pending.time)
            }
        }
    }

    // MARK: Assign and unassign

    private mutating func assign(_ key: TagKey, users: Int, cpu: Int, line: Int, time: UInt64) -> Int {
        let pairing =
            key.type == .devtlb ? pendingAssign[cpu].flatMap { $0.key.sharesAttachment(with: key) ? $0 : nil } : nil
        if pairing != nil { pendingAssign[cpu] = nil }
        resolvePending(cpu: cpu)

        var index: Int
        if let current = live[key] {
            index = current
            if users <= 1 {
                // The previous life's unassign was not seen: start afresh.
                end(current)
                index = begin(key, start: TracePosition(line: line))
            }
        } else {
            index = begin(key, start: TracePosition(line: line))
        }
        switch key.type {
        case .iotlb:
            pendingAssign[cpu] = Pending(life: index, key: key, line: line, time: time)
        case .devtlb:
            if let pairing {
                joins.append((index, pairing.life))
                lives[pairing.life].covered = true
                attach(device: key.device, pasid: key.pasid, life: index, line: pairing.line, time: pairing.time)
            } else {
                attach(device: key.device, pasid: key.pasid, life: index, line: line, time: time)
            }
        case .nestingIotlb, .nestingDevtlb:
            lives[index].covered = true
            linkChild(of: index, line: line)
        }
        return index
    }

    private mutating func unassign(_ key: TagKey, users: Int, cpu: Int, line: Int, time: UInt64) -> Int {
        let pairing =
            key.type == .devtlb ? pendingUnassign[cpu].flatMap { $0.key.sharesAttachment(with: key) ? $0 : nil } : nil
        if pairing != nil { pendingUnassign[cpu] = nil }
        resolvePending(cpu: cpu)

        let index = live[key] ?? infer(key, line: line)
        switch key.type {
        case .iotlb:
            pendingUnassign[cpu] = Pending(life: index, key: key, line: line, time: time)
        case .devtlb:
            if let pairing { joins.append((index, pairing.life)) }
            if liveAttachments[AttachmentChange.Target(device: key.device, pasid: key.pasid)] == nil {
                attachInferred(device: key.device, pasid: key.pasid, life: index)
            }
            detach(device: key.device, pasid: key.pasid, line: pairing?.line ?? line, time: pairing?.time ?? time)
        case .nestingIotlb, .nestingDevtlb:
            break  // the child's own unassigns detach it
        }
        if users == 0 { end(index) }
        return index
    }
}
