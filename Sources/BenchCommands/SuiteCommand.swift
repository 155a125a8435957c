import ArgumentParser
import Foundation
import Runs
import Workloads

/// The default suite: what `cachetag-bench` with no arguments runs.
struct SuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "The default suite: every workload at its defaults (nested-s2 with attach=rid and pasid), every scheme, every runnable table, plus charts.",
        discussion: """
            This is what runs when no subcommand is given. It writes reports/latest/ (one CSV per \
            workload, summary.csv, run.json, SVG charts, index.html) and prints the headline comparison.

            Examples:
              cachetag-bench
              cachetag-bench suite --out reports/reference --seed 1
              cachetag-bench suite --quick
            """)

    @OptionGroup var options: RunOptions

    func run() throws {
        var (points, varied) = try WorkloadSelection.points(
            workloads: WorkloadCatalog.all.map { $0.name }, parameters: [], vary: [], quick: options.quick,
            hardware: try options.hardware())
        // nested-s2 twice: children on their own devices (the default) and through distinct PASIDs
        // on shared devices, the case where sharing a DID per parent can pay.
        let nested = try WorkloadSelection.points(
            workloads: ["nested-s2"], parameters: [], vary: ["attach=rid,pasid"], quick: options.quick,
            hardware: try options.hardware())
        points.removeAll { $0.name == "nested-s2" }
        points += nested.points
        varied.merge(nested.varied) { _, new in new }
        // Five seeds: enough for a t interval (t = 2.78) on every headline ratio.
        try execute(points: points, varied: varied, options: options, plot: true, defaultSeeds: 5)
    }
}

