import Foundation
import Reports
import TestSupport
import Testing

@testable import BenchCommands

/// Grids of `--vary`, cost-key sweeps, and modeled metrics over several seeds.
@Suite("Sweeps and seeds")
struct SweepAndSeedTests {
    @Test("two --vary make a grid of every combination; --param and --vary on one key, or one point named twice, is an error")
    func grid() throws {
        let (points, varied) = try WorkloadSelection.points(
            workloads: ["nested-s2"], parameters: [], vary: ["children=1,4", "attach=rid,pasid"], quick: true)
        let combinations = points.map { point in
            point.parameters.filter { ["children", "attach"].contains($0.name) }.map(\.description).joined(separator: " ")
        }
        #expect(points.count == 2 * 2)
        #expect(Set(combinations) == ["children=1 attach=rid", "children=1 attach=pasid", "children=4 attach=rid", "children=4 attach=pasid"])
        #expect(varied["nested-s2"] == "children")
        #expect(throws: CommandError.self) {
            try WorkloadSelection.points(workloads: ["nested-s2"], parameters: ["children=2"], vary: ["children=1,4"], quick: true)
        }
        #expect(throws: CommandError.self) {
            try WorkloadSelection.points(workloads: ["nested-s2"], parameters: [], vary: ["children=1", "children=4"], quick: true)
        }
        // A value repeated in a sweep would run (and report) one point twice.
        #expect(throws: CommandError.self) {
            try WorkloadSelection.points(
                workloads: ["nested-s2"], parameters: [], vary: ["children=1,4", "attach=rid,pasid,rid"], quick: true)
        }
    }

    @Test("cost keys sweep: each point carries its cost.KEY parameter and runs under it")
    func costSweep() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(
            CommandLineTests.invoke([
                "run", "--workload", "nested-s2", "--param", "attach=pasid", "--vary", "cost.devtlb_invalidation_us=1,20",
                "--scheme", "kernel", "--table", "kernel-list", "--quick", "--time-budget-ms", "1", "--out", directory.path,
            ]) == nil)
        let rows = try ReportCSV.read(from: directory.url.appendingPathComponent("nested-s2.csv")).rows
        func devtlb(_ value: String) -> Double? {
            rows.first {
                $0.metric == "model.devtlb_us" && $0.parameters.contains(ReportParameter(name: "cost.devtlb_invalidation_us", value: value))
            }?.value
        }
        let cheap = try #require(devtlb("1"))
        let dear = try #require(devtlb("20"))
        #expect(cheap > 0 && abs(dear / cheap - 20) < 1e-6)
        #expect(
            CommandLineTests.invoke(["run", "--workload", "nested-s2", "--vary", "cost.no_such_key=1", "--quick"]) != nil)
    }

    @Test("modeled rows gain mean, stddev and a 95% interval that narrows as seeds grow")
    func seeds() throws {
        func width(seeds: Int) throws -> Double {
            let directory = TemporaryReportDirectory()
            defer { directory.remove() }
            #expect(
                CommandLineTests.invoke([
                    "run", "--workload", "attach-churn", "--param", "operations=2000", "--scheme", "kernel,per-domain",
                    "--table", "kernel-list", "--seeds", "\(seeds)", "--time-budget-ms", "1", "--out", directory.path,
                ]) == nil)
            let rows = try ReportCSV.read(from: directory.url.appendingPathComponent("attach-churn.csv")).rows.filter {
                $0.metric == "hw.descriptors.total" && $0.scheme == "kernel"
            }
            let stats = Set(rows.map(\.stat))
            #expect(stats.isSuperset(of: ["value", "mean", "stddev", "ci95_low", "ci95_high"]), "\(stats)")
            #expect(rows.filter { $0.stat.hasPrefix("seed=") }.count == seeds)
            let low = try #require(rows.first { $0.stat == "ci95_low" }?.value)
            let high = try #require(rows.first { $0.stat == "ci95_high" }?.value)
            let mean = try #require(rows.first { $0.stat == "mean" }?.value)
            #expect(low <= mean && mean <= high)
            // The comparison pairs seeds: `0.862× [0.849–0.871]`.
            let comparison = try SchemeComparisonProbe.render(directory.url, format: "text")
            #expect(comparison.contains { $0 == "[" } && comparison.contains("× ["), "\(comparison)")
            return high - low
        }
        let few = try width(seeds: 3)
        let many = try width(seeds: 12)
        #expect(many < few, "\(many) vs \(few)")
    }
}
