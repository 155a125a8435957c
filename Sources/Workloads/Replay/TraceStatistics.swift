/// What a trace held, and what replay had to infer or skip.
package struct TraceStatistics: Equatable, Sendable {
    package var lines = 0
    package var commentLines = 0
    package var blankLines = 0
    /// Lines that are not event lines (console noise).
    package var noiseLines = 0
    /// Event lines by event name, ours and others (`cache_tag_assign`, `irq_handler_entry`, ...).
    package var eventsByName: [String: Int] = [:]
    /// Event lines of events replay does not use.
    package var otherEvents = 0
    /// Malformed lines skipped under `skipBadLines`.
    package var skippedBadLines = 0
    /// The first few skipped lines' errors.
    package var firstSkippedErrors: [WorkloadError] = []
    /// Tags seen in flushes or unassigns without an assign earlier in the trace (assigned before tracing began).
    package var inferredTags = 0
    /// Attachments replay had to invent to account for inferred tags.
    package var inferredAttachments = 0
    /// Flush lines whose addr/mask differ from `AlignedInvalidation(covering:)` of their range.
    package var psiMismatches = 0
    /// Range flush lines printed with address 0 and mask 52: a walk widened by a NESTING_DEVTLB tag.
    package var widenedFlushLines = 0
    /// Flush lines with a `pages` field (kernels up to 6.19) and without (the newest).
    package var flushLinesWithPages = 0
    package var flushLinesWithoutPages = 0
    /// Inconsistencies replay repaired (an attach over a live attachment, a detach of nothing,
    /// a domain that would be both nested child and parent).
    package var repairs = 0
}
