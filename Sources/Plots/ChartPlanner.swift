import Metrics
import Reports

/// Decides which charts a report directory gets and builds them.
///
/// A workload with a varied parameter (or the one named by `--x`) is a sweep: one line chart per
/// metric. A workload without one is a scheme comparison: one grouped bar chart per metric
/// group. Metrics that are zero everywhere are listed rather than drawn (unless asked for by
/// `--metric`), which keeps the index to charts that say something.
struct ChartPlanner {
    /// The validated inputs.
    var dataset: ReportDataset
    /// `--metric`: a metric name, a dotted prefix (`hw.descriptors`), `prefix*`, or a group id.
    var metricFilter: String?
    /// `--x`: the parameter to put on the x axis.
    var xParameter: String?
    /// Scheme the bar labels are ratios to.
    var baselineScheme = ReportSummary.defaultBaselineScheme
    /// The scheme whose ratio to the baseline each sweep draws in its ratio panel.
    var proposalScheme = "shared-pasid"

    /// The charts, and remarks for the index (metrics not drawn and why).
    struct Plan: Sendable {
        var charts: [PlannedChart]
        var remarks: [String]
    }

    /// Builds every chart, or throws when `--metric`/`--x` match nothing.
    func plan() throws -> Plan {
        try validateOptions()
        var charts: [PlannedChart] = []
        var remarks: [String] = []
        for workload in dataset.workloads {
            let candidates = workload.metrics.filter { metric in
                metricFilter.map { Self.matches(metric, $0) } ?? true
            }
            let zero = metricFilter == nil ? candidates.filter(workload.isAllZero) : []
            let metrics = candidates.filter { !zero.contains($0) }
            if !zero.isEmpty {
                remarks.append("\(workload.name): zero everywhere, not charted: \(zero.joined(separator: ", "))")
            }
            if let x = xAxisParameter(for: workload), Self.isPerformance(workload) {
                // Timings of variants: tables overlaid, ratios to the C list; the counts and
                // verdicts of a perf report are its own table, not charts.
                charts += performanceTargetsChart(workload).map { [$0] } ?? []
                charts += performanceCharts(workload, x: x, metrics: metrics)
            } else if let x = xAxisParameter(for: workload) {
                let values = WorkloadReport.distinct(workload.report.rows.compactMap { $0.parameters.value(named: x) })
                charts += SweepAxis(values: values).kind == .categorical
                    ? categoricalSweepCharts(workload, x: x, metrics: metrics) : sweepCharts(workload, x: x, metrics: metrics)
            } else {
                charts += comparisonCharts(workload, metrics: metrics)
            }
        }
        return Plan(charts: Self.uniquelyNamed(charts), remarks: remarks)
    }

    /// Whether `metric` is selected by `filter`.
    static func matches(_ metric: String, _ filter: String) -> Bool {
        if filter.hasSuffix("*") { return metric.hasPrefix(String(filter.dropLast())) }
        if metric == filter || metric.hasPrefix(filter + ".") { return true }
        return MetricGroup.standard.first { $0.id == filter }?.metrics.contains(metric) ?? false
    }

    private func validateOptions() throws {
        if let filter = metricFilter {
            let all = WorkloadReport.distinct(dataset.workloads.flatMap(\.metrics))
            if !all.contains(where: { Self.matches($0, filter) }) {
                let shown = all.prefix(12).joined(separator: ", ") + (all.count > 12 ? ", …" : "")
                throw PlotError("--metric \(filter): no such metric in \(dataset.directory.relativePath) (metrics: \(shown))")
            }
        }
        if let x = xParameter, !dataset.workloads.contains(where: { $0.hasParameter(x) }) {
            let names = WorkloadReport.distinct(dataset.workloads.flatMap(\.report.parameterNames))
            let shown = names.isEmpty ? "none" : names.joined(separator: ", ")
            throw PlotError("--x \(x): no workload in \(dataset.directory.relativePath) has that parameter (parameters: \(shown))")
        }
    }

    private func xAxisParameter(for workload: WorkloadReport) -> String? {
        if let x = xParameter, workload.hasParameter(x) { return x }
        let varied = workload.variedParameters
        if let declared = dataset.manifestEntry(for: workload.name)?.varied, varied.contains(declared) { return declared }
        return varied.first
    }

