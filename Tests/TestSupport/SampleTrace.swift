import TestSupport
import Foundation
import Testing

/// The sample trace shipped with the tests.
public func sampleTrace() throws -> (text: String, path: String) {
    let url = try #require(Bundle.module.url(forResource: "sample-6.12", withExtension: "txt", subdirectory: "Traces"))
    return (try String(contentsOf: url, encoding: .utf8), url.path)
}
