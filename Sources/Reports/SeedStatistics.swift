/// Mean, spread and 95% confidence interval of one modeled metric over independent seeds.
///
/// Modeled figures are deterministic for a seed; what varies is the workload the seed draws. The
/// interval is the t-distribution's (`mean ± t(0.975, n−1) · s / √n`), the honest one for the
/// handful of seeds a run affords. Ratios between schemes are paired by seed (the same events
/// under both), which removes the workload's own variance from the ratio's interval.
package struct SeedStatistics: Hashable, Sendable {
    package let count: Int
    package let mean: Double
    /// Sample standard deviation (n − 1); 0 for one seed.
    package let standardDeviation: Double
    package let low: Double
    package let high: Double

    /// Statistics of `values` (one per seed); nil when empty.
    package init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let count = values.count
        let mean = values.reduce(0, +) / Double(count)
        let variance =
            count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1) : 0
        let deviation = variance.squareRoot()
        let half = count > 1 ? Self.tQuantile975(degreesOfFreedom: count - 1) * deviation / Double(count).squareRoot() : 0
        self.count = count
        self.mean = mean
        standardDeviation = deviation
        low = mean - half
        high = mean + half
    }

    /// The 97.5% quantile of Student's t with `degreesOfFreedom` (tabulated to 30, then the
    /// normal's 1.96 approached as 1.96 + 2.4/df).
    package static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        guard df >= 1 else { return .infinity }
        return df <= table.count ? table[df - 1] : 1.96 + 2.4 / Double(df)
    }

    /// The statistics of the per-seed ratios `values[k] / baseline[k]` over the seeds both have
    /// (skipping a zero baseline); nil when no pair is defined.
    package static func pairedRatio(_ values: [UInt64: Double], to baseline: [UInt64: Double]) -> SeedStatistics? {
        let ratios = values.keys.sorted().compactMap { seed -> Double? in
            guard let value = values[seed], let base = baseline[seed], base != 0 else { return nil }
            return value / base
        }
        return SeedStatistics(ratios)
    }
}

extension ReportStat {
    /// Over seeds: the sample standard deviation, and the 95% interval's ends.
    package static let stddev = "stddev"
    package static let ci95Low = "ci95_low"
    package static let ci95High = "ci95_high"
    /// One seed's own value: `seed=7`.
    package static func seed(_ seed: UInt64) -> String { "seed=\(seed)" }
    /// The seed a `seed=N` stat names, if it is one.
    package static func seed(of stat: String) -> UInt64? {
        guard stat.hasPrefix("seed=") else { return nil }
        return UInt64(stat.dropFirst(5))
    }
}