    // MARK: Sweeps

    private func sweepCharts(_ workload: WorkloadReport, x: String, metrics: [String]) -> [PlannedChart] {
        let combinations = otherCombinations(workload, x: x)
        var charts: [PlannedChart] = []
        for metric in metrics {
            for combination in combinations {
                if let chart = sweepChart(workload, x: x, metric: metric, combination: combination) {
                    charts.append(chart)
                }
            }
        }
        return charts
    }

    /// Every combination of the varied parameters other than `x` (one empty one when there are
    /// none): each gets its own charts.
    func otherCombinations(_ workload: WorkloadReport, x: String) -> [[ReportParameter]] {
        let others = workload.variedParameters.filter { $0 != x }
        var combinations: [[ReportParameter]] = []
        for row in workload.report.rows {
            let combination = others.map { ReportParameter(name: $0, value: row.parameters.value(named: $0) ?? "") }
            if !combinations.contains(combination) { combinations.append(combination) }
        }
        return combinations.isEmpty ? [[]] : combinations
    }

    private func sweepChart(
        _ workload: WorkloadReport, x: String, metric: String, combination: [ReportParameter]
    ) -> PlannedChart? {
        let rows = workload.report.rows.filter { row in
            row.metric == metric && row.parameters.value(named: x) != nil
                && combination.allSatisfy { (row.parameters.value(named: $0.name) ?? "") == $0.value }
        }
        guard !rows.isEmpty else { return nil }
        let choice = workload.statChoice(for: metric)
        let axis = SweepAxis(values: WorkloadReport.distinct(rows.compactMap { $0.parameters.value(named: x) }))
        let tables = WorkloadReport.distinct(rows.map(\.table))
        let schemes = dataset.schemeOrder.filter { scheme in rows.contains { $0.scheme == scheme } }
        let lookup = StatLookup(rows: rows, x: x)

        func points(table: String, scheme: String) -> [LineChart.Point?] {
            axis.labels.map { label in
                // Non-finite values (nan, inf) cannot be placed on an axis: drawn as gaps.
                guard let center = lookup.value(table: table, scheme: scheme, x: label, stat: choice.center),
                    center.isFinite
                else { return nil }
                return LineChart.Point(
                    center: center,
                    low: choice.band.flatMap { lookup.value(table: table, scheme: scheme, x: label, stat: $0.low) }
                        .flatMap { $0.isFinite ? $0 : nil },
                    high: choice.band.flatMap { lookup.value(table: table, scheme: scheme, x: label, stat: $0.high) }
                        .flatMap { $0.isFinite ? $0 : nil },
                    tail: choice.tail.flatMap { lookup.value(table: table, scheme: scheme, x: label, stat: $0) }
                        .flatMap { $0.isFinite ? $0 : nil })
            }
        }
        func series(table: String) -> [LineChart.Series] {
            var result: [LineChart.Series] = []
            for scheme in schemes {
                let line = points(table: table, scheme: scheme)
                guard line.contains(where: { $0 != nil }) else { continue }
                let twin = result.first { $0.sameAs == nil && $0.points.map { $0?.center } == line.map { $0?.center } }
                result.append(LineChart.Series(name: scheme, style: dataset.style(of: scheme), points: line, sameAs: twin?.name))
            }
            return result
        }
        let perTable = tables.map { (table: $0, series: series(table: $0)) }
        let identical = perTable.dropFirst().allSatisfy { other in
            other.series.map(\.name) == perTable[0].series.map(\.name)
                && zip(other.series, perTable[0].series).allSatisfy { $0.points == $1.points }
        }
        let panels: [LineChart.Panel]
        var tableNote: String
        if identical {
            panels = [LineChart.Panel(title: nil, series: perTable[0].series)]
            tableNote = tables.count == 1 ? "table: \(tables[0])" : "tables: \(tables.joined(separator: ", ")) (identical results, drawn once)"
        } else {
            panels = perTable.map { LineChart.Panel(title: "table: \($0.table)", series: $0.series) }
            tableNote = "one panel per table"
        }

        let unit = workload.unit(of: metric)
        let kind = MetricKind(metricName: metric)
        var values: [Double] = []
        for panel in panels {
            for line in panel.series {
                for case let point? in line.points { values += [point.center, point.low, point.high].compactMap { $0 } }
            }
        }
        let yLog = ValueAxis.wantsLogarithmic(values)
        let baseLabel = Metric.axisLabel(for: metric, unit: unit)
        let statText = kind == .measured ? ", \(choice.center)" : ""
        let yTitle = Self.withScaleNote(baseLabel, extra: statText, log: yLog)
        let label = (Metric.named(metric)?.label ?? metric)
        let fixed = workload.fixedParameters + combination
        let title = "\(workload.name): \(label) vs \(x)"
        var subtitle = ["\(metric) · \(describe(kind: kind, choice: choice)) · \(tableNote)"]
        subtitle.append(contextLine(fixed, overSeeds: choice.band?.low == ReportStat.ci95Low))
        let bandLabel = choice.band.map { "\($0.low)–\($0.high) band" }

        var chart = LineChart(
            title: title, subtitle: subtitle, xTitle: x, yTitle: yTitle, xAxis: axis, panels: panels,
            bandLabel: bandLabel, lineLabel: bandLabel == nil ? nil : "\(choice.center) line",
            footnotes: footnotes(kind: kind))
        // The question is the proposal against Linux today: their ratio, with its interval paired
        // by seed, under the lines.
        if schemes.contains(proposalScheme), schemes.contains(baselineScheme), proposalScheme != baselineScheme {
            let panelTables = identical ? [tables[0]] : tables
            let strip = panelTables.map { table in
                axis.labels.map { label in ratioPoint(rows: rows, table: table, x: x, label: label, lookup: lookup, stat: choice.center) }
            }
            if strip.contains(where: { $0.contains { $0 != nil } }) {
                chart.ratio = LineChart.RatioStrip(
                    title: "\(proposalScheme) / \(baselineScheme)",
                    lines: [LineChart.RatioLine(name: proposalScheme, style: dataset.style(of: proposalScheme), points: strip)])
            }
        }

        // Numbers.
        var tableRows: [[String]] = []
        for (panelIndex, panel) in panels.enumerated() {
            for line in panel.series {
                let tableName = identical ? tables.joined(separator: ", ") : perTable[panelIndex].table
                tableRows.append([tableName, line.name] + line.points.map(Self.cell))
            }
        }
        let numbers = NumberTable(
            caption: "\(metric): \(choice.band == nil ? choice.center : "\(choice.center) (\(choice.band!.low)–\(choice.band!.high))")"
                + (unit.isEmpty ? "" : ", \(MetricUnit.display(unit))"),
            header: ["table", "scheme"] + axis.labels.map { "\(x)=\($0)" }, rows: tableRows, labelColumns: 2)
        let suffix = combination.isEmpty ? "" : "-" + combination.map { "\($0.name)-\($0.value)" }.joined(separator: "-")
        return PlannedChart(
            fileName: Self.fileName("\(workload.name)-\(metric)\(suffix)"), title: title, svg: chart.svg(),
            workload: workload.name, parameters: fixed, varied: x, numbers: numbers, metric: metric)
    }

