import Timing
import CacheTags
import Reports
import VTd

/// The optimized table's performance targets, measured side by side in one process.
///
/// For each tag count of `PerfScenario` (one second-stage domain, 1 IOTLB + N−1 DEVTLB tags on
/// one unit) it times, per variant — the C list (`c-list`), every table of the registry that is a
/// perf variant (`CacheTagTables.all.filter(\.isPerfVariant)`: the Swift kernel list
/// `kernel-list`, the optimized table `grouped-array`, its lock-free-reader form
/// `concurrent-grouped`) and the limit probe (`write-floor`: writing N descriptors into the ring
/// with nothing else): one-page and 2 MiB range flushes, flush-all, assign and unassign of 16
/// spare DEVTLB tags. Every sample times a batch of operations long enough (`sampleNanoseconds`)
/// to make clock overhead negligible and yields ns per operation; a repetition takes one sample of
/// every (operation, variant) with the variants in a rotating order, so drift on this shared
/// machine hits all of them alike; statistics are over repetitions (medians for every ratio).
///
/// Tables are timed through their registry entry's `RingEntryPoints`: code compiled in
/// CacheTags for the table's type and the ring, one indirect call per operation, as a caller
/// that names the type pays. `perf.flush_range_generic_ns` (the runnable tables) times the
/// protocol path of generic code instead — the registry type opened at run time, as another
/// module's generic code calls a table: a witness call per flush, then the table's `@_specialize`
/// dispatches to the same specialized walk by a run-time type check. The concurrency part
/// (`PerfConcurrency`) runs two flushing threads against one attaching/detaching thread.
package enum PerfSuite {
    /// What to measure and for how long.
    package struct Configuration: Sendable {
        package var tagCounts: [Int]
        /// Repetitions (samples per operation and variant); medians are over these.
        package var repetitions: Int
        /// Target length of one sample, in ns.
        package var sampleNanoseconds: UInt64
        /// The concurrency run (nil: skipped).
        package var concurrency: PerfConcurrency.Configuration?

        package init(
            tagCounts: [Int] = PerfScenario.tagCounts, repetitions: Int = 31, sampleNanoseconds: UInt64 = 400_000,
            concurrency: PerfConcurrency.Configuration? = .init()
        ) {
            self.tagCounts = tagCounts
            self.repetitions = repetitions
            self.sampleNanoseconds = sampleNanoseconds
            self.concurrency = concurrency
        }

        /// A few seconds: for tests and smoke runs.
        package static let quick = Configuration(
            tagCounts: [1, 64, 1024], repetitions: 5, sampleNanoseconds: 100_000,
            concurrency: .init(tagCount: 64, milliseconds: 50, repetitions: 1))
    }

    /// A variant on the table axis: a registry table, or one of the fixed baselines.
    package struct Variant: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        /// The registry table `table`.
        package init(table: CacheTagTableDescriptor) { rawValue = table.name }

        /// The kernel's list algorithm in C (a fixed baseline).
        package static let cList = Variant(rawValue: "c-list")
        /// Writing N descriptors into the ring with nothing else (a fixed baseline).
        package static let writeFloor = Variant(rawValue: "write-floor")
        /// The tables the targets compare.
        package static let kernelList = Variant(table: CacheTagTables.kernel)
        package static let groupedArray = Variant(rawValue: GroupedArrayTable.name)
        package static let concurrentGrouped = Variant(rawValue: ConcurrentGroupedTable.name)
        package static let smmuInvs = Variant(rawValue: SMMUInvsTable.name)

        /// Every variant, in column order: c-list, the registry's perf variants, write-floor.
        package static var allCases: [Variant] {
            [.cList] + CacheTagTables.all.filter(\.isPerfVariant).map(Variant.init(table:)) + [.writeFloor]
        }

        /// The registry table this variant times, nil for the baselines.
        package var table: CacheTagTableDescriptor? {
            CacheTagTables.named(rawValue).flatMap { $0.isPerfVariant ? $0 : nil }
        }

        package var description: String { rawValue }
    }

    /// Timed operations and their metric names (all ns per operation).
    package enum Operation: String, CaseIterable, Sendable {
        case flushRange = "perf.flush_range_ns"
        case flushRange2M = "perf.flush_range_2m_ns"
        case flushAll = "perf.flush_all_ns"
        case flushRangeGeneric = "perf.flush_range_generic_ns"
        case assign = "perf.assign_ns"
        case unassign = "perf.unassign_ns"
        /// An ATS device's attach (IOTLB + DEVTLB tag) into an empty table, per tag; tags = 0.
        case firstAttach = "perf.first_attach_ns"
        /// Its detach, leaving the table empty again, per tag; tags = 0.
        case firstDetach = "perf.first_detach_ns"
        /// The limit probe: writing N descriptors.
        case write = "perf.write_ns"

        var isFlush: Bool { self == .flushRange || self == .flushRange2M || self == .flushAll || self == .flushRangeGeneric }
        /// Measured on an empty table, recorded under tags = 0.
        var isEmptyTable: Bool { self == .firstAttach || self == .firstDetach }
    }

    /// Everything one run found.
    package struct Result: Sendable {
        /// ns per operation, one value per repetition, by (variant, operation, tags).
        package var samples: [Key: [Double]] = [:]
        /// Table bytes per tag by (variant, tags).
        package var bytesPerTag: [Key: Double] = [:]
        /// Descriptors one range flush emits, by tags.
        package var descriptorsPerFlush: [Int: Int] = [:]
        /// Submissions one range flush makes, by tags.
        package var submissionsPerFlush: [Int: Int] = [:]
        package var concurrency: PerfConcurrency.Result?
        package var configuration: Configuration

        package struct Key: Hashable, Sendable {
            package let variant: Variant
            package let operation: Operation
            package let tags: Int
        }

        /// The tag counts with samples, ascending: 0 (the empty-table figures) and the sweep's.
        package var measuredTagCounts: [Int] {
            let empty = samples.keys.contains { $0.tags == 0 }
            return (empty ? [0] : []) + configuration.tagCounts.sorted()
        }

        /// Median ns per operation, or nil when not measured.
        package func median(_ variant: Variant, _ operation: Operation, tags: Int) -> Double? {
            samples[Key(variant: variant, operation: operation, tags: tags)].map(PerfStatistics.median)
        }
    }

    /// Runs everything; `progress` receives one line per step.
    package static func run(_ configuration: Configuration, progress: (String) -> Void = { _ in }) -> Result {
        var result = Result(configuration: configuration)
        let overhead = MonotonicClock.calibratedOverhead()
        // Largest first: list nodes are then laid out by a fresh heap (as in the one-process-per-
        // benchmark micro benchmarks); after smaller fixtures are freed, a large list's nodes
        // would land scattered over their chunks and the C and Swift lists would be timed on
        // whatever layout each happened to get.
        for tags in configuration.tagCounts.sorted(by: >) {
            progress("perf: \(tags) tags")
            measure(tags: tags, configuration, overhead: overhead, into: &result)
        }
        if let concurrency = configuration.concurrency {
            progress("perf: concurrency, \(concurrency.tagCount) tags, 2 flushing threads + 1 attach/detach thread")
            result.concurrency = PerfConcurrency.run(concurrency)
        }
        return result
    }

    // MARK: - One tag count

    /// The fixtures of one tag count: every variant's table and its own ring.
    package final class Fixtures {
        let scenario: PerfScenario
        let c: CKernelListBaseline
        /// The registry tables with their ring entry points.
        let tables: [Variant: (table: any CacheTagTable, ring: RingEntryPoints)]
        var spareTags: [CKernelListBaseline.PreparedTag]
        /// The churn cycle the next assign/unassign sample starts at (`PerfScenario.churnTags`).
        var cycle = 0
        /// Empty tables (and the C list) for the first-attach timings.
        let empty: [Variant: any CacheTagTable]
        let emptyC: CKernelListBaseline
        var firstAttach: [CKernelListBaseline.PreparedTag]
        /// `PerfScenario.churnTags` of each cycle of the rotation.
        let churn: [[CacheTag]]
        var sink = DescriptorBufferSink()
        /// The write floor's ring (owned here).
        let ring: UnsafeMutableBufferPointer<InvalidationDescriptor>
        var ringPosition = 0

        init(_ scenario: PerfScenario, variants: [Variant]) {
            self.scenario = scenario
            // The C list first, then the tables in registry order (heap layout: see `run`).
            c = scenario.makeCBaseline()
            var tables: [Variant: (table: any CacheTagTable, ring: RingEntryPoints)] = [:]
            for variant in variants {
                if let table = variant.table { tables[variant] = (scenario.makeTable(table), table.ring) }
            }
            self.tables = tables
            spareTags = scenario.spareTags.map(CKernelListBaseline.PreparedTag.init)
            var empty: [Variant: any CacheTagTable] = [:]
            for variant in variants {
                if let table = variant.table { empty[variant] = table.make(domainUsesFirstStage: PerfScenario.domainUsesFirstStage) }
            }
            self.empty = empty
            emptyC = CKernelListBaseline(domainUsesFirstStage: PerfScenario.domainUsesFirstStage)
            firstAttach = scenario.firstAttachTags.map(CKernelListBaseline.PreparedTag.init)
            let groups = max(1, scenario.spareTags.count / PerfScenario.churnGroup)
            churn = (0..<groups).map { Array(scenario.churnTags($0)) }
            ring = .allocate(capacity: 256)
            ring.initialize(repeating: InvalidationDescriptor(0, 0))
        }

        deinit { ring.deallocate() }
    }

    private static func operations(for variant: Variant) -> [Operation] {
        if variant == .writeFloor { return [.write] }
        // The unspecialized-entry-point figure for the tables on the run axis, as before.
        if let table = variant.table, table.traits.contains(.runnable) {
            return [.flushRange, .flushRange2M, .flushAll, .flushRangeGeneric, .assign, .unassign, .firstAttach, .firstDetach]
        }
        return [.flushRange, .flushRange2M, .flushAll, .assign, .unassign, .firstAttach, .firstDetach]
    }

    private static func measure(tags: Int, _ configuration: Configuration, overhead: UInt64, into result: inout Result) {
        let variants = Variant.allCases
        let fixtures = Fixtures(PerfScenario(tagCount: tags), variants: variants)
        defer { withExtendedLifetime(fixtures) {} }

        // Shape of a range flush (the same for every table of the scenario).
        var counter = CountingSink()
        fixtures.tables[.kernelList]!.table.flushRange(PerfScenario.smallRange, invalidationHint: false, into: &counter)
        result.descriptorsPerFlush[tags] = counter.descriptors
        result.submissionsPerFlush[tags] = counter.submissions

        var footprints: [(Variant, Int)] = [(.cList, fixtures.c.footprintBytes)]
        for variant in variants {
            if let table = fixtures.tables[variant]?.table { footprints.append((variant, table.footprintBytes)) }
        }
        for (variant, bytes) in footprints {
            result.bytesPerTag[Result.Key(variant: variant, operation: .assign, tags: tags)] = Double(bytes) / Double(tags)
        }

        // Calibrate: operations per sample for each (variant, operation), after a warm-up.
        var batchSizes: [Result.Key: Int] = [:]
        for variant in variants {
            for operation in operations(for: variant) {
                if operation.isEmptyTable && tags != configuration.tagCounts.min() { continue }
                _ = sample(variant, operation, fixtures, count: 8, overhead: overhead)
                var count = 8
                var elapsed = sample(variant, operation, fixtures, count: count, overhead: overhead) * Double(count)
                while elapsed < Double(configuration.sampleNanoseconds) / 4, count < 1 << 24 {
                    count *= 2
                    elapsed = sample(variant, operation, fixtures, count: count, overhead: overhead) * Double(count)
                }
                let perOperation = max(elapsed / Double(count), 1)
                let wanted = Int(Double(configuration.sampleNanoseconds) / perOperation)
                batchSizes[Result.Key(variant: variant, operation: operation, tags: tags)] = max(1, wanted)
            }
        }

        // Repetitions: every (operation, variant) once each, variants in rotating order.
        for repetition in 0..<configuration.repetitions {
            for operation in Operation.allCases {
                for offset in 0..<variants.count {
                    let variant = variants[(offset + repetition) % variants.count]
                    guard operations(for: variant).contains(operation) else { continue }
                    // The empty-table figures do not depend on N: taken once, with the smallest N.
                    if operation.isEmptyTable && tags != configuration.tagCounts.min() { continue }
                    let key = Result.Key(variant: variant, operation: operation, tags: tags)
                    let value = sample(variant, operation, fixtures, count: batchSizes[key]!, overhead: overhead)
                    let recorded = operation.isEmptyTable ? Result.Key(variant: variant, operation: operation, tags: 0) : key
                    result.samples[recorded, default: []].append(value)
                }
            }
        }
    }

    /// Times `count` operations (for assign/unassign: `count` rounded up to cycles of 16) and
    /// returns ns per operation.
    private static func sample(
        _ variant: Variant, _ operation: Operation, _ fixtures: Fixtures, count: Int, overhead: UInt64
    ) -> Double {
        switch operation {
        case .assign, .unassign:
            return timeAssignCycles(variant, fixtures, operations: count, overhead: overhead)[operation == .assign ? 0 : 1]
        case .firstAttach, .firstDetach:
            return timeFirstAttach(variant, fixtures, operations: count, overhead: overhead)[operation == .firstAttach ? 0 : 1]
        case .write:
            let start = MonotonicClock.now()
            var position = fixtures.ringPosition
            for iteration in 0..<count {
                position = DescriptorWriteFloor.write(
                    count: fixtures.scenario.tagCount, into: fixtures.ring, from: position, seed: UInt64(iteration))
            }
            let end = MonotonicClock.now()
            fixtures.ringPosition = position
            return perOperation(start, end, count, overhead)
        default:
            let range = operation == .flushRange2M ? PerfScenario.largeRange : PerfScenario.smallRange
            let table = fixtures.tables[variant]
            precondition(table != nil || variant == .cList, "\(variant) has no table to flush")
            let start = MonotonicClock.now()
            var descriptors = 0
            if let (table, ring) = table {
                if operation == .flushRangeGeneric {
                    descriptors = genericFlushes(table, range, count, &fixtures.sink)
                } else {
                    descriptors = ringFlushes(ring, table, operation, range, count, &fixtures.sink)
                }
            } else if operation == .flushAll {
                for _ in 0..<count { descriptors &+= fixtures.c.flushAll(into: &fixtures.sink) }
            } else {
                for _ in 0..<count { descriptors &+= fixtures.c.flushRange(range, into: &fixtures.sink) }
            }
            let end = MonotonicClock.now()
            precondition(descriptors == count * fixtures.scenario.tagCount, "\(variant) \(operation): \(descriptors)")
            return perOperation(start, end, count, overhead)
        }
    }

    /// `count` flushes of `table` into the ring through its registry entry's ring entry points
    /// (code specialized for the table and the ring, one indirect call per flush).
    @inline(never)
    private static func ringFlushes(
        _ ring: RingEntryPoints, _ table: any CacheTagTable, _ operation: Operation, _ range: IOVARange, _ count: Int,
        _ sink: inout DescriptorBufferSink
    ) -> Int {
        let object = table as AnyObject
        var descriptors = 0
        if operation == .flushAll {
            let flushAll = ring.flushAll
            for _ in 0..<count { descriptors &+= flushAll(object, &sink) }
        } else {
            let flushRange = ring.flushRange
            for _ in 0..<count { descriptors &+= flushRange(object, range, false, &sink) }
        }
        return descriptors
    }

    /// Range flushes through the protocol's generic method from generic code (the registry type
    /// opened at run time), as another module's generic code calls it: a witness call and the
    /// table's run-time `@_specialize` dispatch per flush.
    @inline(never)
    private static func genericFlushes<Table: CacheTagTable>(
        _ table: Table, _ range: IOVARange, _ count: Int, _ sink: inout DescriptorBufferSink
    ) -> Int {
        var descriptors = 0
        for _ in 0..<count { descriptors &+= table.flushRange(range, invalidationHint: false, into: &sink) }
        return descriptors
    }

    /// Assigns the 16 spare tags and unassigns them, `operations / 16` times (at least once),
    /// timing each half; returns [ns per assign, ns per unassign].
    private static func timeAssignCycles(
        _ variant: Variant, _ fixtures: Fixtures, operations: Int, overhead: UInt64
    ) -> [Double] {
        let group = PerfScenario.churnGroup
        let cycles = max(1, (operations + group - 1) / group)
        var assignNanoseconds: UInt64 = 0
        var unassignNanoseconds: UInt64 = 0
        func cycle(_ assign: () -> Void, _ unassign: () -> Void) {
            let start = MonotonicClock.now()
            assign()
            let middle = MonotonicClock.now()
            unassign()
            let end = MonotonicClock.now()
            assignNanoseconds &+= (middle &- start) &- min(overhead, middle &- start)
            unassignNanoseconds &+= (end &- middle) &- min(overhead, end &- middle)
        }
        let table = fixtures.tables[variant]
        precondition(table != nil || variant == .cList, "\(variant) has no tags")
        for _ in 0..<cycles {
            let spares = fixtures.scenario.churnTags(fixtures.cycle)
            fixtures.cycle += 1
            if let (table, ring) = table {
                tableCycle(ring, table as AnyObject, fixtures.churn[(fixtures.cycle - 1) % fixtures.churn.count], cycle)
            } else {
                cycle(
                    { for index in spares.indices { fixtures.c.assign(&fixtures.spareTags[index]) } },
                    { for index in spares.indices { fixtures.c.unassign(&fixtures.spareTags[index]) } })
            }
        }
        let total = Double(cycles * group)
        return [Double(assignNanoseconds) / total, Double(unassignNanoseconds) / total]
    }

    /// One assign/unassign cycle through the table's ring entry points.
    @inline(never)
    static func tableCycle(
        _ ring: RingEntryPoints, _ table: AnyObject, _ spares: [CacheTag], _ cycle: (() -> Void, () -> Void) -> Void
    ) {
        let assign = ring.assign
        let unassign = ring.unassign
        spares.withUnsafeBufferPointer { spares in
            cycle({ assign(table, spares) }, { try! unassign(table, spares) })
        }
    }

    @inline(__always)
    static func perOperation(_ start: UInt64, _ end: UInt64, _ count: Int, _ overhead: UInt64) -> Double {
        let elapsed = end &- start
        return Double(elapsed &- min(overhead, elapsed)) / Double(count)
    }
}
