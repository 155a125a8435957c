import VTd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage 1 of replay: trace text → typed event lines. Splits the text into lines, parses each
/// (`TraceLineParser`), counts what is not ours, numbers units and devices by first appearance,
/// and makes timestamps relative to the first event line. Every malformed line becomes
/// `WorkloadError.malformedTrace` with the file, the 1-based line and the field, or, under
/// `skipBadLines`, is counted and dropped whole, before any later stage sees it.
///
/// The fields are as the kernel's `trace.h` prints them, the line header that of
/// `/sys/kernel/tracing/trace`, `trace-cmd report` or `perf script` (docs/vtd-facts.md §4).
struct TraceLexer {
    /// A device a device-TLB tag names, and the unit it sits behind.
    struct NamedDevice: Equatable {
        let name: String
        let unit: Int
    }

    /// The `cache_tag_*` event lines, in trace order.
    private(set) var events: [TraceEventLine] = []
    /// Unit names by first appearance; `TagKey.unit` indexes them.
    private(set) var unitNames: [String] = []
    /// Devices named by device-TLB tags, by first appearance; `TagKey.device` of a lexed line
    /// indexes them.
    private(set) var devices: [NamedDevice] = []
    private(set) var qiSubmissions: [TraceQISubmission] = []
    /// Line, event and error counts, and PSI mismatches; the later stages add their own counters.
    private(set) var statistics = TraceStatistics()

    private let file: String
    private let options: TraceReplayOptions
    private var unitIndex: [String: Int] = [:]
    private var deviceIndex: [String: Int] = [:]
    private var firstTime: UInt64?

    /// The longest line read as an event line. The longest real event line (`qi_submit` with four
    /// words and a `perf script` header) is under 300 bytes; anything over this is not a trace.
    static let maximumLineBytes = 65_536

    /// Lexes `text`; `file` names it in errors. A text with no intel_iommu event line at all
    /// (empty, random bytes, another tracer's output) is an error: replaying it would report
    /// an all-zero run as if it were a real one.
    init(text: String, file: String, options: TraceReplayOptions) throws(WorkloadError) {
        self.file = file
        self.options = options
        try lex(text)
        if events.isEmpty && qiSubmissions.isEmpty {
            var seen = "\(statistics.lines) line(s)"
            if statistics.noiseLines > 0 { seen += ", \(statistics.noiseLines) of them not event lines" }
            if statistics.otherEvents > 0 { seen += ", \(statistics.otherEvents) event(s) of other tracepoints" }
            if statistics.skippedBadLines > 0 { seen += ", \(statistics.skippedBadLines) malformed and skipped" }
            throw WorkloadError.unreadable(
                file: file,
                reason: "no intel_iommu event (cache_tag_* or qi_submit) in \(seen): not a VT-d cache-tag trace")
        }
    }

