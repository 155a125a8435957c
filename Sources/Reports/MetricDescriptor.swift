/// What one metric means: name, unit, kind, and the words to print next to it.
///
/// One description serves the `list` subcommand, the README table and chart axis labels, so a
/// metric is explained the same way everywhere.
public struct MetricDescriptor: Hashable, Sendable {
    /// Dotted, stable name, e.g. `hw.descriptors.iotlb`.
    public var name: String
    /// Unit of its values: `ns`, `us`, `count`, `bytes`, `ratio`.
    public var unit: String
    /// Measured or modeled.
    public var kind: MetricKind
    /// Short label for chart axes and table headers, e.g. "flush-range time".
    public var label: String
    /// One line saying what is counted or timed, for `list` and the README.
    public var meaning: String
    /// Statistics the harness writes for it (`value`, or percentiles for timed operations).
    public var stats: [String]

    /// Creates a descriptor.
    public init(name: String, unit: String, kind: MetricKind, label: String, meaning: String, stats: [String]) {
        self.name = name
        self.unit = unit
        self.kind = kind
        self.label = label
        self.meaning = meaning
        self.stats = stats
    }
}
