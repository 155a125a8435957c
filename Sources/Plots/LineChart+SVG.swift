/// Layout and drawing of a sweep chart.
///
/// Everything that could collide is measured first (tick labels, legend, titles) and the canvas
/// is sized around it: the legend sits outside the plot so it never hides data, x labels are
/// thinned or rotated until they no longer overlap, and panels share one y axis so their lines
/// compare by eye.
extension LineChart {
    /// The chart as SVG.
    func svg() -> RenderedSVG {
        typealias L = ChartLayout
        let plotHeight = 300.0
        let panelWidth = panels.count <= 1 ? 560.0 : panels.count == 2 ? 400.0 : 320.0
        let panelGap = 28.0
        let inset = 14.0  // keeps the first and last markers off the frame

        // Y axis over every value drawn.
        var values: [Double] = []
        for panel in panels {
            for series in panel.series {
                for case let point? in series.points {
                    values.append(point.center)
                    if let low = point.low { values.append(low) }
                    if let high = point.high { values.append(high) }
                    if let tail = point.tail { values.append(tail) }
                }
            }
        }
        let yAxis = ValueAxis.covering(values, includeZero: true, targetTicks: 7)

        // X tick labels: straight if they fit, else rotated (categorical) or thinned (numeric).
        let xCount = xAxis.labels.count
        let innerWidth = panelWidth - 2 * inset
        let xPositions = (0..<xCount).map { inset + xAxis.fraction(ofIndex: $0) * innerWidth }
        let xWidths = xAxis.labels.map { TextMetrics.width($0, fontSize: L.tickSize) }
        var xKept = Array(0..<xCount)
        var rotateX = false
        if !L.fitsHorizontally(positions: xPositions, widths: xWidths) {
            if xAxis.kind == .categorical {
                rotateX = true
                let spacing = xCount > 1 ? xPositions[1] - xPositions[0] : panelWidth
                xKept = L.everyNth(count: xCount, spacing: spacing, minimum: L.tickSize * 1.6)
            } else {
                xKept = L.thinned(positions: xPositions, widths: xWidths)
            }
        }
        let keptWidest = L.widest(xKept.map { xAxis.labels[$0] }, size: L.tickSize)
        let xLabelBlock = rotateX ? L.rotatedHeight(width: keptWidest, size: L.tickSize) + 6 : L.tickSize + 6

        // Horizontal layout.
        let yTickWidth = L.tickLabelWidth(yAxis)
        let left = L.padding + L.axisTitleSize + 10 + yTickWidth + 8
        let panelsWidth = Double(panels.count) * panelWidth + Double(max(0, panels.count - 1)) * panelGap
        let legendX = left + panelsWidth + 28
        let legendLines = legendEntries()
        let legendWidth = 36 + L.widest(legendLines.map(\.text) + [legendTitle], size: L.legendSize)
        var width = legendX + legendWidth + L.padding
        let titleWidth = L.widest([title], size: L.titleSize, bold: true)
        let subtitleWidth = L.widest(subtitle, size: L.subtitleSize)
        let footWidth = L.widest(footnotes, size: L.footnoteSize)
        width = max(width, max(titleWidth, max(subtitleWidth, footWidth)) + 2 * L.padding)

        // Vertical layout.
        let hasPanelTitles = panels.contains { $0.title != nil }
        let top = L.headerHeight(subtitleLines: subtitle.count) + (hasPanelTitles ? L.subtitleSize + 12 : 12)
        let bottom = top + plotHeight
        // The ratio panel sits under the x tick labels, on its own axis around 1×.
        let stripHeight = 110.0
        let stripTop = bottom + 6 + xLabelBlock + 22
        let stripBottom = stripTop + stripHeight
        let ratioValues = (ratio?.lines ?? []).flatMap { $0.points.flatMap { $0.compactMap { $0 } } }
            .flatMap { [$0.center, $0.low, $0.high].compactMap { $0 } }
        let ratioAxis = ValueAxis.covering(ratioValues + [1], includeZero: false, allowLogarithmic: false, targetTicks: 4)
        let axisBottom = ratio == nil || ratioValues.isEmpty ? bottom : stripBottom
        let xTitleBaseline = (axisBottom == bottom ? bottom + 6 + xLabelBlock : stripBottom + 8) + L.axisTitleSize + 4
        let footnoteStart = xTitleBaseline + L.footnoteSize + 10
        let legendHeight = Double(legendLines.count + 1) * (L.legendSize + 8) + 8
        let height = max(footnoteStart + L.footnotesHeight(footnotes), top + legendHeight) + L.padding - 4

        var svg = SVGWriter()
        L.drawHeader(&svg, title: title, subtitle: subtitle)

        // Y-axis title, centred on the plot height.
        let yTitleX = L.padding + L.axisTitleSize
        svg.label(yTitle, x: yTitleX, y: (top + bottom) / 2, size: L.axisTitleSize, anchor: "middle",
                  fill: "#222222", rotate: -90, className: "axis-title")

        for (panelIndex, panel) in panels.enumerated() {
            let panelLeft = left + Double(panelIndex) * (panelWidth + panelGap)
            let panelRight = panelLeft + panelWidth
            func x(_ index: Int) -> Double { panelLeft + xPositions[index] }
            func y(_ value: Double) -> Double? {
                yAxis.fraction(value).map { bottom - $0 * plotHeight }
            }
            svg.open("g", [("class", "panel")])
            if let panelTitle = panel.title {
                svg.label(panelTitle, x: (panelLeft + panelRight) / 2, y: top - 10, size: L.subtitleSize,
                          anchor: "middle", weight: "bold", fill: "#333333", className: "panel-title")
            }
            L.drawValueAxis(&svg, axis: yAxis, left: panelLeft, right: panelRight, top: top, bottom: bottom,
                            labels: panelIndex == 0)
            // Lines hidden under others are named in the panel itself, whatever the legend says.
            let twins = panel.series.filter { $0.sameAs != nil }.map { "\($0.name) = \($0.sameAs!)" }
            if !twins.isEmpty {
                let lines = TextMetrics.wrap("overlapping: " + twins.joined(separator: ", "), fontSize: 10, maxWidth: panelWidth - 12)
                for (lineIndex, text) in lines.enumerated() {
                    svg.label(text, x: panelLeft + 6, y: top + 14 + Double(lineIndex) * 12, size: 10,
                              fill: ChartLayout.mutedText, className: "overlap-note")
                }
            }
            // Vertical grid at the swept values.
            svg.open("g", [("class", "x-grid")])
            for index in 0..<xCount {
                let position = SVGWriter.number(x(index))
                svg.element("line", [("x1", position), ("y1", SVGWriter.number(top)), ("x2", position),
                                     ("y2", SVGWriter.number(bottom)), ("stroke", L.minorGridColor), ("stroke-width", "1")])
            }
            svg.close("g")
            L.drawFrame(&svg, left: panelLeft, right: panelRight, top: top, bottom: bottom)
            svg.open("g", [("class", "x-ticks")])
            for index in xKept {
                let position = x(index)
                svg.element("line", [("x1", SVGWriter.number(position)), ("y1", SVGWriter.number(bottom)),
                                     ("x2", SVGWriter.number(position)), ("y2", SVGWriter.number(bottom + 4)),
                                     ("stroke", L.axisColor), ("stroke-width", "1")])
                if rotateX {
                    svg.label(xAxis.labels[index], x: position + 3, y: bottom + 12, size: L.tickSize, anchor: "end",
                              fill: "#333333", rotate: L.rotation, className: "tick-label")
                } else {
                    svg.label(xAxis.labels[index], x: position, y: bottom + 6 + L.tickSize, size: L.tickSize,
                              anchor: "middle", fill: "#333333", className: "tick-label")
                }
            }
            svg.close("g")

            // Bands under every line.
            for series in panel.series {
                for run in bandRuns(series.points) {
                    var upper: [String] = []
                    var lower: [String] = []
                    for index in run {
                        guard let point = series.points[index], let low = point.low, let high = point.high,
                            let yHigh = y(high), let yLow = y(low)
                        else { continue }
                        upper.append("\(SVGWriter.number(x(index))),\(SVGWriter.number(yHigh))")
                        lower.append("\(SVGWriter.number(x(index))),\(SVGWriter.number(yLow))")
                    }
                    guard !upper.isEmpty else { continue }
                    let outline = upper + lower.reversed()
                    svg.element("path", [("class", "band"), ("d", "M" + outline.joined(separator: " L") + " Z"),
                                         ("fill", series.style.color), ("fill-opacity", "0.16"), ("stroke", "none")])
                }
            }
            for series in panel.series {
                svg.open("g", [("class", series.style.isUnsafeControl ? "series unsafe-control" : "series")])
                svg.text("title", series.style.legendName(series.name))
                var path = ""
                var penDown = false
                for (index, point) in series.points.enumerated() {
                    guard let point, let yValue = y(point.center) else {
                        penDown = false
                        continue
                    }
                    path += (path.isEmpty ? "" : " ") + (penDown ? "L" : "M")
                        + "\(SVGWriter.number(x(index))),\(SVGWriter.number(yValue))"
                    penDown = true
                }
                var lineAttributes: [SVGWriter.Attribute] = [
                    ("class", "line"), ("d", path), ("fill", "none"), ("stroke", series.style.color),
                    ("stroke-width", "2"), ("stroke-linejoin", "round"),
                ]
                if let twin = series.sameAs {
                    // Twins of one line take turns along it, so each colour shows.
                    let twins = panel.series.filter { $0.sameAs == twin }
                    let rank = twins.firstIndex { $0.name == series.name } ?? 0
                    lineAttributes.append(("stroke-dasharray", "6 \(6 * twins.count)"))
                    if rank > 0 { lineAttributes.append(("stroke-dashoffset", "-\(6 * rank)")) }
                } else if let dash = series.style.dashArray {
                    lineAttributes.append(("stroke-dasharray", dash))
                }
                if !path.isEmpty { svg.element("path", lineAttributes) }
                for (index, point) in series.points.enumerated() {
                    guard let point, let yValue = y(point.center) else { continue }
                    svg.element("path", [("class", "marker"), ("d", series.style.markerPath(x: x(index), y: yValue, r: 4)),
                                         ("fill", series.style.color), ("stroke", "#ffffff"), ("stroke-width", "1")])
                    if let tail = point.tail, let tailY = y(tail) {
                        // The p99: a hollow diamond in the line's colour, above its band.
                        svg.element("path", [("class", "p99-marker"),
                                             ("d", SeriesStyle(color: series.style.color, marker: .diamond).markerPath(x: x(index), y: tailY, r: 3.2)),
                                             ("fill", "#ffffff"), ("stroke", series.style.color), ("stroke-width", "1.2")])
                    }
                }
                svg.close("g")
            }
            svg.close("g")
        }

        if let ratio, !ratioValues.isEmpty {
            drawRatioStrip(
                &svg, ratio: ratio, axis: ratioAxis, left: left, panelWidth: panelWidth, panelGap: panelGap,
                xPositions: xPositions, top: stripTop, bottom: stripBottom)
        }

        // X-axis title under all panels.
        let xTitleText = xAxis.scaleNote.map { "\(xTitle) (\($0))" } ?? xTitle
        svg.label(xTitleText, x: left + panelsWidth / 2, y: xTitleBaseline, size: L.axisTitleSize, anchor: "middle",
                  fill: "#222222", className: "axis-title")

        drawLegend(&svg, x: legendX, y: top, entries: legendLines)
        L.drawFootnotes(&svg, footnotes, y: footnoteStart)

        let description = ([title] + subtitle + footnotes).joined(separator: ". ")
        return RenderedSVG(
            text: svg.document(width: width, height: height, title: title, description: description),
            width: Int(width.rounded(.up)), height: Int(height.rounded(.up)))
    }

