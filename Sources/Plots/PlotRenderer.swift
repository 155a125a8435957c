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
        let directory = ReportDirectory(url: reportDirectory)
        try ReportDataset.checkExists(reportDirectory)
        // One writer per report: plot writes charts (and run.json's file list) next to the CSVs.
        let lock = try ReportLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
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
        try claim(outputs.map(\.url), in: directory, manifest: dataset.manifest)
        for output in outputs {
            try AtomicFile.write(output.text, to: output.url)
        }
        return outputs.map(\.url)
    }

    /// Checks that no chart would overwrite a file the report does not own, then lists the
    /// charts in run.json's `files` (written first, so an interrupted plot leaves no unlisted
    /// chart behind). A directory without run.json, or with one from before the list existed,
    /// owns what `plot` names (`ReportDirectory.ownedFileNames`).
    private static func claim(_ urls: [URL], in directory: ReportDirectory, manifest: RunManifest?) throws {
        guard var manifest else { return }
        let owned = try directory.ownedFileNames(manifest: manifest)
        let names = urls.map(\.lastPathComponent)
        for (name, url) in zip(names, urls) where !owned.contains(name) && FileManager.default.fileExists(atPath: url.path) {
            throw ReportError(
                file: url.relativePath,
                message: "exists and is not a file of this report (run.json does not list it): move it away; nothing was written")
        }
        guard let files = manifest.files else { return }
        let added = names.filter { !files.contains($0) }
        guard !added.isEmpty else { return }
        manifest.files = files + added
        try manifest.write(to: directory.manifestURL)
    }
}
