import Reports

/// `index.html`, top-down: the headline, then per workload the charts that answer the question
/// (DIDs, attach failures, per-unmap cost, collateral by cause, hit rates, oracle) before the
/// details, each with its caption and numbers; the run's facts and notes last.
///
/// One self-contained page (no scripts, no external assets) that a reviewer can open from the
/// report directory or attach to a mailing-list thread; charts are referenced as the `.svg` files
/// next to it, so the page stays small and the charts stay reusable.
struct HTMLIndex {
    /// The directory name shown in the heading.
    var reportName: String
    /// The run manifest, if the directory has one.
    var manifest: RunManifest?
    /// The charts in order.
    var charts: [PlannedChart]
    /// Remarks (metrics not charted, …).
    var remarks: [String]
    /// The headline section as printed (`SchemeHeadline`), shown first; nil when there is none.
    var headline: String? = nil

    /// The page.
    func html() -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>cachetag-bench: \(e(reportName))</title>
            <style>
            body { font-family: system-ui, "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 2rem auto; max-width: 1500px; padding: 0 1rem; }
            h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
            table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
            th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; vertical-align: top; }
            th { background: #f3f3f3; } .name { text-align: left; }
            table.facts td, table.facts th { text-align: left; }
            figure { margin: 2.5rem 0 0; padding-top: 1rem; border-top: 1px solid #ddd; }
            figure img { max-width: 100%; height: auto; }
            figcaption { font-size: 0.9rem; margin: 0.5rem 0; line-height: 1.5; }
            code { font-size: 0.85rem; background: #f5f5f5; padding: 0 3px; word-break: break-all; }
            .caption { color: #555; font-style: italic; }
            pre.headline { font-size: 0.8rem; background: #f8f8f8; border: 1px solid #ddd; padding: 0.75rem; overflow-x: auto; }
            ul.toc li { margin: 0.3rem 0; line-height: 1.6; }
            </style>
            </head>
            <body>
            <h1>cachetag-bench report: \(e(reportName))</h1>

            """
        if let headline, !headline.isEmpty {
            let lines = headline.split(separator: "\n", omittingEmptySubsequences: false).map { e(String($0)) }
            out += "<h2>Headline</h2>\n<pre class=\"headline\">" + lines.joined(separator: "\n") + "</pre>\n"
        }
        // Per workload (in report order): the charts that answer the question first, then the details.
        var workloads: [String] = []
        for chart in charts where !workloads.contains(chart.workload) { workloads.append(chart.workload) }
        let ordered = workloads.map { workload in
            charts.enumerated().filter { $0.element.workload == workload }
                .sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element)
        }
        out += "<h2>Charts</h2>\n<ul class=\"toc\">\n"
        for (workload, list) in zip(workloads, ordered) {
            let links = list.map { "<a href=\"#\(e(anchor($0)))\">\(e(shortTitle($0)))</a>" + ($0.isDetail ? " <small>(detail)</small>" : "") }
            out += "<li><strong>\(e(workload))</strong>: " + links.joined(separator: " · ") + "</li>\n"
        }
        out += "</ul>\n"
        for (workload, list) in zip(workloads, ordered) {
            out += "<h2 id=\"workload-\(e(workload))\">\(e(workload))</h2>\n"
            var detailsStarted = false
            for chart in list {
                if chart.isDetail, !detailsStarted {
                    out += "<h3>\(e(workload)): details</h3>\n"
                    detailsStarted = true
                }
                out += figure(chart)
            }
        }
        out += "<h2>Run</h2>\n"
        out += facts()
        if !remarks.isEmpty {
            out += "<ul class=\"remarks\">\n" + remarks.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    private func facts() -> String {
        guard let manifest else {
            return "<p>No <code>run.json</code> in this directory: run facts unknown.</p>\n"
        }
        var rows: [(String, String)] = [
            ("tool version", e(manifest.toolVersion)),
            ("git commit", "<code>\(e(manifest.gitCommit))</code>"),
            ("date", e(manifest.date)),
            ("host CPU", e("\(manifest.hostCPU) (\(manifest.hostCores) CPUs)")),
            ("OS", e(manifest.os)),
            ("Swift", e(manifest.swiftVersion)),
            ("seed", e(String(manifest.seed))),
            ("quick mode", manifest.quick ? "yes (timings indicative only)" : "no"),
            ("allocator", e(manifest.allocator)),
            ("schemes", e(manifest.schemes.joined(separator: ", "))),
            ("tables", e(manifest.tables.joined(separator: ", "))),
        ]
        if !manifest.costModel.isEmpty {
            let model = manifest.costModel.keys.sorted().map { "\($0)=\(ReportNumber.format(manifest.costModel[$0]!))" }
            rows.append(("cost model", "<code>\(e(model.joined(separator: " ")))</code>"))
        }
        rows.append(("reproduce", "<code>\(e(manifest.reproduce))</code>"))
        var out = "<table class=\"facts\">\n"
        for (name, value) in rows {
            out += "<tr><th>\(e(name))</th><td>\(value)</td></tr>\n"
        }
        out += "</table>\n"
        if !manifest.notes.isEmpty {
            out += "<ul class=\"notes\">\n" + manifest.notes.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        }
        return out
    }

    private func figure(_ chart: PlannedChart) -> String {
        var out = "<figure id=\"\(e(anchor(chart)))\">\n"
        out += "<img src=\"\(e(chart.fileName))\" width=\"\(chart.svg.width)\" height=\"\(chart.svg.height)\" alt=\"\(e(chart.title))\">\n"
        var caption = "<strong>\(e(chart.title))</strong><br>\nworkload <code>\(e(chart.workload))</code>"
        if let varied = chart.varied { caption += "; swept: <code>\(e(varied))</code>" }
        caption += chart.parameters.isEmpty ? "; no fixed parameters" : "; parameters: <code>\(e(chart.parameters.joinedDescription))</code>"
        if let manifest {
            caption += "; seed \(e(String(manifest.seed)))"
            caption += "<br>\ncommand: <code>\(e(manifest.reproduce))</code>"
        }
        caption += "<br>\nfile: <a href=\"\(e(chart.fileName))\">\(e(chart.fileName))</a>"
        out += "<figcaption>\(caption)</figcaption>\n"
        out += table(chart.numbers)
        out += "</figure>\n"
        return out
    }

    private func table(_ numbers: NumberTable) -> String {
        var out = "<table class=\"numbers\">\n<caption class=\"caption\">\(e(numbers.caption))</caption>\n<tr>"
        for (index, heading) in numbers.header.enumerated() {
            out += index < numbers.labelColumns ? "<th class=\"name\">\(e(heading))</th>" : "<th>\(e(heading))</th>"
        }
        out += "</tr>\n"
        for row in numbers.rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                out += index < numbers.labelColumns ? "<td class=\"name\">\(e(cell))</td>" : "<td>\(e(cell))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// The title without its leading `workload: `.
    private func shortTitle(_ chart: PlannedChart) -> String {
        chart.title.hasPrefix(chart.workload + ": ") ? String(chart.title.dropFirst(chart.workload.count + 2)) : chart.title
    }

    private func anchor(_ chart: PlannedChart) -> String {
        "chart-" + chart.fileName.dropLast(4)
    }

    private func e(_ text: String) -> String { XMLEscaping.escape(text) }
}
