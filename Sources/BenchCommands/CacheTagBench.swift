import ArgumentParser
import Runs

/// The `cachetag-bench` command: runs cache-tag workloads under DID schemes, writes CSV reports,
/// compares schemes and plots reports. With no subcommand it runs the default suite.
package struct CacheTagBench: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "cachetag-bench",
        abstract: "Benchmark the VT-d cache-tag machinery and compare Domain-ID schemes.",
        discussion: """
            With no subcommand, runs the default suite (every workload at its defaults, every scheme, \
            both tables) and writes reports/latest/ with CSVs, run.json, SVG charts and index.html.

            Examples:
              cachetag-bench
              cachetag-bench run --workload sva-munmap --scheme per-domain,shared-pasid
              cachetag-bench run --workload nested-s2 --param attach=pasid --vary children=1,4,16,64,256
              cachetag-bench replay trace.txt --scheme all
              cachetag-bench compare reports/latest
              cachetag-bench plot reports/latest
              cachetag-bench list
              cachetag-bench perf
            """,
        version: "0.1.0",
        subcommands: [SuiteCommand.self, PerfCommand.self, ProbeCommand.self, RunCommand.self, ReplayCommand.self, CompareCommand.self, PlotCommand.self, ListCommand.self],
        defaultSubcommand: SuiteCommand.self)

    package init() {}

    /// The arguments of the invocation being run, for run.json (`CommandLine.arguments` would name
    /// the test runner when the command is driven in process).
    @TaskLocal static var invocation: [String] = CommandLine.arguments

    /// Parses and runs `arguments` (without the program name), recording them for run.json.
    package static func invoke(arguments: [String]) throws {
        var command = try parseAsRoot(arguments)
        try $invocation.withValue(["cachetag-bench"] + arguments) { try command.run() }
    }

    /// The executable's entry point: runs, prints a one-line error and exits non-zero on failure.
    package static func runAsMain() -> Never {
        Jemalloc.reexecuteWithStaticTLSRoomIfNeeded(arguments: CommandLine.arguments)
        do {
            try invoke(arguments: Array(CommandLine.arguments.dropFirst()))
            exit()
        } catch {
            exit(withError: error)
        }
    }
}
