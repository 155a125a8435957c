import VTd
import Workloads

/// A seeded generator of random but well-formed operations, for the property tests: domains of
/// every kind (nested ones on second-stage parents), attach/detach through the RID and PASIDs,
/// map, strict-mode unmap (unmap + flush of the same range), flush-all, flush of new mappings,
/// and DMA accesses.
///
/// It follows the rules the kernel follows, and nothing more: SVA PASIDs are global (one per SVA
/// domain, allocated at creation, never used by anything else while the domain lives, freed at
/// destruction, as `iommu_alloc_global_pasid` does); a (device, PASID) holds one domain at a time;
/// domains are destroyed only once detached and childless. It does not know which attachments
/// the DID scheme refused: the engine skips those events.
package struct RandomOperations {
    private struct Domain {
        let id: IOMMUDomainID
        let kind: DomainKind
        let svaPASID: PASID?
        var attachments = 0
        var children = 0
        /// Which pages of the small space the domain maps now (so accesses can aim at them).
        var mapped = [Bool](repeating: false, count: Int(RandomOperations.pageSpace))
    }

    private struct Attachment: Equatable {
        let domain: IOMMUDomainID
        let device: DeviceID
        let pasid: PASID
    }

    private var rng: SplitMix64
    private let devices: Int
    /// Live domains in creation order (deterministic iteration).
    private var domains: [Domain] = []
    private var attachments: [Attachment] = []
    private var svaPASIDs: Set<UInt32> = []
    private var nextDomain = 0

    /// Pages DMA and mappings mostly fall in: small, so mappings overlap and accesses hit.
    package static let pageSpace: UInt64 = 256
    /// A second, far region for a few operations, so ranges straddle and land in other sets.
    package static let farRegion: UInt64 = 1 << 24
    package static let maxDomains = 24
    package static let maxAttachments = 40
    /// SVA PASIDs come from 1 ..< 32; device-chosen ones from 1 ..< 48 minus live SVA PASIDs.
    package static let svaPASIDLimit: UInt32 = 32
    package static let devicePASIDLimit: UInt32 = 48

    package init(seed: UInt64, topology: Topology) {
        rng = SplitMix64(seed: seed)
        devices = topology.devices.count
    }

    private mutating func below(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A random page: mostly in the small space, sometimes far away.
    private mutating func page() -> UInt64 {
        chance(5) ? Self.farRegion + UInt64(below(64)) : UInt64(below(Int(Self.pageSpace)))
    }

    /// A random range length: mostly a few pages, sometimes wide (past MAMV 4, past the set count).
    private mutating func length() -> UInt64 {
        switch below(100) {
        case 0..<70: UInt64(1 + below(4))
        case 70..<92: UInt64(1 + below(16))
        case 92..<98: 64
        default: 300
        }
    }

    /// The events of the next operation (one, or two for a strict unmap).
    package mutating func next() -> [WorkloadEvent] {
        while true {
            let roll = below(100)
            let events: [WorkloadEvent]?
            switch roll {
            case 0..<2: events = createDomain()
            case 2..<3: events = destroyDomain()
            case 3..<6: events = attach()
            case 6..<8: events = detach()
            case 8..<25: events = map()
            case 25..<38: events = unmapAndFlush()
            case 38..<39: events = flushAll()
            case 39..<41: events = flushNewMappings()
            default: events = access()
            }
            if let events { return events }
        }
    }

    private mutating func createDomain() -> [WorkloadEvent]? {
        guard domains.count < Self.maxDomains else { return nil }
        let id = IOMMUDomainID(nextDomain)
        var kind: DomainKind
        var svaPASID: PASID?
        switch below(100) {
        case 0..<35: kind = .secondStage
        case 35..<55: kind = .firstStage
        case 55..<75: kind = .sva
        default:
            let parents = domains.filter { $0.kind == .secondStage }
            guard !parents.isEmpty else { return nil }
            kind = .nested(parent: parents[below(parents.count)].id)
        }
        if kind == .sva {
            let free = (1..<Self.svaPASIDLimit).filter { !svaPASIDs.contains($0) }
            guard !free.isEmpty else { return nil }
            let value = free[below(free.count)]
            svaPASIDs.insert(value)
            svaPASID = PASID(unchecked: value)
        }
        if let parent = kind.parent, let index = domains.firstIndex(where: { $0.id == parent }) {
            domains[index].children += 1
        }
        nextDomain += 1
        domains.append(Domain(id: id, kind: kind, svaPASID: svaPASID))
        return [.createDomain(id, kind)]
    }

    private mutating func destroyDomain() -> [WorkloadEvent]? {
        let idle = domains.indices.filter { domains[$0].attachments == 0 && domains[$0].children == 0 }
        guard !idle.isEmpty else { return nil }
        let domain = domains.remove(at: idle[below(idle.count)])
        if let pasid = domain.svaPASID { svaPASIDs.remove(pasid.rawValue) }
        if let parent = domain.kind.parent, let index = domains.firstIndex(where: { $0.id == parent }) {
            domains[index].children -= 1
        }
        return [.destroyDomain(domain.id)]
    }

    private func isFree(_ device: DeviceID, _ pasid: PASID) -> Bool {
        !attachments.contains { $0.device == device && $0.pasid == pasid }
    }

    private mutating func attach() -> [WorkloadEvent]? {
        guard !domains.isEmpty, attachments.count < Self.maxAttachments else { return nil }
        let index = below(domains.count)
        let domain = domains[index]
        let device = DeviceID(below(devices))
        let pasid: PASID
        if let svaPASID = domain.svaPASID {
            pasid = svaPASID
        } else if chance(40) {
            pasid = .none
        } else {
            let value = UInt32(1 + below(Int(Self.devicePASIDLimit) - 1))
            guard !svaPASIDs.contains(value) else { return nil }
            pasid = PASID(unchecked: value)
        }
        guard isFree(device, pasid) else { return nil }
        attachments.append(Attachment(domain: domain.id, device: device, pasid: pasid))
        domains[index].attachments += 1
        return [.attach(domain.id, device: device, pasid: pasid)]
    }

    private mutating func detach() -> [WorkloadEvent]? {
        guard !attachments.isEmpty else { return nil }
        let attachment = attachments.remove(at: below(attachments.count))
        if let index = domains.firstIndex(where: { $0.id == attachment.domain }) { domains[index].attachments -= 1 }
        return [.detach(device: attachment.device, pasid: attachment.pasid)]
    }

    private mutating func anyDomain() -> IOMMUDomainID? {
        domains.isEmpty ? nil : domains[below(domains.count)].id
    }

    /// Records a map (true) or unmap (false) of the range in the domain's small-space bitmap.
    private mutating func mark(_ domain: IOMMUDomainID, _ first: UInt64, _ count: UInt64, mapped: Bool) {
        guard let index = domains.firstIndex(where: { $0.id == domain }), first < Self.pageSpace else { return }
        for page in first..<min(first + count, Self.pageSpace) { domains[index].mapped[Int(page)] = mapped }
    }

    /// A page the domain maps now (for a nested child, one its parent maps too), if any;
    /// `hot` aims at the domain's eight lowest mapped pages most of the time: DMA's working set.
    private mutating func mappedPage(of domain: IOMMUDomainID, hot: Bool) -> UInt64? {
        guard let index = domains.firstIndex(where: { $0.id == domain }) else { return nil }
        var pages = domains[index].mapped
        if let parent = domains[index].kind.parent, let parentIndex = domains.firstIndex(where: { $0.id == parent }) {
            for page in pages.indices { pages[page] = pages[page] && domains[parentIndex].mapped[page] }
        }
        let candidates = pages.indices.filter { pages[$0] }
        guard !candidates.isEmpty else { return nil }
        let pick = hot && chance(80) ? below(min(8, candidates.count)) : below(candidates.count)
        return UInt64(candidates[pick])
    }

    private mutating func map() -> [WorkloadEvent]? {
        guard let domain = anyDomain() else { return nil }
        let first = page()
        let count = length()
        mark(domain, first, count, mapped: true)
        return [.map(domain, firstPage: first, pageCount: count)]
    }

    private mutating func unmapAndFlush() -> [WorkloadEvent]? {
        guard let domain = anyDomain() else { return nil }
        // Mostly unmap where something is mapped.
        let first = chance(70) ? (mappedPage(of: domain, hot: false) ?? page()) : page()
        let count = length()
        mark(domain, first, count, mapped: false)
        return [
            .unmap(domain, firstPage: first, pageCount: count),
            .flushAfterUnmap(domain, IOVARange(firstPage: first, pageCount: count)),
        ]
    }

    private mutating func flushAll() -> [WorkloadEvent]? {
        guard let domain = anyDomain() else { return nil }
        return [.flushAll(domain)]
    }

    private mutating func flushNewMappings() -> [WorkloadEvent]? {
        guard let domain = anyDomain() else { return nil }
        return [.flushRangeForNewMappings(domain, IOVARange(firstPage: page(), pageCount: length()))]
    }

    private mutating func access() -> [WorkloadEvent]? {
        guard !attachments.isEmpty else { return nil }
        let attachment = attachments[below(attachments.count)]
        // Mostly DMA to mapped pages (hits, fills, evictions); sometimes anywhere (faults).
        let target = chance(85) ? (mappedPage(of: attachment.domain, hot: true) ?? page()) : page()
        return [.access(device: attachment.device, pasid: attachment.pasid, page: target)]
    }

    /// `operations` operations' worth of events.
    package static func events(seed: UInt64, operations: Int, topology: Topology) -> [WorkloadEvent] {
        var generator = RandomOperations(seed: seed, topology: topology)
        var events: [WorkloadEvent] = []
        events.reserveCapacity(operations * 6 / 5)
        for _ in 0..<operations { events += generator.next() }
        return events
    }
}
