import ArgumentParser
import PerfSuite

/// `probe`: one variant's perf operations in loops valgrind can count (scripts/instruction-counts.sh).
package struct ProbeCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run one variant's perf operations in named loops, for instruction counts under callgrind.",
        discussion: """
            Calls flush_range, flush_all, assign (16 new tags), unassign (the same 16), first attach and first \
            detach (one ATS device into an empty table) of one perf variant on the perf scenario of --tags tags, \
            --count times each, every operation through a C function of its own (cprobe_flush_range, ...), plus an \
            empty probe for the call overhead. Prints each probe's calls and operations per call. Meant to run \
            under valgrind --tool=callgrind; scripts/instruction-counts.sh does that for every variant and tag \
            count and writes instructions per operation.

            Examples:
              cachetag-bench probe --variant grouped-array --tags 64
              valgrind --tool=callgrind --toggle-collect='cprobe_*' cachetag-bench probe --variant c-list --tags 1
            """)

    @Option(name: .long, help: "A perf variant: c-list or a registry table timed by perf (see 'perf --help').")
    var variant: String

    @Option(name: .long, help: "Tags the scenario's domain holds.")
    var tags: Int

    @Option(name: .long, help: "Operations per loop.")
    var count = 1_000

    package init() {}

    package func validate() throws {
        let known = PerfSuite.Variant.allCases.filter { $0 != .writeFloor }.map(\.rawValue)
        guard known.contains(variant) else {
            throw ValidationError("--variant \(variant): not one of \(known.joined(separator: ", "))")
        }
        guard tags >= 1 else { throw ValidationError("--tags \(tags): at least 1") }
        guard count >= 1 else { throw ValidationError("--count \(count): at least 1") }
    }

    package func run() throws {
        PerfProbe.run(PerfSuite.Variant(rawValue: variant), tags: tags, count: count)
        print("cprobe_empty \(count) 1")
        for (name, operations) in PerfProbe.operationsPerCall { print("\(name) \(count) \(operations)") }
    }
}
