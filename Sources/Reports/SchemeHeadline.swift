import Metrics

/// The one short section a kernel developer reads first: per workload point, the proposal against
/// Linux today (and the `per-domain` reference) on the figures that decide the DID-sharing
/// question, each with its ratio, its interval and a reading computed from the numbers.
///
/// Figures come from the kernel-faithful list (`kernel-list`, "today's tag matching") and, when
/// the report has it, `kernel-list+did-match` (the tag rule sharing needs), so a saving that only
/// the rule brings is read as such. The unsafe control is one line of its own, never a contender.
package struct SchemeHeadline: Sendable {
    /// The scheme asked about (`shared-pasid`).
    package var proposal = "shared-pasid"
    /// The reference shown beside the two (`per-domain`).
    package var reference = "per-domain"
    /// Schemes that are controls, not candidates (`shared-all`).
    package var unsafeSchemes: Set<String> = ["shared-all"]
    /// The table whose figures are "today's tag matching" when present.
    package var todayTable = "kernel-list"
    /// The table with the DID tag rule, when present.
    package var ruleTable = "kernel-list+did-match"
    /// The widest line printed.
    package var width = 120

    package init() {}

    /// One figure of the headline: a label, the metric, whether it comes from the rule table, and
    /// how its values print.
    struct Figure {
        enum Style { case count, decimal, percent }
        let label: String
        let metric: String
        let fromRuleTable: Bool
        let style: Style
    }

    static let figures: [Figure] = [
        Figure(label: "DIDs in use (peak)", metric: Metric.didsInUse.name, fromRuleTable: false, style: .count),
        Figure(label: "attach failures", metric: Metric.attachFailures.name, fromRuleTable: false, style: .count),
        Figure(label: "descriptors/unmap", metric: Metric.descriptorsPerUnmap.name, fromRuleTable: false, style: .decimal),
        Figure(label: "  with the DID tag rule", metric: Metric.descriptorsPerUnmap.name, fromRuleTable: true, style: .decimal),
        Figure(label: "CPU µs/unmap", metric: Metric.modelCPUMicrosPerUnmap.name, fromRuleTable: false, style: .decimal),
        Figure(label: "  with the DID tag rule", metric: Metric.modelCPUMicrosPerUnmap.name, fromRuleTable: true, style: .decimal),
        Figure(label: "IOTLB hit rate", metric: Metric.iotlbHitRate.name, fromRuleTable: false, style: .percent),
        Figure(label: "IOTLB collateral evictions", metric: Metric.iotlbCollateralEvictions.name, fromRuleTable: false, style: .count),
    ]

    /// The causes the collateral reading names, with their metric.
    static let causes: [(label: String, metric: String)] = [
        ("tear-down", Metric.iotlbCollateralTeardown.name), ("shared DID", Metric.iotlbCollateralSharedDID.name),
        ("rounding", Metric.iotlbCollateralRangeRounding.name), ("DID-wide", Metric.iotlbCollateralDomainSelective.name),
    ]

    static let oracleMetrics = [Metric.oracleStale, .oracleCrossDomain, .oracleAliasedAttachments].map(\.name)

    /// The headline of `comparison` as text lines no wider than `width`; empty when the report
    /// lacks the proposal or the baseline.
    package func render(_ comparison: SchemeComparison) -> String {
        let today = comparison.baseline
        guard comparison.schemes.contains(proposal), today != proposal else { return "" }
        let reference = comparison.schemes.contains(self.reference) && self.reference != today ? self.reference : nil
        let tables = orderedUnique(comparison.lines.map(\.table))
        let primary = tables.contains(todayTable) ? todayTable : tables.first { $0 != ruleTable } ?? tables.first ?? todayTable
        let rule = tables.contains(ruleTable) && primary != ruleTable ? ruleTable : nil

        var output: [String] = []
        let seeded = comparison.lines.contains { !$0.seeds.isEmpty }
        output.append(
            clip(
                "HEADLINE: \(proposal) (the proposal) vs \(today)\(today == "kernel" ? " (Linux today)" : "")"
                    + (reference.map { ", \($0) for reference" } ?? "") + (seeded ? "; ratio [95% interval over seeds]" : "")))
        output.append(
            clip(
                "  figures from \(primary)\(primary == todayTable ? " (today's tag matching)" : "")"
                    + (rule.map { "; \"with the DID tag rule\" rows from \($0)" } ?? "")))
        // Groups: (workload, point), in report order.
        var groups: [String] = []
        var byGroup: [String: [SchemeComparison.Line]] = [:]
        for line in comparison.lines {
            let key = "\(line.workload) · \(line.parameters.joinedDescription)"
            if byGroup[key] == nil { groups.append(key) }
            byGroup[key, default: []].append(line)
        }
        let varying = SchemeComparison.varyingParameters(comparison.lines)
        for key in groups {
            let lines = byGroup[key]!
            let first = lines[0]
            let shown = first.parameters.filter { varying[first.workload]?.contains($0.name) == true }
            output.append("")
            output.append(clip("\(first.workload)" + (shown.isEmpty ? "" : " · " + shown.joinedDescription)))
            output += group(lines, comparison: comparison, today: today, reference: reference, primary: primary, rule: rule)
        }
        return output.joined(separator: "\n") + "\n"
    }

    /// One workload point's rows, its summary and its control line.
    private func group(
        _ lines: [SchemeComparison.Line], comparison: SchemeComparison, today: String, reference: String?, primary: String,
        rule: String?
    ) -> [String] {
        func line(_ metric: String, _ table: String) -> SchemeComparison.Line? {
            lines.first { $0.metric == metric && $0.table == table }
        }
        let header = ["figure", today, proposal, "ratio", reference ?? "", "reading"]
        var rows: [[String]] = []
        var identical = 0
        var shownFigures = 0
        for figure in Self.figures {
            guard let table = figure.fromRuleTable ? rule : primary, let found = line(figure.metric, table),
                found.values[today] != nil, found.values[proposal] != nil
            else { continue }
            shownFigures += 1
            let ratio = comparison.ratio(found, proposal)
            let paired = comparison.pairedRatio(found, proposal)
            var reading = Self.reading(
                value: found.values[proposal]!.value, base: found.values[today]!.value, paired: paired, style: figure.style)
            if reading == "identical", found.values[proposal]!.value == 0 { reading = "none" }
            if reading == "identical" || reading == "none" { identical += 1 }
            if figure.fromRuleTable, reading != "identical", reading != "none", !reading.hasSuffix("(n.s.)"),
                let todayLine = line(figure.metric, primary), comparison.ratio(todayLine, proposal).map({ abs($0 - 1) < 5e-4 }) == true
            {
                reading = "\(reading), only with the DID tag rule (0% with today's tags)"
            }
            // Per unmap and the attach count disagree: a scheme that refuses fewer attaches does more
            // work, so say what one successful attach costs.
            if figure.metric == Metric.descriptorsPerUnmap.name, !figure.fromRuleTable, reading != "identical",
                let failures = line(Metric.attachFailures.name, table), let refused = failures.values[today]?.value,
                let ours = failures.values[proposal]?.value, refused != ours,
                let perAttach = line(Metric.descriptorsPerAttach.name, table), let attachRatio = comparison.ratio(perAttach, proposal)
            {
                reading += String(
                    format: ", with %@ %@ attaches refused: per attach %.3f×", Self.format(abs(refused - ours), .count),
                    ours < refused ? "fewer" : "more", attachRatio)
            }
            if figure.metric == Metric.iotlbCollateralEvictions.name {
                let causes = Self.causes.compactMap { cause -> String? in
                    guard let value = line(cause.metric, primary)?.values[proposal]?.value, value > 0 else { return nil }
                    return "\(cause.label) \(Self.format(value, .count))"
                }
                if !causes.isEmpty, reading != "identical" { reading += " (\(proposal): " + causes.joined(separator: ", ") + ")" }
            }
            if figure.metric == Metric.attachFailures.name, let failed = found.values[today]?.value,
                let ours = found.values[proposal]?.value, failed != ours
            {
                reading = ours < failed
                    ? "\(Self.format(failed - ours, .count)) fewer attaches refused"
                    : "\(Self.format(ours - failed, .count)) more attaches refused"
            }
            rows.append([
                figure.label, Self.format(found.values[today]!.value, figure.style),
                Self.format(found.values[proposal]!.value, figure.style),
                paired.map { String(format: "%.3f× [%.3f–%.3f]", $0.mean, $0.low, $0.high) }
                    ?? ratio.map { String(format: "%.3f×", $0) } ?? "-",
                reference.flatMap { found.values[$0]?.value }.map { Self.format($0, figure.style) } ?? "",
                reading,
            ])
        }
        // The oracle: the safe schemes must show 0.
        let violations = { (scheme: String) -> Double? in
            let values = Self.oracleMetrics.compactMap { line($0, primary)?.values[scheme]?.value }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        var oracleClean = true
        if let ours = violations(proposal), let theirs = violations(today) {
            oracleClean = ours == 0 && theirs == 0
            rows.append([
                "oracle violations", Self.format(theirs, .count), Self.format(ours, .count), "", reference.flatMap(violations).map { Self.format($0, .count) } ?? "",
                ours == 0 && theirs == 0 ? "none: both safe here" : "VIOLATIONS: a safe scheme failed the oracle",
            ])
        }
        var output: [String]
        if shownFigures > 0, identical == shownFigures, oracleClean {
            // Nothing differs: one line says so instead of a table of equal numbers.
            output = [clip("  identical on every figure (\(shownFigures) figures): nothing here is newly shared")]
        } else {
            output = table(header, rows)
        }
        for control in comparison.schemes where unsafeSchemes.contains(control) {
            guard let count = violations(control) else { continue }
            output.append(
                clip(
                    "  \(control) (UNSAFE control, not a candidate): \(Self.format(count, .count)) oracle violations"
                        + (count > 0 ? ", caught" : " (nothing aliases in this workload)")))
        }
        return output
    }

    /// What a ratio says, from the numbers: identical, or the change in percent, marked n.s. when
    /// the seed interval spans 1.
    static func reading(value: Double, base: Double, paired: SeedStatistics?, style: Figure.Style = .decimal) -> String {
        if value == base { return "identical" }
        guard base != 0 else { return "\(format(value, style)) where today has 0" }
        let change = (value / base - 1) * 100
        if abs(change) < 0.05 { return "identical" }
        let text = String(format: "%@%.1f%%", change < 0 ? "−" : "+", abs(change))
        if let paired, paired.low <= 1, paired.high >= 1 { return text + " (n.s.)" }
        return text
    }

    static func format(_ value: Double, _ style: Figure.Style) -> String {
        switch style {
        case .percent: return String(format: "%.1f%%", value * 100)
        case .count where value == value.rounded() && abs(value) < 1e15: return grouped(Int64(value))
        case .count where abs(value) < 1000: return String(format: "%.1f", value)
        case .count, .decimal:
            if abs(value) >= 1000 { return grouped(Int64(value.rounded())) }
            return String(format: abs(value) >= 100 ? "%.1f" : "%.3f", value)
        }
    }

    /// `49048` as `49,048`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A table whose last column wraps to `width` (the fixed columns, about 90 characters, are
    /// never cut: narrower widths than that overflow rather than lose a figure).
    private func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let fixed = header.count - 1
        var widths = header.map(\.count)
        for row in rows { for column in 0..<fixed { widths[column] = max(widths[column], row[column].count) } }
        let indent = 2 + widths.prefix(fixed).reduce(0, +) + 2 * fixed
        let readingWidth = max(20, width - indent)
        func line(_ cells: [String], reading: String) -> String {
            let padded = cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }
            return "  " + padded.joined(separator: "  ") + "  " + reading
        }
        var output = [line(Array(header.prefix(fixed)), reading: header[fixed])]
        for row in rows {
            let wrapped = Self.wrap(row[fixed], width: readingWidth)
            output.append(line(Array(row.prefix(fixed)), reading: wrapped.first ?? ""))
            for more in wrapped.dropFirst() { output.append(String(repeating: " ", count: indent) + more) }
        }
        return output
    }

    /// Words of `text` in lines of at most `width` characters.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private func clip(_ text: String) -> String { text.count <= width ? text : String(text.prefix(width - 1)) + "…" }

    private func orderedUnique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
