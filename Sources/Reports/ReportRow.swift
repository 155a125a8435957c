import Metrics
/// One number of a report: a statistic of one metric at one point of a workload × scheme × table run.
///
/// Reports are "tidy" (one observation per row) so that pandas, gnuplot and a spreadsheet can
/// filter and pivot them without knowing the project; every reader and writer of report files
/// in this package exchanges `ReportRow`s.
package struct ReportRow: Hashable, Sendable {
    /// Workload name, e.g. `nested-s2`; one CSV file per workload.
    package var workload: String
    /// Domain-ID scheme, e.g. `per-domain`, `shared-pasid`.
    package var scheme: String
    /// Cache-tag table implementation, e.g. `kernel-list`, `grouped-array`.
    package var table: String
    /// Workload parameters of this point, in CSV column order.
    package var parameters: [ReportParameter]
    /// Dotted metric name, e.g. `sw.flush_range_ns` (see `Metric.all`).
    package var metric: String
    /// Statistic of the metric: `value` for single numbers, `p10`…`p99`, `mean`, `count` for
    /// distributions of measured times.
    package var stat: String
    /// The number itself.
    package var value: Double
    /// Unit of `value` (`ns`, `us`, `count`, `bytes`, `ratio`, …), carried in every row so that a
    /// metric unknown to this version of the tool is still labelled correctly.
    package var unit: String

    /// Creates a row; every field is stored as given.
    package init(
        workload: String, scheme: String, table: String, parameters: [ReportParameter],
        metric: String, stat: String, value: Double, unit: String
    ) {
        self.workload = workload
        self.scheme = scheme
        self.table = table
        self.parameters = parameters
        self.metric = metric
        self.stat = stat
        self.value = value
        self.unit = unit
    }

    /// The (workload, scheme, table, parameters) point this row belongs to; a sweep resumes by
    /// skipping points already present in its file.
    package var point: ReportPoint {
        ReportPoint(workload: workload, scheme: scheme, table: table, parameters: parameters)
    }
}

/// The statistic names the harness writes, in the order reports and charts list them.
package enum ReportStat {
    /// A single number (modeled counts, sizes).
    package static let value = "value"
    /// 10th percentile of a measured distribution: the lower edge of chart bands.
    package static let p10 = "p10"
    /// Median of a measured distribution: the line of charts.
    package static let p50 = "p50"
    /// 90th percentile: the upper edge of chart bands.
    package static let p90 = "p90"
    /// 99th percentile: the tail a latency-sensitive reader asks about.
    package static let p99 = "p99"
    /// Arithmetic mean.
    package static let mean = "mean"
    /// Number of samples behind the percentiles.
    package static let count = "count"

    /// The largest sample of a measured distribution.
    package static let max = "max"

    /// All of the above, in display order.
    package static let all = [value, p10, p50, p90, p99, max, mean, count]
}
