import Metrics

/// Schemes side by side for every metric of a report, with each scheme's ratio to a baseline:
/// what `cachetag-bench compare` prints.
///
/// Modeled metrics show their single value. Measured metrics show the median with its spread
/// (p10–p90) — one figure alone would hide how noisy the machine was — and the ratio of medians.
package struct SchemeComparison: Sendable {
    /// Output formats.
    package enum Format: String, CaseIterable, Sendable {
        case text, markdown, csv
        /// One row per (workload, table, metric, point), one column per scheme: for gnuplot and
        /// spreadsheets. The tidy `csv` stays the primary format.
        case wideCSV = "wide-csv"
    }

    /// One metric of one (workload, table, parameter point), every scheme's figure.
    package struct Line: Sendable {
        package var workload: String
        package var table: String
        package var parameters: [ReportParameter]
        package var metric: String
        package var unit: String
        /// Scheme → (central value, low, high): p10–p90 for measured metrics, the 95% interval
        /// over seeds for modeled ones run under several seeds, nil otherwise.
        package var values: [String: (value: Double, low: Double?, high: Double?)]
        /// Scheme → seed → value, for modeled metrics run under several seeds (`seed=N` rows).
        package var seeds: [String: [UInt64: Double]] = [:]
    }

    package let baseline: String
    package let schemes: [String]
    package let lines: [Line]

    /// Builds the comparison from a report's workload CSVs. Throws when `baseline` is not in the report.
    package init(reports: [ReportCSV], baseline: String) throws(ComparisonError) {
        var schemes: [String] = []
        var lines: [Line] = []
        var index: [String: Int] = [:]
        for report in reports {
            for row in report.rows {
                if !schemes.contains(row.scheme) { schemes.append(row.scheme) }
                let central = Metric.named(row.metric)?.statistics.central ?? (row.stat == "p50" ? "p50" : "value")
                let isCentral = row.stat == central
                let isSpread = row.stat == "p10" || row.stat == "p90"
                let isInterval = row.stat == ReportStat.ci95Low || row.stat == ReportStat.ci95High
                let seed = ReportStat.seed(of: row.stat)
                guard isCentral || isSpread || isInterval || seed != nil else { continue }
                let key = [row.workload, row.table, row.parameters.joinedDescription, row.metric].joined(separator: "\u{1f}")
                let position: Int
                if let existing = index[key] {
                    position = existing
                } else {
                    position = lines.count
                    index[key] = position
                    lines.append(
                        Line(
                            workload: row.workload, table: row.table, parameters: row.parameters, metric: row.metric,
                            unit: row.unit, values: [:]))
                }
                if let seed {
                    lines[position].seeds[row.scheme, default: [:]][seed] = row.value
                    continue
                }
                var entry = lines[position].values[row.scheme] ?? (value: .nan, low: nil, high: nil)
                switch row.stat {
                case "p10", ReportStat.ci95Low: entry.low = row.value
                case "p90", ReportStat.ci95High: entry.high = row.value
                default: entry.value = row.value
                }
                lines[position].values[row.scheme] = entry
            }
        }
        guard schemes.contains(baseline) else {
            throw ComparisonError(message: "baseline scheme '\(baseline)' is not in the report (schemes: \(schemes.joined(separator: ", ")))")
        }
        self.baseline = baseline
        // Baseline first, then the others in report order.
        self.schemes = [baseline] + schemes.filter { $0 != baseline }
        self.lines = lines
    }

    private init(baseline: String, schemes: [String], lines: [Line]) {
        self.baseline = baseline
        self.schemes = schemes
        self.lines = lines
    }

    /// Only the metrics whose name starts with `prefix` (all when nil).
    package func filtered(metricPrefix prefix: String?) -> SchemeComparison {
        guard let prefix else { return self }
        return SchemeComparison(baseline: baseline, schemes: schemes, lines: lines.filter { $0.metric.hasPrefix(prefix) })
    }

    /// The metrics a one-screen summary shows.
    package static let headlineMetrics = [
        Metric.descriptorsPerUnmap, .descriptorsPerAttach, .modelCPUMicrosPerUnmap, .descriptorsTotal,
        .submissions, .didsInUse, .attachFailures, .iotlbCollateralEvictions, .modelCPUMicros, .modelDeviceStallMicros,
        .oracleStale,
        .oracleCrossDomain, .oracleAliasedAttachments, .swFlushRangeNanos, .swAttachNanos, .workUnmaps,
        .workAttachesSucceeded,
    ].map(\.name)

    /// The work counts a comparison checks before comparing totals, and the per-unit figures it
    /// leads with when the schemes did different amounts of work.
    static let workMetrics = [Metric.workUnmaps, .workAttachesSucceeded, .workAccesses].map(\.name)
    static let perUnitMetrics = [
        Metric.descriptorsPerUnmap, .submissionsPerUnmap, .modelInvalidationMicrosPerUnmap, .modelCPUMicrosPerUnmap,
        .descriptorsPerAttach,
        .modelInvalidationMicrosPerAttach,
    ].map(\.name)

    /// The work counts of `lines` (one group) that differ by more than 1% from the baseline's:
    /// totals of such schemes describe different amounts of work.
    func workDifferences(_ lines: [Line]) -> [String] {
        var notes: [String] = []
        for line in lines where Self.workMetrics.contains(line.metric) {
            for scheme in schemes.dropFirst() {
                guard let ratio = ratio(line, scheme), abs(ratio - 1) > 0.01 else { continue }
                notes.append("\(scheme) did \(String(format: "%.3f", ratio))× the \(line.metric) of \(baseline)")
            }
        }
        return notes
    }

    /// The headline metrics only: what the default suite prints.
    package func headline() -> SchemeComparison {
        let order = Dictionary(uniqueKeysWithValues: Self.headlineMetrics.enumerated().map { ($1, $0) })
        // Keep each (workload, table, point) group where it first appears (so a sweep stays in
        // the order it ran), headline order within a group.
        var groupRank: [String: Int] = [:]
        func group(_ line: Line) -> String { "\(line.workload)|\(line.table)|\(line.parameters.joinedDescription)" }
        for line in lines where groupRank[group(line)] == nil { groupRank[group(line)] = groupRank.count }
        let kept = lines.filter { order[$0.metric] != nil }.sorted {
            (groupRank[group($0)]!, order[$0.metric]!) < (groupRank[group($1)]!, order[$1.metric]!)
        }
        return SchemeComparison(baseline: baseline, schemes: schemes, lines: kept)
    }

    /// The ratio of `scheme`'s central value to the baseline's on `line`, nil when undefined.
    package func ratio(_ line: Line, _ scheme: String) -> Double? {
        guard let value = line.values[scheme]?.value, let base = line.values[baseline]?.value else { return nil }
        return ReportSummary.ratio(value, to: base)
    }

    /// Renders the comparison.
    package func rendered(as format: Format) -> String {
        switch format {
        case .csv: return csv()
        case .wideCSV: return wideCSV()
        case .markdown, .text: return table(markdown: format == .markdown)
        }
    }

    private func cell(_ line: Line, _ scheme: String) -> String {
        guard let entry = line.values[scheme], !entry.value.isNaN else { return "-" }
        var text = ReportNumber.format(rounded(entry.value))
        if let low = entry.low, let high = entry.high {
            text += " [\(ReportNumber.format(rounded(low)))–\(ReportNumber.format(rounded(high)))]"
        }
        return text
    }

    private func ratioCell(_ line: Line, _ scheme: String) -> String {
        guard let ratio = ratio(line, scheme) else { return "-" }
        guard let paired = pairedRatio(line, scheme) else {
            return String(format: "%.3f×", ratio) + (spreadsOverlap(line, scheme) ? " (n.s.)" : "")
        }
        return String(format: "%.3f× [%.3f–%.3f]", paired.mean, paired.low, paired.high)
    }

    /// Whether `scheme`'s and the baseline's p10–p90 spreads overlap on a measured line: the
    /// machine's noise covers the difference, so the ratio is not significant.
    package func spreadsOverlap(_ line: Line, _ scheme: String) -> Bool {
        guard line.seeds.isEmpty, scheme != baseline, let ours = line.values[scheme], let base = line.values[baseline],
            let low = ours.low, let high = ours.high, let baseLow = base.low, let baseHigh = base.high
        else { return false }
        return low <= baseHigh && baseLow <= high
    }

    /// The ratio to the baseline paired by seed, with its 95% interval, when both ran under
    /// several seeds (`SeedStatistics.pairedRatio`).
    package func pairedRatio(_ line: Line, _ scheme: String) -> SeedStatistics? {
        guard let values = line.seeds[scheme], let base = line.seeds[baseline], values.count > 1 else { return nil }
        return SeedStatistics.pairedRatio(values, to: base)
    }

    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// A group's title: workload and table, plus the parameters that vary within the workload
    /// (the full parameter list is in the CSV and run.json).
    private func title(_ line: Line, varying: [String: Set<String>]) -> String {
        let shown = line.parameters.filter { varying[line.workload]?.contains($0.name) == true }
        return "\(line.workload) · \(line.table)" + (shown.isEmpty ? "" : " · " + shown.joinedDescription)
    }

    /// Per workload, the parameters that take more than one value among `lines`.
    static func varyingParameters(_ lines: [Line]) -> [String: Set<String>] {
        var values: [String: [String: Set<String>]] = [:]
        for line in lines {
            for parameter in line.parameters { values[line.workload, default: [:]][parameter.name, default: []].insert(parameter.value) }
        }
        return values.mapValues { Set($0.filter { $0.value.count > 1 }.keys) }
    }

    private func table(markdown: Bool) -> String {
        let varying = Self.varyingParameters(lines)
        var output = ""
        var groups: [String: [Line]] = [:]
        var order: [String] = []
        for line in lines {
            let key = title(line, varying: varying)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(line)
        }
        for title in order {
            let header = ["metric", "unit"] + schemes + schemes.dropFirst().map { "\($0)/\(baseline)" }
            var group = groups[title]!
            let differences = workDifferences(group)
            if !differences.isEmpty {
                // Different work: the per-unit figures first, the totals after them.
                let perUnit = group.filter { Self.perUnitMetrics.contains($0.metric) }
                group = perUnit + group.filter { !Self.perUnitMetrics.contains($0.metric) }
            }
            let rows = group.map { line in
                [line.metric, line.unit] + schemes.map { cell(line, $0) } + schemes.dropFirst().map { ratioCell(line, $0) }
            }
            output += markdown ? "### \(title)\n\n" : "== \(title)\n"
            if !differences.isEmpty {
                let note =
                    "note: the schemes did different work (" + differences.joined(separator: "; ")
                    + "): compare the per-unit rows, not the totals"
                output += markdown ? "*\(note)*\n\n" : note + "\n"
            }
            output += markdown ? Self.markdownTable(header, rows) : Self.textTable(header, rows)
            output += "\n"
        }
        return output
    }

    private func csv() -> String {
        var rows = [["workload", "table", "parameters", "metric", "unit", "scheme", "value", "p10", "p90", "baseline", "ratio_to_baseline", "ratio_ci95_low", "ratio_ci95_high"]]
        for line in lines {
            for scheme in schemes {
                guard let entry = line.values[scheme] else { continue }
                let paired = pairedRatio(line, scheme)
                rows.append([
                    line.workload, line.table, line.parameters.map(\.description).joined(separator: ";"), line.metric,
                    line.unit, scheme,
                    ReportNumber.format(entry.value), entry.low.map(ReportNumber.format) ?? "",
                    entry.high.map(ReportNumber.format) ?? "", baseline, ratio(line, scheme).map(ReportNumber.format) ?? "",
                    paired.map { ReportNumber.format($0.low) } ?? "", paired.map { ReportNumber.format($0.high) } ?? "",
                ])
            }
        }
        return rows.map { CSVRecordWriter.record($0) }.joined()
    }

    /// Every varying parameter gets a column (empty where a workload lacks it), then one column
    /// per scheme with its central value.
    private func wideCSV() -> String {
        let varying = Self.varyingParameters(lines)
        var parameterNames: [String] = []
        for line in lines {
            for parameter in line.parameters where varying[line.workload]?.contains(parameter.name) == true
                && !parameterNames.contains(parameter.name)
            {
                parameterNames.append(parameter.name)
            }
        }
        var rows = [["workload", "table", "metric", "unit"] + parameterNames + schemes]
        for line in lines {
            let parameters = parameterNames.map { name in line.parameters.first { $0.name == name }?.value ?? "" }
            rows.append(
                [line.workload, line.table, line.metric, line.unit] + parameters
                    + schemes.map { scheme in line.values[scheme].map { ReportNumber.format($0.value) } ?? "" })
        }
        return rows.map { CSVRecordWriter.record($0) }.joined()
    }

    static func textTable(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([format(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(format))
            .joined(separator: "\n") + "\n"
    }

    static func markdownTable(_ header: [String], _ rows: [[String]]) -> String {
        let align = header.indices.map { $0 < 2 ? ":--" : "--:" }
        return ([header, align] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n"
    }
}

/// A comparison that cannot be made, in one line.
package struct ComparisonError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
