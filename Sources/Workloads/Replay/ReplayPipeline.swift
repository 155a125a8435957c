/// The replay stages run in turn, each on the plain output of the ones before it:
///
/// 1. `TraceLexer`: trace text → typed event lines (units and devices numbered, errors located);
/// 2. `TagLifetimes`: assign/unassign → tag lives, attachments, inferred tags;
/// 3. `ReplayTimeline`: per-tag flush lines → flush calls;
/// 4. `DomainInference`: lives and their joins → domains, kinds, nesting, the last stand-ins;
/// 5. `ReplayTimeline.ordered`, then `ReplayEmission`: the stream in trace order → workload
///    events, topology, records and counters.
///
/// `TraceReplay` publishes the result; tests look at every stage's output.
struct ReplayPipeline {
    let lexer: TraceLexer
    let lifetimes: TagLifetimes
    let timeline: ReplayTimeline
    let inference: DomainInference
    let entries: [ReplayTimeline.Entry]
    let emission: ReplayEmission

    init(text: String, file: String, options: TraceReplayOptions) throws(WorkloadError) {
        lexer = try TraceLexer(text: text, file: file, options: options)
        lifetimes = TagLifetimes(events: lexer.events, unitNames: lexer.unitNames, devices: lexer.devices)
        timeline = ReplayTimeline(events: lexer.events, lifeOfEvent: lifetimes.lifeOfEvent)
        inference = DomainInference(
            lives: lifetimes.lives, joins: lifetimes.joins + timeline.joins, devices: lifetimes.devices,
            unitNames: lexer.unitNames)
        entries = timeline.ordered(lifetimes.changes + inference.standInAttachments)
        var counts = lexer.statistics
        counts.inferredTags += lifetimes.inferredTags
        counts.inferredAttachments += lifetimes.inferredAttachments
        emission = ReplayEmission(
            entries: entries, operations: timeline.operations, domains: inference, unitNames: lexer.unitNames,
            statistics: counts)
    }
}
