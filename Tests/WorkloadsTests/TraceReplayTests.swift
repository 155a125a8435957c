import TestSupport
import Testing
import VTd
import Workloads

@Suite("Trace replay")
struct TraceReplayTests {
    let text: String
    let path: String

    init() throws { (text, path) = try sampleTrace() }

    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    func replace(_ changes: [Int: String]) -> String {
        var lines = self.lines
        for (number, line) in changes { lines[number - 1] = line }
        return lines.joined(separator: "\n")
    }

    @Test("the sample reconstructs to the expected topology")
    func topology() throws {
        let replay = try TraceReplay(contentsOf: path)
        #expect(replay.file == path)
        #expect(replay.unitNames == ["dmar0", "dmar1"])
        #expect(replay.topology.units.count == 2)
        let named = replay.devices.filter { !$0.isStandIn }
        #expect(
            Set(named.map(\.name)) == ["0000:3b:00.0", "0000:6b:00.0", "0000:6a:01.0", "0000:6b:00.1", "0000:6c:00.0"])
        #expect(named.allSatisfy { $0.hasATS })
        #expect(replay.devices.first { $0.name == "0000:3b:00.0" }?.unit == IOMMUUnitID(0))
        #expect(replay.devices.first { $0.name == "0000:6a:01.0" }?.unit == IOMMUUnitID(1))
        // Three non-ATS devices the trace cannot name, all behind dmar0: the boot NVMe domain, the
        // spanning domain's dmar0 device and nested child B's device.
        let standIns = replay.devices.filter(\.isStandIn)
        #expect(standIns.count == 3)
        #expect(standIns.allSatisfy { !$0.hasATS && $0.unit == IOMMUUnitID(0) })
        for device in replay.devices {
            let modeled = replay.topology.devices[device.id.rawValue]
            #expect(modeled.hasATS == device.hasATS && modeled.iommu == device.unit)
        }
        #expect(
            replay.topology.devices.first { $0.hasATS && $0.iommu == IOMMUUnitID(0) }?.source.description == "3b:00.0")
        #expect(Set(replay.topology.devices.map(\.source)).count == replay.topology.devices.count)
    }

    @Test("the sample reconstructs to the expected domains and kinds")
    func domains() throws {
        let replay = try TraceReplay(text: text, file: "sample")
        func tag(_ type: TraceTagType, _ unit: String, _ device: String? = nil, did: UInt16, pasid: UInt32 = 0)
            -> TraceTag
        {
            TraceTag(type: type, unit: unit, device: device, did: did, pasid: pasid)
        }
        let expected: [(DomainKind, Set<TraceTag>)] = [
            // Boot domains, seen only in flushes (assigned before tracing began).
            (.secondStage, [tag(.iotlb, "dmar1", did: 3), tag(.devtlb, "dmar1", "0000:6c:00.0", did: 3)]),
            (.secondStage, [tag(.iotlb, "dmar0", did: 2)]),
            // The NIC's DMA domain.
            (.secondStage, [tag(.iotlb, "dmar0", did: 3), tag(.devtlb, "dmar0", "0000:3b:00.0", did: 3)]),
            // A domain on both units (joined by its flush).
            (
                .secondStage,
                [
                    tag(.iotlb, "dmar0", did: 4), tag(.iotlb, "dmar1", did: 2),
                    tag(.devtlb, "dmar1", "0000:6b:00.0", did: 2),
                ]
            ),
            // Two SVA processes on the DSA under DID 1.
            (.sva, [tag(.iotlb, "dmar1", did: 1, pasid: 1), tag(.devtlb, "dmar1", "0000:6a:01.0", did: 1, pasid: 1)]),
            (.sva, [tag(.iotlb, "dmar1", did: 1, pasid: 2), tag(.devtlb, "dmar1", "0000:6a:01.0", did: 1, pasid: 2)]),
            // The nested parent holds the NESTING tags (one printed as parent_iotlb).
            (
                .secondStage,
                [
                    tag(.nestingIotlb, "dmar0", did: 6), tag(.nestingIotlb, "dmar1", did: 5),
                    tag(.nestingDevtlb, "dmar1", "0000:6b:00.1", did: 5),
                ]
            ),
            (
                .nested(parent: IOMMUDomainID(6)),
                [tag(.iotlb, "dmar1", did: 5), tag(.devtlb, "dmar1", "0000:6b:00.1", did: 5)]
            ),
            (.nested(parent: IOMMUDomainID(6)), [tag(.iotlb, "dmar0", did: 6)]),
        ]
        #expect(replay.domains.count == expected.count)
        for (domain, (kind, tags)) in zip(replay.domains, expected) {
            #expect(domain.kind == kind, "\(domain.id)")
            #expect(Set(domain.tags) == tags, "\(domain.id)")
        }
    }

    @Test("the sample reconstructs to the expected flush operations")
    func operations() throws {
        let replay = try TraceReplay(text: text, file: "sample")
        let summary = replay.operations.map { "\($0.kind.rawValue) \($0.domain.rawValue) \($0.lines)" }
        #expect(
            summary == [
                "flush_range 1 [11]",
                "flush_range_np 2 [16, 17]",
                "flush_range 3 [21, 24, 25]",  // qi_submit lines between the units' tags
                "flush_range 4 [33, 34]",
                "flush_range 2 [36, 38]",  // CPU 1 and CPU 3 interleave
                "flush_range 5 [37, 39]",
                "flush_range 6 [47, 48, 49]",
                "flush_range 7 [50, 51]",
                "flush_all 2 [52, 53]",
                "flush_range 0 [54, 55]",
            ])
        #expect(replay.operations[3].range == (try IOVARange(start: 0x7f00_0020_1000, end: 0x7f00_0020_3fff)))
        #expect(replay.operations[8].range == nil)
        #expect(replay.operations[6].tags.map(\.type) == [.nestingIotlb, .nestingIotlb, .nestingDevtlb])
        let stats = replay.statistics
        #expect(stats.lines == 60 && stats.commentLines == 10 && stats.noiseLines == 1)
        #expect(
            stats.otherEvents == 2 && stats.eventsByName["irq_handler_entry"] == 1
                && stats.eventsByName["sched_switch"] == 1)
        #expect(stats.eventsByName["cache_tag_assign"] == 15 && stats.eventsByName["cache_tag_unassign"] == 4)
        #expect(
            stats.eventsByName["cache_tag_flush_range"] == 17 && stats.eventsByName["cache_tag_flush_range_np"] == 2)
        #expect(stats.eventsByName["cache_tag_flush_all"] == 2)
        #expect(stats.inferredTags == 3 && stats.inferredAttachments == 2)
        #expect(stats.psiMismatches == 0 && stats.repairs == 0 && stats.skippedBadLines == 0)
        #expect(
            replay.qiSubmissions.map(\.kind) == [
                "iotlb_inv", "iotlb_inv", "inv_wait", "iotlb_inv", "dev_tlb_inv", "inv_wait", "p_iotlb_inv",
            ])
        #expect(
            replay.qiSubmissions[0].words == [0x20032, 0x7fff_f000, 0, 0] && replay.qiSubmissions[0].unit == "dmar0")
    }

    @Test("the replayed stream attaches before use, detaches what it attached, and keeps trace time")
    func stream() throws {
        let replay = try TraceReplay(text: text, file: "sample")
        let timed = replay.timedEvents(seed: 1)
        #expect(replay.events(seed: 99) == timed.map(\.event))
        #expect(EventStreamCheck(pageTables: false).violations(of: timed, topology: replay.topology).isEmpty)
        #expect(timed.first?.time == 0)
        #expect(timed.last?.time == 7_400_000_000)  // 9.500000 s − 2.100000 s
        let kinds = timed.map(\.event.kind)
        #expect(kinds.filter { $0 == .createDomain }.count == 9)
        #expect(kinds.filter { $0 == .attach }.count == 9)
        #expect(kinds.filter { $0 == .detach }.count == 2)
        // The second SVA process and nested child B end with their detaches; the parent waits for child A.
        #expect(
            timed.filter { $0.event.kind == .destroyDomain }.map(\.event) == [
                .destroyDomain(IOMMUDomainID(5)), .destroyDomain(IOMMUDomainID(8)),
            ])
        #expect(kinds.filter { $0 == .flushRange }.count == 8)
        #expect(kinds.filter { $0 == .flushAll }.count == 1)
        #expect(kinds.filter { $0 == .flushRangeForNewMappings }.count == 1)
        #expect(
            timed.contains { $0.event == .attach(IOMMUDomainID(5), device: DeviceID(3), pasid: PASID(unchecked: 2)) })
        #expect(timed.contains { $0.event == .detach(device: DeviceID(3), pasid: PASID(unchecked: 2)) })
    }

    @Test("malformed lines name file, line and field")
    func malformed() {
        let cases: [(line: Int, text: String, field: String)] = [
            (
                14,
                "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0/dmar0 type iotlb did x3 pasid 0 ref 1",
                "did"
            ),
            (
                14,
                "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0/dmar0 type bogus did 3 pasid 0 ref 1",
                "type"
            ),
            (
                14,
                "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0 type iotlb did 3 pasid 0 ref 1",
                "iommu/dev"
            ),
            (
                14,
                "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 0",
                "ref"
            ),
            (
                14,
                "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 2000000 ref 1",
                "pasid"
            ),
            (
                11,
                "     kworker/0:1-12      [000] d..1.     2.100000: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 2 [0x7ffff000] addr 0x7ffff000 pages 0x1 mask 0x0",
                "range"
            ),
            (
                11,
                "     kworker/0:1-12      [000] d..1.     2.100000: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 2 [0x7ffff000-0x1000] addr 0x7ffff000 pages 0x1 mask 0x0",
                "range"
            ),
            (
                11,
                "     kworker/0:1-12      [000] d..1.     2.100000: cache_tag_flush_range: dmar0 dmar0 type iotlb did 2 [0x7ffff000-0x7fffffff] addr 0x7ffff000 pages 0x1 mask 0x0",
                "dev[pasid]"
            ),
            (
                11,
                "     kworker/0:1-12      [000] d..1.     2.100000: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 2 [0x7ffff000-0x7fffffff] addr 0x7ffff000 pages 0x1 mask zz",
                "mask"
            ),
            (
                11,
                "     kworker/0:1-12      [000] d..1.     2.100000: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 2 [0x7ffff000-0x7fffffff] addr 0x7ffff000 pages 0x1 mask 0x0 extra",
                "end"
            ),
            (
                12,
                "     kworker/0:1-12      [000] d..2.     2.100004: qi_submit: iotlb_inv dmar0: 0x20032 0x7ffff000 0x0",
                "qw3"
            ),
            (
                11,
                "     kworker/0:1-12      [000] d..1.     2.1x0000: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 2 [0x7ffff000-0x7fffffff] addr 0x7ffff000 pages 0x1 mask 0x0",
                "timestamp"
            ),
            (
                11,
                "     kworker/0:1-12      d..1.     2.100000: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 2 [0x7ffff000-0x7fffffff] addr 0x7ffff000 pages 0x1 mask 0x0",
                "cpu"
            ),
            // The same device behind two units.
            (
                17,
                "  NetworkManager-700     [001] d..1.     3.000101: cache_tag_flush_range_np: dmar1 0000:3b:00.0[0] type devtlb did 3 [0xfffff000-0xffffffff] addr 0xfffff000 pages 0x1 mask 0x0",
                "dev"
            ),
        ]
        for (line, replacement, field) in cases {
            #expect(throws: WorkloadError.self) { try TraceReplay(text: replace([line: replacement]), file: "t.txt") }
            do {
                _ = try TraceReplay(text: replace([line: replacement]), file: "t.txt")
            } catch {
                guard case let .malformedTrace(file, number, actualField, reason) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(file == "t.txt" && number == line && actualField == field, "\(error)")
                #expect(!reason.isEmpty && error.description.hasPrefix("t.txt:\(line): field '\(field)'"))
            }
        }
    }

    @Test("skipBadLines skips and counts malformed lines")
    func skipBadLines() throws {
        let broken = replace([
            14:
                "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0/dmar0 type iotlb did x3 pasid 0 ref 1",
            37:
                "     dsa_test-3302       [003] d..1.     5.300001: cache_tag_flush_range: dmar1 dmar1[2] type iotlb did 1",
            52:
                "     kworker/0:1-12      [000] d..1.     8.000000: cache_tag_flush_all: dmar0 dmar0[0] type bogus did 3",
        ])
        #expect(throws: WorkloadError.self) { try TraceReplay(text: broken, file: "b") }
        let replay = try TraceReplay(text: broken, file: "b", options: TraceReplayOptions(skipBadLines: true))
        #expect(replay.statistics.skippedBadLines == 3)
        #expect(
            replay.statistics.firstSkippedErrors.map {
                if case let .malformedTrace(_, line, field, _) = $0 { "\(line) \(field)" } else { "" }
            }
                == ["14 did", "37 range", "52 type"])
        #expect(
            EventStreamCheck(pageTables: false).violations(of: replay.timedEvents(seed: 0), topology: replay.topology)
                .isEmpty)
    }

    @Test("header variants: no flags column, a TGID column, system:event names, CRLF line ends")
    func headerVariants() throws {
        let variants = [
            "            fio-2201  [003]    12.000001: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 7",
            "            fio-2201  (   2201) [003] d..1.    12.000001: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 7",
            "            fio-2201  [003] d..1.    12.000001: intel_iommu:cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 7",
            "  kworker/u8:2-my-task-77  [003] d..1.    12.000001: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 7\r",
        ]
        for line in variants {
            let replay = try TraceReplay(text: "# tracer: nop\r\n" + line + "\r\n", file: "v")
            #expect(replay.operations.count == 1, "\(line)")
            #expect(replay.domains.first?.tags == [TraceTag(type: .iotlb, unit: "dmar0", did: 7, pasid: 0)])
            #expect(replay.statistics.commentLines == 1)
        }
    }

    @Test("calls split where one domain cannot be: a second DID on a unit, a repeated tag, another range")
    func operationSplitting() throws {
        let trace = """
              kworker/0:1-12  [000] d..1.  1.000000: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 2
              kworker/0:1-12  [000] d..1.  1.000001: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 3
              kworker/0:1-12  [000] d..1.  1.000002: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 3
              kworker/0:1-12  [000] d..1.  1.000003: cache_tag_flush_all: dmar0 dmar0[5] type iotlb did 1
              kworker/0:1-12  [000] d..1.  1.000004: cache_tag_flush_all: dmar0 dmar0[6] type iotlb did 1
              kworker/0:1-12  [000] d..1.  1.000005: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 4 [0x0-0xfff] addr 0x0 pages 0x1 mask 0x0
              kworker/0:1-12  [000] d..1.  1.000006: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 4 [0x1000-0x1fff] addr 0x1000 pages 0x1 mask 0x0
              kworker/0:1-12  [000] d..1.  1.000007: cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 4 [0x0-0xffffffffffffffff] addr 0x0 pages 0x10000000000000 mask 0x34
            """
        let replay = try TraceReplay(text: trace, file: "s")
        #expect(replay.operations.map(\.lines) == [[1], [2], [3], [4], [5], [6], [7], [8]])
        #expect(replay.domains.map(\.kind) == [.secondStage, .secondStage, .sva, .sva, .secondStage])
        #expect(replay.operations.last?.kind == .all)  // a flush_range over everything is a flush all
        #expect(replay.statistics.inferredTags == 5 && replay.statistics.inferredAttachments == 5)
    }

    @Test("flushes of a tag whose life ended infer a new life just before")
    func lifeAfterUnassign() throws {
        let trace = """
               a-1  [000] d..1.  1.0: cache_tag_assign: dmar0/dmar0 type iotlb did 9 pasid 0 ref 1
               a-1  [000] d..1.  1.1: cache_tag_unassign: dmar0/dmar0 type iotlb did 9 pasid 0 ref 0
               a-1  [000] d..1.  1.2: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 9
               a-1  [000] d..1.  1.3: cache_tag_unassign: dmar0/0000:01:00.0 type devtlb did 4 pasid 0 ref 0
            """
        let replay = try TraceReplay(text: trace, file: "l")
        let events = replay.events(seed: 0)
        #expect(EventStreamCheck(pageTables: false).violations(of: events, topology: replay.topology).isEmpty)
        #expect(events.filter { $0.kind == .attach }.count == 3)
        #expect(events.filter { $0.kind == .detach }.count == 2)
        #expect(replay.domains.count == 3)
    }

    @Test("an unreadable file is reported with its path")
    func unreadable() {
        #expect(throws: WorkloadError.self) { try TraceReplay(contentsOf: "/nonexistent/trace.txt") }
        do {
            _ = try TraceReplay(contentsOf: "/nonexistent/trace.txt")
        } catch {
            guard case let .unreadable(file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "/nonexistent/trace.txt")
        }
    }
}

