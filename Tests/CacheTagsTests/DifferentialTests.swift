import CacheTags
import PerfSuite
import TestSupport
import Testing
import VTd
import Workloads

/// The differential test: seeded random attach/detach/flush sequences over random topologies, run
/// through a `CacheTagDirectory` of the kernel's list and one of every registry table that drops
/// duplicate descriptors (`CacheTagTables.all`, trait `.dropsDuplicateDescriptors`), with the same
/// scheme and the same operations, plus the C baseline (PerfSuite's `CKernelListBaseline`) fed the
/// same tags. After every flush, for every optimized table:
/// (a) the optimized table's descriptor multiset equals the list table's with exact duplicates
///     collapsed to one copy, except device-TLB descriptors of extra-invalidation devices, which
///     appear exactly twice in both;
/// (b) every submission holds 1...16 descriptors, all targeting the submission's unit;
/// (c) the optimized table never needs more submissions than the list table;
/// (d) the C baseline emits exactly the list table's descriptor sequence and submission boundaries;
/// (e) write-buffer flushes: list >= optimized >= one per unit with tags that is not in caching mode
///     (every unit with tags for a first-stage domain), and none for range and all flushes.
@Suite("Differential: kernel list vs every optimized table vs C baseline", .tags(.slow))
struct DifferentialTests {
    static let sequencesPerScheme = TestScale.scaled(5_000)
    /// Every registry table held to the kernel list with duplicates removed.
    static let optimizedTables = CacheTagTables.all.filter { $0.traits.contains(.dropsDuplicateDescriptors) }

    @Test("every scheme × every table × the C baseline agree", arguments: DomainIDSchemes.all.map(\.name))
    func differential(schemeName: String) throws {
        let scheme = try #require(DomainIDSchemes.named(schemeName))
        var stats = DifferentialStats()
        var checker = Checker()
        for index in 0..<Self.sequencesPerScheme {
            // The same seeds for every scheme: the same topologies and operation streams.
            let seed = 0xD1FF_0000_0000 &+ UInt64(index) &* 0x9E37_79B9
            // The runnable tables run every sequence; the perf-only variants (the same walk behind a
            // publication policy, and slower to mutate) every fourth, to keep `swift test` short.
            let tables = index % 4 == 0 ? Self.optimizedTables : Self.optimizedTables.filter { $0.traits.contains(.runnable) }
            runSequence(seed: seed, scheme: scheme, tables: tables, stats: &stats, checker: &checker)
            if checker.failures >= Checker.limit { break }
        }
        #expect(checker.failures == 0)
        #expect(stats.sequences == Self.sequencesPerScheme)
        #expect(Self.optimizedTables.count >= 2 && Self.optimizedTables.contains { !$0.traits.contains(.runnable) })
        // The streams must reach what they are meant to exercise.
        #expect(stats.flushes > 20 * stats.sequences)
        #expect(stats.attaches > 10 * stats.sequences)
        #expect(stats.duplicatesEliminated > 0)
        #expect(stats.quirkRepeats > 0)
        // shared-all never allocates a DID, so it never runs out; the others must.
        #expect((stats.exhaustionFailures > 0) == (scheme.name != "shared-all"))
        #expect(stats.writeBufferFlushes > 0)
        #expect(stats.nonEmptyFlushes > stats.flushes / 4)
        if scheme.name == "shared-pasid" { #expect(stats.sharingFallbacks > 0) }
    }
}

// MARK: - Statistics and failure reporting

struct DifferentialStats {
    var sequences = 0
    var flushes = 0
    var nonEmptyFlushes = 0
    var attaches = 0
    var exhaustionFailures = 0
    var sharingFallbacks = 0
    var duplicatesEliminated = 0
    var quirkRepeats = 0
    var writeBufferFlushes = 0
}

/// Records the first few disagreements with their seed and step instead of thousands of issues.
struct Checker {
    static let limit = 10
    var failures = 0

