/// What a trace held, and what replay had to infer or skip.
public struct TraceStatistics: Equatable, Sendable {
    public var lines = 0
    public var commentLines = 0
    public var blankLines = 0
    /// Lines that are not event lines (console noise).
    public var noiseLines = 0
    /// Event lines by event name, ours and others (`cache_tag_assign`, `irq_handler_entry`, ...).
    public var eventsByName: [String: Int] = [:]
    /// Event lines of events replay does not use.
    public var otherEvents = 0
    /// Malformed lines skipped under `skipBadLines`.
    public var skippedBadLines = 0
    /// The first few skipped lines' errors.
    public var firstSkippedErrors: [WorkloadError] = []
    /// Tags seen in flushes or unassigns without an assign earlier in the trace (assigned before tracing began).
    public var inferredTags = 0
    /// Attachments replay had to invent to account for inferred tags.
    public var inferredAttachments = 0
    /// Flush lines whose addr/mask differ from `AlignedInvalidation(covering:)` of their range.
    public var psiMismatches = 0
    /// Inconsistencies replay repaired (an attach over a live attachment, a detach of nothing,
    /// a domain that would be both nested child and parent).
    public var repairs = 0
}
