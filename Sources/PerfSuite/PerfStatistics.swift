/// Order statistics of a small sample.
package enum PerfStatistics {
    package static func median(_ values: [Double]) -> Double { percentile(values, 50) }

    /// Nearest-rank percentile (0 … 100) of `values` (non-empty).
    package static func percentile(_ values: [Double], _ percent: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    package static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
}