    mutating func expect(
        _ condition: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard !condition else { return }
        failures += 1
        if failures <= Self.limit { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
    }
}

// MARK: - Random topologies and operations

/// One random topology: units with random capabilities, devices, and domains of every kind.
struct RandomScenario {
    var units: [IOMMUUnit] = []
    var devices: [Device] = []
    var domains: [(id: IOMMUDomainID, kind: DomainKind)] = []
    /// Each SVA domain's PASID, globally unique, as the kernel's SVA PASIDs are.
    var svaPASID: [IOMMUDomainID: UInt32] = [:]
    /// One unit with 16 DIDs and many domains: attaches run out of DIDs.
    var crowded = false

    init(rng: inout SplitMix64) {
        // A crowded scenario has small DID spaces and many domains, so attaches run out of DIDs.
        crowded = rng.chance(15)
        for index in 0..<(crowded ? 1 : 1 + rng.below(4)) {
            units.append(
                makeUnit(
                    index, ndoms: crowded ? 16 : rng.pick([16, 64, 256, 65536]), psi: !rng.chance(20),
                    mamv: rng.pick([0, 1, 3, 6, 9, 18, 18, 30, 52, 63]), cachingMode: rng.chance(30)))
        }
        for index in 0..<(1 + rng.below(8)) {
            let unit = rng.pick(units)
            let ats = rng.chance(60)
            let sid = SourceID(rawValue: UInt16(0x100 + index * 3))
            devices.append(
                makeDevice(
                    index, on: unit, ats: ats, extraInvalidation: ats && rng.chance(25), queueDepth: rng.below(33),
                    source: sid, physicalFunctionSource: rng.chance(20) ? SourceID(rawValue: 0xf000 | UInt16(index)) : nil))
        }
        var next = 0
        func add(_ kind: DomainKind) {
            domains.append((IOMMUDomainID(next), kind))
            if case .sva = kind { svaPASID[IOMMUDomainID(next)] = 0x1000 + UInt32(next) }
            next += 1
        }
        for _ in 0..<(crowded ? 12 + rng.below(9) : 1 + rng.below(3)) { add(.secondStage) }
        let parents = domains.map(\.id)
        for _ in 0..<rng.below(crowded ? 7 : 3) { add(.firstStage) }
        for _ in 0..<rng.below(crowded ? 7 : 4) { add(.sva) }
        for _ in 0..<rng.below(crowded ? 9 : 5) { add(.nested(parent: rng.pick(parents))) }
        domains.shuffle(using: &rng)
        // Parents must exist before their children.
        domains.sort { $0.kind.parent == nil && $1.kind.parent != nil }
    }

    func kind(of domain: IOMMUDomainID) -> DomainKind { domains.first { $0.id == domain }!.kind }
}

/// A random IOVA range: single pages, small and medium runs with unaligned byte ends, aligned
/// powers of two, ranges straddling an alignment boundary, the top of the space, the whole space.
func randomRange(_ rng: inout SplitMix64) -> IOVARange {
    func bytes(_ firstPage: UInt64, _ count: UInt64) -> IOVARange {
        let start = firstPage << 12 | UInt64(rng.below(4096))
        let end = ((firstPage + count - 1) << 12) | UInt64(rng.below(4096))
        return try! IOVARange(start: min(start, end), end: max(start, end))
    }
    let page = UInt64(rng.below(1 << 30))
    switch rng.below(9) {
    case 0: return bytes(page, 1)
    case 1: return bytes(page, UInt64(1 + rng.below(64)))
    case 2: return bytes(page, UInt64(65 + rng.below(8192)))
    case 3:
        let order = UInt64(rng.below(31))
        return pages((page >> order) << order, 1 << order)
    case 4:
        // Straddling: a few pages either side of a 2^k boundary.
        let order = 1 + rng.below(40)
        let boundary = UInt64(1 + rng.below(1 << 10)) << UInt64(order)
        let before = UInt64(1 + rng.below(1 << min(order, 12)))
        return pages(boundary - before, before + UInt64(1 + rng.below(64)))
    case 5: return .everything
    case 6:
        let count = UInt64(1 + rng.below(1 << 16))
        return pages((1 << 52) - count, count)
    case 7:
        let a = rng.next()
        let b = rng.next()
        return try! IOVARange(start: min(a, b), end: max(a, b))
    default: return pages(page, UInt64(1 + rng.below(512)))
    }
}

// MARK: - The C baseline and the optimized tables

/// One C list per domain (PerfSuite's adapter), mirroring the directory's assigns and unassigns.
final class CBaseline {
    private var domains: [IOMMUDomainID: CKernelListBaseline] = [:]

