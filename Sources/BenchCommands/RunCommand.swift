import ArgumentParser
import Foundation
import Runs
import VTd
import Workloads

/// `run`: chosen workloads (optionally a sweep over one parameter) under chosen schemes and tables.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run workloads under DID schemes and tables; write CSV reports.",
        discussion: """
            Every (workload, parameter point, scheme, table) is run once through the modeled IOMMU \
            (hw.*, model.*, oracle.* metrics) and timed for real on the software path alone (sw.* metrics). \
            Finished points are written as they complete; --resume skips them after an interruption.

            Examples:
              cachetag-bench run --workload sva-munmap --scheme per-domain,shared-pasid
              cachetag-bench run --workload nested-s2 --param attach=pasid --vary children=1,4,16,64,256 --out reports/nested
              cachetag-bench run --workload dma-stream --param mode=lazy --table grouped-array --seed 7
              cachetag-bench run --workload attach-churn --param ndoms=64 --cost submission_us=3 --quick
              cachetag-bench run --workload pasid-fs --hw adversarial --vary hw.set_index=page,did-hash
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Workloads, comma-separated, or 'all' (\(WorkloadCatalog.names.joined(separator: ", ")); parameters: 'list').",
            valueName: "workload"))
    var workload = "all"

    @Option(name: .long, help: "Parameter name=value or workload.name=value (repeatable).")
    var param: [String] = []

    @Option(
        name: .long,
        help: "Sweep a parameter: name=v1,v2,... (repeatable: several make a grid; cost.KEY sweeps a cost-model key).")
    var vary: [String] = []

    @OptionGroup var options: RunOptions

    func run() throws {
        let names = workload == "all" ? WorkloadCatalog.all.map { $0.name } : try RunOptions.list(workload, option: "--workload")
        let (points, varied) = try WorkloadSelection.points(
            workloads: names, parameters: param, vary: vary, quick: options.quick, hardware: try options.hardware())
        let grid = vary.count > 1 ? ["grid of every combination of " + vary.joined(separator: " × ") + " (charts: x = the first)"] : []
        try execute(points: points, varied: varied, options: options, plot: false, notes: grid)
    }
}

/// Runs a prepared set of points and prints the comparison summary to stdout.
///
/// `kernel` is the profile kernel-list follows (`--kernel`, or what a replayed trace implies).
func execute(
    points: [PreparedWorkload], varied: [String: String], options: RunOptions, plot: Bool, notes: [String] = [],
    kernel: KernelProfile? = nil, defaultSeeds: Int = 1, hardwareFromTrace: Set<String> = []
) throws {
    try ResourceGuard.check(points, force: options.force)
    let kernel = try kernel ?? options.kernelProfile() ?? .latest
    let tables = try options.tables(kernel: kernel)
    let schemes = try options.schemes()
    if options.descriptorsOut != nil, points.count != 1 {
        throw CommandError("--descriptors-out: needs a single point, this run has \(points.count) (one workload, no --vary)")
    }
    var configuration = RunConfiguration(
        points: points, schemes: schemes, tables: tables, seed: options.seed,
        budget: try options.budget(), costModel: try options.costModel(), strictOracle: options.strictOracle,
        quick: options.quick, outputDirectory: options.outputURL, resume: options.resume,
        commandLine: CacheTagBench.invocation, varied: varied,
        notes: notes + ["kernel profile of kernel-list: \(kernel.name) (\(kernel.differences))"])
    configuration.hardware = try options.hardware().resolve()
    configuration.hardwareFromTrace = hardwareFromTrace
    configuration.seedCount = try options.seedCount(default: defaultSeeds)
    configuration.jobs = try options.jobCount()
    if configuration.seedCount > 1 {
        let seeds = configuration.seeds
        configuration.notes.append(
            "modeled metrics over \(seeds.count) seeds (\(seeds.first!)–\(seeds.last!)), \(configuration.jobs) at a time: "
                + "value = mean, with stddev, ci95_low/ci95_high (t-distribution) and one seed=N row per seed; "
                + "ratios are paired by seed; measured sw.* figures come from the first seed's stream")
    }
    let started = Date()
    do {
        try BenchmarkRunner(configuration: configuration).run()
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("\(error)")
    }
    if let path = options.descriptorsOut {
        do {
            try DescriptorDump.write(point: points[0], schemes: schemes, tables: tables, seed: options.seed, to: path)
        } catch {
            throw CommandError("--descriptors-out \(path): \(error)")
        }
        ProgressReporter.note("descriptors written to \(path)")
    }
    if plot { try renderPlots(directory: options.outputURL) }
    let comparison = try loadComparison(
        directory: options.outputURL, baseline: configuration.baselineScheme, details: options.details)
    print(comparison, terminator: "")
    ProgressReporter.note(
        "report written to \(options.out)/ in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
}
