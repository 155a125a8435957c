import ArgumentParser
import Foundation
import IOMMUModel
import Runs
import CacheTags
import Workloads

/// `replay`: re-runs the flush operations of a kernel trace under any DID scheme.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a kernel ftrace of intel_iommu:cache_tag_* events under DID schemes.",
        discussion: """
            TRACE is the text of /sys/kernel/tracing/trace, 'trace-cmd report' or 'perf script' with \
            intel_iommu:cache_tag_assign, _unassign, _flush_range, _flush_range_np and _flush_all events \
            (qi_submit lines are kept; other events and header lines are skipped and counted), or - to \
            read it from standard input. Topology, domains and the sequence of flush operations are \
            reconstructed from the trace and re-run under each scheme; outputs are the same as 'run' \
            (workload name 'replay').

            Examples:
              cachetag-bench replay trace.txt --scheme all
              cachetag-bench replay trace.txt --scheme kernel,shared-pasid --skip-bad-lines --out reports/replay
              trace-cmd report | cachetag-bench replay - --scheme all
            """)

    @Argument(help: "The trace file, or - for standard input (errors then name it <stdin>).")
    var trace: String

    @Flag(name: .customLong("skip-bad-lines"), help: "Skip malformed lines (counted) instead of stopping at the first.")
    var skipBadLines = false

    @Flag(
        name: .customLong("strict-match"),
        help: "Exit non-zero, before running anything, unless every flush call's descriptors equal the kernel's qi_submit lines.")
    var strictMatch = false

    @OptionGroup var options: RunOptions

    func run() throws {
        let replayed: TraceReplay
        let clock = ContinuousClock()
        let started = clock.now
        do {
            replayed = try TraceReplay(
                contentsOf: trace, options: TraceReplayOptions(skipBadLines: skipBadLines, kernel: options.kernelProfile()))
        } catch {
            throw CommandError("\(error)")
        }
        let elapsed = clock.now - started
        let statistics = replayed.statistics
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // What replay costs is reading the trace and rebuilding the run from it, not handing the
        // events over: time that, in lines per second.
        let parsing =
            "\(replayed.file): \(statistics.lines) lines read and reconstructed in \(String(format: "%.1f", seconds * 1e3)) ms "
            + "(\(String(format: "%.2f", Double(statistics.lines) / max(seconds, 1e-9) / 1e6)) M lines/s)"
        ProgressReporter.note(parsing)
        var notes = [
            "replayed \(replayed.file): \(replayed.topology.units.count) unit(s), \(replayed.devices.count) device(s), "
                + "\(replayed.domains.count) domain(s), \(replayed.operations.count) flush operation(s), "
                + "\(statistics.otherEvents) other event(s) skipped",
            parsing,
        ]
        if statistics.noiseLines > 0 {
            // Not event lines (console noise, garbage): counted and said, never silently dropped.
            let message = "\(statistics.noiseLines) line(s) of \(replayed.file) are not trace event lines and were skipped"
            ProgressReporter.note("note: \(message)")
            notes.append(message)
        }
        if statistics.skippedBadLines > 0 {
            let message = "skipped \(statistics.skippedBadLines) malformed line(s) of \(replayed.file)"
            ProgressReporter.note("note: \(message)")
            notes.append(message)
        }
        let kernel = replayed.kernel
        // What the trace proved (or could not), on stderr and in run.json.
        var inferred = ["kernel profile \(kernel.name) (\(replayed.kernelReason)): \(kernel.differences)"]
        inferred += replayed.inferences
        if !replayed.unattributedSubmissions.isEmpty {
            inferred.append(
                "qi_submit lines of no flush call (set-up, tear-down, interrupt remapping): "
                    + replayed.unattributedSubmissions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                    .joined(separator: ", "))
        }
        for note in inferred { ProgressReporter.note("note: \(note)") }
        notes += inferred

        let events = replayed.events(seed: options.seed)
        var point = PreparedWorkload(
            name: TraceReplay.name, parameters: [], topology: replayed.topology, generatesEvents: false,
            events: { _ in events })
        point.operationLines = replayed.operations.map { $0.lines[0] }
        point.inputDigest = replayed.contentDigest
        // The trace proved the units' capabilities; only keys --hw or --hw-file name override them.
        let hardware = try options.hardware()
        point.apply(hardware: try hardware.resolve(), capabilityKeys: hardware.explicitKeys)
        let check: ReplayCheck?
        do { check = try ReplayCheck.check(replayed, profile: kernel) } catch {
            throw CommandError("\(trace): replay self-check: \(error)")
        }
        if let check {
            ProgressReporter.note(check.summary)
            ProgressReporter.note(check.entryTrafficSummary)
            notes.append(check.entryTrafficSummary)
            for example in check.examples { ProgressReporter.note("  differs: \(example)") }
            notes.append(check.summary)
            point.fixedMetrics = [
                PreparedWorkload.FixedMetrics(scheme: KernelScheme().name, table: KernelListTable.name, values: check.metrics)
            ]
            if strictMatch, !check.allExact {
                throw CommandError(
                    "\(trace): --strict-match: \(check.operations - check.exact) of \(check.operations) flush calls differ from the kernel's qi_submit descriptors")
            }
        } else {
            ProgressReporter.note("note: \(trace) has no qi_submit lines: the replay cannot be checked against the kernel")
            if strictMatch {
                throw CommandError("\(trace): --strict-match: the trace has no qi_submit lines to match against")
            }
        }
        let fromTrace = Set(HardwareProfile.keys.filter(\.isCapability).map(\.name)).subtracting(hardware.explicitKeys)
        try execute(
            points: [point], varied: [:], options: options, plot: false, notes: notes, kernel: kernel,
            hardwareFromTrace: fromTrace)
    }
}
