extension Metric {
    /// README's metric table, made from the catalog (a test holds README to it): one row per
    /// metric with its unit, kind, which way is better and its meaning.
    package static var markdownTable: String {
        var lines = ["| metric | unit | kind | better | meaning |", "|---|---|---|---|---|"]
        for metric in all {
            let better: String
            switch metric.better {
            case .lowerIsBetter: better = "lower"
            case .higherIsBetter: better = "higher"
            case .neither: better = "—"
            }
            let meaning = metric.meaning.replacingOccurrences("|", with: "\\|")
            lines.append("| `\(metric.name)` | \(metric.unit.display) | \(metric.kind) | \(better) | \(meaning) |")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `self` with every `target` replaced (no Foundation in this module).
    fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
