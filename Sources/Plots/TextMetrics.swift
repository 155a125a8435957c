/// Estimated width of text in the chart font, for layout without a font engine.
///
/// Labels must never overlap or be clipped, but there is no font renderer at hand; per-character
/// advance widths close to DejaVu Sans (the widest of the fonts named in the SVG, and the
/// default of `rsvg-convert` on Linux) give estimates that err on the generous side.
enum TextMetrics {
    /// The font stack written into every chart.
    static let fontFamily = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"

    /// Width in pixels of `text` at `fontSize`, bold text being about 10% wider.
    static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        var ems = 0.0
        for character in text {
            ems += advance(character)
        }
        return ems * fontSize * (bold ? 1.1 : 1.0)
    }

    /// Advance width of one character in ems.
    private static func advance(_ character: Character) -> Double {
        switch character {
        case "i", "j", "l", "'", "|", ".", ",", ":", ";", "!": return 0.30
        case " ", "f", "t", "r", "(", ")", "[", "]", "-", "/", "\\": return 0.40
        case "m", "w", "M", "W", "@", "%": return 0.95
        case "×", "µ", "–", "—", "≤", "≥", "=", "+", "<", ">", "~": return 0.84
        case "0"..."9": return 0.64
        case "A"..."Z": return 0.72
        default: return 0.62
        }
    }

    /// Splits `text` at spaces into lines no wider than `maxWidth` (a single long word stays
    /// whole on its own line; the caller checks and rotates if that is still too wide).
    static func wrap(_ text: String, fontSize: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if current.isEmpty || width(candidate, fontSize: fontSize) <= maxWidth {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
