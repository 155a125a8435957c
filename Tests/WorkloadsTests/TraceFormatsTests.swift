#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import TestSupport
import Testing
import VTd
@testable import Workloads

/// Every kernel's and every tool's text (docs/vtd-facts.md §4): the golden vector rewritten into
/// the newest kernels' flush text, `trace-cmd report`, `perf script` and two interleaved CPUs
/// replays to exactly what the original does.
@Suite("Trace formats")
struct TraceFormatsTests {
    let lines: [String]
    let original: TraceReplay

    init() throws {
        lines = try goldenTraceLines()
        original = try TraceReplay(text: RewrittenTrace(lines).text, file: "golden")
    }

    /// Replays `rewritten` and checks it against the original: the same stream, topology,
    /// devices, domains and operations, and the same `qi_submit` lines (unit, kind, words, time)
    /// in the same order, each on the CPU `movedLines` puts it. Line numbers are mapped back.
    @discardableResult
    func expectSameReplay(_ rewritten: RewrittenTrace, movedLines: Set<Int> = [], _ name: String) throws
        -> TraceReplay
    {
        let replay = try TraceReplay(text: rewritten.text, file: name)
        let original = self.original
        func back(_ line: Int) -> Int { rewritten.originalLine[line - 1] ?? -1 }
        #expect(replay.timedEvents(seed: 0) == original.timedEvents(seed: 0), "\(name)")
        #expect(replay.topology == original.topology && replay.unitNames == original.unitNames, "\(name)")
        #expect(replay.devices == original.devices && replay.domains == original.domains, "\(name)")
        let operations = replay.operations.map {
            ReplayFlushOperation(
                kind: $0.kind, domain: $0.domain, range: $0.range, lines: $0.lines.map(back), tags: $0.tags,
                invalidationHint: $0.invalidationHint,
                kernelDescriptors: $0.kernelDescriptors.map { KernelDescriptor(line: back($0.line), descriptor: $0.descriptor) },
                truncated: $0.truncated)
        }
        #expect(operations == original.operations, "\(name)")
        let submissions = replay.qiSubmissions.map {
            TraceQISubmission(
                line: back($0.line), cpu: $0.cpu, time: $0.time, unit: $0.unit, kind: $0.kind, words: $0.words)
        }
        .sorted { $0.line < $1.line }
        let expected = original.qiSubmissions.map {
            TraceQISubmission(
                line: $0.line, cpu: movedLines.contains($0.line) ? 1 : 0, time: $0.time, unit: $0.unit, kind: $0.kind,
                words: $0.words)
        }
        #expect(submissions == expected, "\(name)")
        #expect(replay.statistics.eventsByName == original.statistics.eventsByName, "\(name)")
        #expect(replay.statistics.psiMismatches == original.statistics.psiMismatches, "\(name)")
        #expect(replay.statistics.skippedBadLines == 0 && replay.statistics.otherEvents == 0, "\(name)")
        return replay
    }

    @Test("the golden vector replays as its description says")
    func golden() {
        let events = original.statistics.eventsByName
        #expect(events["cache_tag_assign"] == 7 && events["cache_tag_flush_range"] == 605)
        #expect(events["cache_tag_flush_range_np"] == 617 && events["qi_submit"] == 1259)
        #expect(original.operations.count == 605 + 617 && original.qiSubmissions.count == 1259)
        #expect(Set(original.operations.flatMap(\.tags).map(\.did)) == [5])
        #expect(original.qiSubmissions.allSatisfy { $0.cpu == 0 } && original.qiSubmissions.first?.time == 0)
        #expect(original.statistics.commentLines == 12 && original.statistics.noiseLines == 0)
    }

    @Test("the newest kernels' flush text (no pages field) replays the same")
    func newestFlushText() throws {
        let rewritten = TraceRewrite.withoutPages(lines)
        #expect(!rewritten.text.contains(" pages "))
        try expectSameReplay(rewritten, "newest")
    }

    @Test("trace-cmd report text replays the same; its header lines are counted noise", arguments: [false, true])
    func traceCmdReport(flags: Bool) throws {
        let rewritten = TraceRewrite.traceCmdReport(lines, flags: flags)
        #expect(rewritten.lines[3].hasSuffix("qi_submit:            iec_inv dmar0: 0x4 0x0 0x0 0x0"))
        let replay = try expectSameReplay(rewritten, "trace-cmd")
        #expect(replay.statistics.noiseLines == 4 && replay.statistics.commentLines == 0)
    }

