import Foundation

/// The colour and marker of one scheme, the same in every chart of a report.
///
/// Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), which stays
/// distinguishable under the common colour-vision deficiencies; each scheme also gets its own
/// marker shape so charts survive greyscale printing.
struct SeriesStyle: Hashable, Sendable {
    /// Fill/stroke colour, `#rrggbb`.
    var color: String
    /// Marker drawn at data points.
    var marker: Marker
    /// A negative control (`shared-all`): drawn grey and dotted, labelled as unsafe, so it never
    /// reads as the best scheme.
    var isUnsafeControl = false

    /// Grey, a cross, dotted: the look of an unsafe control in every chart.
    static let unsafeControl = SeriesStyle(color: "#8C8C8C", marker: .cross, isUnsafeControl: true)

    /// Dash pattern of lines and outlines: dotted for the unsafe control.
    var dashArray: String? { isUnsafeControl ? "2 3" : nil }

    /// The legend text for `scheme`.
    func legendName(_ scheme: String) -> String { isUnsafeControl ? "\(scheme) (unsafe control)" : scheme }

    /// Marker shapes, in assignment order.
    enum Marker: CaseIterable, Hashable, Sendable {
        case circle, square, triangleUp, diamond, triangleDown, cross, plus, star
    }

    /// Okabe–Ito without black-first and with yellow last (it is faint on white).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// The style of the `index`-th scheme; cycles (with the marker changing) past eight.
    static func forIndex(_ index: Int) -> SeriesStyle {
        let markers = Marker.allCases
        return SeriesStyle(
            color: palette[index % palette.count],
            marker: markers[(index + index / palette.count) % markers.count])
    }

    /// SVG path data of the marker centred at (`x`, `y`) with radius about `r`.
    func markerPath(x: Double, y: Double, r: Double) -> String {
        func c(_ value: Double) -> String { ChartNumberFormat.coordinate(value) }
        func poly(_ points: [(Double, Double)]) -> String {
            "M" + points.map { "\(c(x + $0.0)),\(c(y + $0.1))" }.joined(separator: " L") + " Z"
        }
        switch marker {
        case .circle:
            return "M\(c(x - r)),\(c(y)) A\(c(r)),\(c(r)) 0 1,0 \(c(x + r)),\(c(y)) A\(c(r)),\(c(r)) 0 1,0 \(c(x - r)),\(c(y)) Z"
        case .square:
            let s = r * 0.88
            return poly([(-s, -s), (s, -s), (s, s), (-s, s)])
        case .triangleUp:
            return poly([(0, -r * 1.15), (r * 1.05, r * 0.8), (-r * 1.05, r * 0.8)])
        case .triangleDown:
            return poly([(0, r * 1.15), (r * 1.05, -r * 0.8), (-r * 1.05, -r * 0.8)])
        case .diamond:
            return poly([(0, -r * 1.2), (r * 1.05, 0), (0, r * 1.2), (-r * 1.05, 0)])
        case .cross:
            let a = r * 0.35, b = r
            return poly([(-b, -b + a), (-b + a, -b), (0, -a), (b - a, -b), (b, -b + a), (a, 0),
                         (b, b - a), (b - a, b), (0, a), (-b + a, b), (-b, b - a), (-a, 0)])
        case .plus:
            let a = r * 0.35, b = r * 1.1
            return poly([(-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a), (a, b), (-a, b), (-a, a), (-b, a), (-b, -a), (-a, -a)])
        case .star:
            var points: [(Double, Double)] = []
            for k in 0..<10 {
                let angle = Double.pi / 5 * Double(k) - Double.pi / 2
                let radius = k % 2 == 0 ? r * 1.2 : r * 0.5
                points.append((radius * cos(angle), radius * sin(angle)))
            }
            return poly(points)
        }
    }
}
