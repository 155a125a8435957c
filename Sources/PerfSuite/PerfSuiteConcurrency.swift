import Timing
import CacheTags
import Foundation
import VTd

/// Two threads flushing one domain while a third attaches and detaches devices on it, for each
/// table of the registry that allows it:
/// - the tables with lock-free flushes (`.lockFreeFlushes`: `concurrent-grouped`, hazard
///   pointers): flushes never lock; they walk the published layout;
/// - `concurrent-grouped+atomic-ref`: `ConcurrentGroupedTable` with the layout held through
///   swift-atomics' `ManagedAtomic` strong reference (every flush writes the shared atomic and
///   refcount), a fixed comparison point;
/// - the locked controls (`.lockedControl`: `locked-grouped`): every operation, flushes included,
///   takes one mutex.
///
/// Each round runs the three threads for a fixed wall-clock time, the variants interleaved round
/// by round; reported are flushes per second (both flushers together), attach+detach cycles per
/// second, and flushes that saw a state no attach/detach sequence can produce (must be 0): a flush
/// emits N descriptors (the base tags) or N + 1 (with the attached device's DEVTLB tag).
package enum PerfConcurrency {
    package struct Configuration: Sendable {
        package var tagCount: Int
        /// Length of one round, per variant.
        package var milliseconds: Int
        /// Rounds per variant (medians over rounds).
        package var repetitions: Int

        package init(tagCount: Int = 64, milliseconds: Int = 200, repetitions: Int = 5) {
            self.tagCount = tagCount
            self.milliseconds = milliseconds
            self.repetitions = repetitions
        }
    }

    /// One table configuration of the run: a name and how to make its (thread-safe) table.
    package struct Variant: Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        /// Flushes never lock (the lock-free side of the throughput target).
        package let isLockFree: Bool
        let make: @Sendable () -> any CacheTagTable
        /// The registry entry of the table type `make` returns (its ring entry points).
        let entry: CacheTagTableDescriptor

        init(_ name: String, entry: CacheTagTableDescriptor, make: @escaping @Sendable () -> any CacheTagTable) {
            rawValue = name
            isLockFree = entry.traits.contains(.lockFreeFlushes)
            self.entry = entry
            self.make = make
        }

        init(table: CacheTagTableDescriptor) {
            self.init(table.name, entry: table) { table.make(domainUsesFirstStage: PerfScenario.domainUsesFirstStage) }
        }

        /// `ConcurrentGroupedTable` with reader protection by atomic strong references.
        package static let atomicReference = Variant(
            "\(ConcurrentGroupedTable.name)+atomic-ref", entry: CacheTagTables.named(ConcurrentGroupedTable.name)!
        ) { ConcurrentGroupedTable(domainUsesFirstStage: PerfScenario.domainUsesFirstStage, protection: .atomicReference) }

        /// The lock-free tables, the atomic-reference variant, then the locked controls.
        package static var allCases: [Variant] {
            let tables = CacheTagTables.all
            return tables.filter { $0.traits.contains(.lockFreeFlushes) }.map(Variant.init(table:)) + [.atomicReference]
                + tables.filter { $0.traits.contains(.lockedControl) }.map(Variant.init(table:))
        }

        /// The first lock-free table of the registry (the throughput target's numerator).
        package static var lockFree: Variant? { allCases.first { $0.isLockFree } }
        /// The first locked control (the throughput target's denominator).
        package static var locked: Variant? { allCases.first { !$0.isLockFree } }

        package var description: String { rawValue }
        package static func == (lhs: Variant, rhs: Variant) -> Bool { lhs.rawValue == rhs.rawValue }
        package func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }

    /// One round's counts.
    package struct Round: Sendable {
        package var flushesPerSecond: Double
        package var writesPerSecond: Double
        package var badFlushes: Int
        /// Snapshots allocated per publication while the threads ran (tables that publish snapshots).
        package var allocationsPerPublication: Double?
    }

    package struct Result: Sendable {
        package var configuration: Configuration
        package var rounds: [Variant: [Round]] = [:]

        package func medianFlushesPerSecond(_ variant: Variant) -> Double? {
            rounds[variant].map { PerfStatistics.median($0.map(\.flushesPerSecond)) }
        }
        package func medianWritesPerSecond(_ variant: Variant) -> Double? {
            rounds[variant].map { PerfStatistics.median($0.map(\.writesPerSecond)) }
        }
        /// The largest allocations-per-publication of any round (nil for tables that publish none).
        package func allocationsPerPublication(_ variant: Variant) -> Double? {
            rounds[variant]?.compactMap(\.allocationsPerPublication).max()
        }
        package func badFlushes(_ variant: Variant) -> Int { rounds[variant]?.reduce(0) { $0 + $1.badFlushes } ?? 0 }
    }

    package static func run(_ configuration: Configuration) -> Result {
        var result = Result(configuration: configuration)
        let scenario = PerfScenario(tagCount: configuration.tagCount)
        for repetition in 0..<configuration.repetitions {
            let variants = Variant.allCases
            for offset in 0..<variants.count {
                let variant = variants[(offset + repetition) % variants.count]
                let round = runRound(SharedTable(variant.make(), variant.entry.ring), scenario, configuration.milliseconds)
                result.rounds[variant, default: []].append(round)
            }
        }
        return result
    }

    /// Per-thread counters, each on its own cache line, written only by their thread.
    private final class Counters: @unchecked Sendable {
        let base: UnsafeMutablePointer<Int>
        static let stride = 8  // 64 bytes
        init(threads: Int) {
            base = .allocate(capacity: threads * 2 * Self.stride)
            base.initialize(repeating: 0, count: threads * 2 * Self.stride)
        }
        deinit { base.deallocate() }
        /// Operations done by `thread`.
        func operations(_ thread: Int) -> UnsafeMutablePointer<Int> { base + thread * 2 * Self.stride }
        /// Anomalies seen by `thread`.
        func anomalies(_ thread: Int) -> UnsafeMutablePointer<Int> { base + (thread * 2 + 1) * Self.stride }
    }

    /// A table the variant promises is safe to share between threads (lock-free or locked).
    private final class SharedTable: @unchecked Sendable {
        let table: any CacheTagTable
        let ring: RingEntryPoints
        init(_ table: any CacheTagTable, _ ring: RingEntryPoints) {
            self.table = table
            self.ring = ring
        }
    }

    /// 64 range flushes into `sink` through the ring entry points; returns how many emitted
    /// neither `base` nor `base + 1` descriptors.
    @inline(never)
    private static func flushes(_ shared: SharedTable, base: Int, into sink: inout DescriptorBufferSink) -> Int {
        let object = shared.table as AnyObject
        let flushRange = shared.ring.flushRange
        var anomalies = 0
        for _ in 0..<64 {
            let emitted = flushRange(object, PerfScenario.smallRange, false, &sink)
            if emitted != base && emitted != base + 1 { anomalies += 1 }
        }
        return anomalies
    }

    private static func runRound(_ shared: SharedTable, _ scenario: PerfScenario, _ milliseconds: Int) -> Round {
        let table = shared.table
        for tag in scenario.tags { table.assign(tag) }
        // Warm-up churn (a few reclamation batches), so the counters below see the steady state.
        for index in 0..<64 {
            let tags = [scenario.spareIOTLBTags[index % scenario.spareTags.count], scenario.spareTags[index % scenario.spareTags.count]]
            for tag in tags { table.assign(tag) }
            for tag in tags.reversed() { try! table.unassign(tag) }
        }
        let concurrent = table as? ConcurrentGroupedTable
        let before = concurrent.map { ($0.snapshotAllocations, $0.publications) }
        let counters = Counters(threads: 3)
        let group = DispatchGroup()
        // Threads spin until a common start time and stop at a common deadline: no shared flags.
        let start = MonotonicClock.now() + 20_000_000
        let deadline = start + UInt64(milliseconds) * 1_000_000
        let base = scenario.tagCount
        for flusher in 0..<2 {
            group.enter()
            let thread = Thread {
                var sink = DescriptorBufferSink()
                while MonotonicClock.now() < start {}
                var flushes = 0
                var anomalies = 0
                while true {
                    anomalies += Self.flushes(shared, base: base, into: &sink)
                    flushes += 64
                    if MonotonicClock.now() >= deadline { break }
                }
                counters.operations(flusher).pointee = flushes
                counters.anomalies(flusher).pointee = anomalies
                group.leave()
            }
            thread.start()
        }
        group.enter()
        let writer = Thread {
            let table = shared.table as AnyObject
            let assign = shared.ring.assign
            let unassign = shared.ring.unassign
            while MonotonicClock.now() < start {}
            var cycles = 0
            var index = 0
            while MonotonicClock.now() < deadline {
                let iotlb = scenario.spareIOTLBTags[index]
                let devtlb = scenario.spareTags[index]
                withUnsafePointer(to: iotlb) { iotlb in
                    withUnsafePointer(to: devtlb) { devtlb in
                        let iotlb = UnsafeBufferPointer(start: iotlb, count: 1)
                        let devtlb = UnsafeBufferPointer(start: devtlb, count: 1)
                        assign(table, iotlb)
                        assign(table, devtlb)
                        try! unassign(table, devtlb)
                        try! unassign(table, iotlb)
                    }
                }
                index = (index + 1) % scenario.spareTags.count
                cycles += 1
            }
            counters.operations(2).pointee = cycles
            group.leave()
        }
        writer.start()
        group.wait()
        let seconds = Double(deadline - start) / 1e9
        var allocationsPerPublication: Double?
        if let concurrent, let before {
            let publications = concurrent.publications - before.1
            allocationsPerPublication = Double(concurrent.snapshotAllocations - before.0) / Double(max(publications, 1))
        }
        return Round(
            flushesPerSecond: Double(counters.operations(0).pointee + counters.operations(1).pointee) / seconds,
            writesPerSecond: Double(counters.operations(2).pointee) / seconds,
            badFlushes: counters.anomalies(0).pointee + counters.anomalies(1).pointee,
            allocationsPerPublication: allocationsPerPublication)
    }
}
