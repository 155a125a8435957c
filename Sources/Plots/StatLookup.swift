import Reports

/// Constant-time access to "the value of this stat for this table, scheme and x value".
///
/// Chart building asks this question once per point and statistic; scanning the rows each time
/// would be quadratic in the size of a sweep.
struct StatLookup {
    private struct Key: Hashable {
        var table: String
        var scheme: String
        var x: String?
        var metric: String
        var stat: String
    }

    private var values: [Key: Double] = [:]
    private let metric: String?

    /// Indexes `rows`; `x` names the swept parameter (nil for comparisons). When rows are
    /// restricted to one metric, lookups need not name it.
    init(rows: [ReportRow], x: String?) {
        let metrics = Set(rows.map(\.metric))
        metric = metrics.count == 1 ? metrics.first : nil
        for row in rows {
            let key = Key(table: row.table, scheme: row.scheme, x: x.flatMap { row.parameters.value(named: $0) },
                          metric: row.metric, stat: row.stat)
            values[key] = row.value
        }
    }

    /// The value, or nil when the report has no such row.
    func value(table: String, scheme: String, x: String?, stat: String, metric: String? = nil) -> Double? {
        guard let metric = metric ?? self.metric else { return nil }
        return values[Key(table: table, scheme: scheme, x: x, metric: metric, stat: stat)]
    }
}