@Suite("Trace replay fuzzing")
struct TraceReplayFuzzTests {
    let lines: [String]

    init() throws {
        lines = try sampleTrace().text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Parses `text`; a failure must be `malformedTrace` with a line number in `lines`, and a
    /// success must replay to a well-formed stream.
    @discardableResult
    func check(_ text: String, errorLines: ClosedRange<Int>, _ context: @autoclosure () -> String) -> Bool {
        do {
            let replay = try TraceReplay(text: text, file: "fuzz")
            let violations = EventStreamCheck(pageTables: false).violations(
                of: replay.timedEvents(seed: 0), topology: replay.topology)
            #expect(violations.isEmpty, "\(context()): \(violations.prefix(3))")
            return true
        } catch {
            guard case let .malformedTrace(file, line, field, _) = error else {
                Issue.record("\(context()): \(error)")
                return false
            }
            #expect(file == "fuzz" && errorLines.contains(line) && !field.isEmpty, "\(context()): \(error)")
            return false
        }
    }

    @Test("truncating a line anywhere parses or names that line")
    func truncation() {
        // Flush range, qi_submit, other event, assigns, np flush, interleaved flush, parent_iotlb,
        // flush all, noise, unassign.
        for number in [11, 12, 13, 14, 15, 16, 37, 45, 52, 56, 57] {
            let line = lines[number - 1]
            var failures = 0
            for length in 0...line.count {
                var mutated = lines
                mutated[number - 1] = String(line.prefix(length))
                if !check(
                    mutated.joined(separator: "\n"), errorLines: number...number, "line \(number) cut at \(length)")
                {
                    failures += 1
                }
            }
            if number != 13 && number != 56 { #expect(failures > 0, "line \(number)") }
        }
    }

    @Test("seeded byte flips never crash", arguments: [1, 2, 3, 4] as [UInt64])
    func byteFlips(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        var parsed = 0
        for round in 0..<500 {
            var mutated = bytes
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                // Mostly inside event lines (after the header comments), sometimes anywhere.
                let position = Int(rng.next() % UInt64(mutated.count))
                let choice = rng.next() % 4
                mutated[position] =
                    switch choice {
                    case 0: UInt8(truncatingIfNeeded: rng.next())
                    case 1: mutated[position] ^ (1 << UInt8(rng.next() % 8))
                    case 2: [0x20, 0x2d, 0x5b, 0x5d, 0x3a, 0x2f, 0x0a, 0x30][Int(rng.next() % 8)]
                    default: 0xff
                    }
            }
            let text = String(decoding: mutated, as: UTF8.self)
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count + 8
            if check(text, errorLines: 1...lineCount, "seed \(seed) round \(round)") { parsed += 1 }
        }
        #expect(parsed > 0)
    }

    @Test("seeded field deletions never crash and fail on the edited line", arguments: [5, 6] as [UInt64])
    func fieldDeletion(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let eventLines = Array(11...lines.count).filter { !lines[$0 - 1].isEmpty }
        for round in 0..<400 {
            let number = eventLines[Int(rng.next() % UInt64(eventLines.count))]
            var tokens = lines[number - 1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            tokens.remove(at: Int(rng.next() % UInt64(tokens.count)))
            var mutated = lines
            mutated[number - 1] = tokens.joined(separator: " ")
            check(
                mutated.joined(separator: "\n"), errorLines: number...number,
                "seed \(seed) round \(round) line \(number)")
        }
    }

    @Test("under skipBadLines every mutation parses, and skipped lines are counted")
    func skipping() throws {
        var rng = SplitMix64(seed: 77)
        for _ in 0..<200 {
            var mutated = lines
            var edited: Set<Int> = []
            for _ in 0..<3 {
                let number = 11 + Int(rng.next() % UInt64(lines.count - 11))
                let line = mutated[number - 1]
                mutated[number - 1] = String(line.prefix(Int(rng.next() % UInt64(max(1, line.count)))))
                edited.insert(number)
            }
            let replay = try TraceReplay(
                text: mutated.joined(separator: "\n"), file: "s", options: TraceReplayOptions(skipBadLines: true))
            #expect(replay.statistics.skippedBadLines <= edited.count)
            for error in replay.statistics.firstSkippedErrors {
                guard case let .malformedTrace(_, line, _, _) = error else { Issue.record("\(error)"); continue }
                #expect(edited.contains(line))
            }
        }
    }
}
