import VTd

/// A cache-tag type as the kernel's trace events print it.
public enum TraceTagType: String, Hashable, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case iotlb
    case devtlb
    case nestingIotlb = "nesting_iotlb"
    case nestingDevtlb = "nesting_devtlb"

    /// Parses a trace name, accepting the `parent_iotlb` / `parent_devtlb` spellings some kernels print.
    public init?(traceName: some StringProtocol) {
        switch traceName {
        case "iotlb": self = .iotlb
        case "devtlb": self = .devtlb
        case "nesting_iotlb", "parent_iotlb": self = .nestingIotlb
        case "nesting_devtlb", "parent_devtlb": self = .nestingDevtlb
        default: return nil
        }
    }

    /// Whether the tag names a device TLB (its identity includes the device).
    public var isDeviceTLB: Bool { self == .devtlb || self == .nestingDevtlb }
    /// Whether the tag sits on a nested child's second-stage parent.
    public var isNesting: Bool { self == .nestingIotlb || self == .nestingDevtlb }

    public var description: String { rawValue }

    private var order: Int {
        switch self {
        case .iotlb: 0
        case .devtlb: 1
        case .nestingIotlb: 2
        case .nestingDevtlb: 3
        }
    }

    public static func < (lhs: TraceTagType, rhs: TraceTagType) -> Bool { lhs.order < rhs.order }
}

/// The intel_iommu events the replayer reads.
enum TraceEventName: String {
    case assign = "cache_tag_assign"
    case unassign = "cache_tag_unassign"
    case flushRange = "cache_tag_flush_range"
    case flushRangeNP = "cache_tag_flush_range_np"
    case flushAll = "cache_tag_flush_all"
    case qiSubmit = "qi_submit"
}

/// The tag fields every cache_tag event carries.
struct TraceTagFields {
    var unit: Substring
    /// The device name: a PCI name for device-TLB tags, the unit's own name for IOTLB tags.
    var device: Substring
    var type: TraceTagType
    var did: UInt16
    var pasid: UInt32
}

/// One parsed line.
enum TraceLine {
    case blank
    case comment
    /// Text that is not an event line (console noise, a broken header without our event names).
    case noise
    /// An event line of another event.
    case other(event: Substring)
    case tag(TraceHeader, assign: Bool, TraceTagFields, users: Int)
    case flush(TraceHeader, TraceEventName, TraceTagFields, range: (start: UInt64, end: UInt64)?, addr: UInt64, pages: UInt64, mask: UInt64)
    case qiSubmit(TraceHeader, kind: Substring, unit: Substring, words: (UInt64, UInt64, UInt64, UInt64))
}

/// `TASK-PID [CPU] FLAGS TIMESTAMP:` of an event line.
struct TraceHeader {
    var cpu: Int
    /// Nanoseconds (the timestamp's seconds and fraction).
    var time: UInt64
}

/// Why a line is malformed: the field and what is wrong. Turned into `WorkloadError.malformedTrace`.
struct TraceFieldError: Error {
    let field: String
    let reason: String
}

