import ArgumentParser
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
            """)

    @Argument(help: "A report directory written by run, replay or the default suite.")
    var directory: String

    @Option(name: .long, help: "The scheme every ratio is relative to (default: kernel, Linux today, when present, else the first scheme).")
    var baseline: String?

    @Option(name: .long, help: "Output format: text, markdown or csv.")
    var format = "text"

    @Option(name: .long, help: "Only metrics whose name starts with this prefix (e.g. hw.descriptors).")
    var metric: String?

    func run() throws {
        guard let format = SchemeComparison.Format(rawValue: format) else {
            throw CommandError("--format: unknown format '\(format)' (known: text, markdown, csv)")
        }
        let comparison = try loadComparison(directory: URL(fileURLWithPath: directory), baseline: baseline, metricPrefix: metric)
        print(comparison.rendered(as: format), terminator: "")
    }
}

/// Reads a report directory's CSVs into a comparison; every failure is one line. Without a
/// baseline, ratios are against `kernel` (Linux today) when it ran, else the first scheme (as summary.csv).
func loadComparison(directory: URL, baseline: String?, metricPrefix: String? = nil) throws -> SchemeComparison {
    do {
        let reports = try ReportDirectory(url: directory).readWorkloadReports()
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

/// The short summary the default suite and `run` print: headline metrics only.
func loadComparison(directory: URL, baseline: String, headline: Bool) throws -> String {
    let comparison = try loadComparison(directory: directory, baseline: baseline)
    return (headline ? comparison.headline() : comparison).rendered(as: .text)
}
