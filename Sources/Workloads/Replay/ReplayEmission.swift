import VTd

/// Stage 5 of replay: the ordered stream → `WorkloadEvent`s, with domains created and destroyed
/// around their use, then the public records (topology, devices, domains, operations) and the
/// replay's counters.
///
/// - A domain is created just before the first entry that touches it, its parent first (a nested
///   domain names its parent when created), and numbered in that order.
/// - The trace does not say when a domain is freed (the cache-tag events show tags, not domains;
///   docs/vtd-facts.md §4): a domain is destroyed right after the last entry that touches it or
///   one of its nested children, once it has no attachments and no children left.
/// - A device has one domain per PASID at a time, so an attach over a live attachment (its detach
///   was not traced) detaches the old domain first; a detach of nothing is dropped. Both count as
///   repairs.
/// - Time is the trace's, never running backwards.
struct ReplayEmission {
    private(set) var events: [TimedWorkloadEvent] = []
    /// Each domain's root (`DomainInference` names domains by root), by `IOMMUDomainID`.
    private(set) var domainRoots: [Int] = []
    /// Each domain's kind, by `IOMMUDomainID`.
    private(set) var domainKinds: [DomainKind] = []
    /// The domain each `ReplayTimeline` operation flushed, by operation index.
    private(set) var operationDomains: [IOMMUDomainID]
    /// Attachment contradictions repaired here.
    private(set) var repairs = 0
    /// The replayed machine.
    let topology: ReplayTopology
    /// The domains, by `IOMMUDomainID`.
    private(set) var replayDomains: [ReplayDomain] = []
    /// The flush calls in trace order (by first line).
    private(set) var replayOperations: [ReplayFlushOperation] = []
    /// The statistics handed in, with the inference's and the emission's counters added.
    private(set) var statistics: TraceStatistics
    /// Where the replayed IH bits came from.
    private(set) var hintNote = ""

    private let operations: [ReplayTimeline.Operation]
    private let domains: DomainInference
    private let evidence: KernelEvidence
    /// The IH bit of each `flush_range` operation, by operation index.
    private var hints: [Bool]
    private var hintsFromKernel = 0
    private var hintsByRule = 0
    /// Calls whose kernel IH the rule would have given too: how far the rule can be trusted.
    private var hintsRuleAgrees = 0
    private var domainOfRoot: [Int: IOMMUDomainID] = [:]
    private var attachedNow: [AttachmentChange.Target: Int] = [:]
    private var clock: UInt64 = 0
    /// Attachments and live nested children per domain, by root.
    private var attachmentCount: [Int: Int] = [:]
    private var liveChildren: [Int: Int] = [:]
    private var destroyed: Set<Int> = []
    /// Domains done but for their children.
    private var awaitingChildren: Set<Int> = []
    /// The position in `entries` of the last entry touching each domain or one of its children.
    private var lastEntry: [Int: Int] = [:]

    /// Emits `entries` (from `ReplayTimeline.ordered`). `unitNames` are `TraceLexer.unitNames`;
    /// `statistics` holds the counts of the stages before `DomainInference`.
    init(
        entries: [ReplayTimeline.Entry], operations: [ReplayTimeline.Operation], domains: DomainInference,
        unitNames: [String], evidence: KernelEvidence, statistics: TraceStatistics
    ) {
        self.operations = operations
        self.domains = domains
        self.evidence = evidence
        self.statistics = statistics
        hints = Array(repeating: false, count: operations.count)
        topology = ReplayTopology(
            unitNames: unitNames, capabilities: evidence.capabilities, devices: domains.devices.records)
        operationDomains = Array(repeating: IOMMUDomainID(0), count: operations.count)
        events.reserveCapacity(entries.count + domains.lives.count)
        for (position, entry) in entries.enumerated() {
            guard let root = plannedRoot(entry) else { continue }
            lastEntry[root] = position
            if let parent = domains.parentOfRoot[root] { lastEntry[parent] = position }
        }
        for (position, entry) in entries.enumerated() { emit(entry, at: position) }
        makeRecords(unitNames: unitNames)
        hintNote =
            "IH of flush_range calls: \(hintsFromKernel) from the kernel's qi_submit words (the rule agrees on "
            + "\(hintsRuleAgrees)), \(hintsByRule) by the kernel's rule (SVA 0; else 1 unless the range covers a "
            + "whole 512-page table)"
        self.statistics.inferredAttachments += domains.inferredAttachments
        self.statistics.repairs += domains.repairs + repairs
    }

