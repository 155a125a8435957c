/// The grouped bar chart a metric is drawn in: one question per chart ("which descriptors does
/// each scheme emit?", "how many DIDs does it use?"), metrics of one kind on one axis. Measured
/// and modeled numbers never share a chart (docs/design.md §4).
package enum MetricChartGroup: String, Hashable, Sendable, CaseIterable {
    case descriptors
    case submissions
    case perFlush = "per-flush"
    case modeledTime = "modeled-time"
    case measuredTime = "measured-time"
    case memory
    case dids
    case attachFailures = "attach-failures"
    case collateral
    case collateralCauses = "collateral-causes"
    case tlb
    case hitRate = "hit-rate"
    case oracle
    case events
    case replayMatch = "replay-match"

    /// The identifier used in file names, e.g. `descriptors`.
    package var id: String { rawValue }

    /// The chart's title.
    package var title: String {
        switch self {
        case .descriptors: "Invalidation descriptors by type"
        case .submissions: "Queue submissions and flushes"
        case .perFlush: "Descriptors per flush"
        case .modeledTime: "Modeled invalidation cost"
        case .measuredTime: "Measured CPU time of the software path"
        case .memory: "Measured memory of the table"
        case .dids: "Domain IDs in use"
        case .attachFailures: "Attach failures and sharing fallbacks"
        case .collateral: "Collateral and capacity evictions"
        case .collateralCauses: "Collateral evictions by cause"
        case .tlb: "Modeled TLB hits and misses"
        case .hitRate: "Modeled TLB hit rates"
        case .oracle: "Safety oracle violations (must be 0)"
        case .events: "Workload events"
        case .replayMatch: "Replay against the kernel's own descriptors (qi_submit)"
        }
    }

    /// The y-axis title, without unit.
    package var axisTitle: String {
        switch self {
        case .descriptors: "descriptors"
        case .submissions: "count"
        case .dids: "DIDs"
        case .attachFailures: "attachments"
        case .perFlush: "descriptors per flush"
        case .modeledTime: "modeled time"
        case .measuredTime: "time per operation"
        case .memory: "memory"
        case .collateral, .collateralCauses: "entries evicted"
        case .tlb: "lookups"
        case .hitRate: "hit rate"
        case .oracle: "violations"
        case .events: "events"
        case .replayMatch: "flush operations"
        }
    }

    /// The group's metrics, in catalog order.
    package var metrics: [Metric] { Metric.all.filter { $0.group == self } }
}
