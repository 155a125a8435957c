import Metrics
import Reports

/// One workload's report with the facts charts need: which parameters vary, which metrics,
/// schemes and tables appear, and how to pick the number a chart draws.
struct WorkloadReport: Sendable {
    /// The report as read.
    var report: ReportCSV
    /// Each parameter with its distinct values, in column order and first-seen value order.
    var parameterValues: [(name: String, values: [String])]
    /// Metrics in first-seen order.
    var metrics: [String]
    /// Tables in first-seen order.
    var tables: [String]

    /// Analyses `report`.
    init(_ report: ReportCSV) {
        self.report = report
        parameterValues = report.parameterNames.map { name in
            var values: [String] = []
            for row in report.rows {
                if let value = row.parameters.value(named: name), !values.contains(value) { values.append(value) }
            }
            return (name, values)
        }
        metrics = Self.distinct(report.rows.map(\.metric))
        tables = Self.distinct(report.rows.map(\.table))
    }

    /// Workload name.
    var name: String { report.workload }

    /// Parameters with more than one value: candidates for the x axis.
    var variedParameters: [String] {
        parameterValues.filter { $0.values.count > 1 }.map(\.name)
    }

    /// Parameters with exactly one value, printed in captions.
    var fixedParameters: [ReportParameter] {
        parameterValues.filter { $0.values.count == 1 }.map { ReportParameter(name: $0.name, value: $0.values[0]) }
    }

    /// Whether the report has a column called `name`.
    func hasParameter(_ name: String) -> Bool {
        report.parameterNames.contains(name)
    }

    /// The unit of `metric`, from its rows (falling back to the catalog).
    func unit(of metric: String) -> String {
        let fromFile = report.rows.first { $0.metric == metric }?.unit ?? ""
        return fromFile.isEmpty ? (Metric.named(metric)?.unit.rawValue ?? "") : fromFile
    }

    /// Whether every row of `metric` is zero (such metrics are listed, not charted).
    func isAllZero(_ metric: String) -> Bool {
        report.rows.allSatisfy { $0.metric != metric || $0.stat == ReportStat.count || $0.value == 0 }
    }

    /// Which statistics stand for `metric` in charts.
    func statChoice(for metric: String) -> StatChoice {
        StatChoice(available: Set(report.rows.lazy.filter { $0.metric == metric }.map(\.stat)))
    }

    static func distinct(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

/// Which statistic is the line or bar, and which pair (if any) is the band or whisker.
///
/// Measured metrics are distributions: their median is drawn, with the p10–p90 spread around it
/// so a reader sees the noise. Modeled metrics are single values.
struct StatChoice: Hashable, Sendable {
    /// Stat drawn as the line/bar.
    var center: String
    /// Lower and upper stats of the band, when both exist.
    var band: (low: String, high: String)?
    /// The tail marked on measured bars (`p99`), when the report has it.
    var tail: String?

    init(available: Set<String>) {
        if available.contains(ReportStat.p50) {
            center = ReportStat.p50
        } else if available.contains(ReportStat.value) {
            center = ReportStat.value
        } else if available.contains(ReportStat.mean) {
            center = ReportStat.mean
        } else {
            center = available.sorted().first ?? ReportStat.value
        }
        if available.contains(ReportStat.p10), available.contains(ReportStat.p90) {
            band = (ReportStat.p10, ReportStat.p90)
        } else if available.contains(ReportStat.ci95Low), available.contains(ReportStat.ci95High) {
            // Modeled metrics over several seeds: the 95% interval of the mean.
            band = (ReportStat.ci95Low, ReportStat.ci95High)
        } else {
            band = nil
        }
        tail = available.contains("p99") ? "p99" : nil
    }

    static func == (lhs: StatChoice, rhs: StatChoice) -> Bool {
        lhs.center == rhs.center && lhs.band?.low == rhs.band?.low && lhs.band?.high == rhs.band?.high
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(center)
        hasher.combine(band?.low)
        hasher.combine(band?.high)
    }

    /// "p50, band p10–p90", for subtitles and table headers.
    var description: String {
        guard let band else { return center }
        return "\(center), band \(band.low)–\(band.high)"
    }
}
