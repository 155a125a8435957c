/// A trace rewritten into another text form, with where each of its lines came from, so a test
/// can map what a replay reports (line numbers) back onto the original.
package struct RewrittenTrace: Sendable {
    package var lines: [String]
    /// For line N (element N - 1), the original's line number; nil for a line the rewrite added.
    package var originalLine: [Int?]

    package var text: String { lines.joined(separator: "\n") + "\n" }

    /// The trace unchanged.
    package init(_ lines: [String]) {
        self.lines = lines
        originalLine = lines.indices.map { $0 + 1 }
    }

    init(lines: [String], originalLine: [Int?]) {
        self.lines = lines
        self.originalLine = originalLine
    }

    /// This trace rewritten again by `rewrite`, its lines still mapped onto the first original.
    package func then(_ rewrite: ([String]) -> RewrittenTrace) -> RewrittenTrace {
        let next = rewrite(lines)
        let mapped = next.originalLine.map { $0.flatMap { originalLine[$0 - 1] } }
        return RewrittenTrace(lines: next.lines, originalLine: mapped)
    }
}

/// The columns of one event line in the layout of `/sys/kernel/tracing/trace`
/// (`TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS`; docs/vtd-facts.md §4), split by plain string
/// handling of its own rather than by the replayer's parser, so the rewrites test that parser.
package struct TraceColumns: Sendable {
    package var task: String
    package var pid: Int
    package var cpu: Int
    /// The latency flags (`d..2.`), nil when the column is absent.
    package var flags: String?
    /// `SECONDS.FRACTION` as printed, without the colon.
    package var timestamp: String
    package var event: String
    package var fields: String

    /// Splits `line`; nil for header comments and lines that are not event lines.
    package init?(_ line: String) {
        guard !line.hasPrefix("#"), let open = line.range(of: " ["),
            let close = line[open.upperBound...].firstIndex(of: "]"), let cpu = Int(line[open.upperBound..<close])
        else { return nil }
        let taskPID = line[..<open.lowerBound].trimmingBlanks
        guard let dash = taskPID.lastIndex(of: "-"), let pid = Int(taskPID[taskPID.index(after: dash)...]) else {
            return nil
        }
        var rest = line[line.index(after: close)...]
        func token() -> Substring {
            rest = rest.trimmingBlanks
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            defer { rest = rest[end...] }
            return rest[..<end]
        }
        var stamp = token()
        if !stamp.hasSuffix(":") {
            flags = String(stamp)
            stamp = token()
        } else {
            flags = nil
        }
        let name = token()
        guard stamp.hasSuffix(":"), name.hasSuffix(":"), name.count > 1 else { return nil }
        task = String(taskPID[..<dash])
        self.pid = pid
        self.cpu = cpu
        timestamp = String(stamp.dropLast())
        event = String(name.dropLast())
        fields = String(rest.trimmingBlanks)
    }

    /// Back in the layout of `/sys/kernel/tracing/trace`.
    package var ftrace: String {
        "\(task.leftPadded(16))-\(String(pid).rightPadded(7)) [\(cpu.zeroPadded(3))] \(flags ?? ".....") "
            + "\(timestamp.leftPadded(12)): \(event): \(fields)"
    }

    /// As `trace-cmd report` prints it (its `trace-read.c`: `%16s-%-5d [%03d]`, the latency flags
    /// only from trace-cmd 3.3 on or with `-l`, the time in microseconds, then ` EVENT: ` padded
    /// to 20 characters of name).
    package func traceCmd(flags printFlags: Bool) -> String {
        let parts = timestamp.split(separator: ".")
        let seconds = String(parts[0]).leftPadded(6)
        let flagsColumn = printFlags ? " " + (flags ?? ".....") : ""
        return "\(task.leftPadded(16))-\(String(pid).rightPadded(5)) [\(cpu.zeroPadded(3))]\(flagsColumn) "
            + "\(seconds).\(parts.count > 1 ? String(parts[1]) : "000000"): \(event): "
            + String(repeating: " ", count: max(0, 20 - event.count)) + fields
    }

    /// As `perf script` prints a tracepoint sample by default (its `builtin-script.c`: comm `%16s`,
    /// tid `%7d`, `[%03d]`, the time `%12s:` in microseconds, the `system:event` name right-aligned
    /// to the longest name, then the fields).
    package func perf(task name: String, nameWidth: Int) -> String {
        "\(name.leftPadded(16)) \(String(pid).leftPadded(7)) [\(cpu.zeroPadded(3))] \(timestamp.leftPadded(12)): "
            + "intel_iommu:\(event)".leftPadded(nameWidth) + ": \(fields)"
    }
}

