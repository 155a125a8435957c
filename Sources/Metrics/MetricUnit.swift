/// The unit of a metric's values, as written in the report's `unit` column.
package enum MetricUnit: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Nanoseconds of measured CPU time.
    case ns
    /// Microseconds of modeled time.
    case us
    /// An exact count.
    case count
    /// Bytes of memory.
    case bytes
    /// A quotient of two counts.
    case ratio

    /// `ns`, `us`, `count`, `bytes`, `ratio`.
    package var description: String { rawValue }

    /// The unit as printed on charts: `us` becomes `µs`.
    package var display: String { self == .us ? "µs" : rawValue }

    /// A unit read from a report, as printed on charts (unknown units as they are).
    package static func display(_ unit: String) -> String { MetricUnit(rawValue: unit)?.display ?? unit }
}

/// Which way a metric should move for a scheme or table to be called better.
package enum MetricDirection: String, Hashable, Sendable, CaseIterable {
    /// Fewer descriptors, less time, fewer DIDs, fewer violations.
    case lowerIsBetter = "lower"
    /// More hits.
    case higherIsBetter = "higher"
    /// Bookkeeping: how much work ran (flushes, events), neither good nor bad.
    case neither
}

/// The statistics a metric is written with (the report's `stat` column).
package enum MetricStatistics: Hashable, Sendable {
    /// One `value` row: every modeled metric, and measured sizes.
    case value
    /// `p10`, `p50`, `p90`, `p99`, `max`, `mean` (ns) and `count` (count) rows: a timed operation.
    case timing
    /// One `mean` row: a quotient of measured totals.
    case mean

    /// The `stat` column values, in the order they are written.
    package var names: [String] {
        switch self {
        case .value: ["value"]
        case .timing: ["p10", "p50", "p90", "p99", "max", "mean", "count"]
        case .mean: ["mean"]
        }
    }

    /// The statistic that stands for the metric in a comparison: `value`, `p50` or `mean`.
    package var central: String {
        switch self {
        case .value: "value"
        case .timing: "p50"
        case .mean: "mean"
        }
    }
}
