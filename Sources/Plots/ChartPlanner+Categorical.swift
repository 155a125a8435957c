import Metrics
import Reports

extension ChartPlanner {
    /// A sweep over a categorical parameter (`attach=rid,pasid`, `hw.profile=server,adversarial`)
    /// is not a line: there is nothing between two categories. Each metric gets one grouped bar
    /// chart, a group per category, bars per scheme (clustered by table when tables differ),
    /// labelled with the ratio to the baseline in the same category.
    func categoricalSweepCharts(_ workload: WorkloadReport, x: String, metrics: [String]) -> [PlannedChart] {
        let others = workload.variedParameters.filter { $0 != x }
        var combinations: [[ReportParameter]] = []
        for row in workload.report.rows {
            let combination = others.map { ReportParameter(name: $0, value: row.parameters.value(named: $0) ?? "") }
            if !combinations.contains(combination) { combinations.append(combination) }
        }
        if combinations.isEmpty { combinations = [[]] }
        return metrics.flatMap { metric in
            combinations.compactMap { categoricalChart(workload, x: x, metric: metric, combination: $0) }
        }
    }

    private func categoricalChart(
        _ workload: WorkloadReport, x: String, metric: String, combination: [ReportParameter]
    ) -> PlannedChart? {
        let rows = workload.report.rows.filter { row in
            row.metric == metric && row.parameters.value(named: x) != nil
                && combination.allSatisfy { (row.parameters.value(named: $0.name) ?? "") == $0.value }
        }
        guard !rows.isEmpty else { return nil }
        let choice = workload.statChoice(for: metric)
        let categories = WorkloadReport.distinct(rows.compactMap { $0.parameters.value(named: x) })
        let tables = WorkloadReport.distinct(rows.map(\.table))
        let schemes = dataset.schemeOrder.filter { scheme in rows.contains { $0.scheme == scheme } }
        let lookup = StatLookup(rows: rows, x: x)
        func bars(_ category: String, _ table: String) -> [BarChart.Bar] {
            let baseline = lookup.value(table: table, scheme: baselineScheme, x: category, stat: choice.center)
            return schemes.compactMap { scheme in
                guard let value = lookup.value(table: table, scheme: scheme, x: category, stat: choice.center), value.isFinite
                else { return nil }
                return BarChart.Bar(
                    scheme: scheme, style: dataset.style(of: scheme), value: value,
                    low: choice.band.flatMap { lookup.value(table: table, scheme: scheme, x: category, stat: $0.low) },
                    high: choice.band.flatMap { lookup.value(table: table, scheme: scheme, x: category, stat: $0.high) },
                    label: ReportSummary.ratio(value, to: baseline).map(ChartNumberFormat.ratio) ?? ChartNumberFormat.compact(value))
            }
        }
        let perCategory = categories.map { category in tables.map { bars(category, $0) } }
        let identical = tables.count > 1 && perCategory.allSatisfy { clusters in
            clusters.dropFirst().allSatisfy { $0.map(\.value) == clusters[0].map(\.value) }
        }
        let groups: [BarChart.Group] = categories.enumerated().map { index, category in
            let clusters = identical || tables.count == 1
                ? [BarChart.Cluster(table: nil, bars: perCategory[index][0])]
                : zip(tables, perCategory[index]).map { BarChart.Cluster(table: $0, bars: $1) }
            return BarChart.Group(metric: metric, label: "\(x)=\(category)", clusters: clusters)
        }
        let kind = MetricKind(metricName: metric)
        let unit = workload.unit(of: metric)
        let values = groups.flatMap { $0.clusters.flatMap { $0.bars.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } } } }
        let yTitle = Metric.axisLabel(for: metric, unit: unit) + (ValueAxis.wantsLogarithmic(values) ? " (log scale)" : "")
        let label = Metric.named(metric)?.label ?? metric
        let fixed = workload.fixedParameters + combination
        let title = "\(workload.name): \(label) by \(x)"
        let tableNote = tables.count == 1 ? "table: \(tables[0])" : identical ? "tables: \(tables.joined(separator: ", ")) (identical, drawn once)" : "bars grouped by table"
        let subtitle = [
            "\(metric) · \(kind == .measured ? "measured on this host (\(choice.center))" : choice.band?.low == ReportStat.ci95Low ? "modeled, mean over seeds with its 95% interval" : "modeled") · \(tableNote)",
            fixed.isEmpty ? "no fixed parameters" : "fixed: " + fixed.joinedDescription,
        ]
        let chart = BarChart(
            title: title, subtitle: subtitle, yTitle: yTitle, groups: groups,
            legend: schemes.map { ($0, dataset.style(of: $0)) },
            whiskerLabel: choice.band.map { "whiskers: \($0.low)–\($0.high)" },
            labelNote: schemes.contains(baselineScheme) ? "label: ratio to \(baselineScheme)" : "label: value",
            footnotes: ["\(x) is categorical: one group of bars per value, never a line."])
        var tableRows: [[String]] = []
        for group in groups {
            for cluster in group.clusters {
                tableRows.append([group.label, cluster.table ?? tables.joined(separator: ", ")] + schemes.map { scheme in
                    cluster.bars.first { $0.scheme == scheme }.map { Self.cell(LineChart.Point(center: $0.value, low: $0.low, high: $0.high)) } ?? ""
                })
            }
        }
        let numbers = NumberTable(
            caption: "\(metric): \(choice.center)" + (unit.isEmpty ? "" : ", \(MetricUnit.display(unit))"),
            header: [x, "table"] + schemes, rows: tableRows, labelColumns: 2)
        let suffix = combination.isEmpty ? "" : "-" + combination.map { "\($0.name)-\($0.value)" }.joined(separator: "-")
        return PlannedChart(
            fileName: Self.fileName("\(workload.name)-\(metric)-by-\(x)\(suffix)"), title: title, svg: chart.svg(),
            workload: workload.name, parameters: fixed, varied: x, numbers: numbers, metric: metric)
    }
}
