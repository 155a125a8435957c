import Foundation
import Testing

/// The sample trace shipped with the tests (Linux 6.12's text form), nil if the bundle lacks it.
package let sampleTraceURL: URL? = Bundle.module.url(forResource: "sample-6.12", withExtension: "txt", subdirectory: "Traces")

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
