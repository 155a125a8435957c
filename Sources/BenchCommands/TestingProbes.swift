import Foundation
import Reports
import Runs

/// Entry points the tests use to reach output the commands print, without capturing stdout.
package enum ListCommandProbe {
    /// What `cachetag-bench list` prints.
    package static func text() -> String { ListCommand.text() }
}

/// What `cachetag-bench compare DIR --format F` prints.
package enum SchemeComparisonProbe {
    package static func render(_ directory: URL, format: String, baseline: String = "kernel") throws -> String {
        guard let format = SchemeComparison.Format(rawValue: format) else { throw CommandError("unknown format \(format)") }
        return try loadComparison(directory: directory, baseline: baseline).rendered(as: format)
    }
}