    /// The ratio panel under every panel: the proposal over the baseline, its interval as a
    /// band, and the 1× line everything is read against.
    private func drawRatioStrip(
        _ svg: inout SVGWriter, ratio: RatioStrip, axis: ValueAxis, left: Double, panelWidth: Double, panelGap: Double,
        xPositions: [Double], top: Double, bottom: Double
    ) {
        typealias L = ChartLayout
        svg.open("g", [("class", "ratio-panel")])
        svg.label(ratio.title + " (ratio, 1× = equal)", x: left, y: top - 6, size: L.subtitleSize, fill: "#333333",
                  className: "ratio-title")
        let panelCount = ratio.lines.map(\.points.count).max() ?? 0
        for panelIndex in 0..<panelCount {
            let panelLeft = left + Double(panelIndex) * (panelWidth + panelGap)
            let panelRight = panelLeft + panelWidth
            func x(_ index: Int) -> Double { panelLeft + xPositions[index] }
            func y(_ value: Double) -> Double { bottom - (axis.fraction(value) ?? 0) * (bottom - top) }
            L.drawValueAxis(&svg, axis: axis, left: panelLeft, right: panelRight, top: top, bottom: bottom, labels: panelIndex == 0)
            L.drawFrame(&svg, left: panelLeft, right: panelRight, top: top, bottom: bottom)
            svg.element("line", [
                ("class", "ratio-one"), ("x1", SVGWriter.number(panelLeft)), ("y1", SVGWriter.number(y(1))),
                ("x2", SVGWriter.number(panelRight)), ("y2", SVGWriter.number(y(1))), ("stroke", "#444444"),
                ("stroke-width", "1"), ("stroke-dasharray", "4 3"),
            ])
            for line in ratio.lines where panelIndex < line.points.count {
                let points = line.points[panelIndex]
                var upper: [String] = []
                var lower: [String] = []
                var path = ""
                for (index, point) in points.enumerated() {
                    guard let point else { continue }
                    if let low = point.low, let high = point.high {
                        upper.append("\(SVGWriter.number(x(index))),\(SVGWriter.number(y(high)))")
                        lower.append("\(SVGWriter.number(x(index))),\(SVGWriter.number(y(low)))")
                    }
                    path += (path.isEmpty ? "M" : " L") + "\(SVGWriter.number(x(index))),\(SVGWriter.number(y(point.center)))"
                }
                if upper.count > 1 {
                    svg.element("path", [("class", "ratio-band"), ("d", "M" + (upper + lower.reversed()).joined(separator: " L") + " Z"),
                                         ("fill", line.style.color), ("fill-opacity", "0.18"), ("stroke", "none")])
                }
                if !path.isEmpty {
                    svg.element("path", [("class", "ratio-line"), ("d", path), ("fill", "none"), ("stroke", line.style.color),
                                         ("stroke-width", "2")])
                }
                for (index, point) in points.enumerated() {
                    guard let point else { continue }
                    svg.element("path", [("class", "marker"), ("d", line.style.markerPath(x: x(index), y: y(point.center), r: 3.5)),
                                         ("fill", line.style.color), ("stroke", "#ffffff"), ("stroke-width", "1")])
                }
            }
        }
        svg.close("g")
    }