    @Test("perf script text replays the same, task names with blanks and dashes included")
    func perfScript() throws {
        let rewritten = TraceRewrite.perfScript(lines, tasks: ["<idle>": "swapper", "dd": "dd copy-1 of 3"])
        #expect(rewritten.text.contains("  dd copy-1 of 3     140 [000]"))
        #expect(rewritten.text.contains(" intel_iommu:cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 5 ["))
        let replay = try expectSameReplay(rewritten, "perf")
        #expect(replay.statistics.noiseLines == 0 && replay.statistics.commentLines == 0)
    }

    @Test("two CPUs interleaved replay the same, each qi_submit line on its call's CPU")
    func twoCPUs() throws {
        let (rewritten, moved) = TraceRewrite.spreadOverTwoCPUs(lines)
        // Really interleaved: a CPU-1 qi_submit line right after a CPU-0 flush line.
        let interleaved = zip(rewritten.lines, rewritten.lines.dropFirst()).contains { first, second in
            first.contains("[000]") && first.contains("cache_tag_flush") && second.contains("[001]")
                && second.contains("qi_submit")
        }
        #expect(interleaved && moved.count > 1200)
        let replay = try expectSameReplay(rewritten, movedLines: moved, "two-cpus")
        #expect(replay.statistics.noiseLines == 1)  // the lost-events line
        #expect(Set(replay.qiSubmissions.map(\.cpu)) == [0, 1])
    }

    @Test("all at once: the newest flush text, two CPUs, perf script")
    func combined() throws {
        let (spread, moved) = TraceRewrite.spreadOverTwoCPUs(lines)
        let rewritten = spread.then(TraceRewrite.withoutPages).then { TraceRewrite.perfScript($0) }
        try expectSameReplay(rewritten, movedLines: moved, "combined")
    }

