import IOMMUModel
import Reports

/// The cost model as the command line builds it: defaults, then a file, then `--cost` pairs.
package typealias CostModelSettings = CostModel

extension CostModel {
    /// Applies a cost file's `key=value` lines; errors name file and line.
    package mutating func apply(fileText: String, file: String) throws {
        self = try overriding(fileText: fileText, file: file)
    }

    /// Applies `--cost key=value` pairs in order.
    package mutating func apply(pairs: [String]) throws {
        self = try overriding(assignments: pairs, source: "--cost")
    }

    /// Every value by key, for run.json.
    package var values: [String: Double] {
        Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0.value) })
    }

    /// One line per key for `list`: key, default, unit, meaning and source.
    package static var documentation: [String] {
        parameters.map { "\($0.key)=\(ReportNumber.format($0.defaultValue)) \($0.unit): \($0.meaning) (source: \($0.source))" }
    }
}