    // MARK: Comparisons

    private func comparisonCharts(_ workload: WorkloadReport, metrics: [String]) -> [PlannedChart] {
        let groups = MetricGroup.grouping(metrics, unit: workload.unit(of:))
        let lookup = StatLookup(rows: workload.report.rows, x: nil)
        var charts: [PlannedChart] = []
        for group in groups {
            let groupRows = workload.report.rows.filter { group.metrics.contains($0.metric) }
            let tables = WorkloadReport.distinct(groupRows.map(\.table))
            let schemes = dataset.schemeOrder.filter { scheme in groupRows.contains { $0.scheme == scheme } }
            let hasBaseline = schemes.contains(baselineScheme)

            func bars(metric: String, table: String) -> [BarChart.Bar] {
                self.bars(workload, schemes: schemes, lookup: lookup, metric: metric, table: table, x: nil)
            }
            let perTable = group.metrics.map { metric in tables.map { bars(metric: metric, table: $0) } }
            let identical = tables.count > 1 && perTable.allSatisfy { clusters in
                clusters.dropFirst().allSatisfy { cluster in
                    cluster.map(\.scheme) == clusters[0].map(\.scheme)
                        && zip(cluster, clusters[0]).allSatisfy { $0.value == $1.value && $0.low == $1.low && $0.high == $1.high }
                }
            }
            var barGroups: [BarChart.Group] = []
            for (metricIndex, metric) in group.metrics.enumerated() {
                var clusters: [BarChart.Cluster] = []
                if identical || tables.count == 1 {
                    clusters = [BarChart.Cluster(table: nil, bars: perTable[metricIndex][0])]
                } else {
                    for (tableIndex, table) in tables.enumerated() where !perTable[metricIndex][tableIndex].isEmpty {
                        clusters.append(BarChart.Cluster(table: table, bars: perTable[metricIndex][tableIndex]))
                    }
                }
                guard clusters.contains(where: { !$0.bars.isEmpty }) else { continue }
                barGroups.append(BarChart.Group(metric: metric, label: (Metric.named(metric)?.label ?? metric), clusters: clusters))
            }
            guard !barGroups.isEmpty else { continue }

            let kind = MetricKind(metricName: group.metrics[0])
            let choices = Set(group.metrics.map(workload.statChoice(for:)))
            let choice = choices.count == 1 ? choices.first! : workload.statChoice(for: group.metrics[0])
            let unit = workload.unit(of: group.metrics[0])
            let values = barGroups.flatMap { $0.clusters.flatMap { $0.bars.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } } } }
            let unitText = unit.isEmpty || unit == "count" ? "" : MetricUnit.display(unit)
            let baseTitle = unitText.isEmpty ? group.axisTitle : "\(group.axisTitle) (\(unitText))"
            let statText = kind == .measured && choice.center != ReportStat.value ? ", \(choice.center)" : ""
            let yTitle = Self.withScaleNote(baseTitle, extra: statText, log: ValueAxis.wantsLogarithmic(values))
            let tableNote: String
            if tables.count == 1 {
                tableNote = "table: \(tables[0])"
            } else if identical {
                tableNote = "tables: \(tables.joined(separator: ", ")) (identical results, drawn once)"
            } else {
                tableNote = "bars grouped by table"
            }
            let title = "\(workload.name): \(group.title)"
            let subtitle = ["\(describe(kind: kind, choice: choice)) · \(tableNote)", contextLine(workload.fixedParameters, overSeeds: choice.band?.low == ReportStat.ci95Low)]
            var notes = footnotes(kind: kind)
            let valueLabels = barGroups.contains { $0.clusters.contains { $0.bars.contains { !($0.label ?? "×").hasSuffix("×") } } }
            if !hasBaseline {
                notes.append("No \(baselineScheme) rows in this workload: bars are labelled with their values.")
            } else if valueLabels {
                notes.append("Bar labels: ratio to \(baselineScheme) on the same table (×); the value itself where \(baselineScheme) is 0.")
            } else {
                notes.append("Bar labels: ratio to \(baselineScheme) on the same table.")
            }
            let chart = BarChart(
                title: title, subtitle: subtitle, yTitle: yTitle, groups: barGroups,
                legend: schemes.map { ($0, dataset.style(of: $0)) },
                whiskerLabel: choice.band.map { "whiskers: \($0.low)–\($0.high)" },
                labelNote: hasBaseline ? "label: ratio to \(baselineScheme)" : "label: value", footnotes: notes,
                tailLabel: barGroups.contains { $0.clusters.contains { $0.bars.contains { $0.tail != nil } } } ? "p99 (tail)" : nil)

