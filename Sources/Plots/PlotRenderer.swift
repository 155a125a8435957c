import Foundation
import Reports

/// `cachetag-bench plot`: turns a report directory into SVG charts and an `index.html`.
///
/// Everything is read and validated, and every chart rendered in memory, before the first file
/// is written: a damaged CSV (reported with its file, line and column) leaves the directory as it
/// was. Files are then written atomically through `Reports`. Output is deterministic: the same
/// reports give byte-identical files, so charts can be committed and diffed.
package enum PlotRenderer {
    /// File name of the HTML index.
    package static let indexFileName = "index.html"

    /// Renders the charts of `reportDirectory` into it and returns the files written (SVGs in
    /// chart order, then `index.html` for `.html`).
    ///
    /// - Parameters:
    ///   - metric: draw only metrics matching this name, dotted prefix (`hw.descriptors`),
    ///     `prefix*`, or chart group (`descriptors`, `measured-time`, …); nil draws every
    ///     metric that is not zero everywhere.
    ///   - xParameter: the parameter to put on the x axis of workloads that have it; nil uses
    ///     the parameter `run.json` says was varied, else the first one with several values.
    ///   - format: `.svg` for charts only, `.html` for charts and `index.html`.
    ///   - unsafeSchemes: negative controls, drawn grey and dotted and labelled "unsafe control"
    ///     (the command line passes the scheme registry's unsafe schemes).
    ///   - headline: the headline section as printed, shown first in `index.html`.
    /// - Throws: `ReportError` for unreadable or malformed inputs, `PlotError` when the options
    ///   match nothing.
    @discardableResult
    package static func render(
        reportDirectory: URL, metric: String? = nil, xParameter: String? = nil, format: PlotFormat = .html,
        unsafeSchemes: Set<String> = ["shared-all"], headline: String? = nil
    ) throws -> [URL] {
        var dataset = try ReportDataset.load(reportDirectory)
        dataset.unsafeSchemes = unsafeSchemes
        let plan = try ChartPlanner(dataset: dataset, metricFilter: metric, xParameter: xParameter).plan()
        var outputs: [(url: URL, text: String)] = plan.charts.map {
            (reportDirectory.appendingPathComponent($0.fileName), $0.svg.text)
        }
        if format == .html {
            let name = reportDirectory.standardizedFileURL.lastPathComponent
            let index = HTMLIndex(
                reportName: name, manifest: dataset.manifest, charts: plan.charts, remarks: plan.remarks, headline: headline)
            outputs.append((reportDirectory.appendingPathComponent(indexFileName), index.html()))
        }
        for output in outputs {
            try AtomicFile.write(output.text, to: output.url)
        }
        return outputs.map(\.url)
    }
}
