import Foundation

/// Layout and drawing of a grouped bar chart.
///
/// The plot grows with the number of bars instead of squeezing them, ratio labels turn vertical
/// when wider than a bar, and metric names wrap (or, failing that, rotate) under their group, so
/// no two texts overlap. Room for the labels above the tallest bar is reserved inside the plot.
extension BarChart {
    /// The chart as SVG.
    func svg() -> RenderedSVG {
        typealias L = ChartLayout
        let plotHeight = 300.0
        let barCount = groups.reduce(0) { $0 + $1.clusters.reduce(0) { $0 + $1.bars.count } }
        let barWidth = barCount <= 8 ? 32.0 : barCount <= 24 ? 22.0 : barCount <= 48 ? 16.0 : 11.0
        let barGap = 2.0
        let clusterGap = 12.0
        let groupGap = 30.0
        let ratioSize = 10.0

        // Horizontal positions of every cluster.
        func clusterWidth(_ cluster: Cluster) -> Double {
            Double(cluster.bars.count) * barWidth + Double(max(0, cluster.bars.count - 1)) * barGap
        }
        var groupSpans: [(start: Double, end: Double)] = []
        var clusterStarts: [[Double]] = []
        var cursor = groupGap / 2
        for group in groups {
            let start = cursor
            var starts: [Double] = []
            for (index, cluster) in group.clusters.enumerated() {
                if index > 0 { cursor += clusterGap }
                starts.append(cursor)
                cursor += clusterWidth(cluster)
            }
            groupSpans.append((start, cursor))
            clusterStarts.append(starts)
            cursor += groupGap
        }
        let contentWidth = cursor - groupGap / 2
        let plotWidth = max(360, contentWidth)
        let shift = (plotWidth - contentWidth) / 2

        // Value axis and the label room above bars.
        var values: [Double] = []
        for group in groups {
            for cluster in group.clusters {
                for bar in cluster.bars {
                    values.append(bar.value)
                    if let high = bar.high { values.append(high) }
                    if let low = bar.low { values.append(low) }
                    if let tail = bar.tail { values.append(tail) }
                }
            }
        }
        if let reference = referenceLine { values.append(reference.value) }
        let yAxis = ValueAxis.covering(values, includeZero: true, targetTicks: 6)
        let ratioTexts = groups.flatMap { $0.clusters.flatMap { $0.bars.compactMap(\.label) } }
        let ratioWidth = L.widest(ratioTexts, size: ratioSize)
        let verticalRatios = ratioWidth + 2 > barWidth + barGap
        let labelRoom = ratioTexts.isEmpty ? 6.0 : verticalRatios ? ratioWidth + 8 : ratioSize + 6

        // Table labels under clusters (only when more than one table is shown).
        let showTables = groups.contains { $0.clusters.count > 1 || $0.clusters.first?.table != nil }
        let tableSize = 10.0
        let tableNames = groups.flatMap { $0.clusters.compactMap(\.table) }
        let narrowestCluster = groups.flatMap { $0.clusters.map(clusterWidth) }.min() ?? barWidth
        let rotateTables = showTables && L.widest(tableNames, size: tableSize) > narrowestCluster + clusterGap - 4
        let tableBlock = showTables
            ? (rotateTables ? L.rotatedHeight(width: L.widest(tableNames, size: tableSize), size: tableSize) : tableSize) + 8
            : 0

        // Metric labels: wrapped to the group width, rotated if a word still does not fit.
        let metricSize = 11.0
        var metricLines: [[String]] = []
        var rotateMetrics = false
        for (index, group) in groups.enumerated() {
            let room = groupSpans[index].end - groupSpans[index].start + groupGap - 8
            let lines = TextMetrics.wrap(group.label, fontSize: metricSize, maxWidth: room)
            if lines.count > 3 || L.widest(lines, size: metricSize) > room { rotateMetrics = true }
            metricLines.append(lines)
        }
        let metricBlock: Double
        if rotateMetrics {
            metricBlock = L.rotatedHeight(width: L.widest(groups.map(\.label), size: metricSize), size: metricSize) + 8
        } else {
            metricBlock = Double(metricLines.map(\.count).max() ?? 1) * (metricSize + 3) + 8
        }

        // Canvas.
        let yTickWidth = L.tickLabelWidth(yAxis)
        var left = L.padding + L.axisTitleSize + 10 + yTickWidth + 8
        if rotateMetrics, let first = groups.first, let span = groupSpans.first {
            // A rotated label runs left of its group: leave room so the first one is not cut off.
            let reach = L.widest([first.label], size: metricSize) * cos(abs(L.rotation) * Double.pi / 180)
            left += max(0, reach - (left + shift + (span.start + span.end) / 2) + L.padding)
        }
        let right = left + plotWidth
        let legendX = right + 28
        var legendTexts = legend.map { $0.style.legendName($0.name) }
        if let whiskerLabel { legendTexts.append(whiskerLabel) }
        if let labelNote { legendTexts.append(labelNote) }
        if let tailLabel { legendTexts.append(tailLabel) }
        let legendWidth = 36 + L.widest(legendTexts + [legendTitle], size: L.legendSize)
        let top = L.headerHeight(subtitleLines: subtitle.count) + 10
        let bottom = top + plotHeight
        let axisTop = top + labelRoom
        let metricTop = bottom + 6 + tableBlock
        let footnoteStart = metricTop + metricBlock + L.footnoteSize + 6
        let legendHeight = Double(legendTexts.count + 1) * (L.legendSize + 8) + 8
        let height = max(footnoteStart + L.footnotesHeight(footnotes), top + legendHeight) + L.padding - 4
        var width = legendX + legendWidth + L.padding
        let textWidth = max(L.widest([title], size: L.titleSize, bold: true),
                            max(L.widest(subtitle, size: L.subtitleSize), L.widest(footnotes, size: L.footnoteSize)))
        width = max(width, textWidth + 2 * L.padding)

        func y(_ value: Double) -> Double {
            bottom - (yAxis.fraction(value) ?? 0) * (bottom - axisTop)
        }

        var svg = SVGWriter()
        L.drawHeader(&svg, title: title, subtitle: subtitle)
        svg.label(yTitle, x: L.padding + L.axisTitleSize, y: (axisTop + bottom) / 2, size: L.axisTitleSize,
                  anchor: "middle", fill: "#222222", rotate: -90, className: "axis-title")
        L.drawValueAxis(&svg, axis: yAxis, left: left, right: right, top: axisTop, bottom: bottom, labels: true)

        // Bars, one group element per scheme.
        for (name, _) in legend {
            svg.open("g", [("class", "series")])
            svg.text("title", name)
            for (groupIndex, group) in groups.enumerated() {
                for (clusterIndex, cluster) in group.clusters.enumerated() {
                    guard let barIndex = cluster.bars.firstIndex(where: { $0.scheme == name }) else { continue }
                    let bar = cluster.bars[barIndex]
                    let x = left + shift + clusterStarts[groupIndex][clusterIndex] + Double(barIndex) * (barWidth + barGap)
                    let baseY = bottom
                    let topY = yAxis.isLogarithmic && bar.value <= 0 ? bottom : y(bar.value)
                    let barHeight = max(0, baseY - topY)
                    let unsafe = bar.style.isUnsafeControl
                    if bar.value != 0 {
                        var attributes: [SVGWriter.Attribute] = [
                            ("class", unsafe ? "bar unsafe-control" : "bar"), ("x", SVGWriter.number(x)),
                            // A small non-zero value keeps a visible sliver; only a true zero is a marker.
                            ("y", SVGWriter.number(min(topY, bottom - 1))), ("width", SVGWriter.number(barWidth)),
                            ("height", SVGWriter.number(max(1, barHeight))), ("fill", bar.style.color),
                        ]
                        if let dash = bar.style.dashArray {
                            // The unsafe control: pale, with a dotted outline.
                            attributes += [("fill-opacity", "0.45"), ("stroke", "#555555"), ("stroke-dasharray", dash)]
                        }
                        svg.element("rect", attributes)
                    } else {
                        // A zero is a zero: a marker on the axis and its label, no bar.
                        svg.element("path", [("class", unsafe ? "zero-marker unsafe-control" : "zero-marker"),
                                             ("d", bar.style.markerPath(x: x + barWidth / 2, y: bottom - 4, r: 3.5)),
                                             ("fill", bar.style.color), ("stroke", "#ffffff"), ("stroke-width", "1")])
                    }
                    var labelTop = min(topY, bottom - 2)
                    if let low = bar.low, let high = bar.high {
                        let center = x + barWidth / 2
                        let yHigh = y(high), yLow = y(low)
                        let cap = barWidth * 0.25
                        let path = "M\(SVGWriter.number(center)),\(SVGWriter.number(yLow)) L\(SVGWriter.number(center)),\(SVGWriter.number(yHigh))"
                            + " M\(SVGWriter.number(center - cap)),\(SVGWriter.number(yHigh)) L\(SVGWriter.number(center + cap)),\(SVGWriter.number(yHigh))"
                            + " M\(SVGWriter.number(center - cap)),\(SVGWriter.number(yLow)) L\(SVGWriter.number(center + cap)),\(SVGWriter.number(yLow))"
                        svg.element("path", [("class", "whisker"), ("d", path), ("stroke", "#222222"), ("stroke-width", "1.2"),
                                             ("fill", "none")])
                        labelTop = min(labelTop, yHigh)
                    }
                    if let tail = bar.tail, tail.isFinite, tail > 0 || !yAxis.isLogarithmic {
                        // The p99: a diamond above the whisker, where the slow operations are.
                        let tailY = y(tail)
                        svg.element("path", [("class", "p99-marker"), ("d", SeriesStyle(color: "#222222", marker: .diamond).markerPath(x: x + barWidth / 2, y: tailY, r: 3.2)),
                                             ("fill", "#ffffff"), ("stroke", "#222222"), ("stroke-width", "1.2")])
                        labelTop = min(labelTop, tailY - 4)
                    }
                    if let text = bar.label {
                        let center = x + barWidth / 2
                        if verticalRatios {
                            svg.label(text, x: center + ratioSize * 0.35, y: labelTop - 4, size: ratioSize, fill: "#222222",
                                      rotate: -90, className: "bar-label")
                        } else {
                            svg.label(text, x: center, y: labelTop - 4, size: ratioSize, anchor: "middle", fill: "#222222",
                                      className: "bar-label")
                        }
                    }
                }
            }
            svg.close("g")
        }
        if let reference = referenceLine, let fraction = yAxis.fraction(reference.value) {
            let lineY = bottom - fraction * (bottom - axisTop)
            svg.element("line", [
                ("class", "target-line"), ("x1", SVGWriter.number(left)), ("y1", SVGWriter.number(lineY)),
                ("x2", SVGWriter.number(right)), ("y2", SVGWriter.number(lineY)), ("stroke", "#222222"), ("stroke-width", "1.2"),
                ("stroke-dasharray", "5 3"),
            ])
            svg.label(reference.label, x: right - 4, y: lineY - 4, size: 10, anchor: "end", fill: "#222222", className: "target-label")
        }
        L.drawFrame(&svg, left: left, right: right, top: axisTop, bottom: bottom)

        // Table and metric labels.
        svg.open("g", [("class", "x-labels")])
        for (groupIndex, group) in groups.enumerated() {
            if showTables {
                for (clusterIndex, cluster) in group.clusters.enumerated() {
                    guard let table = cluster.table else { continue }
                    let center = left + shift + clusterStarts[groupIndex][clusterIndex] + clusterWidth(cluster) / 2
                    if rotateTables {
                        svg.label(table, x: center + 3, y: bottom + 6 + tableSize, size: tableSize, anchor: "end",
                                  fill: ChartLayout.mutedText, rotate: L.rotation, className: "tick-label")
                    } else {
                        svg.label(table, x: center, y: bottom + 6 + tableSize, size: tableSize, anchor: "middle",
                                  fill: ChartLayout.mutedText, className: "tick-label")
                    }
                }
            }
            let center = left + shift + (groupSpans[groupIndex].start + groupSpans[groupIndex].end) / 2
            if rotateMetrics {
                svg.label(group.label, x: center + 3, y: metricTop + metricSize, size: metricSize, anchor: "end",
                          fill: "#222222", rotate: L.rotation, className: "tick-label")
            } else {
                for (lineIndex, line) in metricLines[groupIndex].enumerated() {
                    svg.label(line, x: center, y: metricTop + metricSize + Double(lineIndex) * (metricSize + 3),
                              size: metricSize, anchor: "middle", fill: "#222222", className: "tick-label")
                }
            }
            if groupIndex > 0 {
                let separator = left + shift + groupSpans[groupIndex].start - groupGap / 2
                svg.element("line", [("x1", SVGWriter.number(separator)), ("y1", SVGWriter.number(bottom)),
                                     ("x2", SVGWriter.number(separator)), ("y2", SVGWriter.number(bottom + 5)),
                                     ("stroke", L.axisColor), ("stroke-width", "1")])
            }
        }
        svg.close("g")

        drawLegend(&svg, x: legendX, y: top)
        L.drawFootnotes(&svg, footnotes, y: footnoteStart)
        let description = ([title] + subtitle + footnotes).joined(separator: ". ")
        return RenderedSVG(
            text: svg.document(width: width, height: height, title: title, description: description),
            width: Int(width.rounded(.up)), height: Int(height.rounded(.up)))
    }

