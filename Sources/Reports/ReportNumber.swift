/// How report values are spelled in CSV cells: exact, short and without needless exponents.
///
/// Integers print without `.0` (`12`, not `12.0`) because most modeled metrics are counts;
/// other values use the shortest digits that read back to the same `Double`, written
/// positionally for ordinary magnitudes (`0.00001`, not `1e-05`) so spreadsheets and people
/// read them at a glance. Reading accepts anything `Double(_:)` parses, and nothing else.
package enum ReportNumber {
    /// The CSV spelling of `value`; `Double(format(v)) == v` for every finite `v`.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return positional(value.description)
    }

    /// Parses a CSV cell: nil unless the whole cell is a number (no blanks, no units). A NUL is
    /// refused first: `Double(_:)` reads its text as a C string and stops there, so `3\0junk`
    /// would read as 3 and the rest of the cell would vanish unseen.
    package static func parse(_ text: String) -> Double? {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            !first.properties.isWhitespace, !last.properties.isWhitespace, !text.utf8.contains(0)
        else { return nil }
        return Double(text)
    }

    /// Rewrites Swift's `1.5e-05` / `1e+16` as positional digits when the exponent is moderate
    /// (-9 … 20); the digits themselves are untouched, so the value still round-trips.
    static func positional(_ text: String) -> String {
        guard let eIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }),
            let exponent = Int(text[text.index(after: eIndex)...]), (-9...20).contains(exponent)
        else { return text }
        var mantissa = String(text[..<eIndex])
        var sign = ""
        if mantissa.hasPrefix("-") {
            sign = "-"
            mantissa.removeFirst()
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = String(parts[0])
        let fractionDigits = parts.count > 1 ? String(parts[1]) : ""
        let digits = integerDigits + fractionDigits
        let pointPosition = integerDigits.count + exponent
        var result: String
        if pointPosition <= 0 {
            result = "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            result = digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            result = digits[..<split] + "." + digits[split...]
        }
        // Trim a trailing ".0…" and leading zeros of the integer part ("01.5" cannot occur,
        // but "0" must stay).
        if result.contains(".") {
            while result.hasSuffix("0") { result.removeLast() }
            if result.hasSuffix(".") { result.removeLast() }
        }
        while result.count > 1, result.hasPrefix("0"), !result.hasPrefix("0.") { result.removeFirst() }
        return sign + result
    }
}
