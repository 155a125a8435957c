import Foundation

/// A numeric axis (the y axis of every chart): domain, scale and labelled ticks.
///
/// Linear axes get "nice" steps (1, 2, 2.5 or 5 × 10ⁿ) so tick labels are round numbers; data
/// spanning more than two decades gets a logarithmic axis with a tick per decade, otherwise the
/// small values would sit flat on the axis. The choice is made per axis from the data.
struct ValueAxis: Hashable, Sendable {
    /// Linear or base-10 logarithmic.
    enum Scale: Hashable, Sendable {
        case linear, logarithmic
    }

    /// A labelled tick.
    struct Tick: Hashable, Sendable {
        /// Position in data units.
        var value: Double
        /// Text printed next to it.
        var label: String
    }

    /// The scale in use.
    var scale: Scale
    /// Lowest value of the axis (data units).
    var lower: Double
    /// Highest value of the axis (data units).
    var upper: Double
    /// Labelled ticks, ascending.
    var ticks: [Tick]
    /// Unlabelled ticks between decades of a log axis (2×, 3×, … 9×), drawn as faint grid lines.
    var minorTicks: [Double]

    /// True for a log axis.
    var isLogarithmic: Bool { scale == .logarithmic }

    /// Whether `values` call for a log axis: all positive and spanning more than two decades.
    static func wantsLogarithmic(_ values: [Double]) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return false }
        return high / low > 100
    }

    /// An axis covering `values`. Linear axes start at zero when `includeZero` (bars, counts);
    /// `allowLogarithmic` lets wide positive data switch to a log scale; `targetTicks` is the
    /// desired number of labelled ticks (the caller derives it from the axis length).
    static func covering(
        _ values: [Double], includeZero: Bool = true, allowLogarithmic: Bool = true, targetTicks: Int = 6
    ) -> ValueAxis {
        let finite = values.filter(\.isFinite)
        if allowLogarithmic, wantsLogarithmic(finite) {
            return logarithmic(low: finite.min()!, high: finite.max()!)
        }
        return linear(low: finite.min() ?? 0, high: finite.max() ?? 1, includeZero: includeZero, targetTicks: targetTicks)
    }

    /// Position of `value` within the axis as a fraction 0 … 1 (bottom … top), nil when the
    /// value cannot be shown (zero or negative on a log axis).
    func fraction(_ value: Double) -> Double? {
        switch scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// A linear axis with nice ticks.
    static func linear(low: Double, high: Double, includeZero: Bool, targetTicks: Int) -> ValueAxis {
        var low = includeZero ? min(0, low) : low
        var high = includeZero ? max(0, high) : high
        if high - low <= 0 {
            if high == 0 {
                high = 1
            } else {
                let pad = abs(high) * 0.1
                if !(includeZero && low == 0) { low -= pad }
                high += pad
            }
        }
        let step = niceStep((high - low) / Double(max(1, targetTicks - 1)))
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        let lower = first * step
        let upper = last * step
        let tickValues = stride(from: first, through: last, by: 1).map { $0 * step }
        let labels = linearLabels(tickValues, step: step)
        return ValueAxis(
            scale: .linear, lower: lower, upper: upper,
            ticks: zip(tickValues, labels).map { Tick(value: $0, label: $1) }, minorTicks: [])
    }

    /// A log axis from the 1-2-5 step at or below `low` to the one at or above `high`, labelled
    /// at the decades in between (at most about seven labels), with faint lines at 2×…9×.
    static func logarithmic(low: Double, high: Double) -> ValueAxis {
        let lower = roundedOneTwoFive(low, up: false)
        let upper = roundedOneTwoFive(high, up: true)
        var firstDecade = Int(log10(lower).rounded(.up))
        if pow(10, Double(firstDecade - 1)) >= lower { firstDecade -= 1 }  // log10 rounding
        var lastDecade = Int(log10(upper).rounded(.down))
        if pow(10, Double(lastDecade + 1)) <= upper { lastDecade += 1 }
        let decades = max(0, lastDecade - firstDecade)
        let every = max(1, Int((Double(decades + 1) / 7).rounded(.up)))
        var ticks: [Tick] = []
        if firstDecade <= lastDecade {
            for exponent in firstDecade...lastDecade where (exponent - firstDecade) % every == 0 {
                ticks.append(Tick(value: pow(10, Double(exponent)), label: decadeLabel(exponent)))
            }
        }
        var minor: [Double] = []
        if log10(upper / lower) <= 4.5 {
            for exponent in (firstDecade - 1)...lastDecade {
                for multiple in 2...9 {
                    let value = Double(multiple) * pow(10, Double(exponent))
                    if value > lower, value < upper { minor.append(value) }
                }
            }
        }
        return ValueAxis(scale: .logarithmic, lower: lower, upper: upper, ticks: ticks, minorTicks: minor)
    }

    /// The nearest 1, 2 or 5 × 10ⁿ strictly below (or at or above, when `up`) a positive `value`.
    static func roundedOneTwoFive(_ value: Double, up: Bool) -> Double {
        let decade = pow(10, log10(value).rounded(.down))
        let candidates = [0.5, 1, 2, 5, 10, 20].map { $0 * decade }
        if up {
            return candidates.first { $0 >= value * (1 - 1e-12) } ?? 10 * decade
        }
        // Strictly below, so the smallest points do not sit on the axis line.
        return candidates.last { $0 < value * (1 - 1e-12) } ?? decade / 2
    }

    /// 1, 2, 2.5 or 5 × 10ⁿ, the smallest such step ≥ `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        for multiple in [1.0, 2.0, 2.5, 5.0, 10.0] where multiple * magnitude >= raw * (1 - 1e-9) {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// Labels of evenly spaced ticks: all with the same number of decimals, and a k/M/G suffix
    /// when the largest reaches ten thousand (so `20k` rather than `20000`).
    static func linearLabels(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        var divisor = 1.0
        var suffix = ""
        for (threshold, name) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where largest >= threshold * 10 {
            divisor = threshold
            suffix = name
            break
        }
        let scaledStep = step / divisor
        var decimals = max(0, -Int(log10(scaledStep).rounded(.down)))
        if (scaledStep * pow(10, Double(decimals))).truncatingRemainder(dividingBy: 1).magnitude > 1e-6 { decimals += 1 }
        return values.map { value in
            let text = ChartNumberFormat.fixed(value / divisor, decimals: decimals)
            return (text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text) + (value == 0 ? "" : suffix)
        }
    }

    /// `1`, `10`, `100`, `1k`, … `0.1`, `0.01`; exponent form beyond those.
    static func decadeLabel(_ exponent: Int) -> String {
        switch exponent {
        case 0...2: return "1" + String(repeating: "0", count: exponent)
        case 3...5: return "1" + String(repeating: "0", count: exponent - 3) + "k"
        case 6...8: return "1" + String(repeating: "0", count: exponent - 6) + "M"
        case 9...11: return "1" + String(repeating: "0", count: exponent - 9) + "G"
        case -4 ... -1: return "0." + String(repeating: "0", count: -exponent - 1) + "1"
        default: return "1e\(exponent)"
        }
    }
}
