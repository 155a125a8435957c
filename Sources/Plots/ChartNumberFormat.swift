import Foundation
import Reports

/// Locale-free number spelling for charts and tables.
///
/// Output must be byte-identical for the same input on every machine, so nothing here goes
/// through `String(format:)` or a locale: values are rounded to integers and the decimal point is
/// placed by hand.
enum ChartNumberFormat {
    /// `value` with exactly `decimals` digits after the point (`fixed(2.5, 2)` → `2.50`).
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return ReportNumber.format(value) }
        let decimals = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return ReportNumber.format(value) }
        let digits = String(Int64(scaled))
        let negative = value < 0 && scaled != 0
        var text: String
        if decimals == 0 {
            text = digits
        } else {
            let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
            let split = padded.index(padded.endIndex, offsetBy: -decimals)
            text = padded[..<split] + "." + padded[split...]
        }
        return negative ? "-" + text : text
    }

    /// `fixed` with trailing zeros (and a bare point) removed.
    static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = fixed(value, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// An SVG coordinate: at most two decimals, no trailing zeros.
    static func coordinate(_ value: Double) -> String {
        trimmed(value, decimals: 2)
    }

    /// `value` with about `digits` significant digits, for tables (`1234.5678` → `1234.57`).
    static func significant(_ value: Double, digits: Int = 6) -> String {
        guard value.isFinite, value != 0 else { return ReportNumber.format(value) }
        let magnitude = Int(log10(abs(value)).rounded(.down))
        if magnitude >= 15 || magnitude < -9 { return ReportNumber.format(value) }
        return trimmed(value, decimals: max(0, digits - 1 - magnitude))
    }

    /// A compact value for tick labels and bar labels: `950`, `1.5k`, `12M`.
    static func compact(_ value: Double, decimals: Int = 1) -> String {
        let magnitude = abs(value)
        for (threshold, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= threshold * 10 || (magnitude >= threshold && suffix != "k") {
            return trimmed(value / threshold, decimals: decimals) + suffix
        }
        return significant(value, digits: 3)
    }

    /// A ratio printed on a bar: `1.00×`, `12.5×`, `250×`.
    static func ratio(_ value: Double) -> String {
        let magnitude = abs(value)
        let text: String
        if magnitude >= 1000 {
            text = compact(value)
        } else if magnitude >= 100 {
            text = fixed(value, decimals: 0)
        } else if magnitude >= 10 {
            text = fixed(value, decimals: 1)
        } else {
            text = fixed(value, decimals: 2)
        }
        return text + "×"
    }
}
