import ArgumentParser
import CacheTags
import Foundation
import Runs
import Reports

/// `compare`: schemes side by side with ratios to a baseline, for every metric of a report.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show schemes side by side with ratios to a baseline scheme.",
        discussion: """
            Modeled metrics show their value; measured metrics their median with the p10–p90 spread in \
            brackets. Ratio columns divide each scheme's figure by the baseline's (medians for measured metrics).

            Examples:
              cachetag-bench compare reports/latest
              cachetag-bench compare reports/nested --baseline kernel --format markdown
              cachetag-bench compare reports/latest --format csv > comparison.csv
              cachetag-bench compare reports/nested --format wide-csv --metric hw.descriptors_per_unmap > wide.csv
            """)

    @Argument(help: "A report directory written by run, replay or the default suite.")
    var directory: String

    @Option(name: .long, help: "The scheme every ratio is relative to (default: kernel, Linux today, when present, else the first scheme).")
    var baseline: String?

    @Option(name: .long, help: "Output format: text (headline, then every table), markdown, csv (tidy) or wide-csv (one column per scheme).")
    var format = "text"

    @Option(name: .long, help: "Only metrics whose name starts with this prefix (e.g. hw.descriptors).")
    var metric: String?

    func run() throws {
        guard let format = SchemeComparison.Format(rawValue: format) else {
            throw CommandError(
                "--format: unknown format '\(format)' (known: \(SchemeComparison.Format.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let comparison = try loadComparison(directory: URL(fileURLWithPath: directory), baseline: baseline, metricPrefix: metric)
        // Text output leads with the headline (on the whole report), then every table.
        if format == .text, metric == nil {
            let lead = headline(of: comparison)
            if !lead.isEmpty { print(lead) }
        }
        print(comparison.rendered(as: format), terminator: "")
    }
}

/// Reads a report directory's CSVs into a comparison; every failure is one line. Without a
/// baseline, ratios are against `kernel` (Linux today) when it ran, else the first scheme (as summary.csv).
func loadComparison(directory: URL, baseline: String?, metricPrefix: String? = nil) throws -> SchemeComparison {
    do {
        let reports = try ReportDirectory(url: directory).readReport().reports
        var seen = Set<String>()
        let schemes = reports.flatMap { $0.rows.map(\.scheme) }.filter { seen.insert($0).inserted }
        guard let automatic = ReportSummary.baselineScheme(among: schemes) else {
            throw CommandError("\(directory.path): no workload CSVs in the report directory")
        }
        let chosen = baseline ?? automatic
        return try SchemeComparison(reports: reports, baseline: chosen).filtered(metricPrefix: metricPrefix)
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("\(error)")
    }
}

/// What the default suite, `run` and `replay` print: the headline (`SchemeHeadline`), then with
/// `details` the headline metrics' full tables, then where the charts are.
func loadComparison(directory: URL, baseline: String, details: Bool) throws -> String {
    let comparison = try loadComparison(directory: directory, baseline: baseline)
    var text = headline(of: comparison)
    if details || text.isEmpty {
        text += (text.isEmpty ? "" : "\n") + comparison.headline().rendered(as: .text)
    } else {
        text += "\nfull tables: --details, or cachetag-bench compare \(ShellQuoting.quote(directory.relativePath))\n"
    }
    let index = directory.appendingPathComponent("index.html")
    if FileManager.default.fileExists(atPath: index.path) { text += "charts: \(index.relativePath)\n" }
    return text
}

/// The headline section of `comparison`, the unsafe schemes marked as controls.
func headline(of comparison: SchemeComparison) -> String {
    var headline = SchemeHeadline()
    headline.unsafeSchemes = Set(DomainIDSchemes.all.filter { !$0.isSafe }.map(\.name))
    return headline.render(comparison)
}
