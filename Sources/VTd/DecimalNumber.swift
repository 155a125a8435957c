/// Numbers as the command line, parameter values and cost/hardware files spell them: decimal
/// digits only, one canonical spelling per value.
///
/// Swift's `Double("0x10")` is 16 and `Double("nan")` is a number; a user who writes `0x10` for
/// a workload's `ats` or a cost key surely did not mean a hexadecimal float, and `01` and `1` must
/// name one point of a sweep, not two (issue 16). Every reader of such text goes through here.
package enum DecimalNumber {
    /// `[+-]digits`, as an `Int`; nil for anything else (hex, spaces, an empty string).
    package static func integer(_ text: Substring) -> Int? {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text.first == "+" ? digits : text)
    }

    /// `integer(_:)` of a whole string.
    package static func integer(_ text: String) -> Int? { integer(text[...]) }

    /// `[+-]` digits `[.[digits]]` `[e[+-]digits]` (or `.digits`; `1.` is 1, as in C), as a finite
    /// `Double`; nil for hex floats, `inf`, `nan`, spaces, non-ASCII digits and anything else.
    package static func real(_ text: String) -> Double? {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return nil }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard bytes.isEmpty, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The one spelling of an integer: `7` for `07` and `+7`.
    package static func canonical(_ value: Int) -> String { String(value) }

    /// The one spelling of a real: shortest round-trip digits, without `.0` for whole numbers
    /// (`0.5` for `0.50` and `.5`, `2` for `2.0` and `2e0`).
    package static func canonical(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 0x1p53 { return String(Int(value)) }
        return "\(value)"
    }
}
