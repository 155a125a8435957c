import Foundation
import Reports

/// Everything `plot` reads from a report directory, validated before anything is drawn.
///
/// Loading all inputs first is what lets `plot` promise "on any input error, nothing is
/// written": charts are rendered only from a dataset that parsed completely.
struct ReportDataset: Sendable {
    /// The directory as given.
    var directory: URL
    /// One report per workload CSV, sorted by file name.
    var workloads: [WorkloadReport]
    /// `run.json`, when present.
    var manifest: RunManifest?
    /// Every scheme in the directory, baseline and well-known schemes first: the order of
    /// legends and the key of each scheme's colour, so a scheme looks the same in every chart.
    var schemeOrder: [String]
    /// Negative controls (`shared-all`), styled as unsafe in every chart.
    var unsafeSchemes: Set<String> = ["shared-all"]

    /// Schemes listed first when present, in this order (docs/design.md §2).
    static let knownSchemes = ["per-domain", "kernel", "shared-pasid", "shared-all"]

    /// Reads the workload CSVs and `run.json` of `directory`.
    static func load(_ directory: URL) throws -> ReportDataset {
        try checkExists(directory)
        let (manifest, reports) = try ReportDirectory(url: directory).readReport()
        guard !reports.isEmpty else {
            throw PlotError("\(directory.relativePath): no workload CSV files to plot (expected <workload>.csv from `cachetag-bench run`)")
        }
        var seen: [String] = []
        for report in reports {
            for row in report.rows where !seen.contains(row.scheme) { seen.append(row.scheme) }
        }
        let order = knownSchemes.filter(seen.contains) + seen.filter { !knownSchemes.contains($0) }
        return ReportDataset(
            directory: directory, workloads: reports.map(WorkloadReport.init), manifest: manifest, schemeOrder: order)
    }

    /// Throws unless `directory` is an existing directory.
    static func checkExists(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw PlotError("\(directory.relativePath): no such report directory")
        }
    }

    /// The colour and marker of `scheme`.
    func style(of scheme: String) -> SeriesStyle {
        if unsafeSchemes.contains(scheme) { return .unsafeControl }
        let safe = schemeOrder.filter { !unsafeSchemes.contains($0) }
        return SeriesStyle.forIndex(safe.firstIndex(of: scheme) ?? safe.count)
    }

    /// The manifest's entry for `workload`, if any.
    func manifestEntry(for workload: String) -> RunManifest.Workload? {
        manifest?.workloads.first { $0.name == workload }
    }
}
