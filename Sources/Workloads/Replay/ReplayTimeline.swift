import VTd

/// Stage 3 of replay: per-tag flush lines → flush calls, and everything → one stream in trace
/// order.
///
/// **Calls.** `cache_tag_flush_range`, `_range_np` and `_all` walk a domain's tag list under its
/// `cache_lock` and print one line per tag (kernel: `cache.c`; docs/vtd-facts.md §1), so one
/// call's lines are contiguous on its CPU while other CPUs' lines and `qi_submit` lines may
/// interleave (docs/vtd-facts.md §4). Consecutive flush lines of one CPU with the same event and
/// range therefore form one call, and a new call starts when
/// - a tag repeats (a walk visits each tag once),
/// - the event or the range changes,
/// - an assign or unassign intervenes on that CPU (it takes the same lock), or
/// - a non-nesting tag of a unit carries another `TagKey.Owner` than the call's earlier tags of
///   that unit: one domain has one DID per unit, one SVA domain one PASID.
///
/// The lives of one call belong to one domain (`joins`). A `flush_range` over the whole address
/// space is the newest kernels' flush all (docs/vtd-facts.md §5) and becomes `.all`.
struct ReplayTimeline {
    /// One reconstructed flush call.
    struct Operation {
        let kind: ReplayFlushOperation.Kind
        /// The flushed range; nil for flush all.
        let range: IOVARange?
        /// The lives walked, in trace order.
        let lives: [Int]
        /// The call's flush lines.
        let lines: [Int]
        /// The first line's time.
        let time: UInt64

        /// A call is replayed where it began.
        var position: TracePosition { TracePosition(line: lines[0]) }
    }

    /// One item of the replayed stream.
    struct Entry {
        enum Action {
            case change(AttachmentChange)
            /// An index into `operations`.
            case flush(operation: Int)
        }

        let action: Action
        let time: UInt64
    }

    /// Calls, in the order they closed.
    private(set) var operations: [Operation] = []
    /// Pairs of lives flushed in one call.
    private(set) var joins: [(Int, Int)] = []

    private struct OpenCall {
        let kind: ReplayFlushOperation.Kind
        let event: TraceEventName
        let range: TraceLine.FlushRange?
        let time: UInt64
        var keys: Set<TagKey> = []
        var lives: [Int] = []
        var lines: [Int] = []
        /// The owner of each unit's non-nesting tags so far.
        var owners: [Int: TagKey.Owner] = [:]

        func admits(_ key: TagKey, event: TraceEventName, range: TraceLine.FlushRange?) -> Bool {
            guard self.event == event, !keys.contains(key), self.range == range else { return false }
            if !key.type.isNesting, let owner = owners[key.unit], owner != key.owner { return false }
            return true
        }
    }

    private var open: [Int: OpenCall] = [:]

    /// Groups the flush lines of `events`; `lifeOfEvent` (from `TagLifetimes`) gives each line's life.
    init(events: [TraceEventLine], lifeOfEvent: [Int]) {
        for (index, event) in events.enumerated() {
            switch event.action {
            case .assign, .unassign:
                close(cpu: event.cpu)
            case let .flush(name, range):
                add(event, name: name, range: range, life: lifeOfEvent[index])
            }
        }
        for cpu in open.keys.sorted() { close(cpu: cpu) }
    }

    private mutating func add(_ event: TraceEventLine, name: TraceEventName, range: TraceLine.FlushRange?, life: Int) {
        let key = event.tag
        if let call = open[event.cpu], !call.admits(key, event: name, range: range) { close(cpu: event.cpu) }
        if open[event.cpu] == nil {
            let kind: ReplayFlushOperation.Kind =
                if let range, !range.isWholeSpace { name == .flushRangeNP ? .newMappings : .range } else { .all }
            open[event.cpu] = OpenCall(kind: kind, event: name, range: range, time: event.time)
        }
        open[event.cpu]!.keys.insert(key)
        open[event.cpu]!.lives.append(life)
        open[event.cpu]!.lines.append(event.line)
        if !key.type.isNesting { open[event.cpu]!.owners[key.unit] = key.owner }
    }

    private mutating func close(cpu: Int) {
        guard let call = open.removeValue(forKey: cpu) else { return }
        for life in call.lives.dropFirst() { joins.append((call.lives[0], life)) }
        let range = call.kind == .all ? nil : call.range.map { try! IOVARange(start: $0.start, end: $0.end) }
        operations.append(
            Operation(kind: call.kind, range: range, lives: call.lives, lines: call.lines, time: call.time))
    }

    /// The stream in trace order: `changes` (in the order made) and the calls, by position.
    /// Flush lines and assign/unassign lines never share a line, so calls never tie with changes;
    /// changes at one position keep the order they were made in.
    func ordered(_ changes: [AttachmentChange]) -> [Entry] {
        var slots: [(position: TracePosition, rank: Int, entry: Entry)] = []
        slots.reserveCapacity(changes.count + operations.count)
        for (rank, change) in changes.enumerated() {
            slots.append((change.position, rank, Entry(action: .change(change), time: change.time)))
        }
        for (index, operation) in operations.enumerated() {
            let entry = Entry(action: .flush(operation: index), time: operation.time)
            slots.append((operation.position, changes.count + index, entry))
        }
        slots.sort { ($0.position, $0.rank) < ($1.position, $1.rank) }
        return slots.map(\.entry)
    }
}
