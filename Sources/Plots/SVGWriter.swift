/// Builds SVG 1.1 text element by element, deterministically.
///
/// Attributes are ordered pairs (not a dictionary) and numbers go through
/// `ChartNumberFormat.coordinate`, so the same chart always yields the same bytes. The document
/// carries `xmlns`, `version`, `viewBox` and explicit `width`/`height`, which browsers,
/// `rsvg-convert` and XML parsers all need.
struct SVGWriter {
    private var lines: [String] = []
    private var depth = 1

    /// An attribute list entry with a text value.
    typealias Attribute = (name: String, value: String)

    /// Opens a container element (`g`, `clipPath`, …).
    mutating func open(_ tag: String, _ attributes: [Attribute] = []) {
        lines.append(indent + "<\(tag)\(Self.render(attributes))>")
        depth += 1
    }

    /// Closes the innermost container.
    mutating func close(_ tag: String) {
        depth -= 1
        lines.append(indent + "</\(tag)>")
    }

    /// An empty element (`rect`, `path`, `line`, …).
    mutating func element(_ tag: String, _ attributes: [Attribute]) {
        lines.append(indent + "<\(tag)\(Self.render(attributes))/>")
    }

    /// An element with escaped text content (`text`, `title`, `desc`).
    mutating func text(_ tag: String, _ content: String, _ attributes: [Attribute] = []) {
        lines.append(indent + "<\(tag)\(Self.render(attributes))>\(XMLEscaping.escape(content))</\(tag)>")
    }

    /// A `<text>` at (`x`, `y`) with the usual attributes; `rotate` turns it about its anchor.
    mutating func label(
        _ content: String, x: Double, y: Double, size: Double, anchor: String = "start",
        weight: String? = nil, fill: String = "#222222", rotate: Double? = nil, className: String? = nil
    ) {
        var attributes: [Attribute] = [("x", Self.number(x)), ("y", Self.number(y))]
        if let className { attributes.append(("class", className)) }
        attributes.append(("font-size", Self.number(size)))
        if anchor != "start" { attributes.append(("text-anchor", anchor)) }
        if let weight { attributes.append(("font-weight", weight)) }
        attributes.append(("fill", fill))
        if let rotate {
            attributes.append(("transform", "rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))"))
        }
        text("text", content, attributes)
    }

    /// The finished document.
    func document(width: Double, height: Double, title: String, description: String) -> String {
        let w = Self.number(width.rounded(.up)), h = Self.number(height.rounded(.up))
        var result = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        result += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\""
        result += " font-family=\"\(XMLEscaping.escape(TextMetrics.fontFamily))\">\n"
        result += "  <title>\(XMLEscaping.escape(title))</title>\n"
        result += "  <desc>\(XMLEscaping.escape(description))</desc>\n"
        result += "  <rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        result += lines.joined(separator: "\n")
        result += lines.isEmpty ? "</svg>\n" : "\n</svg>\n"
        return result
    }

    /// A number as written into attributes.
    static func number(_ value: Double) -> String { ChartNumberFormat.coordinate(value) }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func render(_ attributes: [Attribute]) -> String {
        attributes.map { " \($0.name)=\"\(XMLEscaping.escape($0.value))\"" }.joined()
    }
}
