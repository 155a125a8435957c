import ArgumentParser
import CacheTags
import Foundation
import Harness

/// Options shared by `run`, `replay` and the default suite: the scheme and table axes, the
/// seed, budgets, the cost model and where the report goes.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "DID schemes, comma-separated, or 'all' (per-domain, shared-pasid, kernel, shared-all).")
    var scheme = "all"

    @Option(name: .long, help: "Tables, comma-separated, or 'all' (kernel-list, grouped-array).")
    var table = "all"

    @Option(name: .long, help: "Allocators for the kernel-list table's tag nodes: system, jemalloc, or both comma-separated.")
    var allocator = "system"

    @Option(name: .long, help: "Seed of every generator; the same seed repeats every modeled number exactly.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Report directory (created if missing).")
    var out = "reports/latest"

    @Flag(name: .long, help: "Small workloads and a single timed pass: for smoke tests, not for figures.")
    var quick = false

    @Flag(name: .long, help: "Skip points already present in the report directory's CSVs.")
    var resume = false

    @Option(name: .long, help: "Cost-model override key=value (repeatable); see 'list' for keys.")
    var cost: [String] = []

    @Option(name: .customLong("cost-file"), help: "File of cost-model key=value lines ('#' comments).")
    var costFile: String?

    @Flag(name: .customLong("strict-oracle"), help: "Stop at the first oracle violation (stale, cross-domain or aliased) instead of counting.")
    var strictOracle = false

    @Option(name: .customLong("time-budget-ms"), help: "Timing budget per (point, scheme, table), in ms.")
    var timeBudgetMilliseconds = 200

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

    /// The table axis named by `--table` and `--allocator`.
    func tables() throws -> [TableChoice] {
        let kinds: [CacheTagTableKind] =
            table == "all"
            ? CacheTagTableKind.allCases
            : try Self.list(table, option: "--table").map { name in
                guard let kind = CacheTagTableKind(rawValue: name) else {
                    throw CommandError(
                        "--table: unknown table '\(name)' (known: \(CacheTagTableKind.allCases.map(\.rawValue).joined(separator: ", ")), all)")
                }
                return kind
            }
        var listChoices: [TableChoice] = []
        for name in try Self.list(allocator, option: "--allocator") {
            switch name {
            case "system":
                listChoices.append(TableChoice(kind: .kernelList))
            case "jemalloc":
                switch Jemalloc.load() {
                case let .success(jemalloc): listChoices.append(.kernelList(on: jemalloc))
                case let .failure(error): ProgressReporter.note("note: \(error)")
                }
            default:
                throw CommandError("--allocator: unknown allocator '\(name)' (known: system, jemalloc)")
            }
        }
        if listChoices.isEmpty { listChoices = [TableChoice(kind: .kernelList)] }
        var choices: [TableChoice] = []
        for kind in kinds {
            if kind == .kernelList {
                choices += listChoices
            } else {
                choices.append(TableChoice(kind: kind))
            }
        }
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

    /// The timing budget.
    var budget: TimingBudget {
        quick ? .quick : TimingBudget(nanoseconds: UInt64(max(timeBudgetMilliseconds, 0)) * 1_000_000)
    }

    /// The output directory URL.
    var outputURL: URL { URL(fileURLWithPath: out) }

    /// Splits a comma-separated list, refusing empty items.
    static func list(_ text: String, option: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !items.contains(where: \.isEmpty) else { throw CommandError("\(option): empty item in '\(text)'") }
        return items
    }
}
