import Metrics
import Reports

extension ChartPlanner {
    /// A sweep over a categorical parameter (`attach=rid,pasid`, `hw.profile=server,adversarial`)
    /// is not a line: there is nothing between two categories. Each metric group gets one grouped
    /// bar chart, as a comparison does, with one cluster per category (and per table where tables
    /// differ), each bar labelled with its ratio to the baseline in the same cluster.
    func categoricalSweepCharts(_ workload: WorkloadReport, x: String, metrics: [String]) -> [PlannedChart] {
        let combinations = otherCombinations(workload, x: x)
        let groups = MetricGroup.grouping(metrics, unit: workload.unit(of:))
        return groups.flatMap { group in
            combinations.compactMap { categoricalChart(workload, x: x, group: group, combination: $0) }
        }
    }

    private func categoricalChart(
        _ workload: WorkloadReport, x: String, group: MetricGroup, combination: [ReportParameter]
    ) -> PlannedChart? {
        let rows = workload.report.rows.filter { row in
            group.metrics.contains(row.metric) && row.parameters.value(named: x) != nil
                && combination.allSatisfy { (row.parameters.value(named: $0.name) ?? "") == $0.value }
        }
        guard !rows.isEmpty else { return nil }
        let categories = WorkloadReport.distinct(rows.compactMap { $0.parameters.value(named: x) })
        let tables = WorkloadReport.distinct(rows.map(\.table))
        let schemes = dataset.schemeOrder.filter { scheme in rows.contains { $0.scheme == scheme } }
        let lookup = StatLookup(rows: rows, x: x)
        func bars(_ metric: String, _ category: String, _ table: String) -> [BarChart.Bar] {
            self.bars(workload, schemes: schemes, lookup: lookup, metric: metric, table: table, x: category)
        }
        // Tables that agree on every bar are drawn once.
        let identical = tables.count > 1 && group.metrics.allSatisfy { metric in
            categories.allSatisfy { category in
                tables.dropFirst().allSatisfy { bars(metric, category, $0).map(\.value) == bars(metric, category, tables[0]).map(\.value) }
            }
        }
        let shownTables = identical ? [tables[0]] : tables
        var barGroups: [BarChart.Group] = []
        for metric in group.metrics {
            var clusters: [BarChart.Cluster] = []
            for category in categories {
                for table in shownTables {
                    let found = bars(metric, category, table)
                    guard !found.isEmpty else { continue }
                    clusters.append(BarChart.Cluster(table: shownTables.count == 1 ? "\(x)=\(category)" : "\(x)=\(category) · \(table)", bars: found))
                }
            }
            guard !clusters.isEmpty else { continue }
            barGroups.append(BarChart.Group(metric: metric, label: Metric.named(metric)?.label ?? metric, clusters: clusters))
        }
        guard !barGroups.isEmpty else { return nil }
        let first = group.metrics[0]
        let choice = workload.statChoice(for: first)
        let kind = MetricKind(metricName: first)
        let unit = workload.unit(of: first)
        let unitText = unit.isEmpty || unit == "count" ? "" : MetricUnit.display(unit)
        let values = barGroups.flatMap { $0.clusters.flatMap { $0.bars.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } } } }
        let yTitle = (unitText.isEmpty ? group.axisTitle : "\(group.axisTitle) (\(unitText))")
            + (ValueAxis.wantsLogarithmic(values) ? " (log scale)" : "")
        let fixed = workload.fixedParameters + combination
        let title = "\(workload.name): \(group.title) by \(x)"
        let tableNote = tables.count == 1
            ? "table: \(tables[0])" : identical ? "tables: \(tables.joined(separator: ", ")) (identical, drawn once)" : "clusters by \(x) and table"
        let subtitle = [
            "\(describe(kind: kind, choice: choice)) · \(tableNote)",
            contextLine(fixed, overSeeds: choice.band?.low == ReportStat.ci95Low),
        ]
        let chart = BarChart(
            title: title, subtitle: subtitle, yTitle: yTitle, groups: barGroups,
            legend: schemes.map { ($0, dataset.style(of: $0)) },
            whiskerLabel: choice.band.map { "whiskers: \($0.low)–\($0.high)" },
            labelNote: schemes.contains(baselineScheme) ? "label: ratio to \(baselineScheme)" : "label: value",
            footnotes: footnotes(kind: kind) + ["\(x) is categorical: one cluster of bars per value, never a line."],
            tailLabel: barGroups.contains { $0.clusters.contains { $0.bars.contains { $0.tail != nil } } } ? "p99 (tail)" : nil)
        var tableRows: [[String]] = []
        for barGroup in barGroups {
            for cluster in barGroup.clusters {
                tableRows.append([barGroup.metric, cluster.table ?? ""] + schemes.map { scheme in
                    cluster.bars.first { $0.scheme == scheme }.map { Self.cell(LineChart.Point(center: $0.value, low: $0.low, high: $0.high)) } ?? ""
                })
            }
        }
        let numbers = NumberTable(
            caption: "\(choice.center)" + (unitText.isEmpty ? "" : ", \(unitText)"),
            header: ["metric", "\(x) · table"] + schemes, rows: tableRows, labelColumns: 2)
        let suffix = combination.isEmpty ? "" : "-" + combination.map { "\($0.name)-\($0.value)" }.joined(separator: "-")
        return PlannedChart(
            fileName: Self.fileName("\(workload.name)-\(group.id)-by-\(x)\(suffix)"), title: title, svg: chart.svg(),
            workload: workload.name, parameters: fixed, varied: x, numbers: numbers,
            chartGroup: MetricChartGroup(rawValue: group.id))
    }
}