    /// A legend line: a series sample or a note.
    struct LegendEntry {
        enum Sample { case series(SeriesStyle, dashed: Bool), band, line, tail }
        var sample: Sample
        var text: String
    }

    /// Legend lines: one per scheme (noting identical lines), then what the line and band show.
    func legendEntries() -> [LegendEntry] {
        var entries: [LegendEntry] = []
        var seen: Set<String> = []
        for panel in panels {
            for series in panel.series where seen.insert(series.name).inserted {
                let sameAs = panels.count == 1 ? series.sameAs.map { " (= \($0))" } ?? "" : ""
                entries.append(LegendEntry(sample: .series(series.style, dashed: series.sameAs != nil && panels.count == 1),
                                           text: series.style.legendName(series.name) + sameAs))
            }
        }
        if let lineLabel { entries.append(LegendEntry(sample: .line, text: lineLabel)) }
        if let bandLabel { entries.append(LegendEntry(sample: .band, text: bandLabel)) }
        if panels.contains(where: { $0.series.contains { $0.points.contains { $0?.tail != nil } } }) {
            entries.append(LegendEntry(sample: .tail, text: "p99 (tail)"))
        }
        return entries
    }

    private func drawLegend(_ svg: inout SVGWriter, x: Double, y: Double, entries: [LegendEntry]) {
        typealias L = ChartLayout
        svg.open("g", [("class", "legend")])
        svg.label(legendTitle, x: x, y: y + L.legendSize, size: L.legendSize, weight: "bold", fill: "#222222")
        for (index, entry) in entries.enumerated() {
            let rowY = y + Double(index + 1) * (L.legendSize + 8) + L.legendSize
            let midY = rowY - L.legendSize * 0.35
            switch entry.sample {
            case let .series(style, dashed):
                var attributes: [SVGWriter.Attribute] = [
                    ("d", "M\(SVGWriter.number(x)),\(SVGWriter.number(midY)) L\(SVGWriter.number(x + 26)),\(SVGWriter.number(midY))"),
                    ("stroke", style.color), ("stroke-width", "2"), ("fill", "none"),
                ]
                if dashed {
                    attributes.append(("stroke-dasharray", "7 5"))
                } else if let dash = style.dashArray {
                    attributes.append(("stroke-dasharray", dash))
                }
                svg.element("path", attributes)
                svg.element("path", [("d", style.markerPath(x: x + 13, y: midY, r: 4)), ("fill", style.color),
                                     ("stroke", "#ffffff"), ("stroke-width", "1")])
            case .line:
                svg.element("path", [("d", "M\(SVGWriter.number(x)),\(SVGWriter.number(midY)) L\(SVGWriter.number(x + 26)),\(SVGWriter.number(midY))"),
                                     ("stroke", "#777777"), ("stroke-width", "2"), ("fill", "none")])
            case .band:
                svg.element("rect", [("x", SVGWriter.number(x)), ("y", SVGWriter.number(midY - 6)), ("width", "26"),
                                     ("height", "12"), ("fill", "#777777"), ("fill-opacity", "0.25")])
            case .tail:
                svg.element("path", [("d", SeriesStyle(color: "#444444", marker: .diamond).markerPath(x: x + 13, y: midY, r: 3.2)),
                                     ("fill", "#ffffff"), ("stroke", "#444444"), ("stroke-width", "1.2")])
            }
            svg.label(entry.text, x: x + 34, y: rowY, size: L.legendSize, fill: "#222222")
        }
        svg.close("g")
    }

    /// Runs of consecutive indices whose points all have a band.
    private func bandRuns(_ points: [Point?]) -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        for (index, point) in points.enumerated() {
            if let point, point.low != nil, point.high != nil {
                current.append(index)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}
