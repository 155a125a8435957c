import TestSupport
import Testing
import VTd
import Workloads

@Suite("Trace replay fuzzing")
struct TraceReplayFuzzTests {
    let lines: [String]

    init() throws {
        lines = try sampleTrace().text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Parses `text`; a failure must be `malformedTrace` with a line number in `lines`, and a
    /// success must replay to a well-formed stream.
    @discardableResult
    func check(_ text: String, errorLines: ClosedRange<Int>, _ context: @autoclosure () -> String) -> Bool {
        do {
            let replay = try TraceReplay(text: text, file: "fuzz")
            let violations = EventStreamCheck(pageTables: false).violations(
                of: replay.timedEvents(seed: 0), topology: replay.topology)
            #expect(violations.isEmpty, "\(context()): \(violations.prefix(3))")
            return true
        } catch {
            guard case let .malformedTrace(file, line, field, _) = error else {
                Issue.record("\(context()): \(error)")
                return false
            }
            #expect(file == "fuzz" && errorLines.contains(line) && !field.isEmpty, "\(context()): \(error)")
            return false
        }
    }

    @Test("truncating a line anywhere parses or names that line")
    func truncation() {
        // Flush range, qi_submit, other event, assigns, np flush, interleaved flush, parent_iotlb,
        // flush all, noise, unassign.
        for number in [11, 12, 13, 14, 15, 16, 37, 45, 52, 56, 57] {
            let line = lines[number - 1]
            var failures = 0
            for length in 0...line.count {
                var mutated = lines
                mutated[number - 1] = String(line.prefix(length))
                if !check(
                    mutated.joined(separator: "\n"), errorLines: number...number, "line \(number) cut at \(length)")
                {
                    failures += 1
                }
            }
            if number != 13 && number != 56 { #expect(failures > 0, "line \(number)") }
        }
    }

    @Test("seeded byte flips never crash", arguments: [1, 2, 3, 4] as [UInt64])
    func byteFlips(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        var parsed = 0
        for round in 0..<500 {
            var mutated = bytes
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                // Mostly inside event lines (after the header comments), sometimes anywhere.
                let position = Int(rng.next() % UInt64(mutated.count))
                let choice = rng.next() % 4
                mutated[position] =
                    switch choice {
                    case 0: UInt8(truncatingIfNeeded: rng.next())
                    case 1: mutated[position] ^ (1 << UInt8(rng.next() % 8))
                    case 2: [0x20, 0x2d, 0x5b, 0x5d, 0x3a, 0x2f, 0x0a, 0x30][Int(rng.next() % 8)]
                    default: 0xff
                    }
            }
            let text = String(decoding: mutated, as: UTF8.self)
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count + 8
            if check(text, errorLines: 1...lineCount, "seed \(seed) round \(round)") { parsed += 1 }
        }
        #expect(parsed > 0)
    }

    @Test("seeded field deletions never crash and fail on the edited line", arguments: [5, 6] as [UInt64])
    func fieldDeletion(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let eventLines = Array(11...lines.count).filter { !lines[$0 - 1].isEmpty }
        for round in 0..<400 {
            let number = eventLines[Int(rng.next() % UInt64(eventLines.count))]
            var tokens = lines[number - 1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            tokens.remove(at: Int(rng.next() % UInt64(tokens.count)))
            var mutated = lines
            mutated[number - 1] = tokens.joined(separator: " ")
            check(
                mutated.joined(separator: "\n"), errorLines: number...number,
                "seed \(seed) round \(round) line \(number)")
        }
    }

    @Test("under skipBadLines every mutation parses, and skipped lines are counted")
    func skipping() throws {
        var rng = SplitMix64(seed: 77)
        for _ in 0..<200 {
            var mutated = lines
            var edited: Set<Int> = []
            for _ in 0..<3 {
                let number = 11 + Int(rng.next() % UInt64(lines.count - 11))
                let line = mutated[number - 1]
                mutated[number - 1] = String(line.prefix(Int(rng.next() % UInt64(max(1, line.count)))))
                edited.insert(number)
            }
            let replay = try TraceReplay(
                text: mutated.joined(separator: "\n"), file: "s", options: TraceReplayOptions(skipBadLines: true))
            #expect(replay.statistics.skippedBadLines <= edited.count)
            for error in replay.statistics.firstSkippedErrors {
                guard case let .malformedTrace(_, line, _, _) = error else { Issue.record("\(error)"); continue }
                #expect(edited.contains(line))
            }
        }
    }
}