    private func drawLegend(_ svg: inout SVGWriter, x: Double, y: Double) {
        typealias L = ChartLayout
        svg.open("g", [("class", "legend")])
        svg.label(legendTitle, x: x, y: y + L.legendSize, size: L.legendSize, weight: "bold", fill: "#222222")
        var row = 1
        func rowY() -> Double { y + Double(row) * (L.legendSize + 8) + L.legendSize }
        for (name, style) in legend {
            var sample: [SVGWriter.Attribute] = [
                ("x", SVGWriter.number(x + 4)), ("y", SVGWriter.number(rowY() - L.legendSize + 1)), ("width", "18"),
                ("height", "12"), ("fill", style.color),
            ]
            if let dash = style.dashArray {
                sample += [("class", "legend-sample unsafe-control"), ("fill-opacity", "0.45"), ("stroke", "#555555"),
                           ("stroke-dasharray", dash)]
            }
            svg.element("rect", sample)
            svg.label(style.legendName(name), x: x + 34, y: rowY(), size: L.legendSize, fill: "#222222")
            row += 1
        }
        if let whiskerLabel {
            let midY = rowY() - L.legendSize * 0.35
            let c = x + 13
            svg.element("path", [("d", "M\(SVGWriter.number(c)),\(SVGWriter.number(midY - 6)) L\(SVGWriter.number(c)),\(SVGWriter.number(midY + 6))"
                                  + " M\(SVGWriter.number(c - 4)),\(SVGWriter.number(midY - 6)) L\(SVGWriter.number(c + 4)),\(SVGWriter.number(midY - 6))"
                                  + " M\(SVGWriter.number(c - 4)),\(SVGWriter.number(midY + 6)) L\(SVGWriter.number(c + 4)),\(SVGWriter.number(midY + 6))"),
                                 ("stroke", "#222222"), ("stroke-width", "1.2"), ("fill", "none")])
            svg.label(whiskerLabel, x: x + 34, y: rowY(), size: L.legendSize, fill: "#222222")
            row += 1
        }
        if let tailLabel {
            let midY = rowY() - L.legendSize * 0.35
            svg.element("path", [("d", SeriesStyle(color: "#222222", marker: .diamond).markerPath(x: x + 13, y: midY, r: 3.2)),
                                 ("fill", "#ffffff"), ("stroke", "#222222"), ("stroke-width", "1.2")])
            svg.label(tailLabel, x: x + 34, y: rowY(), size: L.legendSize, fill: "#222222")
            row += 1
        }
        if let labelNote {
            svg.label(labelNote.contains("ratio") ? "1.00×" : "12", x: x + 13, y: rowY(), size: 10, anchor: "middle",
                      fill: "#222222")
            svg.label(labelNote, x: x + 34, y: rowY(), size: L.legendSize, fill: "#222222")
        }
        svg.close("g")
    }
}
