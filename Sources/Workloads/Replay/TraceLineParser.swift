import VTd

private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let colon = UInt8(ascii: ":")

/// Parses one line of trace text into a `TraceLine`: the fields as the kernel's `trace.h` events
/// print them (both `flush_range` forms, with and without `pages`), behind the line header of
/// `/sys/kernel/tracing/trace`, `trace-cmd report` or `perf script` (docs/vtd-facts.md §4). Works
/// on the line's UTF-8 bytes: traces run to millions of lines, and Character-level string
/// processing would dominate the replay. Part of `TraceLexer`.
struct TraceLineParser {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Parses `bytes` (one line, without its newline).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(TraceFieldError) -> TraceLine {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == space || bytes[end - 1] == tab {
            end -= 1
        }
        var start = 0
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        guard start < end else { return .blank }
        if bytes[start] == UInt8(ascii: "#") { return .comment }
        let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
        return try TraceLineParser(bytes: line).parseEvent()
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func contains(_ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count <= bytes.count else { return false }
        return needle.withUTF8Buffer { pattern in
            var index = 0
            while index + count <= bytes.count {
                if bytes[index] == pattern[0], (1..<count).allSatisfy({ bytes[index + $0] == pattern[$0] }) {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { pattern in
            pattern.count == range.count && zip(bytes[range], pattern).allSatisfy { $0 == $1 }
        }
    }

    /// Parses an event line: the header, then the fields of our events in the order `trace.h`
    /// prints them (docs/vtd-facts.md §4), each error naming its field. Other events are only named.
    private func parseEvent() throws(TraceFieldError) -> TraceLine {
        let header: TraceLine.Header
        let event: Range<Int>
        let fields: Int
        do {
            (header, event, fields) = try splitHeader()
        } catch {
            // A broken header is noise unless the line names one of our events; a `perf script -g`
            // call-chain line (`ADDRESS SYMBOL+OFFSET (DSO)`) names kernel functions, not events.
            if (contains("cache_tag_") || contains("qi_submit")) && !startsWithAddress() { throw error }
            return .noise
        }
        let name: TraceEventName
        if equals(event, "cache_tag_assign") {
            name = .assign
        } else if equals(event, "cache_tag_unassign") {
            name = .unassign
        } else if equals(event, "cache_tag_flush_range") {
            name = .flushRange
        } else if equals(event, "cache_tag_flush_range_np") {
            name = .flushRangeNP
        } else if equals(event, "cache_tag_flush_all") {
            name = .flushAll
        } else if equals(event, "qi_submit") {
            name = .qiSubmit
        } else {
            return .other(event: text(event))
        }
        var reader = TokenReader(parser: self, position: fields)
        switch name {
        case .assign, .unassign:
            let (tag, users) = try tagLayout(&reader)
            return .tag(header, assign: name == .assign, tag, users: users)
        case .flushAll:
            // The tag layout too (its format file prints the fields of assign; docs/vtd-facts.md §4):
            // the user count is checked, but flush all does not need it.
            let (tag, _) = try tagLayout(&reader)
            return .flush(header, name, tag, range: nil, addr: 0, mask: UInt64(maximumAddressMask), hasPages: false)
        case .flushRange, .flushRangeNP:
            return try flushLayout(&reader, header: header, name: name)
        case .qiSubmit:
            let kind = text(try reader.next("kind"))
            let unitToken = try reader.next("iommu")
            guard unitToken.count > 1, bytes[unitToken.upperBound - 1] == colon else {
                throw TraceFieldError(field: "iommu", reason: "expected 'IOMMU:', found '\(text(unitToken))'")
            }
            let qw0 = try reader.hex("qw0")
            let qw1 = try reader.hex("qw1")
            let qw2 = try reader.hex("qw2")
            let qw3 = try reader.hex("qw3")
            try reader.end()
            return .qiSubmit(
                header, kind: kind, unit: text(unitToken.lowerBound..<(unitToken.upperBound - 1)),
                words: (qw0, qw1, qw2, qw3))
        }
    }

    /// `IOMMU/DEV type TYPE did D pasid P ref N`: assign, unassign and flush_all.
    private func tagLayout(_ reader: inout TokenReader) throws(TraceFieldError) -> (TraceLine.TagFields, Int) {
        let owner = try reader.next("iommu/dev")
        guard let slash = bytes[owner].firstIndex(of: UInt8(ascii: "/")), slash != owner.lowerBound,
            slash + 1 != owner.upperBound
        else { throw TraceFieldError(field: "iommu/dev", reason: "expected IOMMU/DEV, found '\(text(owner))'") }
        let unit = text(owner.lowerBound..<slash)
        let device = text((slash + 1)..<owner.upperBound)
        try reader.keyword("type")
        let type = try reader.tagType()
        try reader.keyword("did")
        let did = try reader.decimal("did", maximum: Int(UInt16.max))
        try reader.keyword("pasid")
        let pasid = try reader.decimal("pasid", maximum: Int(PASID.maximum))
        try reader.keyword("ref")
        let users = try reader.decimal("ref", maximum: Int(Int32.max))
        try reader.end()
        let tag = TraceLine.TagFields(unit: unit, device: device, type: type, did: UInt16(did), pasid: UInt32(pasid))
        return (tag, users)
    }

    /// `IOMMU DEV[PASID] type TYPE did D [0xSTART-0xEND] addr 0xA [pages 0xN] mask 0xM`:
    /// flush_range and flush_range_np, with `pages` (Linux 6.12) or without it (the newest kernels).
    private func flushLayout(
        _ reader: inout TokenReader, header: TraceLine.Header, name: TraceEventName
    ) throws(TraceFieldError) -> TraceLine {
        let unit = text(try reader.next("iommu"))
        let devicePASID = try reader.next("dev[pasid]")
        guard devicePASID.count >= 3, bytes[devicePASID.upperBound - 1] == UInt8(ascii: "]"),
            let open = bytes[devicePASID].lastIndex(of: UInt8(ascii: "[")), open != devicePASID.lowerBound
        else {
            throw TraceFieldError(field: "dev[pasid]", reason: "expected DEV[PASID], found '\(text(devicePASID))'")
        }
        let device = text(devicePASID.lowerBound..<open)
        let pasidRange = (open + 1)..<(devicePASID.upperBound - 1)
        guard let pasid = decimalValue(pasidRange), pasid <= UInt64(PASID.maximum) else {
            throw TraceFieldError(field: "pasid", reason: "'\(text(pasidRange))' is not a PASID (0...\(PASID.maximum))")
        }
        try reader.keyword("type")
        let type = try reader.tagType()
        try reader.keyword("did")
        let did = try reader.decimal("did", maximum: Int(UInt16.max))
        let tag = TraceLine.TagFields(unit: unit, device: device, type: type, did: UInt16(did), pasid: UInt32(pasid))
        let rangeToken = try reader.next("range")
        let dash = bytes[rangeToken].dropFirst().firstIndex(of: UInt8(ascii: "-"))
        guard rangeToken.count >= 3, bytes[rangeToken.lowerBound] == UInt8(ascii: "["),
            bytes[rangeToken.upperBound - 1] == UInt8(ascii: "]"), let dash
        else {
            throw TraceFieldError(field: "range", reason: "expected [0xSTART-0xEND], found '\(text(rangeToken))'")
        }
        guard let start = hexValue((rangeToken.lowerBound + 1)..<dash),
            let end = hexValue((dash + 1)..<(rangeToken.upperBound - 1))
        else {
            throw TraceFieldError(field: "range", reason: "'\(text(rangeToken))' does not hold two hexadecimal addresses")
        }
        guard end >= start else {
            throw TraceFieldError(field: "range", reason: "end is below start in '\(text(rangeToken))'")
        }
        try reader.keyword("addr")
        let addr = try reader.hex("addr")
        let hasPages = reader.skip("pages")
        if hasPages { _ = try reader.hex("pages") }
        try reader.keyword("mask")
        let mask = try reader.hex("mask")
        guard mask <= 64 else { throw TraceFieldError(field: "mask", reason: "\(mask) is wider than 64 bits") }
        try reader.end()
        return .flush(
            header, name, tag, range: TraceLine.FlushRange(start: start, end: end), addr: addr, mask: mask,
            hasPages: hasPages)
    }

    /// Whether the line starts with a bare lower-case hexadecimal address (8 to 16 digits) and
    /// more text: a call-chain line of `perf script` for a sample recorded with `-g`.
    func startsWithAddress() -> Bool {
        guard let first = token(from: 0), (8...16).contains(first.count), first.upperBound < bytes.count else {
            return false
        }
        return bytes[first].allSatisfy { Self.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The next space-separated token from `position`, or nil at the end.
    func token(from position: Int) -> Range<Int>? {
        var start = position
        while start < bytes.count, bytes[start] == space || bytes[start] == tab { start += 1 }
        guard start < bytes.count else { return nil }
        var end = start
        while end < bytes.count, bytes[end] != space, bytes[end] != tab { end += 1 }
        return start..<end
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Splits `TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS` (`/sys/kernel/tracing/trace`,
    /// `trace-cmd report`) or `TASK PID [CPU] TIMESTAMP: SYSTEM:EVENT: FIELDS` (`perf script`). The
    /// flags column and a `(TGID)` column are optional, as trace options and tool versions turn them
    /// off or on (docs/vtd-facts.md §4). Returns the header, the event name (without a `system:`
    /// prefix) and where the fields start.
    func splitHeader() throws(TraceFieldError) -> (TraceLine.Header, Range<Int>, Int) {
        // The CPU column: the first " [digits]".
        var open = 1
        var cpu: Int?
        var close = 0
        while open < bytes.count {
            if bytes[open] == UInt8(ascii: "["), bytes[open - 1] == space {
                var index = open + 1
                var value = 0
                while index < bytes.count, Self.isDigit(bytes[index]), value < 1 << 20 {
                    value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                }
                if index > open + 1, index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    cpu = value
                    close = index
                    break
                }
            }
            open += 1
        }
        guard let cpu else { throw TraceFieldError(field: "cpu", reason: "no [CPU] column") }
        // The task column, with an optional (TGID) after it.
        var taskEnd = open
        while taskEnd > 0, bytes[taskEnd - 1] == space { taskEnd -= 1 }
        if taskEnd > 0, bytes[taskEnd - 1] == UInt8(ascii: ")"),
            let tgid = bytes[0..<taskEnd].lastIndex(of: UInt8(ascii: "("))
        {
            taskEnd = tgid
            while taskEnd > 0, bytes[taskEnd - 1] == space { taskEnd -= 1 }
        }
        // It ends in the PID, after a dash (`TASK-PID`: the kernel, trace-cmd) or a blank (`TASK PID`:
        // perf script); the task name before it may hold blanks and dashes of its own.
        var pid = taskEnd
        while pid > 0, Self.isDigit(bytes[pid - 1]) { pid -= 1 }
        guard pid < taskEnd, pid == 0 || bytes[pid - 1] == UInt8(ascii: "-") || bytes[pid - 1] == space
            || bytes[pid - 1] == tab
        else {
            throw TraceFieldError(
                field: "task-pid",
                reason: "expected TASK-PID or TASK PID before the CPU column, found '\(text(0..<taskEnd))'")
        }

        guard var stamp = token(from: close + 1) else { throw TraceFieldError(field: "timestamp", reason: "missing") }
        if timestamp(stamp) == nil, bytes[stamp.upperBound - 1] != colon {
            // The flags column.
            guard let next = token(from: stamp.upperBound) else {
                throw TraceFieldError(field: "timestamp", reason: "missing")
            }
            stamp = next
        }
        guard let time = timestamp(stamp) else {
            throw TraceFieldError(field: "timestamp", reason: "expected SECONDS.FRACTION:, found '\(text(stamp))'")
        }
        guard let eventToken = token(from: stamp.upperBound), eventToken.count > 1,
            bytes[eventToken.upperBound - 1] == colon
        else {
            throw TraceFieldError(field: "event", reason: "expected EVENT: after the timestamp")
        }
        var event = eventToken.lowerBound..<(eventToken.upperBound - 1)
        // `system:event` names the event after the last colon.
        if let systemColon = bytes[event].lastIndex(of: colon) { event = (systemColon + 1)..<event.upperBound }
        return (TraceLine.Header(cpu: cpu, time: time), event, eventToken.upperBound)
    }

    /// `SECONDS[.FRACTION]:` → nanoseconds.
    func timestamp(_ range: Range<Int>) -> UInt64? {
        guard range.count > 1, bytes[range.upperBound - 1] == colon else { return nil }
        let body = range.lowerBound..<(range.upperBound - 1)
        let dot = bytes[body].firstIndex(of: UInt8(ascii: "."))
        let secondsRange = body.lowerBound..<(dot ?? body.upperBound)
        guard (1...10).contains(secondsRange.count), let seconds = decimalValue(secondsRange) else { return nil }
        var nanoseconds: UInt64 = 0
        if let dot {
            let fraction = (dot + 1)..<body.upperBound
            guard (1...9).contains(fraction.count), let value = decimalValue(fraction) else { return nil }
            nanoseconds = value
            for _ in 0..<(9 - fraction.count) { nanoseconds *= 10 }
        }
        return seconds * 1_000_000_000 + nanoseconds
    }

    /// Decimal digits only (at most 18 of them).
    func decimalValue(_ range: Range<Int>) -> UInt64? {
        guard (1...18).contains(range.count) else { return nil }
        var value: UInt64 = 0
        for byte in bytes[range] {
            guard Self.isDigit(byte) else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `0x…` or bare hexadecimal, at most 16 digits.
    func hexValue(_ range: Range<Int>) -> UInt64? {
        var digits = range
        if digits.count > 2, bytes[digits.lowerBound] == UInt8(ascii: "0"),
            bytes[digits.lowerBound + 1] | 0x20 == UInt8(ascii: "x")
        {
            digits = (digits.lowerBound + 2)..<digits.upperBound
        }
        guard (1...16).contains(digits.count) else { return nil }
        var value: UInt64 = 0
        for byte in bytes[digits] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}
