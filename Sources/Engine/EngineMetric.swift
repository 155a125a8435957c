/// One counter of a run: a dotted, stable name (DESIGN.md §5), its value and unit
/// (`count` or `us`), ready to become a report row.
public struct EngineMetric: Hashable, Sendable, CustomStringConvertible {
    /// Dotted metric name (`hw.descriptors.iotlb`, `oracle.stale`, ...).
    public let name: String
    /// The value (counts are exact integers).
    public let value: Double
    /// `count` or `us`.
    public let unit: String

    /// A metric row.
    public init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    /// `name=value unit`.
    public var description: String { "\(name)=\(value) \(unit)" }
}