    @Test("flush_all in the tag layout (Linux 6.12) replays as a flush all of that tag; the range layout is malformed")
    func flushAllTagLayout() throws {
        let real = "   kworker/u4:2-33      [001] d..1.     3.100000: cache_tag_flush_all: dmar0/0000:01:00.0 type devtlb did 9 pasid 0 ref 1"
        let iotlb = TraceText.flushAll(.iotlb, "dmar0", did: 9, ref: 2, cpu: 1, at: 3_099_999)
        let replay = try TraceReplay(text: TraceText.trace(iotlb, real), file: "a")
        #expect(replay.operations.count == 1 && replay.operations[0].kind == .all && replay.operations[0].range == nil)
        #expect(replay.operations[0].lines == [1, 2] && replay.devices.map(\.name) == ["0000:01:00.0"])
        #expect(
            replay.operations[0].tags == [
                TraceTag(type: .iotlb, unit: "dmar0", did: 9, pasid: 0),
                TraceTag(type: .devtlb, unit: "dmar0", device: "0000:01:00.0", did: 9, pasid: 0),
            ])
        #expect(replay.timedEvents(seed: 0).last?.event == .flushAll(replay.domains[0].id))
        expectMalformed(
            "   kworker/u4:2-33      [001] d..1.     3.100000: cache_tag_flush_all: dmar0 dmar0[0] type iotlb did 9",
            field: "iommu/dev")
        expectMalformed(
            "   kworker/u4:2-33      [001] d..1.     3.100000: cache_tag_flush_all: dmar0/dmar0 type iotlb did 9 pasid 0",
            field: "ref")
        expectMalformed(
            "   kworker/u4:2-33      [001] d..1.     3.100000: cache_tag_flush_all: dmar0/dmar0 type iotlb did 9 pasid 0 ref x",
            field: "ref")
    }

    /// `line` at line 2 of a small trace fails with file `m`, line 2 and `field`, and is skipped
    /// and counted under `skipBadLines`.
    func expectMalformed(_ line: String, field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = TraceText.trace(
            TraceText.assign(.iotlb, "dmar0", did: 9), line, TraceText.flushAll(.iotlb, "dmar0", did: 9, at: 5_000_000))
        do {
            _ = try TraceReplay(text: text, file: "m")
            Issue.record("no error for \(line)", sourceLocation: sourceLocation)
        } catch {
            guard case let .malformedTrace(file, number, actualField, _) = error else {
                Issue.record("\(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(file == "m" && number == 2 && actualField == field, "\(error)", sourceLocation: sourceLocation)
        }
        let skipped = try? TraceReplay(text: text, file: "m", options: TraceReplayOptions(skipBadLines: true))
        #expect(
            skipped?.statistics.skippedBadLines == 1 && skipped?.operations.count == 1, sourceLocation: sourceLocation)
    }

    @Test("a malformed line of every layout names file, line and field")
    func malformedInEveryLayout() {
        let flush = "cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 9 [0x1000-0x1fff] addr 0x1000"
        let cases: [(String, String)] = [
            // The kernel's text, with and without pages.
            ("  dd-140  [000] d..2.  2.000000: \(flush) pages 0x1 mask zz", "mask"),
            ("  dd-140  [000] d..2.  2.000000: \(flush) mask 0x0 pages 0x1", "end"),
            ("  dd-140  [000] d..2.  2.000000: \(flush) pagez 0x1 mask 0x0", "mask"),
            ("  dd-140  [000] d..2.  2.000000: \(flush) pages 0xq mask 0x0", "pages"),
            ("  dd-140  [000] d..2.  2.000000: \(flush)", "mask"),
            // trace-cmd report, before and since 3.3.
            ("              dd-140   [000]     2.000000: cache_tag_assign:     dmar0/dmar0 type iotlb did x9 pasid 0 ref 1", "did"),
            ("              dd-140   [000] d..2.     2.000000: qi_submit:            iotlb_inv dmar0: 0x500f2 0x1040 0x0", "qw3"),
            // perf script, its task names holding blanks and dashes.
            ("  dd copy-1 of 3     140 [000]     2.000000: intel_iommu:qi_submit: iotlb_inv dmar0 0x500f2 0x1040 0x0 0x0", "iommu"),
            ("        swapper       0 [000]     2.000000: intel_iommu:\(flush) mask 0x41", "mask"),
            ("        swapper       0 [000]     2.0000x0: intel_iommu:\(flush) mask 0x0", "timestamp"),
            ("        swapper       [000]     2.000000: intel_iommu:\(flush) mask 0x0", "task-pid"),
        ]
        for (line, field) in cases { expectMalformed(line, field: field) }
    }

    @Test("other events, prq_report, tool headers and perf call chains are counted, not errors")
    func countedNotErrors() throws {
        let text = TraceText.trace(
            "cpus=2", "version = 6", "CPU 0 is empty", "CPU:1 [LOST 12 EVENTS]", "CPU:1 [12 EVENTS DROPPED]",
            "  irq/24-dmar0-88  [001] d..1.  1.000000: prq_report: dmar0/0000:00:04.0 seq# 1: rwxp addr 0x7f0000 pasid 2 index 0x1",
            "        swapper       0 [000]     1.000001: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 ==> next_comm=dd",
            "              dd-140   [000]     1.000002: irq_handler_entry:    irq=24 name=dmar0",
            "        dd     140 [000]     1.000003: intel_iommu:qi_submit: iotlb_inv dmar0: 0x500f2 0x1040 0x0 0x0",
            "\tffffffff8e2a1c40 qi_submit_sync+0x3f0 ([kernel.kallsyms])",
            "\tffffffff8e2a5a11 cache_tag_flush_range+0x1b1 ([kernel.kallsyms])",
            "",
            TraceText.flushAll(.iotlb, "dmar0", did: 5, at: 1_000_004))
        let replay = try TraceReplay(text: text, file: "c")
        #expect(replay.statistics.noiseLines == 7 && replay.statistics.blankLines == 1)
        #expect(replay.statistics.otherEvents == 3 && replay.statistics.eventsByName["prq_report"] == 1)
        #expect(replay.statistics.eventsByName["sched_switch"] == 1 && replay.statistics.eventsByName["irq_handler_entry"] == 1)
        #expect(replay.qiSubmissions.map(\.line) == [9] && replay.operations.count == 1)
    }

    @Test("- names standard input; a pipe reads to its end and errors name it")
    func standardInput() throws {
        #expect(TraceFile.name(of: "-") == "<stdin>" && TraceFile.name(of: "t.txt") == "t.txt")
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let text = TraceText.trace(
            TraceText.assign(.iotlb, "dmar0", did: 3), TraceText.flushAll(.iotlb, "dmar0", did: 3, at: 1))
        let bytes = Array((text + "\n").utf8)
        #expect(bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } == bytes.count)
        close(ends[1])
        defer { close(ends[0]) }
        let contents = try TraceFile.contents(ofDescriptor: ends[0], name: "<stdin>")
        #expect(contents == text + "\n")
        #expect(throws: WorkloadError.self) { try TraceFile.contents(ofDescriptor: -1, name: "<stdin>") }
        do {
            _ = try TraceFile.contents(ofDescriptor: -1, name: "<stdin>")
        } catch {
            guard case let .unreadable(file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "<stdin>")
        }
    }
}