    private mutating func lex(_ text: String) throws(WorkloadError) {
        var text = text
        var failure: WorkloadError?
        text.withUTF8 { buffer in
            var lineStart = 0
            var number = 0
            guard let base = buffer.baseAddress else { return }
            while lineStart < buffer.count {
                // memchr: linear in the line, fast in any build, whatever the line's length.
                let rest = buffer.count - lineStart
                let newline = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), rest)
                let lineEnd = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buffer.count
                number += 1
                statistics.lines += 1
                do throws(TraceFieldError) {
                    let length = lineEnd - lineStart
                    guard length <= Self.maximumLineBytes else {
                        throw TraceFieldError(
                            field: "line",
                            reason: "is \(length) bytes long, over the \(Self.maximumLineBytes)-byte limit of an event line")
                    }
                    try lexLine(UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd]), line: number)
                } catch {
                    let problem = WorkloadError.malformedTrace(
                        file: file, line: number, field: error.field, reason: error.reason)
                    guard options.skipBadLines else {
                        failure = problem
                        return
                    }
                    statistics.skippedBadLines += 1
                    if statistics.firstSkippedErrors.count < 10 { statistics.firstSkippedErrors.append(problem) }
                }
                lineStart = lineEnd + 1
            }
        }
        if let failure { throw failure }
    }

    /// Lexes one line. A line that throws leaves nothing behind but a unit name it may have
    /// numbered (before its device failed the unit check), as the replay has always done.
    private mutating func lexLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws(TraceFieldError) {
        switch try TraceLineParser.parse(bytes) {
        case .blank: statistics.blankLines += 1
        case .comment: statistics.commentLines += 1
        case .noise: statistics.noiseLines += 1
        case let .other(event):
            statistics.eventsByName[event, default: 0] += 1
            statistics.otherEvents += 1
        case let .qiSubmit(header, kind, unit, words):
            statistics.eventsByName[TraceEventName.qiSubmit.rawValue, default: 0] += 1
            qiSubmissions.append(
                TraceQISubmission(
                    line: line, cpu: header.cpu, time: relativeTime(header), unit: unit, kind: kind,
                    words: [words.0, words.1, words.2, words.3]))
        case let .tag(header, assign, fields, users):
            let key = try makeKey(fields)
            statistics.eventsByName[(assign ? TraceEventName.assign : .unassign).rawValue, default: 0] += 1
            events.append(
                TraceEventLine(
                    line: line, cpu: header.cpu, time: relativeTime(header), tag: key,
                    action: assign ? .assign(users: users) : .unassign(users: users)))
        case let .flush(header, event, fields, range, addr, mask, hasPages):
            let key = try makeKey(fields)
            statistics.eventsByName[event.rawValue, default: 0] += 1
            if range != nil {
                if hasPages { statistics.flushLinesWithPages += 1 } else { statistics.flushLinesWithoutPages += 1 }
            }
            if let range, !range.isWholeSpace, !Self.matchesKernelPSI(range, addr: addr, mask: mask) {
                // Address 0 with mask 52 after a NESTING_DEVTLB tag is the kernel widening the rest
                // of its walk (docs/vtd-facts.md §5), not a disagreement about the block.
                if addr == 0 && mask == UInt64(maximumAddressMask) {
                    statistics.widenedFlushLines += 1
                } else {
                    statistics.psiMismatches += 1
                }
            }
            events.append(
                TraceEventLine(
                    line: line, cpu: header.cpu, time: relativeTime(header), tag: key,
                    action: .flush(event, range: range)))
        }
    }

    /// Whether a flush line's `addr`/`mask` are the block the kernel derives from its range
    /// (kernel: `calculate_psi_aligned_address`; docs/vtd-facts.md §1). A mismatch means the
    /// trace and `AlignedInvalidation` disagree, which the replay reports but does not act on.
    static func matchesKernelPSI(_ range: TraceLine.FlushRange, addr: UInt64, mask: UInt64) -> Bool {
        let aligned = AlignedInvalidation(covering: try! IOVARange(start: range.start, end: range.end))
        return aligned.address == addr && UInt64(aligned.mask) == mask
    }

    /// Nanoseconds since the first event line (a clock running backwards reads as 0).
    private mutating func relativeTime(_ header: TraceLine.Header) -> UInt64 {
        if firstTime == nil { firstTime = header.time }
        return header.time >= firstTime! ? header.time - firstTime! : 0
    }

    /// Numbers the unit and (for device-TLB tags) the device. A device is behind one unit, so a
    /// device named behind two units is a malformed line (field `dev`).
    private mutating func makeKey(_ fields: TraceLine.TagFields) throws(TraceFieldError) -> TagKey {
        let unitName = fields.unit
        let unit: Int
        if let known = unitIndex[unitName] {
            unit = known
        } else {
            unit = unitNames.count
            unitIndex[unitName] = unit
            unitNames.append(unitName)
        }
        var device = -1
        if fields.type.isDeviceTLB {
            let name = fields.device
            if let known = deviceIndex[name] {
                guard devices[known].unit == unit else {
                    throw TraceFieldError(
                        field: "dev",
                        reason: "\(name) is behind \(unitNames[devices[known].unit]) earlier, behind \(unitName) here")
                }
                device = known
            } else {
                device = devices.count
                deviceIndex[name] = device
                devices.append(NamedDevice(name: name, unit: unit))
            }
        }
        return TagKey(type: fields.type, unit: unit, device: device, did: fields.did, pasid: fields.pasid)
    }
}
