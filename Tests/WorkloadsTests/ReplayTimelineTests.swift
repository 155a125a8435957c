import TestSupport
import Testing
import VTd
@testable import Workloads

/// Stage 3: per-tag flush lines → flush calls; the stream in trace order.
@Suite("Replay timeline")
struct ReplayTimelineTests {
    typealias T = TraceText
    let text: String

    init() throws { text = try sampleTrace().text }

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

    @Test("calls split where one domain cannot be: a second DID on a unit, a repeated tag, another range")
    func operationSplitting() throws {
        let trace = """
              kworker/0:1-12  [000] d..1.  1.000000: cache_tag_flush_all: dmar0/dmar0 type iotlb did 2 pasid 0 ref 1
              kworker/0:1-12  [000] d..1.  1.000001: cache_tag_flush_all: dmar0/dmar0 type iotlb did 3 pasid 0 ref 1
              kworker/0:1-12  [000] d..1.  1.000002: cache_tag_flush_all: dmar0/dmar0 type iotlb did 3 pasid 0 ref 1
              kworker/0:1-12  [000] d..1.  1.000003: cache_tag_flush_all: dmar0/dmar0 type iotlb did 1 pasid 5 ref 1
              kworker/0:1-12  [000] d..1.  1.000004: cache_tag_flush_all: dmar0/dmar0 type iotlb did 1 pasid 6 ref 1
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

    @Test("an assign or unassign on the call's CPU ends the call; another CPU's does not")
    func barriers() throws {
        let timeline = try ReplayPipeline(
            T.trace(
                T.flushAll(.iotlb, "dmar0", did: 2, cpu: 0, at: 0), T.assign(.iotlb, "dmar0", did: 7, cpu: 1, at: 1),
                T.flushAll(.devtlb, "dmar0", "0000:01:00.0", did: 2, cpu: 0, at: 2),
                T.unassign(.iotlb, "dmar0", did: 7, cpu: 0, at: 3), T.flushAll(.iotlb, "dmar0", did: 5, cpu: 0, at: 4))
        ).timeline
        #expect(timeline.operations.map(\.lines) == [[1, 3], [5]])
        #expect(timeline.operations.map(\.time) == [0, 4000])
        #expect(timeline.joins.map { [$0.0, $0.1] } == [[0, 2]])  // life 1 is the assign on CPU 1
    }

    @Test("calls still open at the end close by CPU; np flushes are new-mapping calls")
    func endOfTrace() throws {
        let timeline = try ReplayPipeline(
            T.trace(
                T.flushRange(.iotlb, "dmar0", did: 2, 0x1000, 0x1fff, newMappings: true, cpu: 3, at: 0),
                T.flushRange(.iotlb, "dmar0", did: 3, 0x1000, 0x1fff, cpu: 1, at: 1))
        ).timeline
        #expect(timeline.operations.map(\.lines) == [[2], [1]])
        #expect(timeline.operations.map(\.kind) == [.range, .newMappings])
        #expect(timeline.operations[0].range == (try IOVARange(start: 0x1000, end: 0x1fff)))
    }

    @Test("the stream puts calls among attachment changes by trace position")
    func ordering() throws {
        let stages = try ReplayPipeline(
            T.trace(
                T.assign(.iotlb, "dmar0", did: 3, at: 0), T.flushAll(.iotlb, "dmar0", did: 3, at: 1),
                T.flushAll(.devtlb, "dmar0", "0000:01:00.0", did: 4, at: 2),
                T.unassign(.iotlb, "dmar0", did: 3, at: 3)))
        // The IOTLB assign's stand-in attach is settled at the flush but placed at line 1; the
        // DEVTLB tag's inferred attach goes before the first line.
        #expect(
            stages.entries.map(\.summary) == ["attach 0", "attach 1", "flush op 0", "flush op 1", "detach 4"])
        #expect(stages.entries.map(\.time) == [0, 0, 1000, 2000, 3000])
    }
}