            var tableRows: [[String]] = []
            for barGroup in barGroups {
                for cluster in barGroup.clusters {
                    let tableName = cluster.table ?? tables.joined(separator: ", ")
                    tableRows.append([barGroup.metric, tableName] + schemes.map { scheme in
                        guard let bar = cluster.bars.first(where: { $0.scheme == scheme }) else { return "" }
                        var text = Self.cell(LineChart.Point(center: bar.value, low: bar.low, high: bar.high))
                        if let label = bar.label, label.hasSuffix("×") { text += " · " + label }
                        return text
                    })
                }
            }
            let statCaption = choice.band.map { "\(choice.center) (\($0.low)–\($0.high))" } ?? choice.center
            let numbers = NumberTable(
                caption: "\(statCaption)\(unitText.isEmpty ? "" : ", \(unitText)")\(hasBaseline ? "; × = ratio to \(baselineScheme)" : "")",
                header: ["metric", "table"] + schemes, rows: tableRows, labelColumns: 2)
            charts.append(PlannedChart(
                fileName: Self.fileName("\(workload.name)-\(group.id)"), title: title, svg: chart.svg(),
                workload: workload.name, parameters: workload.fixedParameters, varied: nil, numbers: numbers,
                chartGroup: MetricChartGroup(rawValue: group.id)))
        }
        return charts
    }

    /// One metric's bars in one cluster (a table, at one value of `x` for a categorical sweep):
    /// a bar per scheme with its band, its p99 where measured, and its ratio to the baseline in the
    /// same cluster as its label (the value where the ratio is undefined).
    func bars(
        _ workload: WorkloadReport, schemes: [String], lookup: StatLookup, metric: String, table: String, x: String?
    ) -> [BarChart.Bar] {
        let choice = workload.statChoice(for: metric)
        func value(_ scheme: String, _ stat: String) -> Double? {
            lookup.value(table: table, scheme: scheme, x: x, stat: stat, metric: metric).flatMap { $0.isFinite ? $0 : nil }
        }
        let baseline = lookup.value(table: table, scheme: baselineScheme, x: x, stat: choice.center, metric: metric)
        return schemes.compactMap { scheme in
            guard let center = value(scheme, choice.center) else { return nil }
            return BarChart.Bar(
                scheme: scheme, style: dataset.style(of: scheme), value: center,
                low: choice.band.flatMap { value(scheme, $0.low) }, high: choice.band.flatMap { value(scheme, $0.high) },
                label: ReportSummary.ratio(center, to: baseline).map(ChartNumberFormat.ratio) ?? ChartNumberFormat.compact(center),
                tail: choice.tail.flatMap { value(scheme, $0) })
        }
    }

    // MARK: Shared wording

    func describe(kind: MetricKind, choice: StatChoice) -> String {
        switch kind {
        case .measured:
            let spread = choice.band.map { ", \($0.low)–\($0.high) spread" } ?? ""
            return "measured on this host (\(choice.center)\(spread))"
        case .modeled where choice.band?.low == ReportStat.ci95Low:
            // Several seeds: the value is their mean, the band its 95% interval.
            return "modeled, mean over seeds with its 95% interval"
        case .modeled:
            return "modeled (deterministic for the seed)"
        }
    }

    func contextLine(_ parameters: [ReportParameter], overSeeds: Bool) -> String {
        var parts: [String] = []
        parts.append(parameters.isEmpty ? "no fixed parameters" : "fixed: " + parameters.joinedDescription)
        if let manifest = dataset.manifest {
            parts.append(overSeeds ? "seeds from \(manifest.seed) (run.json notes say how many)" : "seed \(manifest.seed)")
            if manifest.quick { parts.append("quick mode") }
        }
        return parts.joined(separator: " · ")
    }

    func footnotes(kind: MetricKind) -> [String] {
        guard kind == .measured, let manifest = dataset.manifest else { return [] }
        return ["Measured on \(manifest.hostCPU), \(manifest.hostCores) CPUs, \(manifest.os)."]
    }

    private static func withScaleNote(_ label: String, extra: String, log: Bool) -> String {
        let notes = [extra.isEmpty ? nil : String(extra.dropFirst(2)), log ? "log scale" : nil].compactMap { $0 }
        guard !notes.isEmpty else { return label }
        if label.hasSuffix(")") {
            return String(label.dropLast()) + ", " + notes.joined(separator: ", ") + ")"
        }
        return "\(label) (\(notes.joined(separator: ", ")))"
    }

    static func cell(_ point: LineChart.Point?) -> String {
        guard let point else { return "" }
        var text = ChartNumberFormat.significant(point.center)
        if let low = point.low, let high = point.high {
            text += " (\(ChartNumberFormat.significant(low))–\(ChartNumberFormat.significant(high)))"
        }
        return text
    }
}
