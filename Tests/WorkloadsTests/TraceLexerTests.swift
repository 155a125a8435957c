import TestSupport
import Testing
import VTd
@testable import Workloads

/// Stage 1: trace text → typed event lines, with `FILE:LINE: field 'F'` errors.
@Suite("Trace lexer")
struct TraceLexerTests {
    let lines: [String]

    init() throws { lines = try sampleTraceLines() }

    func replace(_ changes: [Int: String]) -> String {
        var lines = self.lines
        for (number, line) in changes { lines[number - 1] = line }
        return lines.joined(separator: "\n")
    }

    func lex(_ text: String, skipBadLines: Bool = false) throws(WorkloadError) -> TraceLexer {
        try TraceLexer(text: text, file: "t", options: TraceReplayOptions(skipBadLines: skipBadLines))
    }

    @Test("the sample lexes to its event lines, units, devices and counts")
    func sample() throws {
        let lexer = try lex(lines.joined(separator: "\n"))
        #expect(lexer.events.count == 15 + 4 + 17 + 2 + 2)
        #expect(lexer.events.first?.line == 11 && lexer.events.first?.time == 0)
        #expect(lexer.unitNames == ["dmar0", "dmar1"])
        #expect(
            lexer.devices == [
                .init(name: "0000:3b:00.0", unit: 0), .init(name: "0000:6b:00.0", unit: 1),
                .init(name: "0000:6a:01.0", unit: 1), .init(name: "0000:6b:00.1", unit: 1),
                .init(name: "0000:6c:00.0", unit: 1),
            ])
        let assign = try #require(lexer.events.first { $0.line == 15 })
        #expect(assign.cpu == 1 && assign.time == 900_002_000)  // 3.000002 s − 2.100000 s
        #expect(assign.tag == TagKey(type: .devtlb, unit: 0, device: 0, did: 3, pasid: 0))
        guard case .assign(users: 1) = assign.action else { Issue.record("\(assign.action)"); return }
        // IOTLB tags name no device.
        #expect(lexer.events.first { $0.line == 14 }?.tag.device == -1)
        #expect(lexer.qiSubmissions.count == 7 && lexer.qiSubmissions.map(\.line).first == 12)
        #expect(lexer.statistics.lines == 60 && lexer.statistics.psiMismatches == 0)
        #expect(lexer.statistics.inferredTags == 0 && lexer.statistics.repairs == 0)  // later stages' counters
    }

    @Test("parent_* spellings are NESTING types; flush_all has no range, a whole-space flush_range keeps it")
    func typesAndRanges() throws {
        let lexer = try lex(
            TraceText.trace(
                TraceText.assign(.iotlb, "dmar0", did: 6), TraceText.flushAll(.iotlb, "dmar0", did: 6, at: 1),
                TraceText.flushRange(.iotlb, "dmar0", did: 6, 0, .max, at: 2),
                TraceText.flushRange(.iotlb, "dmar0", did: 6, 0x1000, 0x1fff, newMappings: true, at: 3))
                + "\n" + lines[45])  // line 46: parent_iotlb
        #expect(lexer.events.last?.tag.type == .nestingIotlb)  // parent_iotlb
        guard case .flush(.flushAll, range: nil) = lexer.events[1].action,
            case let .flush(.flushRange, range?) = lexer.events[2].action,
            case let .flush(.flushRangeNP, range: np?) = lexer.events[3].action
        else {
            Issue.record("\(lexer.events.map(\.action))")
            return
        }
        #expect(range.isWholeSpace && !np.isWholeSpace && np == TraceLine.FlushRange(start: 0x1000, end: 0x1fff))
    }

    @Test("an addr/mask the kernel would not derive from the range is counted, not rejected")
    func psiMismatch() throws {
        let lexer = try lex(
            TraceText.trace(
                TraceText.flushRange(.iotlb, "dmar0", did: 2, 0x1000, 0x2fff),
                TraceText.flushRange(.iotlb, "dmar0", did: 2, 0x1000, 0x2fff, mask: 0, at: 1)))
        #expect(lexer.events.count == 2 && lexer.statistics.psiMismatches == 1)
        #expect(TraceLexer.matchesKernelPSI(.init(start: 0x1000, end: 0x2fff), addr: 0, mask: 2))
    }

    @Test("times count from the first event line replay reads, never backwards")
    func relativeTime() throws {
        let lexer = try lex(
            TraceText.trace(
                TraceText.header("sched_switch", cpu: 0, at: 1_000_000) + " prev_comm=a",
                TraceText.qiSubmit("inv_wait", "dmar0", words: [0x25, 0, 0, 0], at: 2_000_000),
                TraceText.flushAll(.iotlb, "dmar0", did: 2, at: 2_500_000),
                TraceText.flushAll(.iotlb, "dmar0", did: 2, at: 1_500_000)))
        #expect(lexer.events.map(\.time) == [500_000_000, 0])
        #expect(lexer.statistics.otherEvents == 1 && lexer.statistics.eventsByName["qi_submit"] == 1)
    }

    @Test("a device behind a second unit is malformed; skipped, the line still numbers its unit")
    func deviceOnTwoUnits() throws {
        let text = TraceText.trace(
            TraceText.assign(.devtlb, "dmar0", "0000:01:00.0", did: 3),
            TraceText.assign(.devtlb, "dmar1", "0000:01:00.0", did: 3, at: 1))
        #expect(throws: WorkloadError.self) { try lex(text) }
        do {
            _ = try lex(text)
        } catch {
            #expect(error.description.hasPrefix("t:2: field 'dev'"), "\(error)")
        }
        let skipped = try lex(text, skipBadLines: true)
        #expect(skipped.events.count == 1 && skipped.statistics.skippedBadLines == 1)
        #expect(skipped.unitNames == ["dmar0", "dmar1"] && skipped.devices.count == 1)
        #expect(skipped.statistics.eventsByName["cache_tag_assign"] == 1)
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
                "     kworker/0:1-12      [000] d..1.     8.000000: cache_tag_flush_all: dmar0/dmar0 type bogus did 3 pasid 0 ref 1",
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
            "            fio-2201  [003]    12.000001: cache_tag_flush_all: dmar0/dmar0 type iotlb did 7 pasid 0 ref 1",
            "            fio-2201  (   2201) [003] d..1.    12.000001: cache_tag_flush_all: dmar0/dmar0 type iotlb did 7 pasid 0 ref 1",
            "            fio-2201  [003] d..1.    12.000001: intel_iommu:cache_tag_flush_all: dmar0/dmar0 type iotlb did 7 pasid 0 ref 1",
            "  kworker/u8:2-my-task-77  [003] d..1.    12.000001: cache_tag_flush_all: dmar0/dmar0 type iotlb did 7 pasid 0 ref 1\r",
        ]
        for line in variants {
            let replay = try TraceReplay(text: "# tracer: nop\r\n" + line + "\r\n", file: "v")
            #expect(replay.operations.count == 1, "\(line)")
            #expect(replay.domains.first?.tags == [TraceTag(type: .iotlb, unit: "dmar0", did: 7, pasid: 0)])
            #expect(replay.statistics.commentLines == 1)
        }
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
