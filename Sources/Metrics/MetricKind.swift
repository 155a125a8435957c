/// Whether a number was measured on this machine or computed by the model (docs/design.md §4).
///
/// The two must never be mixed up: measured times vary with the host and run, modeled counts
/// and times are deterministic for a seed. Charts and tables label every metric with its kind.
package enum MetricKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Real CPU time or memory of the software path (`sw.*`).
    case measured
    /// Deterministic output of the simulated IOMMU, cost model or oracle (`hw.*`, `model.*`, `oracle.*`).
    case modeled

    /// The kind implied by a metric name's prefix, so metrics unknown to the catalog still get one.
    package init(metricName: String) {
        self = metricName.hasPrefix("sw.") ? .measured : .modeled
    }

    /// `measured` or `modeled`.
    package var description: String { rawValue }
}
