import Foundation
import Reports

/// Small report directories written through `Reports`, as the harness would.
enum ReportFixture {
    static let schemes = ["per-domain", "shared-pasid", "kernel"]
    static let tables = ["kernel-list", "grouped-array"]

    /// The brief's tiny report: 3 schemes × 2 tables, a sweep over children=1,4,16 and a
    /// single-point workload, plus `run.json`.
    static func writeTiny(to directory: URL) throws {
        var sweep: [ReportRow] = []
        for scheme in schemes {
            for table in tables {
                for children in [1, 4, 16] {
                    let parameters = [ReportParameter(name: "children", value: "\(children)"),
                                      ReportParameter(name: "mode", value: "strict")]
                    func row(_ metric: String, _ stat: String, _ value: Double, _ unit: String) -> ReportRow {
                        ReportRow(workload: "nested-s2", scheme: scheme, table: table, parameters: parameters,
                                  metric: metric, stat: stat, value: value, unit: unit)
                    }
                    let factor = scheme == "shared-pasid" ? 1.0 : Double(children)
                    let base = (table == "kernel-list" ? 40.0 : 12.0) * factor
                    sweep += [
                        row("sw.flush_range_ns", "p10", base * 0.9, "ns"),
                        row("sw.flush_range_ns", "p50", base, "ns"),
                        row("sw.flush_range_ns", "p90", base * 1.3, "ns"),
                        row("sw.flush_range_ns", "count", 1000, "count"),
                        row("hw.descriptors.iotlb", "value", factor + 1, "count"),
                        row("oracle.stale", "value", 0, "count"),
                    ]
                }
            }
        }
        try ReportCSV(workload: "nested-s2", parameterNames: ["children", "mode"], rows: sweep)
            .write(to: directory.appendingPathComponent("nested-s2.csv"))

        var single: [ReportRow] = []
        for (schemeIndex, scheme) in schemes.enumerated() {
            for table in tables {
                let parameters = [ReportParameter(name: "pasids", value: "8")]
                func row(_ metric: String, _ stat: String, _ value: Double, _ unit: String) -> ReportRow {
                    ReportRow(workload: "sva-munmap", scheme: scheme, table: table, parameters: parameters,
                              metric: metric, stat: stat, value: value, unit: unit)
                }
                let scale = Double(schemeIndex + 1)
                single += [
                    row("hw.descriptors.iotlb", "value", 100 * scale, "count"),
                    row("hw.descriptors.wait", "value", 30 * scale, "count"),
                    row("hw.submissions", "value", 30 * scale, "count"),
                    row("model.total_us", "value", 12.5 * scale, "us"),
                    row("sw.attach_ns", "p10", (table == "kernel-list" ? 80 : 20) * scale, "ns"),
                    row("sw.attach_ns", "p50", (table == "kernel-list" ? 100 : 25) * scale, "ns"),
                    row("sw.attach_ns", "p90", (table == "kernel-list" ? 140 : 30) * scale, "ns"),
                ]
            }
        }
        try ReportCSV(workload: "sva-munmap", rows: single).write(to: directory.appendingPathComponent("sva-munmap.csv"))

        let manifest = RunManifest(
            toolVersion: "0.1.0", gitCommit: "unknown", date: "2025-01-01T00:00:00Z",
            host: .init(cpu: "Test CPU", cores: 4, os: "Linux"), swiftVersion: "6.3.1", seed: 7,
            commandLine: ["cachetag-bench", "run", "--vary", "children=1,4,16"],
            workloads: [.init(name: "nested-s2", parameters: ["children": "1,4,16", "mode": "strict"], varied: "children"),
                        .init(name: "sva-munmap", parameters: ["pasids": "8"])],
            schemes: schemes, tables: tables)
        try manifest.write(to: directory.appendingPathComponent("run.json"))
    }
}
