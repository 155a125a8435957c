extension Metric {
    /// README's metric table, made from the catalog (a test holds README to it): one row per
    /// metric with its unit, kind, which way is better and its meaning.
    package static var markdownTable: String {
        var lines = ["| metric | unit | kind | better | meaning |", "|---|---|---|---|---|"]
        for metric in all {
            let better = metric.better == .neither ? "—" : metric.better.rawValue
            let meaning = metric.meaning.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
            lines.append("| `\(metric.name)` | \(metric.unit.display) | \(metric.kind) | \(better) | \(meaning) |")
        }
        return lines.joined(separator: "\n")
    }
}

