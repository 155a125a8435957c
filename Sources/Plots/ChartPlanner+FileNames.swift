extension ChartPlanner {
    /// `name.svg` with characters outside `[A-Za-z0-9._=-]` replaced by `_`.
    static func fileName(_ base: String) -> String {
        let safe = String(base.unicodeScalars.map { scalar -> Character in
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._=-".unicodeScalars.contains(scalar))
            return ok ? Character(scalar) : "_"
        })
        return (safe.hasPrefix(".") ? "_" + safe : safe) + ".svg"
    }

    /// Appends `-2`, `-3`, … to repeated file names (distinct workloads can sanitize alike).
    static func uniquelyNamed(_ charts: [PlannedChart]) -> [PlannedChart] {
        var used: Set<String> = []
        return charts.map { chart in
            var copy = chart
            var counter = 2
            let stem = String(chart.fileName.dropLast(4))
            while !used.insert(copy.fileName).inserted {
                copy.fileName = "\(stem)-\(counter).svg"
                counter += 1
            }
            return copy
        }
    }
}
