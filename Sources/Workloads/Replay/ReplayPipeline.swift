import VTd

/// The replay stages run in turn, each on the plain output of the ones before it:
///
/// 1. `TraceLexer`: trace text → typed event lines (units and devices numbered, errors located);
/// 2. `TagLifetimes`: assign/unassign → tag lives, attachments, inferred tags;
/// 3. `ReplayTimeline`: per-tag flush lines → flush calls; `KernelEvidence`: the `qi_submit` lines
///    of each call, and what they prove of the units;
/// 4. `DomainInference`: lives and their joins → domains, kinds, nesting, the last stand-ins;
/// 5. `ReplayTimeline.ordered`, then `ReplayEmission`: the stream in trace order → workload
///    events, topology, records and counters.
///
/// `TraceReplay` publishes the result; tests look at every stage's output.
struct ReplayPipeline {
    let lexer: TraceLexer
    let lifetimes: TagLifetimes
    let timeline: ReplayTimeline
    let kernel: KernelProfile
    let kernelReason: String
    let evidence: KernelEvidence
    let inference: DomainInference
    let entries: [ReplayTimeline.Entry]
    let emission: ReplayEmission

    init(text: String, file: String, options: TraceReplayOptions) throws(WorkloadError) {
        lexer = try TraceLexer(text: text, file: file, options: options)
        lifetimes = TagLifetimes(events: lexer.events, unitNames: lexer.unitNames, devices: lexer.devices)
        timeline = ReplayTimeline(events: lexer.events, lifeOfEvent: lifetimes.lifeOfEvent)
        if let given = options.kernel {
            (kernel, kernelReason) = (given, "given")
        } else {
            (kernel, kernelReason) = Self.impliedKernel(lexer.statistics)
        }
        evidence = KernelEvidence(
            events: lexer.events, submissions: lexer.qiSubmissions, operations: timeline.operations,
            unitNames: lexer.unitNames, batched: kernel.batchesDescriptors)
        inference = DomainInference(
            lives: lifetimes.lives, joins: lifetimes.joins + timeline.joins, devices: lifetimes.devices,
            unitNames: lexer.unitNames)
        entries = timeline.ordered(lifetimes.changes + inference.standInAttachments)
        var counts = lexer.statistics
        counts.inferredTags += lifetimes.inferredTags
        counts.inferredAttachments += lifetimes.inferredAttachments
        emission = ReplayEmission(
            entries: entries, operations: timeline.operations, domains: inference, unitNames: lexer.unitNames,
            evidence: evidence, statistics: counts)
    }

    /// The kernel a trace's text implies (docs/vtd-facts.md §5): flush lines without `pages` are
    /// the newest kernels'; `pages` or a `cache_tag_flush_all` event mean 6.12–6.18, taken as 6.12
    /// (6.12's batching cannot be told from 6.10's text: waits are not traced).
    static func impliedKernel(_ statistics: TraceStatistics) -> (KernelProfile, String) {
        if statistics.flushLinesWithoutPages > 0, statistics.flushLinesWithPages == 0 {
            return (.latest, "implied: flush lines without a pages field")
        }
        if statistics.eventsByName[TraceEventName.flushAll.rawValue, default: 0] > 0 {
            return (.v6_12, "implied: cache_tag_flush_all events")
        }
        if statistics.flushLinesWithPages > 0 { return (.v6_12, "implied: flush lines with a pages field") }
        return (.latest, "default: no flush line to tell by")
    }
}
