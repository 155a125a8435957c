/// Escaping of text placed in SVG and HTML, which are both XML-ish.
///
/// Report fields are free text (a scheme can be called `a<b`), so every string that reaches a
/// chart goes through here; characters XML 1.0 forbids are replaced, and line breaks become
/// spaces because SVG `<text>` does not wrap.
enum XMLEscaping {
    /// `text` safe inside element content and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\n", "\r", "\t": result += " "
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && value != 0x7F && !(0xFFFE...0xFFFF).contains(value)
                result.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return result
    }
}
