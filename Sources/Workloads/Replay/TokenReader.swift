import VTd

/// Reads the space-separated fields of one event, naming the field on every error, so that a
/// malformed line reports `FILE:LINE: field 'F'` (`TraceLexer`) rather than a bare failure.
struct TokenReader {
    let parser: TraceLineParser
    var position: Int

    mutating func next(_ field: String) throws(TraceFieldError) -> Range<Int> {
        guard let token = parser.token(from: position) else { throw TraceFieldError(field: field, reason: "missing") }
        position = token.upperBound
        return token
    }

    mutating func keyword(_ word: StaticString) throws(TraceFieldError) {
        let field = word.description
        let token = try next(field)
        guard parser.equals(token, word) else {
            throw TraceFieldError(field: field, reason: "expected '\(field)', found '\(parser.text(token))'")
        }
    }

    /// Consumes the next token if it is `word` (an optional field's name); leaves it otherwise.
    mutating func skip(_ word: StaticString) -> Bool {
        guard let token = parser.token(from: position), parser.equals(token, word) else { return false }
        position = token.upperBound
        return true
    }

    /// A cache-tag type; `iotlb` and `devtlb`, by far the most common, are matched without making
    /// a string. `CacheTagType(traceName:)` accepts the `parent_*` spellings some kernels print.
    mutating func tagType() throws(TraceFieldError) -> CacheTagType {
        let token = try next("type")
        let type: CacheTagType? =
            if parser.equals(token, "iotlb") { .iotlb } else if parser.equals(token, "devtlb") { .devtlb } else {
                CacheTagType(traceName: parser.text(token))
            }
        guard let type else {
            throw TraceFieldError(
                field: "type",
                reason:
                    "'\(parser.text(token))' is not a cache-tag type (iotlb, devtlb, nesting_iotlb, nesting_devtlb, parent_*)"
            )
        }
        return type
    }

    mutating func decimal(_ field: String, maximum: Int) throws(TraceFieldError) -> Int {
        let token = try next(field)
        let isHex =
            token.count > 2 && parser.bytes[token.lowerBound] == UInt8(ascii: "0")
            && parser.bytes[token.lowerBound + 1] == UInt8(ascii: "x")
        let value = isHex ? parser.hexValue(token) : parser.decimalValue(token)
        guard let value, value <= UInt64(maximum) else {
            throw TraceFieldError(field: field, reason: "'\(parser.text(token))' is not a number in 0...\(maximum)")
        }
        return Int(value)
    }

    mutating func hex(_ field: String) throws(TraceFieldError) -> UInt64 {
        let token = try next(field)
        guard let value = parser.hexValue(token) else {
            throw TraceFieldError(field: field, reason: "'\(parser.text(token))' is not a hexadecimal number")
        }
        return value
    }

    func end() throws(TraceFieldError) {
        if let extra = parser.token(from: position) {
            throw TraceFieldError(
                field: "end",
                reason: "unexpected '\(parser.text(extra.lowerBound..<parser.bytes.count))' after the last field")
        }
    }
}
