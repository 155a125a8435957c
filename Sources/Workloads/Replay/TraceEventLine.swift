/// One `cache_tag_*` event line as `TraceLexer` hands it on: where and when it happened, the tag
/// it names and what it did to it. Later stages read only these.
struct TraceEventLine {
    enum Action {
        /// `cache_tag_assign` with the tag's user count after it (`ref`, kernel: `users`).
        case assign(users: Int)
        /// `cache_tag_unassign` with the user count left (0: the tag is freed).
        case unassign(users: Int)
        /// One tag line of a `cache_tag_flush_*` walk; nil range for `cache_tag_flush_all`.
        case flush(TraceEventName, range: TraceLine.FlushRange?)
    }

    /// 1-based line number.
    let line: Int
    let cpu: Int
    /// Nanoseconds since the first event line replay reads.
    let time: UInt64
    /// The tag; `device` indexes `TraceLexer.devices`.
    let tag: TagKey
    let action: Action
}