    func create(_ domain: IOMMUDomainID, firstStage: Bool) {
        domains[domain] = CKernelListBaseline(domainUsesFirstStage: firstStage, kernel: KernelProfile.latest.unwidened)
    }

    func assign(_ tag: CacheTag, to owner: IOMMUDomainID) -> Int32 { domains[owner]!.assignReportingStatus(tag) }
    func unassign(_ tag: CacheTag, from owner: IOMMUDomainID) -> Int32 { domains[owner]!.unassignReportingStatus(tag) }
    func tagCount(_ domain: IOMMUDomainID) -> Int { domains[domain]!.tagCount }

    /// Runs one flush of `domain`, recording its submissions.
    func flush(_ domain: IOMMUDomainID, _ operation: FlushOperation) -> FlushResult {
        let list = domains[domain]!
        var sink = RecordingSink()
        var result = FlushResult()
        switch operation {
        case let .range(range, hint):
            result.returned = list.flushRange(range, invalidationHint: hint, into: &sink)
        case .all:
            result.returned = list.flushAll(into: &sink)
        case let .newMappings(range):
            let (descriptors, writeBufferFlushes) = list.flushRangeForNewMappings(range, into: &sink)
            result.returned = descriptors
            result.writeBufferFlushes = Array(repeating: -1, count: writeBufferFlushes)  // units not reported
        }
        result.submissions = FlushResult(sink, returned: 0).submissions
        return result
    }
}

/// What the differential compares of an attachment.
struct AttachmentSummary: Equatable {
    let domainID: DomainID
    let tags: [CacheTag.Key]
    let owners: [IOMMUDomainID]

    init<Table: CacheTagTable>(_ attachment: CacheTagDirectory<Table>.Attachment) {
        domainID = attachment.domainID
        tags = attachment.tags.map(\.tag.key)
        owners = attachment.tags.map(\.owner)
    }
}

/// A directory over one registry table, its type erased, so one sequence drives every table.
struct DirectoryUnderTest {
    let name: String
    let createDomain: (IOMMUDomainID, DomainKind) throws -> Void
    let attach: (IOMMUDomainID, DeviceID, PASID) throws(DirectoryError) -> AttachmentSummary
    let detach: (DeviceID, PASID) throws -> AttachmentSummary
    let flush: (IOMMUDomainID, FlushOperation) -> FlushResult
    let tagCountOf: (IOMMUDomainID) -> Int
    let books: () -> [Int]
    let tagCount: () -> Int

    init(_ table: CacheTagTableDescriptor, units: [IOMMUUnit], devices: [Device], scheme: any DomainIDScheme) {
        func make<Table: CacheTagTable>(_: Table.Type) -> DirectoryUnderTest {
            // Unwidened, like the reference list: the rule checked is the minimal one.
            DirectoryUnderTest(
                CacheTagDirectory<Table>(
                    units: units, devices: devices, scheme: scheme,
                    makeTable: { Table(domainUsesFirstStage: $0, allocator: .system, kernel: KernelProfile.latest.unwidened) }),
                name: table.name)
        }
        self = make(table.type)
    }

