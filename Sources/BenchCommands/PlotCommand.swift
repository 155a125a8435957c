import ArgumentParser
import CacheTags
import Foundation
import Metrics
import Plots
import Reports

/// `plot`: SVG charts and an `index.html` from a report directory, with no external tools.
///
/// Thin over `PlotRenderer`: parsing and validation of the options here, chart decisions there,
/// so the default suite can render the same charts without going through the command line.
package struct PlotCommand: ParsableCommand {
    /// Name, help and examples shown by `cachetag-bench plot --help`.
    package static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Render SVG charts and an index.html from a report directory.",
        discussion: """
            Sweeps (a workload whose parameter takes several values) become line charts over the swept \
            parameter, one line per scheme and one panel per table when tables differ; measured metrics \
            show the p50 line in a p10-p90 band. Single-point workloads become grouped bar charts per \
            metric group, each bar labelled with its ratio to kernel (Linux today). Axes turn logarithmic when the \
            data spans more than two decades. Metrics that are zero everywhere are listed, not drawn.

            Files are written next to the CSVs, atomically; on a malformed report nothing is written and \
            the error names the file, line and column.

            Examples:
              cachetag-bench plot reports/latest
              cachetag-bench plot reports/nested --metric sw.flush_range_ns
              cachetag-bench plot reports/nested --metric hw.descriptors --x children
              cachetag-bench plot reports/latest --metric measured-time --format svg
            """)

    @Argument(help: "A report directory written by run, replay or the default suite.")
    var directory: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only this metric: a name (sw.flush_range_ns), a dotted prefix (hw.descriptors), prefix* or a chart group.",
            discussion: "Groups: \(MetricChartGroup.allCases.map(\.id).joined(separator: ", "))."))
    var metric: String?

    @Option(
        name: .customLong("x"),
        help: ArgumentHelp(
            "The parameter on the x axis (default: the swept one from run.json, else the first with several values).",
            valueName: "parameter"))
    var xParameter: String?

    @Option(name: .long, help: ArgumentHelp("svg: charts only; html: charts and index.html.", valueName: "svg|html"))
    var format = PlotFormat.html.rawValue

    /// Creates the command with no options set (ArgumentParser fills them in).
    package init() {}

    /// Rejects an unknown `--format` before any file is read.
    package func validate() throws {
        guard PlotFormat(rawValue: format) != nil else {
            throw ValidationError("--format: unknown format '\(format)' (known: svg, html)")
        }
    }

    /// Renders the charts and prints the path of every file written, one per line.
    package func run() throws {
        let written = try renderPlots(
            directory: URL(fileURLWithPath: directory), metric: metric, xParameter: xParameter,
            format: PlotFormat(rawValue: format) ?? .html)
        for url in written {
            print(url.relativePath)
        }
    }
}

/// Renders the charts of a report directory, turning every failure into one `CommandError` line
/// (a malformed CSV reads `file:line: column 'name': problem`). Used by `plot` and the default suite.
@discardableResult
func renderPlots(
    directory: URL, metric: String? = nil, xParameter: String? = nil, format: PlotFormat = .html
) throws -> [URL] {
    do {
        // The headline of the whole report, when it can be made (a report without the proposal has none).
        let lead = (try? loadComparison(directory: directory, baseline: nil)).map(headline(of:))
        return try PlotRenderer.render(
            reportDirectory: directory, metric: metric, xParameter: xParameter, format: format,
            unsafeSchemes: Set(DomainIDSchemes.all.filter { !$0.isSafe }.map(\.name)), headline: lead)
    } catch {
        throw CommandError("\(error)")
    }
}
