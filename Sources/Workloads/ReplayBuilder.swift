import VTd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole file as UTF-8 (invalid bytes become U+FFFD, so a damaged trace still parses
/// line by line).
func readTextFile(_ path: String) throws(WorkloadError) -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw .unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The reconstruction behind `TraceReplay` (its documentation states the rules).
struct ReplayBuilder {
    struct Result {
        var topology: Topology
        var unitNames: [String]
        var devices: [ReplayDevice]
        var domains: [ReplayDomain]
        var operations: [ReplayFlushOperation]
        var qiSubmissions: [TraceQISubmission]
        var statistics: TraceStatistics
        var events: [TimedWorkloadEvent]
    }

    /// A tag's identity as the kernel matches it; `device` is -1 for IOTLB types.
    struct Key: Hashable {
        let type: TraceTagType
        let unit: Int
        let device: Int
        let did: UInt16
        let pasid: UInt32
    }

    /// Non-nesting tags alive at once under one of these belong to one domain.
    struct DIDOwner: Hashable {
        /// The unit; -1 under DID 1, where the PASID alone names the domain (SVA PASIDs are global).
        let unit: Int
        let did: UInt16
        /// The PASID under DID 1 (shared by SVA domains, told apart by PASID); 0 otherwise.
        let pasid: UInt32
    }

    /// The child a NESTING tag stands for.
    struct ChildRef: Hashable {
        let unit: Int
        let did: UInt16
        let pasid: UInt32
    }

    /// Where an item goes in the replayed stream: the line, then the order within it.
    struct SortKey: Comparable {
        let line: Int
        let sub: Int
        static func < (lhs: SortKey, rhs: SortKey) -> Bool { (lhs.line, lhs.sub) < (rhs.line, rhs.sub) }
        static let beginning = SortKey(line: 0, sub: 0)
    }

    struct Instance {
        let key: Key
        let start: SortKey
        var covered = false
        /// For NESTING tags: the child's IOTLB tag life.
        var child: Int?
        var live = true
    }

    enum Item {
        case attach(device: Int, pasid: UInt32, instance: Int)
        /// `instance`: the tag life the attachment was made through (-1 if unknown).
        case detach(device: Int, pasid: UInt32, instance: Int)
        case flush(op: Int)
    }

    struct TimelineItem {
        let sort: SortKey
        let sequence: Int
        let time: UInt64
        let item: Item
    }

    struct DeviceRecord {
        let name: String
        let unit: Int
        let hasATS: Bool
        let isStandIn: Bool
    }

    struct AttachKey: Hashable {
        let device: Int
        let pasid: UInt32
    }

    struct OpenOperation {
        let kind: ReplayFlushOperation.Kind
        let event: TraceEventName
        let range: (start: UInt64, end: UInt64)?
        var keys: Set<Key> = []
        var instances: [Int] = []
        var lines: [Int] = []
        var owners: [Int: DIDOwner] = [:]
        let firstLine: Int
        let time: UInt64
    }

    struct ClosedOperation {
        let kind: ReplayFlushOperation.Kind
        let range: IOVARange?
        let instances: [Int]
        let lines: [Int]
    }

    struct Pending {
        let instance: Int
        let key: Key
        let line: Int
        let time: UInt64
    }

    let file: String
    let options: TraceReplayOptions
    var statistics = TraceStatistics()

    var unitIndex: [String: Int] = [:]
    var unitNames: [String] = []
    var deviceIndex: [String: Int] = [:]
    var deviceRecords: [DeviceRecord] = []
    /// Pool stand-ins free at (unit, PASID), reused before new ones are made.
    var freeStandIns: [StandInSlot: [Int]] = [:]
    var isPoolStandIn: Set<Int> = []

    struct StandInSlot: Hashable {
        let unit: Int
        let pasid: UInt32
    }

    var instances: [Instance] = []
    var unionParent: [Int] = []
    var live: [Key: Int] = [:]
    var everSeen: Set<Key> = []
    var liveByOwner: [DIDOwner: (representative: Int, count: Int)] = [:]
    var liveNestingByChild: [ChildRef: (representative: Int, count: Int)] = [:]

    var items: [TimelineItem] = []
    var liveAttachments: [AttachKey: Int] = [:]
    var standInsOf: [Int: [Int]] = [:]

    var pendingAssign: [Int: Pending] = [:]
    var pendingUnassign: [Int: Pending] = [:]
    var openOperations: [Int: OpenOperation] = [:]
    var closedOperations: [ClosedOperation] = []
    var operationItems: [Int: Int] = [:]
    var qiSubmissions: [TraceQISubmission] = []
    var firstTime: UInt64?

    init(file: String, options: TraceReplayOptions) {
        self.file = file
        self.options = options
    }

    // MARK: Reading

    mutating func read(_ text: String) throws(WorkloadError) {
        var text = text
        var failure: WorkloadError?
        text.withUTF8 { buffer in
            var lineStart = 0
            var number = 0
            while lineStart < buffer.count {
                var lineEnd = lineStart
                while lineEnd < buffer.count, buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                number += 1
                statistics.lines += 1
                do throws(TraceFieldError) {
                    try process(UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd]), line: number)
                } catch {
                    let problem = WorkloadError.malformedTrace(
                        file: file, line: number, field: error.field, reason: error.reason)
                    guard options.skipBadLines else {
                        failure = problem
                        return
                    }
                    statistics.skippedBadLines += 1
                    if statistics.firstSkippedErrors.count < 10 { statistics.firstSkippedErrors.append(problem) }
                }
                lineStart = lineEnd + 1
            }
        }
        if let failure { throw failure }
    }

    private mutating func process(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws(TraceFieldError) {
        switch try TraceLineParser.parse(bytes) {
        case .blank: statistics.blankLines += 1
        case .comment: statistics.commentLines += 1
        case .noise: statistics.noiseLines += 1
        case let .other(event):
            statistics.eventsByName[event, default: 0] += 1
            statistics.otherEvents += 1
        case let .qiSubmit(header, kind, unit, words):
            statistics.eventsByName[TraceEventName.qiSubmit.rawValue, default: 0] += 1
            _ = relativeTime(header)
            qiSubmissions.append(
                TraceQISubmission(line: line, unit: unit, kind: kind, words: [words.0, words.1, words.2, words.3]))
        case let .tag(header, assign, fields, users):
            let key = try makeKey(fields)
            statistics.eventsByName[(assign ? TraceEventName.assign : .unassign).rawValue, default: 0] += 1
            let time = relativeTime(header)
            if assign {
                handleAssign(key, users: users, cpu: header.cpu, line: line, time: time)
            } else {
                handleUnassign(key, users: users, cpu: header.cpu, line: line, time: time)
            }
        case let .flush(header, event, fields, range, addr, mask):
            let key = try makeKey(fields)
            statistics.eventsByName[event.rawValue, default: 0] += 1
            let time = relativeTime(header)
            if let range, !(range.start == 0 && range.end == .max) {
                let aligned = AlignedInvalidation(covering: try! IOVARange(start: range.start, end: range.end))
                if aligned.address != addr || UInt64(aligned.mask) != mask { statistics.psiMismatches += 1 }
            }
            handleFlush(key, event: event, range: range, cpu: header.cpu, line: line, time: time)
        }
    }

    private mutating func relativeTime(_ header: TraceHeader) -> UInt64 {
        if firstTime == nil { firstTime = header.time }
        return header.time >= firstTime! ? header.time - firstTime! : 0
    }

    private mutating func makeKey(_ fields: TraceTagFields) throws(TraceFieldError) -> Key {
        let unitName = fields.unit
        let unit: Int
        if let known = unitIndex[unitName] {
            unit = known
        } else {
            unit = unitNames.count
            unitIndex[unitName] = unit
            unitNames.append(unitName)
        }
        var device = -1
        if fields.type.isDeviceTLB {
            let name = fields.device
            if let known = deviceIndex[name] {
                guard deviceRecords[known].unit == unit else {
                    throw TraceFieldError(
                        field: "dev",
                        reason:
                            "\(name) is behind \(unitNames[deviceRecords[known].unit]) earlier, behind \(unitName) here"
                    )
                }
                device = known
            } else {
                device = deviceRecords.count
                deviceIndex[name] = device
                deviceRecords.append(DeviceRecord(name: name, unit: unit, hasATS: true, isStandIn: false))
            }
        }
        return Key(type: fields.type, unit: unit, device: device, did: fields.did, pasid: fields.pasid)
    }

    // MARK: Tag lives and domains

    private mutating func find(_ index: Int) -> Int {
        var root = index
        while unionParent[root] != root { root = unionParent[root] }
        var node = index
        while unionParent[node] != root {
            let next = unionParent[node]
            unionParent[node] = root
            node = next
        }
        return root
    }

    private mutating func union(_ a: Int, _ b: Int) {
        let (ra, rb) = (find(a), find(b))
        if ra != rb { unionParent[max(ra, rb)] = min(ra, rb) }
    }

    private static func owner(_ key: Key) -> DIDOwner {
        key.did == DomainID.firstStageDefault.rawValue
            ? DIDOwner(unit: -1, did: key.did, pasid: key.pasid) : DIDOwner(unit: key.unit, did: key.did, pasid: 0)
    }

    /// Starts a tag life and applies the grouping rules that hold while tags are alive together.
    private mutating func begin(_ key: Key, start: SortKey) -> Int {
        let index = instances.count
        instances.append(Instance(key: key, start: start))
        unionParent.append(index)
        live[key] = index
        everSeen.insert(key)
        if key.type.isNesting {
            let child = ChildRef(unit: key.unit, did: key.did, pasid: key.pasid)
            if let entry = liveNestingByChild[child] {
                union(index, entry.representative)
                liveNestingByChild[child] = (entry.representative, entry.count + 1)
            } else {
                liveNestingByChild[child] = (index, 1)
            }
        } else {
            let owner = Self.owner(key)
            if let entry = liveByOwner[owner] {
                union(index, entry.representative)
                liveByOwner[owner] = (entry.representative, entry.count + 1)
            } else {
                liveByOwner[owner] = (index, 1)
            }
        }
        return index
    }

    private mutating func end(_ index: Int) {
        guard instances[index].live else { return }
        instances[index].live = false
        let key = instances[index].key
        if live[key] == index { live[key] = nil }
        if key.type.isNesting {
            let child = ChildRef(unit: key.unit, did: key.did, pasid: key.pasid)
            if let entry = liveNestingByChild[child] {
                liveNestingByChild[child] = entry.count > 1 ? (entry.representative, entry.count - 1) : nil
            }
        } else {
            let owner = Self.owner(key)
            if let entry = liveByOwner[owner] {
                liveByOwner[owner] = entry.count > 1 ? (entry.representative, entry.count - 1) : nil
            }
        }
    }

    /// A life for a tag used without a visible assign: from the start of the trace, or from just
    /// before `line` if an earlier life of the tag ended. Device-TLB lives get their device's
    /// attachment at once; IOTLB lives are covered in `finish` if no ATS device accounts for them.
    private mutating func infer(_ key: Key, line: Int) -> Int {
        statistics.inferredTags += 1
        let start = everSeen.contains(key) ? SortKey(line: line, sub: -1) : .beginning
        let index = begin(key, start: start)
        switch key.type {
        case .devtlb:
            attachInferred(device: key.device, pasid: key.pasid, instance: index)
        case .nestingIotlb, .nestingDevtlb:
            let childKey = Key(type: .iotlb, unit: key.unit, device: -1, did: key.did, pasid: key.pasid)
            let child = live[childKey] ?? infer(childKey, line: line)
            instances[index].child = child
            instances[index].covered = true
            if key.type == .nestingDevtlb, !instances[child].covered {
                attachInferred(device: key.device, pasid: key.pasid, instance: child)
            }
        case .iotlb:
            break
        }
        return index
    }

    private mutating func attachInferred(device: Int, pasid: UInt32, instance: Int) {
        instances[instance].covered = true
        let key = AttachKey(device: device, pasid: pasid)
        guard liveAttachments[key] == nil else { return }
        statistics.inferredAttachments += 1
        liveAttachments[key] = instance
        append(.attach(device: device, pasid: pasid, instance: instance), at: instances[instance].start, time: 0)
    }

    private mutating func append(_ item: Item, at sort: SortKey, time: UInt64) {
        items.append(TimelineItem(sort: sort, sequence: items.count, time: time, item: item))
    }

    // MARK: Attachments

    private mutating func attach(device: Int, pasid: UInt32, instance: Int, line: Int, time: UInt64) {
        instances[instance].covered = true
        liveAttachments[AttachKey(device: device, pasid: pasid)] = instance
        append(.attach(device: device, pasid: pasid, instance: instance), at: SortKey(line: line, sub: 0), time: time)
    }

    private mutating func detach(device: Int, pasid: UInt32, line: Int, time: UInt64) {
        let instance = liveAttachments.removeValue(forKey: AttachKey(device: device, pasid: pasid)) ?? -1
        if isPoolStandIn.contains(device) {
            freeStandIns[StandInSlot(unit: deviceRecords[device].unit, pasid: pasid), default: []].append(device)
        }
        append(.detach(device: device, pasid: pasid, instance: instance), at: SortKey(line: line, sub: 0), time: time)
    }

    /// A stand-in device on `unit` free at `pasid`, from the pool or new.
    private mutating func standIn(unit: Int, pasid: UInt32, dedicated: Bool) -> Int {
        if !dedicated, let device = freeStandIns[StandInSlot(unit: unit, pasid: pasid)]?.popLast() { return device }
        let device = deviceRecords.count
        let name = "\(unitNames[unit])-nonats-\(deviceRecords.count)"
        deviceRecords.append(DeviceRecord(name: name, unit: unit, hasATS: false, isStandIn: true))
        if !dedicated { isPoolStandIn.insert(device) }
        return device
    }

    /// Settles an IOTLB assign or unassign left waiting for its DEVTLB partner on `cpu`.
    private mutating func resolvePending(cpu: Int) {
        if let pending = pendingAssign.removeValue(forKey: cpu) {
            // An IOTLB assign without a DEVTLB one: a non-ATS device the trace cannot name.
            let device = standIn(unit: pending.key.unit, pasid: pending.key.pasid, dedicated: false)
            standInsOf[pending.instance, default: []].append(device)
            attach(
                device: device, pasid: pending.key.pasid, instance: pending.instance, line: pending.line,
                time: pending.time)
        }
        if let pending = pendingUnassign.removeValue(forKey: cpu) {
            let key = pending.key
            var attached = standInsOf[pending.instance] ?? []
            if let index = attached.firstIndex(where: {
                liveAttachments[AttachKey(device: $0, pasid: key.pasid)] == pending.instance
            }) {
                let device = attached.remove(at: index)
                standInsOf[pending.instance] = attached
                detach(device: device, pasid: key.pasid, line: pending.line, time: pending.time)
            } else {
                // Its attach came before the trace: invent it, from the life's start.
                let device = standIn(unit: key.unit, pasid: key.pasid, dedicated: true)
                attachInferred(device: device, pasid: key.pasid, instance: pending.instance)
                detach(device: device, pasid: key.pasid, line: pending.line, time: pending.time)
            }
        }
    }

    private static func sameAttachment(_ a: Key, _ b: Key) -> Bool {
        a.unit == b.unit && a.did == b.did && a.pasid == b.pasid
    }

    private mutating func handleAssign(_ key: Key, users: Int, cpu: Int, line: Int, time: UInt64) {
        closeOperation(cpu: cpu)
        let pairing =
            key.type == .devtlb ? pendingAssign[cpu].flatMap { Self.sameAttachment($0.key, key) ? $0 : nil } : nil
        if pairing != nil { pendingAssign[cpu] = nil }
        resolvePending(cpu: cpu)

        var index: Int
        if let current = live[key] {
            index = current
            if users <= 1 {
                // The previous life's unassign was not seen: start afresh.
                end(current)
                index = begin(key, start: SortKey(line: line, sub: 0))
            }
        } else {
            index = begin(key, start: SortKey(line: line, sub: 0))
        }
        switch key.type {
        case .iotlb:
            pendingAssign[cpu] = Pending(instance: index, key: key, line: line, time: time)
        case .devtlb:
            if let pairing {
                union(index, pairing.instance)
                instances[pairing.instance].covered = true
                attach(device: key.device, pasid: key.pasid, instance: index, line: pairing.line, time: pairing.time)
            } else {
                attach(device: key.device, pasid: key.pasid, instance: index, line: line, time: time)
            }
        case .nestingIotlb, .nestingDevtlb:
            instances[index].covered = true
            let childKey = Key(type: .iotlb, unit: key.unit, device: -1, did: key.did, pasid: key.pasid)
            let child = live[childKey] ?? infer(childKey, line: line)
            instances[index].child = child
            if key.type == .nestingDevtlb, !instances[child].covered {
                attachInferred(device: key.device, pasid: key.pasid, instance: child)
            }
        }
    }

    private mutating func handleUnassign(_ key: Key, users: Int, cpu: Int, line: Int, time: UInt64) {
        closeOperation(cpu: cpu)
        let pairing =
            key.type == .devtlb ? pendingUnassign[cpu].flatMap { Self.sameAttachment($0.key, key) ? $0 : nil } : nil
        if pairing != nil { pendingUnassign[cpu] = nil }
        resolvePending(cpu: cpu)

        let index = live[key] ?? infer(key, line: line)
        switch key.type {
        case .iotlb:
            pendingUnassign[cpu] = Pending(instance: index, key: key, line: line, time: time)
        case .devtlb:
            if let pairing { union(index, pairing.instance) }
            let attachKey = AttachKey(device: key.device, pasid: key.pasid)
            if liveAttachments[attachKey] == nil {
                attachInferred(device: key.device, pasid: key.pasid, instance: index)
            }
            detach(device: key.device, pasid: key.pasid, line: pairing?.line ?? line, time: pairing?.time ?? time)
        case .nestingIotlb, .nestingDevtlb:
            break  // the child's own unassigns detach it
        }
        if users == 0 { end(index) }
    }

    // MARK: Flush operations

    private mutating func handleFlush(
        _ key: Key, event: TraceEventName, range: (start: UInt64, end: UInt64)?, cpu: Int, line: Int, time: UInt64
    ) {
        resolvePending(cpu: cpu)
        let index = live[key] ?? infer(key, line: line)
        let kind: ReplayFlushOperation.Kind =
            if let range, !(range.start == 0 && range.end == .max) {
                event == .flushRangeNP ? .newMappings : .range
            } else {
                .all
            }
        let owner: DIDOwner? = key.type.isNesting ? nil : Self.owner(key)
        if let open = openOperations[cpu] {
            var fits = open.event == event && open.keys.contains(key) == false
            if fits, let a = open.range, let b = range { fits = a.start == b.start && a.end == b.end }
            if fits, (open.range == nil) != (range == nil) { fits = false }
            if fits, let owner, let existing = open.owners[key.unit], existing != owner { fits = false }
            if !fits { closeOperation(cpu: cpu) }
        }
        if openOperations[cpu] == nil {
            openOperations[cpu] = OpenOperation(kind: kind, event: event, range: range, firstLine: line, time: time)
        }
        openOperations[cpu]!.keys.insert(key)
        openOperations[cpu]!.instances.append(index)
        openOperations[cpu]!.lines.append(line)
        if let owner { openOperations[cpu]!.owners[key.unit] = owner }
    }

    private mutating func closeOperation(cpu: Int) {
        guard let open = openOperations.removeValue(forKey: cpu) else { return }
        for index in open.instances.dropFirst() { union(open.instances[0], index) }
        let range = open.kind == .all ? nil : open.range.map { try! IOVARange(start: $0.start, end: $0.end) }
        closedOperations.append(
            ClosedOperation(kind: open.kind, range: range, instances: open.instances, lines: open.lines))
        append(.flush(op: closedOperations.count - 1), at: SortKey(line: open.firstLine, sub: 0), time: open.time)
    }

    // MARK: Finishing

    mutating func finish() -> Result {
        for cpu in Set(pendingAssign.keys).union(pendingUnassign.keys).sorted() { resolvePending(cpu: cpu) }
        for cpu in openOperations.keys.sorted() { closeOperation(cpu: cpu) }

        // IOTLB lives no attachment accounts for: an ATS device of the domain on the unit with the
        // PASID does; otherwise a stand-in from the life's start.
        var atsCovered: Set<[Int]> = []
        for index in instances.indices where instances[index].key.type == .devtlb && instances[index].covered {
            let key = instances[index].key
            atsCovered.insert([find(index), key.unit, Int(key.pasid)])
        }
        for index in instances.indices where instances[index].key.type == .iotlb && !instances[index].covered {
            let key = instances[index].key
            if atsCovered.contains([find(index), key.unit, Int(key.pasid)]) { continue }
            let device = standIn(unit: key.unit, pasid: key.pasid, dedicated: true)
            attachInferred(device: device, pasid: key.pasid, instance: index)
        }

        // NESTING lives naming one child sit on one parent.
        var parentOfChildRoot: [Int: Int] = [:]
        for index in instances.indices {
            guard let child = instances[index].child else { continue }
            let childRoot = find(child)
            if let other = parentOfChildRoot[childRoot] {
                union(other, index)
            } else {
                parentOfChildRoot[childRoot] = index
            }
        }

        // Kinds.
        var hasNesting: Set<Int> = []
        var allDefaultDIDWithPASID: [Int: Bool] = [:]
        var allWithPASID: [Int: Bool] = [:]
        var pasidOfRoot: [Int: UInt32] = [:]
        for index in instances.indices {
            let root = find(index)
            let key = instances[index].key
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
        var parentOf: [Int: Int] = [:]
        for index in instances.indices {
            guard let child = instances[index].child else { continue }
            let parentRoot = find(index)
            let childRoot = find(child)
            if childRoot == parentRoot || hasNesting.contains(childRoot) {
                statistics.repairs += 1
                continue
            }
            if let existing = parentOf[childRoot] {
                if existing != parentRoot { statistics.repairs += 1 }
            } else {
                parentOf[childRoot] = parentRoot
            }
        }

        // Emission, in trace order.
        let ordered = items.sorted { ($0.sort, $0.sequence) < ($1.sort, $1.sequence) }
        var domainOfRoot: [Int: IOMMUDomainID] = [:]
        var kinds: [DomainKind] = []
        var roots: [Int] = []
        var events: [TimedWorkloadEvent] = []
        events.reserveCapacity(ordered.count + instances.count)
        var attachedNow: [AttachKey: Int] = [:]
        var clock: UInt64 = 0

        // Emission state: attachments and live nested children per domain, destroyed domains.
        var attachmentCount: [Int: Int] = [:]
        var liveChildren: [Int: Int] = [:]
        var destroyed: Set<Int> = []
        var awaitingChildren: Set<Int> = []

        func kind(of root: Int) -> DomainKind {
            if hasNesting.contains(root) { return .secondStage }
            if let parent = parentOf[root] { return .nested(parent: domainOfRoot[parent]!) }
            if allDefaultDIDWithPASID[root] == true { return .sva }
            if allWithPASID[root] == true { return .firstStage }
            return .secondStage
        }

        func domain(of root: Int) -> IOMMUDomainID {
            if let id = domainOfRoot[root] { return id }
            if let parent = parentOf[root] { _ = domain(of: parent) }
            let id = IOMMUDomainID(kinds.count)
            domainOfRoot[root] = id
            if let parent = parentOf[root] { liveChildren[parent, default: 0] += 1 }
            let domainKind = kind(of: root)
            kinds.append(domainKind)
            roots.append(root)
            events.append(TimedWorkloadEvent(time: clock, event: .createDomain(id, domainKind)))
            return id
        }

        // A domain is destroyed after the last item that touches it or one of its children, once it
        // has no attachments and no children left.
        func plannedRoot(_ item: Item) -> Int? {
            switch item {
            case let .attach(_, _, instance): find(instance)
            case let .detach(_, _, instance): instance >= 0 ? find(instance) : nil
            case let .flush(op): find(closedOperations[op].instances[0])
            }
        }
        var lastItem: [Int: Int] = [:]
        for (position, item) in ordered.enumerated() {
            guard let root = plannedRoot(item.item) else { continue }
            lastItem[root] = position
            if let parent = parentOf[root] { lastItem[parent] = position }
        }
        func destroyIfDone(_ root: Int, at position: Int) {
            guard lastItem[root] == position || awaitingChildren.contains(root), let id = domainOfRoot[root],
                !destroyed.contains(root), attachmentCount[root, default: 0] == 0
            else { return }
            guard liveChildren[root, default: 0] == 0 else {
                awaitingChildren.insert(root)
                return
            }
            awaitingChildren.remove(root)
            destroyed.insert(root)
            events.append(TimedWorkloadEvent(time: clock, event: .destroyDomain(id)))
            if let parent = parentOf[root] {
                liveChildren[parent, default: 0] -= 1
                if awaitingChildren.contains(parent) { destroyIfDone(parent, at: position) }
            }
        }

        var operationDomains = Array(repeating: IOMMUDomainID(0), count: closedOperations.count)
        for (position, item) in ordered.enumerated() {
            clock = max(clock, item.time)
            var touched: [Int] = []
            defer { for root in touched { destroyIfDone(root, at: position) } }
            switch item.item {
            case let .attach(device, pasid, instance):
                let root = find(instance)
                let id = domain(of: root)
                touched.append(root)
                let key = AttachKey(device: device, pasid: pasid)
                if let current = attachedNow[key] {
                    statistics.repairs += 1
                    if current == root { continue }
                    attachmentCount[current, default: 0] -= 1
                    touched.append(current)
                    events.append(
                        TimedWorkloadEvent(
                            time: clock, event: .detach(device: DeviceID(device), pasid: PASID(unchecked: pasid))))
                }
                attachedNow[key] = root
                attachmentCount[root, default: 0] += 1
                events.append(
                    TimedWorkloadEvent(
                        time: clock, event: .attach(id, device: DeviceID(device), pasid: PASID(unchecked: pasid))))
            case let .detach(device, pasid, instance):
                if instance >= 0 { touched.append(find(instance)) }
                guard let current = attachedNow.removeValue(forKey: AttachKey(device: device, pasid: pasid)) else {
                    statistics.repairs += 1
                    continue
                }
                attachmentCount[current, default: 0] -= 1
                touched.append(current)
                events.append(
                    TimedWorkloadEvent(
                        time: clock, event: .detach(device: DeviceID(device), pasid: PASID(unchecked: pasid))))
            case let .flush(op):
                let operation = closedOperations[op]
                let root = find(operation.instances[0])
                let id = domain(of: root)
                touched.append(root)
                operationDomains[op] = id
                let event: WorkloadEvent =
                    switch operation.kind {
                    case .range: .flushRange(id, operation.range!)
                    case .newMappings: .flushRangeForNewMappings(id, operation.range!)
                    case .all: .flushAll(id)
                    }
                events.append(TimedWorkloadEvent(time: clock, event: event))
            }
        }

        // Names and numbering of units (sorted by name, dmar2 before dmar10) and devices.
        let unitOrder = unitNames.indices.sorted { naturalOrder(unitNames[$0], unitNames[$1]) }
        var unitID = Array(repeating: IOMMUUnitID(0), count: unitNames.count)
        for (position, unit) in unitOrder.enumerated() { unitID[unit] = IOMMUUnitID(position) }
        let units = unitOrder.indices.map { IOMMUUnit(id: IOMMUUnitID($0)) }

        var usedSources: Set<UInt16> = []
        var sources: [SourceID?] = deviceRecords.map { record in
            guard !record.isStandIn, let source = pciSource(record.name), usedSources.insert(source.rawValue).inserted
            else { return nil }
            return source
        }
        var nextSynthetic: UInt16 = 0xff00
        for index in sources.indices where sources[index] == nil {
            while usedSources.contains(nextSynthetic) { nextSynthetic &-= 1 }
            usedSources.insert(nextSynthetic)
            sources[index] = SourceID(rawValue: nextSynthetic)
        }
        var replayDevices: [ReplayDevice] = []
        var topologyDevices: [Device] = []
        for (index, record) in deviceRecords.enumerated() {
            let id = DeviceID(index)
            replayDevices.append(
                ReplayDevice(
                    id: id, name: record.name, unit: unitID[record.unit], hasATS: record.hasATS,
                    isStandIn: record.isStandIn))
            topologyDevices.append(
                try! Device(id: id, iommu: unitID[record.unit], source: sources[index]!, hasATS: record.hasATS))
        }
        let topology: Topology
        if units.isEmpty {
            // A trace without cache-tag events: one idle unit keeps the topology valid.
            topology = try! Topology(units: [IOMMUUnit(id: IOMMUUnitID(0))], devices: [])
        } else {
            topology = try! Topology(units: units, devices: topologyDevices)
        }
        let sortedUnitNames = unitOrder.map { unitNames[$0] }

        func traceTag(_ key: Key) -> TraceTag {
            TraceTag(
                type: key.type, unit: unitNames[key.unit],
                device: key.device >= 0 ? deviceRecords[key.device].name : nil,
                did: key.did, pasid: key.pasid)
        }
        var tagsOfRoot: [Int: Set<TraceTag>] = [:]
        for index in instances.indices { tagsOfRoot[find(index), default: []].insert(traceTag(instances[index].key)) }
        let replayDomains = roots.enumerated().map { position, root in
            ReplayDomain(id: IOMMUDomainID(position), kind: kinds[position], tags: (tagsOfRoot[root] ?? []).sorted())
        }
        let operations = closedOperations.enumerated().map { index, operation in
            ReplayFlushOperation(
                kind: operation.kind, domain: operationDomains[index], range: operation.range, lines: operation.lines,
                tags: operation.instances.map { traceTag(instances[$0].key) })
        }
        // Operations in trace order (by first line).
        let orderedOperations = operations.sorted { $0.lines[0] < $1.lines[0] }

        return Result(
            topology: topology, unitNames: sortedUnitNames, devices: replayDevices, domains: replayDomains,
            operations: orderedOperations, qiSubmissions: qiSubmissions, statistics: statistics, events: events)
    }
}

/// `dmar2` before `dmar10`: names compared by their text, then by their trailing number.
func naturalOrder(_ a: String, _ b: String) -> Bool {
    func split(_ name: String) -> (String, Int) {
        let digits = name.reversed().prefix(while: { $0.isASCII && $0.isNumber })
        let stem = String(name.dropLast(digits.count))
        return (stem, digits.isEmpty || digits.count > 9 ? -1 : Int(String(digits.reversed()))!)
    }
    let (stemA, numberA) = split(a)
    let (stemB, numberB) = split(b)
    return (stemA, numberA, a) < (stemB, numberB, b)
}

/// The requester ID of a PCI name `DDDD:BB:DD.F`, if the name is one.
func pciSource(_ name: String) -> SourceID? {
    let parts = name.split(separator: ":")
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2 else { return nil }
    let slot = parts[2].split(separator: ".")
    guard slot.count == 2, slot[0].count == 2, slot[1].count == 1, let bus = Int(parts[1], radix: 16),
        let device = Int(slot[0], radix: 16), let function = Int(slot[1], radix: 16)
    else { return nil }
    return try? SourceID(bus: bus, device: device, function: function)
}
