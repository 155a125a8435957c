import Testing
import Workloads

/// What the `FuzzTraceText` target (docs/fuzzing.md) feeds trace replay, kept here so CI runs it
/// without libFuzzer: the extremes of each field the fuzzer explores, each with the error
/// (file, line, field) it must raise or what the replay must make of it.
@Suite("Fuzz regressions: trace text")
struct TraceTextFuzzRegressionTests {
    static let header = "  kworker/0:1-12   [000] d..1.     2.100000: "
    static let assign = header + "cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 0 ref 1"

    /// The field a malformed text's first error names, with its line; nil when it replays.
    func failure(_ text: String) -> (line: Int, field: String)? {
        do {
            _ = try TraceReplay(text: text, file: "fuzz.txt")
            return nil
        } catch {
            guard case let .malformedTrace(file, line, field, _) = error, file == "fuzz.txt" else {
                Issue.record("not a located error: \(error)")
                return (0, "")
            }
            return (line, field)
        }
    }

    @Test("text with no intel_iommu event is unreadable, whatever it holds", arguments: [
        "", "\n", "\r\n\r\n", "# tracer: nop", String(repeating: "x", count: 5000), "\u{FFFD}\u{0}\u{FFFD}",
        header + "sched_switch: prev=a", "ffffffff81000000 cache_tag_flush_range+0x10 ([kernel.kallsyms])",
    ])
    func noEvents(text: String) {
        do {
            _ = try TraceReplay(text: text, file: "fuzz.txt")
            Issue.record("replayed \(text.debugDescription)")
        } catch {
            guard case let .unreadable(file, reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(file == "fuzz.txt" && reason.contains("no intel_iommu event"))
        }
    }

    @Test("each field past its range is named on its line", arguments: [
        ("cache_tag_assign: dmar0/dmar0 type iotlb did 65536 pasid 0 ref 1", "did"),
        ("cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 1048576 ref 1", "pasid"),
        ("cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 0 ref 2147483648", "ref"),
        ("cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 0 ref 99999999999999999999", "ref"),
        ("cache_tag_assign: dmar0/ type iotlb did 3 pasid 0 ref 1", "iommu/dev"),
        ("cache_tag_assign: dmar0/dmar0 type tlb did 3 pasid 0 ref 1", "type"),
        ("cache_tag_assign: dmar0/dmar0 type iotlb did 3 pasid 0 ref 1 ref 1", "end"),
        ("cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 3 [0x2000-0x1fff] addr 0x2000 mask 0x0", "range"),
        ("cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 3 [0x10000000000000000-0x1] addr 0x0 mask 0x0", "range"),
        ("cache_tag_flush_range: dmar0 dmar0[0] type iotlb did 3 [0x0-0xfff] addr 0x0 mask 0x41", "mask"),
        ("cache_tag_flush_range: dmar0 [0] type iotlb did 3 [0x0-0xfff] addr 0x0 mask 0x0", "dev[pasid]"),
        ("cache_tag_flush_range: dmar0 dmar0[] type iotlb did 3 [0x0-0xfff] addr 0x0 mask 0x0", "pasid"),
        ("qi_submit: iotlb_inv dmar0 0x1 0x2 0x3 0x4", "iommu"),
        ("qi_submit: iotlb_inv dmar0: 0x1 0x2 0x3 0x10000000000000000", "qw3"),
    ])
    func fieldOutOfRange(fields: String, field: String) throws {
        let located = try #require(failure(Self.assign + "\n" + Self.header + fields))
        #expect(located.line == 2 && located.field == field)
    }

    @Test("a line over the 64 KiB limit is refused by its length, not parsed")
    func overlongLine() throws {
        let long = Self.header + "cache_tag_assign: dmar0/" + String(repeating: "d", count: 70_000) + " type iotlb did 3 pasid 0 ref 1"
        let located = try #require(failure(Self.assign + "\n\n" + long))
        #expect(located.line == 3 && located.field == "line")
    }

    @Test("the extremes each field accepts replay")
    func extremes() throws {
        let lines = [
            "  t-1 [1048575] 9999999999.999999999: cache_tag_assign: dmar0/dmar0 type iotlb did 65535 pasid 1048575 ref 2147483647",
            "  t-1 [0] 0.000000001: cache_tag_flush_range: dmar0 dmar0[1048575] type iotlb did 65535 [0x0-0xffffffffffffffff] addr 0x0 mask 0x34",
            "  t-1 [0] 0.000000002: cache_tag_flush_range_np: dmar0 dmar0[0] type iotlb did 65535 [0xfffffffffffff000-0xffffffffffffffff] addr 0xfffffffffffff000 pages 0x1 mask 0x0",
            "  t-1 [0] 0.000000003: cache_tag_unassign: dmar0/dmar0 type iotlb did 65535 pasid 1048575 ref 0",
        ]
        let replay = try TraceReplay(text: lines.joined(separator: "\r\n"), file: "fuzz.txt")
        #expect(replay.unitNames == ["dmar0"] && replay.statistics.lines == 4)
        // The clock runs backwards after the first line: the later lines read as time 0.
        #expect(replay.timedEvents(seed: 0).allSatisfy { $0.time == 0 })
    }

    @Test("under skip_bad_lines every malformed line is counted and the rest replays")
    func skipBadLines() throws {
        let text = [Self.header + "cache_tag_assign: dmar0/dmar0 type iotlb did", Self.assign, Self.header + "cache_tag_: x"]
            .joined(separator: "\n")
        #expect(failure(text)?.line == 1)
        let replay = try TraceReplay(text: text, file: "fuzz.txt", options: TraceReplayOptions(skipBadLines: true))
        #expect(replay.statistics.skippedBadLines == 1 && replay.statistics.otherEvents == 1)
    }
}