enum TraceLineParser {
    /// Parses one line (without its newline).
    static func parse(_ raw: Substring) throws(TraceFieldError) -> TraceLine {
        var line = raw
        while let last = line.last, last == "\r" || last == " " || last == "\t" { line = line.dropLast() }
        line = line.drop(while: { $0 == " " || $0 == "\t" })
        guard let first = line.first else { return .blank }
        if first == "#" { return .comment }

        let header: TraceHeader
        let event: Substring
        let fields: Substring
        do {
            (header, event, fields) = try splitHeader(line)
        } catch {
            // A broken header is noise unless the line names one of our events.
            if line.contains("cache_tag_") || line.contains("qi_submit") { throw error }
            return .noise
        }
        guard let name = TraceEventName(rawValue: String(event)) else { return .other(event: event) }
        let tokens = fields.split(separator: " ", omittingEmptySubsequences: true)
        var reader = TokenReader(tokens: tokens)
        switch name {
        case .assign, .unassign:
            let owner = try reader.next("iommu/dev")
            guard let slash = owner.firstIndex(of: "/"), slash != owner.startIndex, owner.index(after: slash) != owner.endIndex
            else { throw TraceFieldError(field: "iommu/dev", reason: "expected IOMMU/DEV, found '\(owner)'") }
            let unit = owner[..<slash]
            let device = owner[owner.index(after: slash)...]
            try reader.keyword("type")
            let type = try reader.tagType()
            try reader.keyword("did")
            let did = try reader.decimal("did", maximum: Int(UInt16.max))
            try reader.keyword("pasid")
            let pasid = try reader.decimal("pasid", maximum: Int(PASID.maximum))
            try reader.keyword("ref")
            let users = try reader.decimal("ref", maximum: Int(Int32.max))
            try reader.end()
            return .tag(
                header, assign: name == .assign,
                TraceTagFields(unit: unit, device: device, type: type, did: UInt16(did), pasid: UInt32(pasid)), users: users)
        case .flushRange, .flushRangeNP, .flushAll:
            let unit = try reader.next("iommu")
            let devicePASID = try reader.next("dev[pasid]")
            guard devicePASID.last == "]", let open = devicePASID.lastIndex(of: "["), open != devicePASID.startIndex else {
                throw TraceFieldError(field: "dev[pasid]", reason: "expected DEV[PASID], found '\(devicePASID)'")
            }
            let device = devicePASID[..<open]
            let pasidText = devicePASID[devicePASID.index(after: open)..<devicePASID.index(before: devicePASID.endIndex)]
            guard let pasid = Int(pasidText), (0...Int(PASID.maximum)).contains(pasid) else {
                throw TraceFieldError(field: "pasid", reason: "'\(pasidText)' is not a PASID (0...\(PASID.maximum))")
            }
            try reader.keyword("type")
            let type = try reader.tagType()
            try reader.keyword("did")
            let did = try reader.decimal("did", maximum: Int(UInt16.max))
            let tag = TraceTagFields(unit: unit, device: device, type: type, did: UInt16(did), pasid: UInt32(pasid))
            if name == .flushAll {
                try reader.end()
                return .flush(header, name, tag, range: nil, addr: 0, pages: 0, mask: UInt64(maximumAddressMask))
            }
            let rangeText = try reader.next("range")
            guard rangeText.first == "[", rangeText.last == "]", rangeText.count >= 3,
                let dash = rangeText.dropFirst().firstIndex(of: "-")
            else { throw TraceFieldError(field: "range", reason: "expected [0xSTART-0xEND], found '\(rangeText)'") }
            let startText = rangeText[rangeText.index(after: rangeText.startIndex)..<dash]
            let endText = rangeText[rangeText.index(after: dash)..<rangeText.index(before: rangeText.endIndex)]
            guard let start = hexValue(startText), let end = hexValue(endText) else {
                throw TraceFieldError(field: "range", reason: "'\(rangeText)' does not hold two hexadecimal addresses")
            }
            guard end >= start else { throw TraceFieldError(field: "range", reason: "end \(endText) is below start \(startText)") }
            try reader.keyword("addr")
            let addr = try reader.hex("addr")
            try reader.keyword("pages")
            let pages = try reader.hex("pages")
            try reader.keyword("mask")
            let mask = try reader.hex("mask")
            guard mask <= 64 else { throw TraceFieldError(field: "mask", reason: "\(mask) is wider than 64 bits") }
            try reader.end()
            return .flush(header, name, tag, range: (start, end), addr: addr, pages: pages, mask: mask)
        case .qiSubmit:
            let kind = try reader.next("kind")
            let unitToken = try reader.next("iommu")
            guard unitToken.count > 1, unitToken.last == ":" else {
                throw TraceFieldError(field: "iommu", reason: "expected 'IOMMU:', found '\(unitToken)'")
            }
            let qw0 = try reader.hex("qw0")
            let qw1 = try reader.hex("qw1")
            let qw2 = try reader.hex("qw2")
            let qw3 = try reader.hex("qw3")
            try reader.end()
            return .qiSubmit(header, kind: kind, unit: unitToken.dropLast(), words: (qw0, qw1, qw2, qw3))
        }
    }

