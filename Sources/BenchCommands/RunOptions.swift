import ArgumentParser
import CacheTags
import Foundation
import IOMMUModel
import Runs
import VTd

/// Options shared by `run`, `replay` and the default suite: the scheme and table axes, the
/// seed, budgets, the cost model and where the report goes.
struct RunOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "DID schemes, comma-separated, or 'all' (\(DomainIDSchemes.all.map(\.name).joined(separator: ", "))).",
            valueName: "scheme"))
    var scheme = "all"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Tables, comma-separated, or 'all' (\(CacheTagTables.runnable.map(\.name).joined(separator: ", "))).",
            valueName: "table"))
    var table = "all"

    @Option(name: .long, help: "Allocators for the kernel-list table's tag nodes: system, jemalloc, or both comma-separated.")
    var allocator = "system"

    @Option(name: .long, help: "Seed of every generator; the same seed repeats every modeled number exactly.")
    var seed: UInt64 = 1

    @Option(
        name: .long,
        help: "Seeds per modeled point (SEED, SEED+1, …): rows gain mean, stddev and 95% intervals, ratios are paired by seed. Default 1; the suite: 5.")
    var seeds: Int?

    @Option(name: .long, help: "Modeled passes run at once (default: every core); timed passes always run alone.")
    var jobs: Int?

    /// `--seeds`, or `defaultCount`; at least 1.
    func seedCount(default defaultCount: Int) throws -> Int {
        let count = seeds ?? defaultCount
        guard (1...1000).contains(count) else { throw CommandError("--seeds: \(count) is not in 1...1000") }
        return count
    }

    /// `--jobs`, or the number of cores.
    func jobCount() throws -> Int {
        let count = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...1024).contains(count) else { throw CommandError("--jobs: \(count) is not in 1...1024") }
        return count
    }

    @Option(name: .long, help: "Report directory (created if missing).")
    var out = "reports/latest"

    @Flag(name: .long, help: "Small workloads and a single timed pass: for smoke tests, not for figures.")
    var quick = false

    @Flag(name: .long, help: "After the headline, print the full comparison tables (compare prints them always).")
    var details = false

    @Flag(name: .long, help: "Continue the same run: skip its finished points (refused when any setting differs from the report's run.json).")
    var resume = false

    @Flag(name: .long, help: "Run points the resource guard refuses (estimated beyond 20 M events or 2 GiB per point).")
    var force = false

    @Option(name: .long, help: "Cost-model override key=value (repeatable); see 'list' for keys.")
    var cost: [String] = []

    @Option(name: .customLong("cost-file"), help: "File of cost-model key=value lines ('#' comments).")
    var costFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Modeled hardware: a profile (\(HardwareProfile.all.map(\.name).joined(separator: ", ")); first) or key=value (repeatable); see 'list'. Replay keeps the trace's capability bits unless a key names them.",
            valueName: "profile|key=value"))
    var hw: [String] = []

    @Option(name: .customLong("hw-file"), help: "File of hardware key=value lines ('#' comments; an optional first line profile=NAME).")
    var hwFile: String?

    /// The hardware `--hw` and `--hw-file` choose.
    func hardware() throws -> HardwareSelection { try HardwareSelection(arguments: hw, file: hwFile) }

    @Flag(name: .customLong("strict-oracle"), help: "Stop at the first oracle violation (stale, cross-domain or aliased) instead of counting.")
    var strictOracle = false

    @Option(name: .customLong("time-budget-ms"), help: "Timing budget per (point, scheme, table), in ms.")
    var timeBudgetMilliseconds = 200

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kernel whose cache-tag behaviour kernel-list follows: \(KernelProfile.all.map(\.name).joined(separator: ", ")), "
                + "each with an optional -unwidened suffix (NESTING_DEVTLB widening off). Default: latest; replay: the one the trace implies."))
    var kernel: String?

    @Option(
        name: .customLong("descriptors-out"),
        help: "Write every submitted descriptor (waits included) of every scheme and table as CSV to this file.")
    var descriptorsOut: String?

    /// The profile `--kernel` names, or nil when not given.
    func kernelProfile() throws -> KernelProfile? {
        guard let kernel else { return nil }
        guard let profile = KernelProfile.named(kernel) else {
            throw CommandError(
                "--kernel: unknown kernel '\(kernel)' (known: \(KernelProfile.all.map(\.name).joined(separator: ", ")), "
                    + "each optionally with -unwidened)")
        }
        return profile
    }

    /// The schemes named by `--scheme`.
    func schemes() throws -> [any DomainIDScheme] {
        if scheme == "all" { return DomainIDSchemes.all }
        return try Self.list(scheme, option: "--scheme").map { name in
            guard let scheme = DomainIDSchemes.named(name) else {
                throw CommandError(
                    "--scheme: unknown scheme '\(name)' (known: \(DomainIDSchemes.all.map(\.name).joined(separator: ", ")), all)")
            }
            return scheme
        }
    }

    /// The table axis named by `--table` and `--allocator`: each table in registry order, a table
    /// with tag nodes once per allocator.
    func tables(kernel: KernelProfile = .latest) throws -> [TableChoice] {
        let runnable = CacheTagTables.runnable
        let named: [CacheTagTableDescriptor] =
            table == "all"
            ? runnable
            : try Self.list(table, option: "--table").map { name in
                guard let table = runnable.first(where: { $0.name == name }) else {
                    throw CommandError(
                        "--table: unknown table '\(name)' (known: \(runnable.map(\.name).joined(separator: ", ")), all)")
                }
                return table
            }
        // The allocators in the order given; nil is the system allocator.
        var allocators: [Jemalloc?] = []
        for name in try Self.list(allocator, option: "--allocator") {
            switch name {
            case "system":
                allocators.append(nil)
            case "jemalloc":
                switch Jemalloc.load() {
                case let .success(loaded): allocators.append(loaded)
                case let .failure(error): ProgressReporter.note("note: \(error)")
                }
            default:
                throw CommandError("--allocator: unknown allocator '\(name)' (known: system, jemalloc)")
            }
        }
        if allocators.isEmpty { allocators = [nil] }
        var choices: [TableChoice] = []
        for table in named {
            guard table.traits.contains(.nodeAllocator) else {
                choices.append(TableChoice(table))
                continue
            }
            choices += allocators.map { $0.map { .on($0, table) } ?? TableChoice(table) }
        }
        for index in choices.indices { choices[index].kernel = kernel }
        return choices
    }

    /// The cost model after the file and then the `--cost` pairs are applied.
    func costModel() throws -> CostModelSettings {
        var settings = CostModelSettings()
        if let costFile {
            let text: String
            do { text = try String(contentsOfFile: costFile, encoding: .utf8) } catch {
                throw CommandError("\(costFile): cannot read cost file (\(error.localizedDescription))")
            }
            try settings.apply(fileText: text, file: costFile)
        }
        try settings.apply(pairs: cost)
        return settings
    }

    /// The timing budget; a negative one is an error, not a silent zero.
    func budget() throws -> TimingBudget {
        guard timeBudgetMilliseconds >= 0 else {
            throw CommandError("--time-budget-ms: \(timeBudgetMilliseconds) is negative (a budget is 0 ms or more)")
        }
        return quick ? .quick : TimingBudget(nanoseconds: UInt64(timeBudgetMilliseconds) * 1_000_000)
    }

    /// The output directory URL.
    var outputURL: URL { URL(fileURLWithPath: out) }

    /// Splits a comma-separated list, refusing empty items.
    static func list(_ text: String, option: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !items.contains(where: \.isEmpty) else { throw CommandError("\(option): empty item in '\(text)'") }
        var seen = Set<String>()
        if let repeated = items.first(where: { !seen.insert($0).inserted }) {
            throw CommandError("\(option): '\(repeated)' is named twice in '\(text)'")
        }
        return items
    }
}