    private init<Table: CacheTagTable>(_ directory: CacheTagDirectory<Table>, name: String) {
        self.name = name
        createDomain = { try directory.createDomain($0, kind: $1) }
        attach = { (domain, device, pasid) throws(DirectoryError) in
            AttachmentSummary(try directory.attach(domain, device: device, pasid: pasid))
        }
        detach = { AttachmentSummary(try directory.detach(device: $0, pasid: $1)) }
        flush = { TestSupport.flush(directory.table(of: $0)!, $1) }
        tagCountOf = { directory.table(of: $0)!.tagCount }
        books = {
            [directory.didsInUse, directory.attachFailures, directory.sharingFallbacks, directory.peakDIDsInUse]
        }
        tagCount = { directory.tagCount }
    }
}

// MARK: - One sequence

/// What a descriptor may legitimately target, from the tags of the flushed domain.
enum Target: Hashable {
    case iotlb(unit: Int, did: UInt16)
    case pasidIOTLB(unit: Int, did: UInt16, pasid: UInt32)
    case deviceTLB(unit: Int, source: UInt16, pasid: UInt32)
}

func target(of descriptor: InvalidationDescriptor, unit: Int) -> Target? {
    switch descriptor.decoded {
    case let .iotlb(_, did, _, _): .iotlb(unit: unit, did: did.rawValue)
    case let .pasidIOTLB(_, did, pasid, _, _): .pasidIOTLB(unit: unit, did: did.rawValue, pasid: pasid.rawValue)
    case let .deviceTLB(source, _, _): .deviceTLB(unit: unit, source: source.rawValue, pasid: 0)
    case let .pasidDeviceTLB(source, pasid, _, _): .deviceTLB(unit: unit, source: source.rawValue, pasid: pasid.rawValue)
    default: nil
    }
}

func targets(of tags: [CountedCacheTag], firstStage: Bool) -> Set<Target> {
    Set(
        tags.map { counted in
            let tag = counted.tag
            let unit = tag.unit.id.rawValue
            if tag.type.isDeviceTLB {
                return .deviceTLB(unit: unit, source: tag.device.source.rawValue, pasid: tag.pasid.rawValue)
            }
            if firstStage && tag.type == .iotlb {
                return .pasidIOTLB(unit: unit, did: tag.domainID.rawValue, pasid: tag.pasid.rawValue)
            }
            return .iotlb(unit: unit, did: tag.domainID.rawValue)
        })
}

private struct AttachmentKey: Hashable {
    let device: DeviceID
    let pasid: PASID
}

func runSequence(
    seed: UInt64, scheme: any DomainIDScheme, tables: [CacheTagTableDescriptor], stats: inout DifferentialStats,
    checker: inout Checker
) {
    var rng = SplitMix64(seed: seed)
    let scenario = RandomScenario(rng: &rng)
    // The rule checked here is the minimal one: the optimized tables emit what kernel-list emits
    // without the NESTING_DEVTLB widening (duplicates aside). The widened walk is the kernel's and
    // is held to the C baseline and to its own tests (`KernelProfileTests`).
    let list = CacheTagDirectory<KernelListTable>(
        units: scenario.units, devices: scenario.devices, scheme: scheme,
        makeTable: { KernelListTable(domainUsesFirstStage: $0, allocator: .system, kernel: KernelProfile.latest.unwidened) })
    let optimized = tables.map { DirectoryUnderTest($0, units: scenario.units, devices: scenario.devices, scheme: scheme) }
    let baseline = CBaseline()
    let quirkySources = Set(scenario.devices.filter(\.needsExtraInvalidation).map(\.source))
    let context = "\(scheme.name) seed \(String(seed, radix: 16))"

    for (id, kind) in scenario.domains {
        do {
            try list.createDomain(id, kind: kind)
            for directory in optimized { try directory.createDomain(id, kind) }
        } catch {
            checker.expect(false, "\(context): createDomain \(id) failed: \(error)")
            return
        }
        baseline.create(id, firstStage: kind.usesFirstStage)
    }
    var live: [AttachmentKey] = []

    func attach(step: Int) {
        let (domain, kind) = rng.pick(scenario.domains)
        let device = rng.pick(scenario.devices)
        let value: UInt32 =
            if let sva = scenario.svaPASID[domain] { sva } else if case .secondStage = kind, rng.chance(50) { 0 } else {
                UInt32(rng.below(4))
            }
        let key = AttachmentKey(device: device.id, pasid: pasid(value))
        let listResult = Result { () throws(DirectoryError) in try list.attach(domain, device: device.id, pasid: key.pasid) }
        let results = optimized.map { directory in
            (directory.name, Result { () throws(DirectoryError) in try directory.attach(domain, device.id, key.pasid) })
        }
        for (name, result) in results {
            switch (listResult, result) {
            case let (.success(a), .success(b)):
                checker.expect(AttachmentSummary(a) == b, "\(context) step \(step) \(name): attachments differ")
            case let (.failure(a), .failure(b)):
                checker.expect(a == b, "\(context) step \(step) \(name): attach errors differ: \(a) vs \(b)")
            default:
                checker.expect(false, "\(context) step \(step) \(name): attach outcomes differ: \(listResult) vs \(result)")
            }
        }
        switch listResult {
        case let .success(a):
            stats.attaches += 1
            if case .secondStage = kind {
                // A second-stage domain never shares its DID, except under the unsafe control.
                checker.expect(
                    scheme.isSafe == (a.domainID != .firstStageDefault), "\(context) step \(step): second-stage on \(a.domainID)")
            }
            for (owner, tag) in a.tags {
                checker.expect(baseline.assign(tag, to: owner) == 0, "\(context) step \(step): ckl_assign failed")
            }
            live.append(key)
        case let .failure(a):
            if case .domainID(.exhausted) = a { stats.exhaustionFailures += 1 }
        }
    }

    func detach(_ key: AttachmentKey, step: Int) {
        do {
            let a = try list.detach(device: key.device, pasid: key.pasid)
            for directory in optimized {
                let b = try directory.detach(key.device, key.pasid)
                checker.expect(AttachmentSummary(a).tags == b.tags, "\(context) step \(step) \(directory.name): detached tags differ")
            }
            for (owner, tag) in a.tags {
                checker.expect(baseline.unassign(tag, from: owner) == 0, "\(context) step \(step): ckl_unassign failed")
            }
        } catch {
            checker.expect(false, "\(context) step \(step): detach failed: \(error)")
        }
    }

    func flush(step: Int) {
        let domain = rng.pick(scenario.domains).id
        let firstStage = scenario.kind(of: domain).usesFirstStage
        let operation: FlushOperation =
            switch rng.below(10) {
            case 0..<6: .range(randomRange(&rng), hint: rng.chance(20))
            case 6..<8: .all
            default: .newMappings(randomRange(&rng))
            }
        let listTable = list.table(of: domain)!
        let theirs = TestSupport.flush(listTable, operation)
        let c = baseline.flush(domain, operation)
        let here = "\(context) step \(step) \(domain) \(operation)"
        stats.flushes += 1
        if !theirs.submissions.isEmpty { stats.nonEmptyFlushes += 1 }
        checker.expect(
            listTable.tagCount == baseline.tagCount(domain),
            "\(here): tag counts \(listTable.tagCount) (list) / \(baseline.tagCount(domain)) (C)")
        let listCounts = unitMultiset(theirs)
        for (entry, count) in listCounts where isQuirkyDeviceTLB(entry.descriptor, quirkySources) {
            checker.expect(count == 2, "\(here): quirk descriptor \(entry) \(count) times in the list")
            stats.quirkRepeats += 1
        }
        let allowed = targets(of: listTable.countedTags, firstStage: firstStage)
        check(theirs, "\(here) kernel-list", allowed: allowed)

        // (d) the C baseline: the same sequence, the same boundaries.
        checker.expect(
            c.submissions == theirs.submissions && c.returned == theirs.returned,
            "\(here): C baseline differs\n C: \(c.submissions)\n list: \(theirs.submissions)")

        // The tags whose units need a write-buffer flush after new mappings.
        let writeBufferTags = listTable.countedTags.filter { firstStage || !$0.tag.unit.capabilities.cachingMode }
        let writeBufferUnits = Set(writeBufferTags.map(\.tag.unit.id.rawValue))
        if case .newMappings = operation {
            checker.expect(
                Set(theirs.writeBufferFlushes) == writeBufferUnits && theirs.writeBufferFlushes.count == writeBufferTags.count,
                "\(here): write-buffer flushes list \(theirs.writeBufferFlushes), units \(writeBufferUnits)")
            checker.expect(
                c.writeBufferFlushes.count == theirs.writeBufferFlushes.count,
                "\(here): C write-buffer flushes \(c.writeBufferFlushes.count)")
            checker.expect(
                theirs.descriptors.allSatisfy { $0.typeCode == DescriptorType.iotlb.rawValue },
                "\(here): new-mappings flush emitted a non-IOTLB descriptor")
        } else {
            checker.expect(theirs.writeBufferFlushes.isEmpty, "\(here): list write-buffer flush outside flush_range_np")
        }

        for directory in optimized {
            let ours = directory.flush(domain, operation)
            let there = "\(here) \(directory.name)"
            // The tables hold the same tags; those that merge tags whose descriptors are the same
            // (`kernel-list+did-match`, `smmu-invs`) may hold fewer.
            let mergesTags = CacheTagTables.named(directory.name)?.traits.contains(.mergesTags) ?? false
            checker.expect(
                mergesTags
                    ? directory.tagCountOf(domain) <= listTable.tagCount : directory.tagCountOf(domain) == listTable.tagCount,
                "\(there): tag count \(directory.tagCountOf(domain)) vs the list's \(listTable.tagCount)")
            // (a) the optimized multiset is the list's with duplicates collapsed, quirk repeats kept.
            // Duplicates are per unit: the same bits sent to two units' queues are two invalidations.
            checker.expect(
                unitMultiset(ours) == collapsed(theirs, quirky: scenario.devices),
                "\(there): multisets differ\n list: \(theirs.submissions)\n ours: \(ours.submissions)")
            stats.duplicatesEliminated += theirs.descriptors.count - ours.descriptors.count
            // (b) 1...16 descriptors per submission, each targeting the submission's unit.
            check(ours, there, allowed: allowed)
            // (c) no more submissions than the list.
            checker.expect(
                ours.submissions.count <= theirs.submissions.count,
                "\(there): \(ours.submissions.count) submissions vs the list's \(theirs.submissions.count)")
            // (e) write-buffer flushes: one per unit that needs one.
            if case .newMappings = operation {
                // The list's variant flushes a write buffer per tag, as the kernel does.
                checker.expect(
                    Set(ours.writeBufferFlushes) == writeBufferUnits
                        && (mergesTags ? ours.writeBufferFlushes.count <= writeBufferTags.count
                            : ours.writeBufferFlushes.count == writeBufferUnits.count),
                    "\(there): write-buffer flushes \(ours.writeBufferFlushes), units \(writeBufferUnits)")
                stats.writeBufferFlushes += ours.writeBufferFlushes.count
            } else {
                checker.expect(ours.writeBufferFlushes.isEmpty, "\(there): write-buffer flush outside flush_range_np")
            }
        }
    }

    /// (b) for one table's flush: what it returned, submission sizes and targets.
    func check(_ result: FlushResult, _ here: String, allowed: Set<Target>) {
        checker.expect(result.returned == result.descriptors.count, "\(here): returned \(result.returned)")
        for submission in result.submissions {
            checker.expect(
                (1...InvalidationBatchLimits.capacity).contains(submission.descriptors.count),
                "\(here): submission of \(submission.descriptors.count)")
            for descriptor in submission.descriptors {
                let target = target(of: descriptor, unit: submission.unit)
                checker.expect(
                    target.map(allowed.contains) == true, "\(here): \(descriptor) does not target dmar\(submission.unit)")
            }
        }
    }

    let steps = 20 + rng.below(50)
    for step in 0..<steps {
        let choice = rng.below(100)
        if choice < (scenario.crowded ? 55 : 35) {
            attach(step: step)
        } else if choice < 50, !live.isEmpty {
            detach(live.remove(at: rng.below(live.count)), step: step)
        } else {
            flush(step: step)
        }
        if checker.failures >= Checker.limit { return }
    }
    let listBooks = [list.didsInUse, list.attachFailures, list.sharingFallbacks, list.peakDIDsInUse]
    for directory in optimized {
        checker.expect(directory.books() == listBooks, "\(context) \(directory.name): DID books differ")
    }
    stats.sharingFallbacks += list.sharingFallbacks

    // Detaching everything leaves nothing behind anywhere.
    for key in live.reversed() { detach(key, step: steps) }
    checker.expect(list.tagCount == 0 && optimized.allSatisfy { $0.tagCount() == 0 }, "\(context): tags left after detaching all")
    checker.expect(list.didsInUse == 0 && optimized.allSatisfy { $0.books()[0] == 0 }, "\(context): DIDs left after detaching all")
    for (id, _) in scenario.domains {
        checker.expect(baseline.tagCount(id) == 0, "\(context): C tags left on \(id)")
    }
    stats.sequences += 1
}
