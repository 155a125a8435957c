import Foundation
import Testing

/// The sample trace shipped with the tests (Linux 6.12's text form), nil if the bundle lacks it.
package let sampleTraceURL: URL? = Bundle.module.url(forResource: "sample-6.12", withExtension: "txt", subdirectory: "Traces")

/// The golden vector shipped with the tests: the first 2,500 lines of a real Linux 6.12 trace
/// under QEMU's emulated unit, legacy mode, strict (docs/vtd-facts.md §4, "The reference trace"),
/// nil if the bundle lacks it.
package let goldenTraceURL: URL? = Bundle.module.url(
    forResource: "linux-6.12-qemu-vtd-legacy-strict", withExtension: "txt", subdirectory: "Traces")

/// The sample trace's text and path.
package func sampleTrace() throws -> (text: String, path: String) {
    let url = try #require(sampleTraceURL)
    return (try String(contentsOf: url, encoding: .utf8), url.path)
}

/// The sample trace's lines; line N (1-based, as errors name it) is element N - 1.
package func sampleTraceLines() throws -> [String] {
    try sampleTrace().text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// The sample trace with the given lines (1-based) replaced.
package func sampleTrace(replacing changes: [Int: String]) throws -> String {
    var lines = try sampleTraceLines()
    for (number, line) in changes { lines[number - 1] = line }
    return lines.joined(separator: "\n")
}

/// The golden vector's text and path.
package func goldenTrace() throws -> (text: String, path: String) {
    let url = try #require(goldenTraceURL)
    return (try String(contentsOf: url, encoding: .utf8), url.path)
}

/// The golden vector's lines (without the empty string after its final newline); line N
/// (1-based, as errors name it) is element N - 1.
package func goldenTraceLines() throws -> [String] {
    var lines = try goldenTrace().text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
}
