import Foundation
@testable import Plots
import Reports
import Testing

/// A report shaped like a real run (four schemes, two tables, a doubling sweep, a categorical
/// sweep, a comparison with every metric group), rendered and checked for validity. Set
/// `PLOTS_GALLERY_DIR` to keep the charts for a visual check (e.g. with `rsvg-convert`).
@Suite("Gallery")
struct GalleryTests {
    static let schemes = ["per-domain", "kernel", "shared-pasid", "shared-all"]
    static let tables = ["kernel-list", "grouped-array"]

    static func writeGallery(to directory: URL) throws {
        // A doubling sweep whose values span decades.
        var sweep: [ReportRow] = []
        for scheme in schemes {
            for table in tables {
                for children in [1, 2, 4, 8, 16, 32, 64, 128, 256] {
                    let parameters = [ReportParameter(name: "children", value: "\(children)")]
                    func add(_ metric: String, _ stat: String, _ value: Double, _ unit: String) {
                        sweep.append(ReportRow(workload: "nested-s2", scheme: scheme, table: table, parameters: parameters,
                                               metric: metric, stat: stat, value: value, unit: unit))
                    }
                    let c = Double(children)
                    let shared = scheme == "shared-pasid" || scheme == "shared-all"
                    let tags = shared ? 2 : c + 1
                    let perTag = table == "kernel-list" ? 38.0 : 6.5
                    let p50 = 55 + perTag * tags * (1 + Double(scheme.count % 3) * 0.05)
                    add("sw.flush_range_ns", "p10", p50 * 0.88, "ns")
                    add("sw.flush_range_ns", "p50", p50, "ns")
                    add("sw.flush_range_ns", "p90", p50 * 1.35, "ns")
                    add("sw.flush_range_ns", "p99", p50 * 2.1, "ns")
                    add("hw.descriptors.total", "value", (tags * 2 + 1) * 1000, "count")
                    add("hw.dids_in_use", "value", scheme == "shared-all" ? 1 : shared ? 2 : c + 1, "count")
                    add("oracle.stale", "value", scheme == "shared-all" ? c * 3 : 0, "count")
                }
            }
        }
        try ReportCSV(workload: "nested-s2", rows: sweep).write(to: directory.appendingPathComponent("nested-s2.csv"))

        // A categorical sweep with long values.
        var modes: [ReportRow] = []
        let modeNames = ["strict", "lazy", "deferred-batched-flush", "caching-mode-emulated", "pasid-selective-only",
                         "global-invalidation-fallback", "write-buffer-flush", "devtlb-heavy"]
        for scheme in schemes {
            for (index, mode) in modeNames.enumerated() {
                modes.append(ReportRow(
                    workload: "sva-modes", scheme: scheme, table: "grouped-array",
                    parameters: [ReportParameter(name: "mode", value: mode)], metric: "model.total_us", stat: "value",
                    value: Double(index + 1) * (scheme == "per-domain" ? 10 : 7.5), unit: "us"))
            }
        }
        try ReportCSV(workload: "sva-modes", rows: modes).write(to: directory.appendingPathComponent("sva-modes.csv"))

        // A comparison with every group.
        var comparison: [ReportRow] = []
        for (schemeIndex, scheme) in schemes.enumerated() {
            for table in tables {
                func add(_ metric: String, _ stat: String, _ value: Double, _ unit: String) {
                    comparison.append(ReportRow(workload: "vfio-multi-device", scheme: scheme, table: table,
                                                parameters: [ReportParameter(name: "devices", value: "8")],
                                                metric: metric, stat: stat, value: value, unit: unit))
                }
                let s = Double(schemeIndex)
                let slow = table == "kernel-list" ? 1.0 : 0.2
                add("hw.descriptors.iotlb", "value", 12_000 - s * 2500, "count")
                add("hw.descriptors.pasid_iotlb", "value", 9_000 + s * 500, "count")
                add("hw.descriptors.devtlb", "value", 4_000, "count")
                add("hw.descriptors.pasid_devtlb", "value", 3_000 - s * 250, "count")
                add("hw.descriptors.wait", "value", 1_500, "count")
                add("hw.submissions", "value", 1_500 - s * 100, "count")
                add("hw.flushes", "value", 2_000, "count")
                add("model.invalidation_us", "value", 350 - s * 40, "us")
                add("model.devtlb_us", "value", 900, "us")
                add("model.page_walk_us", "value", 120 + s * 60, "us")
                add("model.total_us", "value", 1370 - s * 20, "us")
                for (metric, base) in [("sw.attach_ns", 180.0), ("sw.detach_ns", 150.0), ("sw.flush_range_ns", 900.0),
                                       ("sw.flush_all_ns", 1400.0)] {
                    let p50 = base * slow * (1 + s * 0.1)
                    add(metric, "p10", p50 * 0.9, "ns")
                    add(metric, "p50", p50, "ns")
                    add(metric, "p90", p50 * 1.25, "ns")
                }
                add("hw.dids_in_use", "value", scheme == "shared-all" ? 1 : 9 - s, "count")
                add("hw.iotlb.collateral_evictions", "value", s * s * 40, "count")
                add("oracle.cross_domain", "value", scheme == "shared-all" ? 17 : 0, "count")
                add("hw.future_metric", "value", 3 + s, "widgets")
            }
        }
        try ReportCSV(workload: "vfio-multi-device", rows: comparison)
            .write(to: directory.appendingPathComponent("vfio-multi-device.csv"))

        // Many bars: six schemes (some with long names), three differing tables, seven metrics.
        var crowded: [ReportRow] = []
        let manySchemes = schemes + ["shared-pasid-per-parent-experimental", "x<&>\"y\""]
        for (schemeIndex, scheme) in manySchemes.enumerated() {
            for (tableIndex, table) in (tables + ["c-kernel-list"]).enumerated() {
                for (metricIndex, metric) in ["hw.descriptors.total", "hw.descriptors.iotlb", "hw.descriptors.pasid_iotlb",
                                              "hw.descriptors.devtlb", "hw.descriptors.pasid_devtlb", "hw.descriptors.wait",
                                              "hw.descriptors_eliminated"].enumerated() {
                    let value = Double((metricIndex + 1) * 1000 + schemeIndex * 150 - tableIndex * 90)
                    crowded.append(ReportRow(workload: "crowded", scheme: scheme, table: table, parameters: [],
                                             metric: metric, stat: "value", value: value, unit: "count"))
                }
            }
        }
        try ReportCSV(workload: "crowded", rows: crowded).write(to: directory.appendingPathComponent("crowded.csv"))
    }

