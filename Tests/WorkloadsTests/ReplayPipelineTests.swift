import TestSupport
import Testing
import VTd
@testable import Workloads

@Suite("Replay pipeline")
struct ReplayPipelineTests {
    @Test("TraceReplay publishes what the stages produce")
    func publishes() throws {
        let (text, path) = try sampleTrace()
        let pipeline = try ReplayPipeline(text: text, file: path, options: TraceReplayOptions())
        let replay = try TraceReplay(contentsOf: path)
        #expect(replay.timedEvents(seed: 0) == pipeline.emission.events)
        #expect(replay.statistics == pipeline.emission.statistics)
        #expect(replay.qiSubmissions == pipeline.lexer.qiSubmissions)
        #expect(replay.operations == pipeline.emission.replayOperations)
        #expect(replay.domains == pipeline.emission.replayDomains)
        #expect(replay.devices == pipeline.emission.topology.devices)
        // Every stage's counters reach the statistics.
        #expect(
            replay.statistics.inferredTags == pipeline.lifetimes.inferredTags
                && replay.statistics.inferredAttachments
                    == pipeline.lifetimes.inferredAttachments + pipeline.inference.inferredAttachments
                && replay.statistics.repairs == pipeline.inference.repairs + pipeline.emission.repairs)
    }
}

extension ReplayPipeline {
    /// The stages run on a small trace (file `t`).
    init(_ text: String, skipBadLines: Bool = false) throws {
        try self.init(text: text, file: "t", options: TraceReplayOptions(skipBadLines: skipBadLines))
    }
}

extension ReplayTimeline.Entry {
    /// `attach LINE` or `detach LINE` (line 0: before the first line), or `flush op N`.
    var summary: String {
        switch action {
        case let .change(change): "\(change.kind == .attach ? "attach" : "detach") \(change.position.line)"
        case let .flush(operation): "flush op \(operation)"
        }
    }
}
