import Foundation
import Testing

/// The sample trace shipped with the tests (Linux 6.12's text form), nil if the bundle lacks it.
package let sampleTraceURL: URL? = Bundle.module.url(forResource: "sample-6.12", withExtension: "txt", subdirectory: "Traces")

/// The sample trace's text and path.
package func sampleTrace() throws -> (text: String, path: String) {
    let url = try #require(sampleTraceURL)
    return (try String(contentsOf: url, encoding: .utf8), url.path)
}
