import Foundation
import Reports

/// One performance target of the optimized table: a measured ratio (or value) against its bound.
package struct PerfTarget: Sendable {
    /// A short name, also the suffix of its `perf.ratio.*` / `perf.*` metric.
    package let name: String
    /// What is compared, in words.
    package let what: String
    /// The measured figure (ratio or value); NaN when it could not be measured.
    package let measured: Double
    /// The bound.
    package let bound: Double
    /// True: `measured >= bound` meets the target; false: `measured <= bound` does.
    package let atLeast: Bool
    /// Unit of `measured` (`x` for ratios, `bytes`, `count`).
    package let unit: String
    /// The tag count the target is checked at (nil: one figure for the run).
    package var tags: Int? = nil

    package var met: Bool { measured.isNaN ? false : (atLeast ? measured >= bound : measured <= bound) }

    /// `>= 4x`, `<= 32 bytes`.
    package var boundText: String {
        "\(atLeast ? ">=" : "<=") \(PerfReport.format(bound))\(unit == "x" ? "x" : " \(unit)")"
    }
}

/// Targets, report rows and the printed table of a `PerfSuite.Result`.
package enum PerfReport {
    /// The tidy rows of `perf.csv`: workload `perf`, scheme `n/a`, table = variant, parameter `tags`.
    package static func rows(_ result: PerfSuite.Result) -> [ReportRow] {
        var rows: [ReportRow] = []
        // A figure that could not be measured (NaN) has no row: reports hold finite values only.
        func row(_ table: String, _ tags: Int?, _ metric: String, _ stat: String, _ value: Double, _ unit: String) {
            guard value.isFinite else { return }
            rows.append(
                ReportRow(
                    workload: "perf", scheme: "n/a", table: table,
                    parameters: [ReportParameter(name: "tags", value: tags.map(String.init) ?? "")], metric: metric,
                    stat: stat, value: value, unit: unit))
        }
        for tags in result.measuredTagCounts {
            for variant in PerfSuite.Variant.allCases {
                for operation in PerfSuite.Operation.allCases {
                    guard let values = result.samples[.init(variant: variant, operation: operation, tags: tags)] else {
                        continue
                    }
                    for (stat, percent) in [("p10", 10.0), ("p50", 50.0), ("p90", 90.0)] {
                        row(variant.rawValue, tags, operation.rawValue, stat, PerfStatistics.percentile(values, percent), "ns")
                    }
                    row(variant.rawValue, tags, operation.rawValue, "mean", PerfStatistics.mean(values), "ns")
                    row(variant.rawValue, tags, operation.rawValue, "count", Double(values.count), "count")
                    if operation == .flushRange || operation == .write, let descriptors = result.descriptorsPerFlush[tags] {
                        row(
                            variant.rawValue, tags, "perf.ns_per_descriptor", "p50",
                            PerfStatistics.median(values) / Double(descriptors), "ns")
                    }
                }
                if let bytes = result.bytesPerTag[.init(variant: variant, operation: .assign, tags: tags)] {
                    row(variant.rawValue, tags, "perf.bytes_per_tag", "value", bytes, "bytes")
                }
            }
            if let descriptors = result.descriptorsPerFlush[tags] {
                row("n/a", tags, "perf.descriptors_per_flush", "value", Double(descriptors), "count")
            }
            if let submissions = result.submissionsPerFlush[tags] {
                row("n/a", tags, "perf.submissions_per_flush", "value", Double(submissions), "count")
            }
            // Side-by-side ratios at every tag count (medians).
            func ratio(_ name: String, _ table: PerfSuite.Variant, _ numerator: Double?, _ denominator: Double?) {
                guard let numerator, let denominator, denominator > 0 else { return }
                row(table.rawValue, tags, "perf.ratio.\(name)", "value", numerator / denominator, "ratio")
            }
            func pair(_ variant: PerfSuite.Variant) -> Double? {
                guard let assign = result.median(variant, .assign, tags: tags),
                    let unassign = result.median(variant, .unassign, tags: tags)
                else { return nil }
                return assign + unassign
            }
            ratio(
                "flush_range_vs_kernel_list", .groupedArray, result.median(.kernelList, .flushRange, tags: tags),
                result.median(.groupedArray, .flushRange, tags: tags))
            ratio(
                "flush_range_vs_c_list", .groupedArray, result.median(.cList, .flushRange, tags: tags),
                result.median(.groupedArray, .flushRange, tags: tags))
            ratio("assign_unassign_vs_kernel_list", .groupedArray, pair(.kernelList), pair(.groupedArray))
            ratio(
                "kernel_list_vs_c_list_flush", .kernelList, result.median(.kernelList, .flushRange, tags: tags),
                result.median(.cList, .flushRange, tags: tags))
            ratio("kernel_list_vs_c_list_assign", .kernelList, pair(.kernelList), pair(.cList))
            ratio(
                "flush_vs_write_floor", .groupedArray, result.median(.groupedArray, .flushRange, tags: tags),
                result.median(.writeFloor, .write, tags: tags))
            ratio(
                "concurrent_flush_vs_grouped", .concurrentGrouped, result.median(.concurrentGrouped, .flushRange, tags: tags),
                result.median(.groupedArray, .flushRange, tags: tags))
        }
        if let concurrency = result.concurrency {
            let tags = concurrency.configuration.tagCount
            for variant in PerfConcurrency.Variant.allCases {
                guard let rounds = concurrency.rounds[variant] else { continue }
                row(
                    variant.rawValue, tags, "perf.concurrent.flushes_per_s", "p50",
                    PerfStatistics.median(rounds.map(\.flushesPerSecond)), "1/s")
                row(
                    variant.rawValue, tags, "perf.concurrent.writes_per_s", "p50",
                    PerfStatistics.median(rounds.map(\.writesPerSecond)), "1/s")
                row(variant.rawValue, tags, "perf.concurrent.bad_flushes", "value", Double(concurrency.badFlushes(variant)), "count")
            }
        }
        for target in targets(result) {
            let unit = target.unit == "x" ? "ratio" : target.unit
            row("n/a", target.tags, "perf.target.\(target.name)", "value", target.measured, unit)
            row("n/a", target.tags, "perf.target.\(target.name)", "bound", target.bound, unit)
            row("n/a", target.tags, "perf.target.\(target.name)", "met", target.met ? 1 : 0, "bool")
            row("n/a", target.tags, "perf.target.\(target.name)", "at_least", target.atLeast ? 1 : 0, "bool")
        }
        return rows
    }

    /// The printed summary: medians per variant at each tag count, then every target.
    package static func table(_ result: PerfSuite.Result) -> String {
        var lines: [String] = []
        let variants = PerfSuite.Variant.allCases
        lines.append("median ns per operation (flushes: N descriptors each; write-floor: writing N descriptors)")
        let header = ["tags", "operation"] + variants.map(\.rawValue)
        var grid: [[String]] = [header]
        for tags in result.measuredTagCounts {
            for operation in PerfSuite.Operation.allCases {
                let cells = variants.map { variant in
                    result.median(variant, operation, tags: tags).map(format) ?? "-"
                }
                guard cells.contains(where: { $0 != "-" }) else { continue }
                grid.append([String(tags), operation.rawValue.replacingOccurrences(of: "perf.", with: "")] + cells)
            }
            let bytes = variants.map { variant in
                result.bytesPerTag[.init(variant: variant, operation: .assign, tags: tags)].map(format) ?? "-"
            }
            if tags > 0 { grid.append([String(tags), "bytes_per_tag"] + bytes) }
        }
        lines += aligned(grid)
        if let concurrency = result.concurrency {
            lines.append("")
            lines.append(
                "concurrency: \(concurrency.configuration.tagCount) tags, 2 flushing threads + 1 attach/detach thread, "
                    + "\(concurrency.configuration.milliseconds) ms x \(concurrency.configuration.repetitions) rounds (medians)")
            var rows = [["variant", "flushes/s", "attach+detach/s", "bad flushes"]]
            for variant in PerfConcurrency.Variant.allCases {
                rows.append([
                    variant.rawValue, concurrency.medianFlushesPerSecond(variant).map(format) ?? "-",
                    concurrency.medianWritesPerSecond(variant).map(format) ?? "-", String(concurrency.badFlushes(variant)),
                ])
            }
            lines += aligned(rows)
        }
        lines.append("")
        lines.append("targets")
        var rows = [["target", "measured", "bound", "status", "what"]]
        let all = targets(result)
        for target in all {
            rows.append([
                target.name, format(target.measured) + (target.unit == "x" ? "x" : ""), target.boundText,
                target.met ? "MET" : "MISSED", target.what,
            ])
        }
        lines += aligned(rows)
        lines.append("\(all.filter(\.met).count) of \(all.count) targets MET")
        lines.append(
            "zero allocations on every flush path: `swift test` (PerfInvariantTests) and `swift package benchmark thresholds check`")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Three significant digits, no exponent for ordinary magnitudes.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        let magnitude = abs(value)
        if magnitude >= 100 { return String(Int(value.rounded())) }
        if magnitude >= 10 { return String((value * 10).rounded() / 10) }
        return String((value * 100).rounded() / 100)
    }

    private static func aligned(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
