/// Where an item goes in the replayed stream: the trace line, then an order within it. Replay
/// keeps trace order because the kernel emits every event of a call where the call happened
/// (docs/vtd-facts.md §4); inferred items go just before the line that revealed them.
struct TracePosition: Comparable {
    let line: Int
    let sub: Int

    /// At a line.
    init(line: Int) {
        self.line = line
        sub = 0
    }

    private init(line: Int, sub: Int) {
        self.line = line
        self.sub = sub
    }

    /// Before the first line: where tags assigned before tracing began (boot assigns, traced only
    /// from the kernel command line; docs/vtd-facts.md §4) start their lives.
    static let beginning = TracePosition(line: 0, sub: 0)

    /// Just before `line`, after everything of the lines before it.
    static func justBefore(line: Int) -> TracePosition { TracePosition(line: line, sub: -1) }

    static func < (lhs: TracePosition, rhs: TracePosition) -> Bool { (lhs.line, lhs.sub) < (rhs.line, rhs.sub) }
}
