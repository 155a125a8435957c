import Metrics
import Reports

extension ChartPlanner {
    /// Whether the workload is a `perf` report: no row names a scheme (`n/a`), its lines are
    /// tables (the variants measured side by side).
    static func isPerformance(_ workload: WorkloadReport) -> Bool {
        !workload.report.rows.isEmpty && workload.report.rows.allSatisfy { $0.scheme == "n/a" }
    }

    /// One chart per timed operation: every variant overlaid over the tag counts (log axes once
    /// they span two decades), p50 lines with p10–p90 bands, labelled as measured, and under them
    /// each variant's ratio to the C list (`c-list`, the kernel's algorithm in C) around the 1×
    /// line. No seed or scheme is named: a timing has neither.
    func performanceCharts(_ workload: WorkloadReport, x: String, metrics: [String]) -> [PlannedChart] {
        metrics.compactMap { metric -> PlannedChart? in
            let rows = workload.report.rows.filter { $0.metric == metric && $0.table != "n/a" && $0.parameters.value(named: x) != nil }
            let stats = Set(rows.map(\.stat))
            guard stats.contains(ReportStat.p50) else { return nil }
            let axis = SweepAxis(values: WorkloadReport.distinct(rows.compactMap { $0.parameters.value(named: x) }))
            let tables = WorkloadReport.distinct(rows.map(\.table))
            let lookup = StatLookup(rows: rows, x: x)
            func point(_ table: String, _ label: String) -> LineChart.Point? {
                guard let center = lookup.value(table: table, scheme: "n/a", x: label, stat: ReportStat.p50), center.isFinite else { return nil }
                return LineChart.Point(
                    center: center, low: lookup.value(table: table, scheme: "n/a", x: label, stat: ReportStat.p10),
                    high: lookup.value(table: table, scheme: "n/a", x: label, stat: ReportStat.p90),
                    tail: lookup.value(table: table, scheme: "n/a", x: label, stat: "p99"))
            }
            let series = tables.enumerated().map { index, table in
                LineChart.Series(name: table, style: SeriesStyle.forIndex(index), points: axis.labels.map { point(table, $0) }, sameAs: nil)
            }
            let label = Metric.named(metric)?.label ?? metric
            let title = "\(workload.name): \(label) by \(x), every variant"
            var values: [Double] = []
            for line in series { for case let p? in line.points { values += [p.center, p.low, p.high].compactMap { $0 } } }
            let unit = workload.unit(of: metric)
            let yTitle = Metric.axisLabel(for: metric, unit: unit) + " (p50" + (ValueAxis.wantsLogarithmic(values) ? ", log scale)" : ")")
            var chart = LineChart(
                title: title,
                subtitle: [
                    "\(metric) · measured on this host (p50 line, p10–p90 band) · one line per table",
                    workload.fixedParameters.isEmpty ? "no fixed parameters" : "fixed: " + workload.fixedParameters.joinedDescription,
                ],
                xTitle: x, yTitle: yTitle, xAxis: axis, panels: [LineChart.Panel(title: nil, series: series)],
                bandLabel: "p10–p90 band", lineLabel: "p50 line",
                footnotes: (dataset.manifest.map { ["Measured on \($0.hostCPU), \($0.hostCores) CPUs, \($0.os), one process, side by side."] } ?? []))
            chart.legendTitle = "table"
            let reference = "c-list"
            if tables.contains(reference) {
                let lines = series.filter { $0.name != reference }.map { line in
                    LineChart.RatioLine(
                        name: line.name, style: line.style,
                        points: [axis.labels.map { label -> LineChart.Point? in
                            guard let value = point(line.name, label)?.center, let base = point(reference, label)?.center,
                                let ratio = ReportSummary.ratio(value, to: base), ratio.isFinite
                            else { return nil }
                            return LineChart.Point(center: ratio, low: nil, high: nil)
                        }])
                }
                if !lines.isEmpty { chart.ratio = LineChart.RatioStrip(title: "each table / \(reference) (p50)", lines: lines) }
            }
            let numbers = NumberTable(
                caption: "\(metric): p50 (p10–p90)" + (unit.isEmpty ? "" : ", \(MetricUnit.display(unit))"),
                header: ["table", "metric"] + axis.labels.map { "\(x)=\($0)" },
                rows: series.map { [$0.name, metric] + $0.points.map(Self.cell) }, labelColumns: 2)
            return PlannedChart(
                fileName: Self.fileName("\(workload.name)-\(metric)"), title: title, svg: chart.svg(), workload: workload.name,
                parameters: workload.fixedParameters, varied: x, numbers: numbers, metric: metric)
        }
    }

    /// The perf report's targets on one chart: each target's headroom (measured over its bound,
    /// inverted for "at most" targets, so ≥ 1× is met) against the dashed 1× target line, each bar
    /// labelled MET or MISSED as the report decided it.
    func performanceTargetsChart(_ workload: WorkloadReport) -> PlannedChart? {
        let prefix = "perf.target."
        let names = WorkloadReport.distinct(workload.report.rows.map(\.metric).filter { $0.hasPrefix(prefix) })
        var bars: [(name: String, headroom: Double, met: Bool, value: Double, bound: Double)] = []
        for name in names {
            func stat(_ stat: String) -> Double? { workload.report.rows.first { $0.metric == name && $0.stat == stat }?.value }
            guard let value = stat(ReportStat.value), let bound = stat("bound"), let met = stat("met"), value.isFinite,
                value > 0, bound > 0
            else { continue }
            // The report says which kind of target it is (`at_least`); older reports leave it to
            // the verdict: an "at least" target is met when the value reaches the bound.
            let atLeast = stat("at_least").map { $0 == 1 } ?? ((value >= bound) == (met == 1))
            bars.append((String(name.dropFirst(prefix.count)), atLeast ? value / bound : bound / value, met == 1, value, bound))
        }
        guard !bars.isEmpty else { return nil }
        let met = SeriesStyle(color: "#009E73", marker: .circle)
        let missed = SeriesStyle(color: "#D55E00", marker: .square)
        let groups = bars.map { bar in
            BarChart.Group(
                metric: bar.name, label: bar.name.replacingOccurrences(of: "_", with: " "),
                clusters: [BarChart.Cluster(table: nil, bars: [
                    BarChart.Bar(
                        scheme: bar.met ? "met" : "missed", style: bar.met ? met : missed, value: bar.headroom, low: nil, high: nil,
                        label: (bar.met ? "MET " : "MISSED ") + ChartNumberFormat.ratio(bar.headroom))
                ])])
        }
        let chart = BarChart(
            title: "\(workload.name): targets", subtitle: ["measured on this host · headroom over each target (≥ 1× met)"],
            yTitle: "headroom over the target (×)", groups: groups, legend: [("met", met), ("missed", missed)],
            whiskerLabel: nil, labelNote: nil,
            footnotes: ["Headroom = measured / bound for an at-least target, bound / measured for an at-most one."],
            referenceLine: (1, "target"), legendTitle: "verdict")
        let numbers = NumberTable(
            caption: "each target: measured, bound, headroom", header: ["target", "verdict", "measured", "bound", "headroom"],
            rows: bars.map { [$0.name, $0.met ? "MET" : "MISSED", ChartNumberFormat.significant($0.value),
                              ChartNumberFormat.significant($0.bound), ChartNumberFormat.ratio($0.headroom)] },
            labelColumns: 2)
        return PlannedChart(
            fileName: Self.fileName("\(workload.name)-targets"), title: chart.title, svg: chart.svg(), workload: workload.name,
            parameters: [], varied: nil, numbers: numbers)
    }
}
