import Workloads

/// libFuzzer entry point for trace replay's text parsing (docs/fuzzing.md).
///
/// The input goes through `TraceReplay(text:file:options:)`, the entry point `cachetag-bench
/// replay` uses, rather than the line parser alone: a one-line input still reaches
/// `TraceLineParser` through `TraceLexer`, and longer inputs also exercise the later stages
/// (tag lives, flush calls, domain inference), which trust what the lexer hands them. Bytes are
/// decoded as `TraceFile` decodes a file (invalid UTF-8 becomes U+FFFD), so every input the
/// fuzzer makes is one a user could feed the tool.
///
/// A thrown `WorkloadError` is the parser doing its job. The strict pass stops at the first
/// malformed line; the lenient pass then reads the rest, so a bad early line cannot hide the
/// lines after it from the fuzzer. Anything else (a trap, a hang, a huge allocation) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try TraceReplay(text: text, file: "fuzz.txt")
    } catch {
        guard case let .malformedTrace(file, line, _, _) = error else { return 0 }
        // An error names the input and a line it has.
        precondition(file == "fuzz.txt" && line >= 1 && line <= lineCount(text), "malformedTrace names line \(line)")
        _ = try? TraceReplay(text: text, file: "fuzz.txt", options: TraceReplayOptions(skipBadLines: true))
    }
    return 0
}

/// Lines as `TraceLexer` numbers them: LF-separated, a final line without LF counted too.
private func lineCount(_ text: String) -> Int {
    var count = 0
    var pending = false
    for byte in text.utf8 {
        if byte == UInt8(ascii: "\n") {
            count += 1
            pending = false
        } else {
            pending = true
        }
    }
    return count + (pending ? 1 : 0)
}
