import Foundation
import Testing

extension Tag {
    /// Long seeded property and differential runs: they dominate `swift test`'s time, so their
    /// sizes scale with `CACHETAG_TEST_SCALE` (see `TestScale`).
    @Tag package static var slow: Self
}

/// How big the slow tests run. `CACHETAG_TEST_SCALE=N swift test` multiplies their operation
/// and sequence counts by N (default 1: the sizes `swift test` finishes in a few minutes on 2
/// cores); `0` is refused so a misspelt value cannot make them vacuous.
package enum TestScale {
    /// The multiplier from the environment (default 1).
    package static let factor: Int = {
        guard let text = ProcessInfo.processInfo.environment["CACHETAG_TEST_SCALE"] else { return 1 }
        guard let value = Int(text), value >= 1 else {
            preconditionFailure("CACHETAG_TEST_SCALE must be a positive integer, not '\(text)'")
        }
        return value
    }()

    /// `base` scaled by `factor`.
    package static func scaled(_ base: Int) -> Int { base * factor }
}
