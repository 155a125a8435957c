import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses an SVG with Foundation's XML parser and records what the tests check.
final class SVGInspector: NSObject, XMLParserDelegate {
    private(set) var rootName: String?
    private(set) var rootAttributes: [String: String] = [:]
    /// Class attribute of every element, in document order.
    private(set) var classes: [String] = []
    /// Text of every element with the given class, keyed by class.
    private(set) var texts: [String: [String]] = [:]
    /// Every element with its name and attributes, in document order.
    private(set) var elements: [(name: String, attributes: [String: String])] = []

    /// Elements whose class list contains `name`.
    func elements(ofClass name: String) -> [[String: String]] {
        elements.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(name)) }.map(\.attributes)
    }
    private var currentClass: [String?] = []
    private var buffer = ""

    /// Parses `text`; nil when it is not well-formed XML.
    static func inspect(_ text: String) -> SVGInspector? {
        let inspector = SVGInspector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = inspector
        return parser.parse() ? inspector : nil
    }

    /// Number of elements whose class list contains `name`.
    func count(ofClass name: String) -> Int {
        classes.filter { $0.split(separator: " ").contains(Substring(name)) }.count
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if rootName == nil {
            rootName = elementName
            rootAttributes = attributes
        }
        let className = attributes["class"]
        if let className { classes.append(className) }
        elements.append((elementName, attributes))
        currentClass.append(className)
        buffer = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        buffer += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if let className = currentClass.popLast() ?? nil {
            texts[className, default: []].append(buffer)
        }
        buffer = ""
    }
}