    /// Splits `TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS` (the flags column and a `(TGID)`
    /// column are optional, as trace options can turn them off or on).
    static func splitHeader(_ line: Substring) throws(TraceFieldError) -> (TraceHeader, Substring, Substring) {
        // The CPU column: the first " [digits]".
        var cpuOpen: Substring.Index?
        var search = line.startIndex
        while let open = line[search...].firstIndex(of: "[") {
            let digits = line[line.index(after: open)...].prefix(while: { $0.isASCII && $0.isNumber })
            if open != line.startIndex, line[line.index(before: open)] == " ", !digits.isEmpty, digits.endIndex < line.endIndex,
                line[digits.endIndex] == "]"
            {
                cpuOpen = open
                break
            }
            search = line.index(after: open)
        }
        guard let open = cpuOpen else { throw TraceFieldError(field: "cpu", reason: "no [CPU] column") }
        var taskPID = line[..<open]
        while taskPID.last == " " { taskPID = taskPID.dropLast() }
        if taskPID.last == ")", let tgid = taskPID.lastIndex(of: "(") {
            taskPID = taskPID[..<tgid]
            while taskPID.last == " " { taskPID = taskPID.dropLast() }
        }
        guard let dash = taskPID.lastIndex(of: "-"), let _ = Int(taskPID[taskPID.index(after: dash)...]) else {
            throw TraceFieldError(field: "task-pid", reason: "expected TASK-PID before the CPU column, found '\(taskPID)'")
        }
        let cpuDigits = line[line.index(after: open)...].prefix(while: { $0.isASCII && $0.isNumber })
        guard let cpu = Int(cpuDigits) else { throw TraceFieldError(field: "cpu", reason: "'\(cpuDigits)' is not a CPU number") }
        var rest = line[line.index(after: cpuDigits.endIndex)...]
        var tokens = rest.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        // Flags column present when the first token is not a timestamp.
        guard !tokens.isEmpty else { throw TraceFieldError(field: "timestamp", reason: "missing") }
        if parseTimestamp(tokens[0]) == nil, tokens[0].last != ":" {
            rest = rest[tokens[0].endIndex...]
            tokens = rest.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        }
        guard let stampToken = tokens.first else { throw TraceFieldError(field: "timestamp", reason: "missing") }
        guard let time = parseTimestamp(stampToken) else {
            throw TraceFieldError(field: "timestamp", reason: "expected SECONDS.FRACTION:, found '\(stampToken)'")
        }
        guard tokens.count >= 2, tokens[1].count > 1, tokens[1].last == ":" else {
            throw TraceFieldError(field: "event", reason: "expected EVENT: after the timestamp")
        }
        var event = tokens[1].dropLast()
        if let colon = event.lastIndex(of: ":") { event = event[event.index(after: colon)...] }  // system:event
        let fields = line[tokens[1].endIndex...].drop(while: { $0 == " " })
        return (TraceHeader(cpu: cpu, time: time), event, fields)
    }

    /// `SECONDS[.FRACTION]:` → nanoseconds.
    static func parseTimestamp(_ token: Substring) -> UInt64? {
        guard token.count > 1, token.last == ":" else { return nil }
        let body = token.dropLast()
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let secondsText = parts.first, !secondsText.isEmpty, secondsText.count <= 10,
            secondsText.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = UInt64(secondsText)
        else { return nil }
        var nanoseconds: UInt64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt64(fraction)
            else { return nil }
            var scale: UInt64 = 1
            for _ in 0..<(9 - fraction.count) { scale *= 10 }
            nanoseconds = value * scale
        }
        return seconds * 1_000_000_000 + nanoseconds
    }

    /// `0x…` or bare hexadecimal.
    static func hexValue(_ text: Substring) -> UInt64? {
        var digits = text
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        return UInt64(digits, radix: 16)
    }
}

/// Reads the space-separated fields of one event, naming the field on every error.
struct TokenReader {
    let tokens: [Substring]
    var position = 0

    mutating func next(_ field: String) throws(TraceFieldError) -> Substring {
        guard position < tokens.count else { throw TraceFieldError(field: field, reason: "missing") }
        defer { position += 1 }
        return tokens[position]
    }

    mutating func keyword(_ word: String) throws(TraceFieldError) {
        let token = try next(word)
        guard token == word else { throw TraceFieldError(field: word, reason: "expected '\(word)', found '\(token)'") }
    }

    mutating func tagType() throws(TraceFieldError) -> TraceTagType {
        let token = try next("type")
        guard let type = TraceTagType(traceName: token) else {
            throw TraceFieldError(
                field: "type", reason: "'\(token)' is not a cache-tag type (iotlb, devtlb, nesting_iotlb, nesting_devtlb, parent_*)")
        }
        return type
    }

    mutating func decimal(_ field: String, maximum: Int) throws(TraceFieldError) -> Int {
        let token = try next(field)
        let value: Int? = token.hasPrefix("0x") ? TraceLineParser.hexValue(token).flatMap { Int(exactly: $0) } : Int(token)
        guard let value, (0...maximum).contains(value) else {
            throw TraceFieldError(field: field, reason: "'\(token)' is not a number in 0...\(maximum)")
        }
        return value
    }

    mutating func hex(_ field: String) throws(TraceFieldError) -> UInt64 {
        let token = try next(field)
        guard let value = TraceLineParser.hexValue(token) else {
            throw TraceFieldError(field: field, reason: "'\(token)' is not a hexadecimal number")
        }
        return value
    }

    func end() throws(TraceFieldError) {
        guard position == tokens.count else {
            throw TraceFieldError(field: "end", reason: "unexpected '\(tokens[position...].joined(separator: " "))' after the last field")
        }
    }
}
