import Reports

extension ChartPlanner {
    /// The proposal's ratio to the baseline at one x value: paired by seed with its 95% interval
    /// when the rows carry `seed=N` values, else the ratio of the central values.
    func ratioPoint(
        rows: [ReportRow], table: String, x: String, label: String, lookup: StatLookup, stat: String
    ) -> LineChart.Point? {
        func seeds(_ scheme: String) -> [UInt64: Double] {
            var values: [UInt64: Double] = [:]
            for row in rows where row.table == table && row.scheme == scheme && row.parameters.value(named: x) == label {
                if let seed = ReportStat.seed(of: row.stat) { values[seed] = row.value }
            }
            return values
        }
        if let paired = SeedStatistics.pairedRatio(seeds(proposalScheme), to: seeds(baselineScheme)), paired.count > 1 {
            return LineChart.Point(center: paired.mean, low: paired.low, high: paired.high)
        }
        guard let value = lookup.value(table: table, scheme: proposalScheme, x: label, stat: stat),
            let base = lookup.value(table: table, scheme: baselineScheme, x: label, stat: stat),
            let ratio = ReportSummary.ratio(value, to: base), ratio.isFinite
        else { return nil }
        return LineChart.Point(center: ratio, low: nil, high: nil)
    }
}