/// Rewrites of a trace in `/sys/kernel/tracing/trace` form (the golden vector) into the other
/// text forms replay reads (docs/vtd-facts.md §4). Each keeps every event's columns and order.
package enum TraceRewrite {
    /// The newest kernels' flush text: ` pages 0xN` dropped from `cache_tag_flush_range[_np]` lines.
    package static func withoutPages(_ lines: [String]) -> RewrittenTrace {
        RewrittenTrace(
            lines.map { line in
                guard var columns = TraceColumns(line), columns.event.hasPrefix("cache_tag_flush_range") else {
                    return line
                }
                var tokens = columns.fields.split(separator: " ").map(String.init)
                if let pages = tokens.firstIndex(of: "pages") { tokens.removeSubrange(pages...(pages + 1)) }
                columns.fields = tokens.joined(separator: " ")
                return columns.ftrace
            })
    }

    /// `trace-cmd report` output, its standard error (at the `info` log level) joined in:
    /// `version = 6`, an empty CPU and `cpus=2` first, then the event lines, with the `#` header
    /// gone and trace-cmd's dropped-events line (`CPU:0 [12 EVENTS DROPPED]`) before the original's
    /// line `droppedBefore`. `flags`: trace-cmd 3.3 and later print the latency flags by default,
    /// earlier ones only with `-l`.
    package static func traceCmdReport(_ lines: [String], flags: Bool, droppedBefore: Int = 100) -> RewrittenTrace {
        var out = RewrittenTrace(lines: ["version = 6", "CPU 1 is empty", "cpus=2"], originalLine: [nil, nil, nil])
        for (index, line) in lines.enumerated() where !line.hasPrefix("#") {
            if index + 1 == droppedBefore {
                out.lines.append("CPU:0 [12 EVENTS DROPPED]")
                out.originalLine.append(nil)
            }
            out.lines.append(TraceColumns(line)?.traceCmd(flags: flags) ?? line)
            out.originalLine.append(index + 1)
        }
        return out
    }

    /// `perf script` output: no header, `TASK PID` columns, subsystem-qualified event names.
    /// `tasks` renames tasks (perf names the idle task `swapper`; names may hold blanks and dashes).
    package static func perfScript(_ lines: [String], tasks: [String: String] = [:]) -> RewrittenTrace {
        let width = "intel_iommu:cache_tag_flush_range_np".count
        var out = RewrittenTrace(lines: [], originalLine: [])
        for (index, line) in lines.enumerated() where !line.hasPrefix("#") {
            let columns = TraceColumns(line)
            out.lines.append(columns.map { $0.perf(task: tasks[$0.task] ?? $0.task, nameWidth: width) } ?? line)
            out.originalLine.append(index + 1)
        }
        return out
    }

    /// The trace spread over two CPUs: every even-numbered flush call (its flush lines and the
    /// `qi_submit` lines after them) moves to CPU 1, and the `qi_submit` lines of each CPU-1 call
    /// come after the next call's flush lines, so the CPUs' lines interleave while each CPU keeps
    /// its own order and calls still begin in the original order. The kernel's lost-events line
    /// (`CPU:1 [LOST 12 EVENTS]`) goes before the first CPU-1 call. Returns, with the text, the
    /// original lines that moved to CPU 1.
    package static func spreadOverTwoCPUs(_ lines: [String]) -> (trace: RewrittenTrace, movedLines: Set<Int>) {
        let units = flushCalls(lines)
        var out = RewrittenTrace(lines: [], originalLine: [])
        var moved: Set<Int> = []
        func emit(_ index: Int, cpu: Int) {
            if cpu == 1, var columns = TraceColumns(lines[index]) {
                columns.cpu = 1
                out.lines.append(columns.ftrace)
                moved.insert(index + 1)
            } else {
                out.lines.append(lines[index])
            }
            out.originalLine.append(index + 1)
        }
        var held: [Int] = []
        var calls = 0
        for unit in units {
            guard let head = unit.head else {
                for index in held { emit(index, cpu: 1) }
                for index in unit.tail { emit(index, cpu: 0) }
                held = []
                continue
            }
            calls += 1
            let cpu = calls % 2 == 0 ? 1 : 0
            if calls == 2 {
                out.lines.append("CPU:1 [LOST 12 EVENTS]")
                out.originalLine.append(nil)
            }
            for index in head { emit(index, cpu: cpu) }
            for index in held { emit(index, cpu: 1) }
            held = []
            if cpu == 1 { held = unit.tail } else { for index in unit.tail { emit(index, cpu: 0) } }
        }
        for index in held { emit(index, cpu: 1) }
        return (out, moved)
    }

    /// Lines grouped into flush calls (`head`: the flush lines of one call, `tail`: the
    /// `qi_submit` lines after them) and runs of other lines (`head` nil). A call continues while
    /// flush lines of the same event and range name new tags, as the kernel's walk prints them.
    static func flushCalls(_ lines: [String]) -> [(head: [Int]?, tail: [Int])] {
        var units: [(head: [Int]?, tail: [Int])] = []
        var key: (event: String, range: String?)?
        var tags: Set<String> = []
        for (index, line) in lines.enumerated() {
            let columns = TraceColumns(line)
            if let columns, columns.event.hasPrefix("cache_tag_flush_") {
                let tokens = columns.fields.split(separator: " ").map(String.init)
                let range = tokens.first { $0.hasPrefix("[0x") }
                let tag = tokens.prefix(4).joined(separator: " ")
                if let last = units.last, last.head != nil, last.tail.isEmpty, let key, key.event == columns.event,
                    key.range == range, !tags.contains(tag)
                {
                    units[units.count - 1].head!.append(index)
                } else {
                    units.append((head: [index], tail: []))
                    tags = []
                }
                key = (columns.event, range)
                tags.insert(tag)
            } else if let columns, columns.event == "qi_submit", let last = units.last, last.head != nil {
                units[units.count - 1].tail.append(index)
            } else {
                if units.last?.head != nil || units.isEmpty { units.append((head: nil, tail: [])) }
                units[units.count - 1].tail.append(index)
                key = nil
            }
        }
        return units
    }
}

extension StringProtocol {
    fileprivate var trimmingBlanks: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { $0 != " " }) else { return "" }
        let last = text.lastIndex(where: { $0 != " " })!
        return text[first...last]
    }

    fileprivate func blanks(upTo width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) }
    fileprivate func leftPadded(_ width: Int) -> String { blanks(upTo: width) + self }
    fileprivate func rightPadded(_ width: Int) -> String { self + blanks(upTo: width) }
}

extension Int {
    fileprivate func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
