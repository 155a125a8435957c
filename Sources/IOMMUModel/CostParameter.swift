/// One knob of the cost model: its key (as written in override files and `--cost key=value`),
/// default, unit, meaning and where the default comes from.
public struct CostParameter: Hashable, Sendable {
    /// The name used in files and `--cost` (`submission_us`, ...).
    public let key: String
    /// The value when nothing overrides it.
    public let defaultValue: Double
    /// `us` for times, `levels` for the walk depth.
    public let unit: String
    /// Whether only whole numbers are allowed.
    public let isInteger: Bool
    /// What the value is the cost of, one line.
    public let meaning: String
    /// The source of the default (docs/vtd-facts.md §6), or "assumption" with the reasoning.
    public let source: String
}