    @Test("a realistic report renders valid charts of every kind")
    func gallery() throws {
        let keep = ProcessInfo.processInfo.environment["PLOTS_GALLERY_DIR"]
        let directory = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("plots-gallery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        try Self.writeGallery(to: directory)
        let written = try PlotRenderer.render(reportDirectory: directory)
        let names = written.map(\.lastPathComponent)
        for expected in ["nested-s2-sw.flush_range_ns.svg", "nested-s2-hw.dids_in_use.svg", "nested-s2-oracle.stale.svg",
                         "sva-modes-modeled-time-by-mode.svg", "vfio-multi-device-descriptors.svg",
                         "vfio-multi-device-measured-time.svg", "vfio-multi-device-oracle.svg",
                         "vfio-multi-device-other-modeled-widgets.svg", "crowded-descriptors.svg", "index.html"] {
            #expect(names.contains(expected), "\(expected)")
        }
        for url in written where url.pathExtension == "svg" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let svg = try #require(SVGInspector.inspect(text), "\(url.lastPathComponent)")
            #expect(svg.count(ofClass: "axis-title") == (svg.count(ofClass: "bar") > 0 ? 1 : 2), "\(url.lastPathComponent)")
        }
        let sweep = try #require(SVGInspector.inspect(try String(
            contentsOf: directory.appendingPathComponent("nested-s2-sw.flush_range_ns.svg"), encoding: .utf8)))
        #expect((sweep.texts["axis-title"] ?? []).contains("children (log scale)"))
        #expect((sweep.texts["axis-title"] ?? []).contains("flush-range time (ns, p50, log scale)"))
        #expect(sweep.count(ofClass: "series") == 4 * 2)
    }
}
