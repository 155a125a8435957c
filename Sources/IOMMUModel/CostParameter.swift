/// One knob of the cost model: its key (as written in override files and `--cost key=value`),
/// default, unit, meaning and where the default comes from.
package struct CostParameter: Hashable, Sendable {
    /// The name used in files and `--cost` (`submission_us`, ...).
    package let key: String
    /// The value when nothing overrides it.
    package let defaultValue: Double
    /// `us` for times, `levels` for the walk depth.
    package let unit: String
    /// Whether only whole numbers are allowed.
    package let isInteger: Bool
    /// What the value is the cost of, one line.
    package let meaning: String
    /// The source of the default (docs/vtd-facts.md §6), or "assumption" with the reasoning.
    package let source: String
}
