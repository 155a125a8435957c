extension PerfReport {
    /// The bound for bytes per tag of the optimized table from this many tags on.
    static let compactFrom = 64

    /// Every performance target, in the order the README lists them (issue 15's table first, then
    /// the Swift list's fidelity to the C list and the concurrency checks). A target is checked at
    /// every tag count it names; an unmeasured figure is NaN and MISSED.
    package static func targets(_ result: PerfSuite.Result) -> [PerfTarget] {
        func m(_ variant: PerfSuite.Variant, _ operation: PerfSuite.Operation, _ tags: Int) -> Double {
            result.median(variant, operation, tags: tags) ?? .nan
        }
        func pair(_ variant: PerfSuite.Variant, _ tags: Int) -> Double { m(variant, .assign, tags) + m(variant, .unassign, tags) }
        func bytes(_ variant: PerfSuite.Variant, _ tags: Int) -> Double {
            result.bytesPerTag[.init(variant: variant, operation: .assign, tags: tags)] ?? .nan
        }
        func atMost(_ name: String, _ what: String, _ measured: Double, _ bound: Double, tags: Int?, unit: String = "x")
            -> PerfTarget
        {
            var target = PerfTarget(name: name, what: what, measured: measured, bound: bound, atLeast: false, unit: unit)
            target.tags = tags
            return target
        }
        let grouped = PerfSuite.Variant.groupedArray
        let c = PerfSuite.Variant.cList
        let smmu = PerfSuite.Variant.smmuInvs
        var targets: [PerfTarget] = []
        for n in result.configuration.tagCounts.sorted() {
            for (operation, label) in [(PerfSuite.Operation.flushRange, "flush_range"), (.flushAll, "flush_all")] {
                targets.append(
                    atMost(
                        "\(label)_vs_c_list_n\(n)", "grouped-array / c-list, \(label), \(n) tags",
                        m(grouped, operation, n) / m(c, operation, n), 1, tags: n))
                targets.append(
                    atMost(
                        "\(label)_vs_smmu_invs_n\(n)", "grouped-array / smmu-invs, \(label), \(n) tags",
                        m(grouped, operation, n) / m(smmu, operation, n), 1, tags: n))
            }
            targets.append(
                atMost(
                    "assign_vs_c_list_n\(n)", "grouped-array / c-list, assign of new tags, \(n) tags",
                    m(grouped, .assign, n) / m(c, .assign, n), 1, tags: n))
            targets.append(
                atMost(
                    "unassign_vs_c_list_n\(n)", "grouped-array / c-list, unassign removing tags, \(n) tags",
                    m(grouped, .unassign, n) / m(c, .unassign, n), 1, tags: n))
            targets.append(
                atMost(
                    "assign_unassign_vs_smmu_invs_n\(n)", "grouped-array / smmu-invs, assign+unassign churn, \(n) tags",
                    pair(grouped, n) / pair(smmu, n), 1, tags: n))
            targets.append(
                atMost(
                    "bytes_per_tag_vs_c_list_n\(n)", "grouped-array / c-list, bytes per tag (usable sizes), \(n) tags",
                    bytes(grouped, n) / bytes(c, n), 1, tags: n))
            if n >= compactFrom {
                targets.append(
                    atMost(
                        "bytes_per_tag_n\(n)", "grouped-array bytes per tag (usable sizes, fixed part included), \(n) tags",
                        bytes(grouped, n), 20, tags: n, unit: "bytes"))
            }
            targets.append(
                atMost(
                    "concurrent_flush_vs_grouped_n\(n)", "concurrent-grouped / grouped-array, flush_range, \(n) tags",
                    m(.concurrentGrouped, .flushRange, n) / m(grouped, .flushRange, n), 1.1, tags: n))
        }
        for (operation, label) in [(PerfSuite.Operation.firstAttach, "first_attach"), (.firstDetach, "first_detach")] {
            targets.append(
                atMost(
                    "\(label)_vs_c_list", "grouped-array / c-list, \(label.replacingOccurrences(of: "_", with: " ")) (empty table)",
                    m(grouped, operation, 0) / m(c, operation, 0), 1, tags: nil))
        }
        let flushTags = result.configuration.tagCounts.contains(64) ? 64 : (result.configuration.tagCounts.last ?? 64)
        let descriptors = Double(result.descriptorsPerFlush[flushTags] ?? flushTags)
        targets.append(
            atMost(
                "flush_vs_write_floor", "grouped-array ns/descriptor / write-floor ns/descriptor, \(flushTags) tags",
                (m(grouped, .flushRange, flushTags) / descriptors) / (m(.writeFloor, .write, flushTags) / descriptors), 1.6,
                tags: flushTags))
        targets += fidelityTargets(result, m: m, pair: pair)
        return targets
    }

    /// The Swift kernel list against the C list and the grouped table against the Swift list
    /// (issue 7), and the concurrency checks.
    private static func fidelityTargets(
        _ result: PerfSuite.Result, m: (PerfSuite.Variant, PerfSuite.Operation, Int) -> Double,
        pair: (PerfSuite.Variant, Int) -> Double
    ) -> [PerfTarget] {
        let flushTags = result.configuration.tagCounts.contains(64) ? 64 : (result.configuration.tagCounts.last ?? 64)
        let assignTags = result.configuration.tagCounts.contains(1024) ? 1024 : (result.configuration.tagCounts.last ?? 1024)
        var targets = [
            PerfTarget(
                name: "flush_range_vs_kernel_list", what: "kernel-list / grouped-array, 1-page flush_range, \(flushTags) tags",
                measured: m(.kernelList, .flushRange, flushTags) / m(.groupedArray, .flushRange, flushTags), bound: 4,
                atLeast: true, unit: "x", tags: flushTags),
            PerfTarget(
                name: "assign_unassign_vs_kernel_list", what: "kernel-list / grouped-array, assign+unassign, \(assignTags) tags",
                measured: pair(.kernelList, assignTags) / pair(.groupedArray, assignTags), bound: 20, atLeast: true,
                unit: "x", tags: assignTags),
            PerfTarget(
                name: "kernel_list_vs_c_list_flush", what: "kernel-list / c-list, 1-page flush_range, \(flushTags) tags",
                measured: m(.kernelList, .flushRange, flushTags) / m(.cList, .flushRange, flushTags), bound: 1.5,
                atLeast: false, unit: "x", tags: flushTags),
            PerfTarget(
                name: "kernel_list_vs_c_list_assign", what: "kernel-list / c-list, assign+unassign, \(assignTags) tags",
                measured: pair(.kernelList, assignTags) / pair(.cList, assignTags), bound: 1.5, atLeast: false, unit: "x",
                tags: assignTags),
        ]
        if let concurrency = result.concurrency {
            let lockFree = PerfConcurrency.Variant.lockFree.flatMap(concurrency.medianFlushesPerSecond) ?? .nan
            let locked = PerfConcurrency.Variant.locked.flatMap(concurrency.medianFlushesPerSecond) ?? .nan
            let tags = concurrency.configuration.tagCount
            targets.append(
                PerfTarget(
                    name: "concurrent_flush_throughput_vs_locked",
                    what: "flushes/s, lock-free / locked, 2 flushers + 1 attach/detach thread, \(tags) tags",
                    measured: lockFree / locked, bound: 1, atLeast: true, unit: "x", tags: tags))
            targets.append(
                PerfTarget(
                    name: "concurrent_allocations_per_publish",
                    what: "snapshots allocated per publication in steady churn (hazard-pointer variant), \(tags) tags",
                    measured: PerfConcurrency.Variant.lockFree.flatMap(concurrency.allocationsPerPublication) ?? .nan,
                    bound: 0, atLeast: false, unit: "count", tags: tags))
            targets.append(
                PerfTarget(
                    name: "concurrent_bad_flushes", what: "flushes that saw a torn table (all variants)",
                    measured: Double(PerfConcurrency.Variant.allCases.reduce(0) { $0 + concurrency.badFlushes($1) }),
                    bound: 0, atLeast: false, unit: "count", tags: tags))
        }
        return targets
    }
}
