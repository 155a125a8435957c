import Foundation

/// Sizes and helpers shared by the line and bar layouts, so both charts look like one family.
enum ChartLayout {
    /// Outer padding.
    static let padding = 16.0
    /// Title font size.
    static let titleSize = 16.0
    /// Subtitle font size.
    static let subtitleSize = 12.0
    /// Axis title font size.
    static let axisTitleSize = 12.0
    /// Tick label font size.
    static let tickSize = 11.0
    /// Legend font size.
    static let legendSize = 12.0
    /// Footnote font size.
    static let footnoteSize = 11.0
    /// Angle of rotated category labels, degrees (negative: rising to the right).
    static let rotation = -40.0
    /// Axis and text colours.
    static let axisColor = "#444444"
    static let gridColor = "#dddddd"
    static let minorGridColor = "#f0f0f0"
    static let mutedText = "#555555"

    /// Height of the title block (title plus subtitle lines).
    static func headerHeight(subtitleLines: Int) -> Double {
        padding + titleSize + 4 + Double(subtitleLines) * (subtitleSize + 4) + 8
    }

    /// Draws the title and subtitle lines; returns nothing (the caller sized the block).
    static func drawHeader(_ svg: inout SVGWriter, title: String, subtitle: [String]) {
        var y = padding + titleSize
        svg.label(title, x: padding, y: y, size: titleSize, weight: "bold", fill: "#111111", className: "title")
        for line in subtitle {
            y += subtitleSize + 4
            svg.label(line, x: padding, y: y, size: subtitleSize, fill: mutedText, className: "subtitle")
        }
    }

    /// Draws footnotes starting at baseline `y`.
    static func drawFootnotes(_ svg: inout SVGWriter, _ notes: [String], y: Double) {
        for (index, note) in notes.enumerated() {
            svg.label(note, x: padding, y: y + Double(index) * (footnoteSize + 4), size: footnoteSize,
                      fill: mutedText, className: "footnote")
        }
    }

    /// Height taken by the footnote lines.
    static func footnotesHeight(_ notes: [String]) -> Double {
        let count = notes.count
        return count == 0 ? 0 : Double(count) * (footnoteSize + 4) + 4
    }

    /// Width needed by the widest of `lines`.
    static func widest(_ lines: [String], size: Double, bold: Bool = false) -> Double {
        lines.map { TextMetrics.width($0, fontSize: size, bold: bold) }.max() ?? 0
    }

    /// Vertical extent of a label rotated by `rotation` degrees.
    static func rotatedHeight(width: Double, size: Double) -> Double {
        let angle = abs(rotation) * Double.pi / 180
        return width * sin(angle) + size * cos(angle)
    }

    /// Which of the labels at `positions` (ascending) to print so none overlap, keeping the
    /// first and the last. Returns the kept indices.
    static func thinned(positions: [Double], widths: [Double], gap: Double = 6) -> [Int] {
        guard !positions.isEmpty else { return [] }
        func clash(_ a: Int, _ b: Int) -> Bool {
            abs(positions[b] - positions[a]) < (widths[a] + widths[b]) / 2 + gap
        }
        var kept = [0]
        for index in 1..<positions.count where !clash(kept.last!, index) {
            kept.append(index)
        }
        let last = positions.count - 1
        if kept.last != last {
            while let previous = kept.last, previous != 0, clash(previous, last) { kept.removeLast() }
            if !clash(kept.last!, last) { kept.append(last) }
        }
        return kept
    }

    /// Whether labels centred at `positions` fit side by side without rotation.
    static func fitsHorizontally(positions: [Double], widths: [Double], gap: Double = 6) -> Bool {
        thinned(positions: positions, widths: widths, gap: gap).count == positions.count
    }

    /// Every `k`-th index (k ≥ 1) so that rotated labels `spacing` apart are at least
    /// `minimum` apart; always includes the first.
    static func everyNth(count: Int, spacing: Double, minimum: Double) -> [Int] {
        guard count > 0 else { return [] }
        let step = spacing >= minimum ? 1 : Int((minimum / max(spacing, 0.001)).rounded(.up))
        return Array(stride(from: 0, to: count, by: step))
    }

    /// Draws a value axis's grid lines and tick labels on the left of a plot area.
    static func drawValueAxis(
        _ svg: inout SVGWriter, axis: ValueAxis, left: Double, right: Double, top: Double, bottom: Double,
        labels: Bool
    ) {
        func y(_ value: Double) -> Double { bottom - (axis.fraction(value) ?? 0) * (bottom - top) }
        svg.open("g", [("class", "grid")])
        for value in axis.minorTicks where value > axis.lower && value < axis.upper {
            let position = SVGWriter.number(y(value))
            svg.element("line", [("x1", SVGWriter.number(left)), ("y1", position), ("x2", SVGWriter.number(right)),
                                 ("y2", position), ("stroke", minorGridColor), ("stroke-width", "1")])
        }
        for tick in axis.ticks {
            let position = SVGWriter.number(y(tick.value))
            svg.element("line", [("x1", SVGWriter.number(left)), ("y1", position), ("x2", SVGWriter.number(right)),
                                 ("y2", position), ("stroke", gridColor), ("stroke-width", "1")])
        }
        svg.close("g")
        guard labels else { return }
        svg.open("g", [("class", "y-ticks")])
        for tick in axis.ticks {
            svg.label(tick.label, x: left - 6, y: y(tick.value) + tickSize * 0.35, size: tickSize, anchor: "end",
                      fill: "#333333", className: "tick-label")
        }
        svg.close("g")
    }

    /// Draws the left and bottom axis lines of a plot area.
    static func drawFrame(_ svg: inout SVGWriter, left: Double, right: Double, top: Double, bottom: Double) {
        let l = SVGWriter.number(left), r = SVGWriter.number(right)
        let t = SVGWriter.number(top), b = SVGWriter.number(bottom)
        svg.element("path", [("class", "axis"), ("d", "M\(l),\(t) L\(l),\(b) L\(r),\(b)"), ("fill", "none"),
                             ("stroke", axisColor), ("stroke-width", "1")])
    }

    /// Width of the y tick labels of `axis`.
    static func tickLabelWidth(_ axis: ValueAxis) -> Double {
        widest(axis.ticks.map(\.label), size: tickSize)
    }
}
