import Timing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on stderr: a single self-rewriting line with points done, total and ETA when
/// stderr is a terminal; one plain line per finished point otherwise (CI logs, pipes).
package struct ProgressReporter: Sendable {
    private let total: Int
    private let start = MonotonicClock.now()
    private let interactive: Bool
    private let quiet: Bool
    private var done = 0

    package init(total: Int, quiet: Bool = false) {
        self.total = total
        self.quiet = quiet
        interactive = isatty(STDERR_FILENO) == 1
    }

    /// Reports one finished (or skipped) point.
    package mutating func finished(_ label: String, skipped: Bool = false) {
        done += 1
        guard !quiet else { return }
        let elapsed = Double(MonotonicClock.now() &- start) / 1e9
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let status = "[\(done)/\(total)] \(label)\(skipped ? " (already in report, skipped)" : "")"
        if interactive {
            Self.write("\r\u{1b}[2K\(status)  elapsed \(Self.clock(elapsed))  ETA \(Self.clock(remaining))")
            if done == total { Self.write("\n") }
        } else {
            Self.write("\(status) elapsed \(Self.clock(elapsed))\n")
        }
    }

    /// A line on stderr, outside the progress line.
    package static func note(_ text: String) {
        write((isatty(STDERR_FILENO) == 1 ? "\r\u{1b}[2K" : "") + text + "\n")
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