    private mutating func makeRecords(unitNames: [String]) {
        let lives = domains.lives
        let devices = domains.devices
        var tagsOfRoot: [Int: Set<TraceTag>] = [:]
        for index in lives.indices {
            tagsOfRoot[domains.rootOfLife[index], default: []].insert(
                TraceTag(lives[index].key, unitNames: unitNames, devices: devices))
        }
        replayDomains = domainRoots.enumerated().map { position, root in
            ReplayDomain(
                id: IOMMUDomainID(position), kind: domainKinds[position], tags: (tagsOfRoot[root] ?? []).sorted())
        }
        replayOperations = operations.enumerated().map { index, operation in
            ReplayFlushOperation(
                kind: operation.kind, domain: operationDomains[index], range: operation.range, lines: operation.lines,
                tags: operation.lives.map { TraceTag(lives[$0].key, unitNames: unitNames, devices: devices) },
                invalidationHint: hints[index], kernelDescriptors: evidence.descriptorsOfOperation[index],
                truncated: evidence.truncated[index])
        }
        .sorted { $0.lines[0] < $1.lines[0] }
    }

    /// The IH bit of `flush_range` operation `index`: the kernel's where it sent a page-selective
    /// descriptor, else its rule (`intel_iommu_tlb_sync`; SVA passes 0).
    private mutating func hint(_ index: Int, kind: DomainKind) -> Bool {
        let hint: Bool
        let rule = kind == .sva ? false : !operations[index].range!.freesPageTablePages
        if let seen = evidence.invalidationHints[index] {
            hint = seen
            hintsFromKernel += 1
            if seen == rule { hintsRuleAgrees += 1 }
        } else {
            hint = rule
            hintsByRule += 1
        }
        hints[index] = hint
        return hint
    }

    private func plannedRoot(_ entry: ReplayTimeline.Entry) -> Int? {
        switch entry.action {
        case let .change(change): change.life.map { domains.rootOfLife[$0] }
        case let .flush(operation): domains.rootOfLife[operations[operation].lives[0]]
        }
    }

    private mutating func append(_ event: WorkloadEvent) {
        events.append(TimedWorkloadEvent(time: clock, event: event))
    }

    /// The domain of `root`, created now if it does not exist yet.
    private mutating func domain(of root: Int) -> IOMMUDomainID {
        if let id = domainOfRoot[root] { return id }
        let parent = domains.parentOfRoot[root]
        if let parent { _ = domain(of: parent) }
        let id = IOMMUDomainID(domainKinds.count)
        domainOfRoot[root] = id
        if let parent { liveChildren[parent, default: 0] += 1 }
        let kind: DomainKind =
            switch domains.kindOfRoot[root]! {
            case .secondStage: .secondStage
            case let .nested(parentRoot): .nested(parent: domainOfRoot[parentRoot]!)
            case .sva: .sva
            case .firstStage: .firstStage
            }
        domainKinds.append(kind)
        domainRoots.append(root)
        append(.createDomain(id, kind))
        return id
    }

    private mutating func destroyIfDone(_ root: Int, at position: Int) {
        guard lastEntry[root] == position || awaitingChildren.contains(root), let id = domainOfRoot[root],
            !destroyed.contains(root), attachmentCount[root, default: 0] == 0
        else { return }
        guard liveChildren[root, default: 0] == 0 else {
            awaitingChildren.insert(root)
            return
        }
        awaitingChildren.remove(root)
        destroyed.insert(root)
        append(.destroyDomain(id))
        if let parent = domains.parentOfRoot[root] {
            liveChildren[parent, default: 0] -= 1
            if awaitingChildren.contains(parent) { destroyIfDone(parent, at: position) }
        }
    }

    private mutating func emit(_ entry: ReplayTimeline.Entry, at position: Int) {
        clock = max(clock, entry.time)
        var touched: [Int] = []
        defer { for root in touched { destroyIfDone(root, at: position) } }
        switch entry.action {
        case let .change(change) where change.kind == .attach:
            let root = domains.rootOfLife[change.life!]
            let id = domain(of: root)
            touched.append(root)
            let device = DeviceID(change.target.device)
            let pasid = PASID(unchecked: change.target.pasid)
            if let current = attachedNow[change.target] {
                repairs += 1
                if current == root { return }
                attachmentCount[current, default: 0] -= 1
                touched.append(current)
                append(.detach(device: device, pasid: pasid))
            }
            attachedNow[change.target] = root
            attachmentCount[root, default: 0] += 1
            append(.attach(id, device: device, pasid: pasid))
        case let .change(change):
            if let life = change.life { touched.append(domains.rootOfLife[life]) }
            guard let current = attachedNow.removeValue(forKey: change.target) else {
                repairs += 1
                return
            }
            attachmentCount[current, default: 0] -= 1
            touched.append(current)
            append(.detach(device: DeviceID(change.target.device), pasid: PASID(unchecked: change.target.pasid)))
        case let .flush(index):
            let operation = operations[index]
            let root = domains.rootOfLife[operation.lives[0]]
            let id = domain(of: root)
            touched.append(root)
            operationDomains[index] = id
            let event: WorkloadEvent =
                switch operation.kind {
                case .range: .flushRange(id, operation.range!, invalidationHint: hint(index, kind: domainKinds[id.rawValue]))
                case .newMappings: .flushRangeForNewMappings(id, operation.range!)
                case .all: .flushAll(id)
                }
            append(event)
        }
    }
}
