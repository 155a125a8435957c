import Timing
import CacheTags
import Foundation
import VTd

/// Two threads flushing one domain while a third attaches and detaches devices on it, for each
/// table that allows it:
/// - `concurrent-grouped` (hazard pointers): flushes never lock; they walk the published plan;
/// - `concurrent-grouped+atomic-ref`: the same, the plan held through swift-atomics'
///   `ManagedAtomic` strong reference (every flush writes the shared atomic and refcount);
/// - `locked-grouped`: every operation, flushes included, takes one mutex.
///
/// Each round runs the three threads for a fixed wall-clock time, the variants interleaved round
/// by round; reported are flushes per second (both flushers together), attach+detach cycles per
/// second, and flushes that saw a state no attach/detach sequence can produce (must be 0): a flush
/// emits N descriptors (the base tags) or N + 1 (with the attached device's DEVTLB tag).
public enum PerfConcurrency {
    public struct Configuration: Sendable {
        public var tagCount: Int
        /// Length of one round, per variant.
        public var milliseconds: Int
        /// Rounds per variant (medians over rounds).
        public var repetitions: Int

        public init(tagCount: Int = 64, milliseconds: Int = 200, repetitions: Int = 5) {
            self.tagCount = tagCount
            self.milliseconds = milliseconds
            self.repetitions = repetitions
        }
    }

    public enum Variant: String, CaseIterable, Sendable {
        case hazardPointers = "concurrent-grouped"
        case atomicReference = "concurrent-grouped+atomic-ref"
        case locked = "locked-grouped"
    }

    /// One round's counts.
    public struct Round: Sendable {
        public var flushesPerSecond: Double
        public var writesPerSecond: Double
        public var badFlushes: Int
    }

    public struct Result: Sendable {
        public var configuration: Configuration
        public var rounds: [Variant: [Round]] = [:]

        public func medianFlushesPerSecond(_ variant: Variant) -> Double? {
            rounds[variant].map { PerfStatistics.median($0.map(\.flushesPerSecond)) }
        }
        public func medianWritesPerSecond(_ variant: Variant) -> Double? {
            rounds[variant].map { PerfStatistics.median($0.map(\.writesPerSecond)) }
        }
        public func badFlushes(_ variant: Variant) -> Int { rounds[variant]?.reduce(0) { $0 + $1.badFlushes } ?? 0 }
    }

    public static func run(_ configuration: Configuration) -> Result {
        var result = Result(configuration: configuration)
        let scenario = PerfScenario(tagCount: configuration.tagCount)
        for repetition in 0..<configuration.repetitions {
            let variants = Variant.allCases
            for offset in 0..<variants.count {
                let variant = variants[(offset + repetition) % variants.count]
                let round: Round
                switch variant {
                case .hazardPointers:
                    round = runRound(
                        ConcurrentGroupedTable(domainUsesFirstStage: false, protection: .hazardPointers), scenario,
                        configuration.milliseconds)
                case .atomicReference:
                    round = runRound(
                        ConcurrentGroupedTable(domainUsesFirstStage: false, protection: .atomicReference), scenario,
                        configuration.milliseconds)
                case .locked:
                    round = runRound(LockedGroupedTable(domainUsesFirstStage: false), scenario, configuration.milliseconds)
                }
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

    private static func runRound<Table: RingFlushingTable & Sendable>(
        _ table: Table, _ scenario: PerfScenario, _ milliseconds: Int
    ) -> Round {
        for tag in scenario.tags { table.assign(tag) }
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
                defer { sink.deallocate() }
                while MonotonicClock.now() < start {}
                var flushes = 0
                var anomalies = 0
                while true {
                    for _ in 0..<64 {
                        let emitted = table.flushRange(PerfScenario.smallRange, invalidationHint: false, intoRing: &sink)
                        if emitted != base && emitted != base + 1 { anomalies += 1 }
                    }
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
            while MonotonicClock.now() < start {}
            var cycles = 0
            var index = 0
            while MonotonicClock.now() < deadline {
                let iotlb = scenario.spareIOTLBTags[index]
                let devtlb = scenario.spareTags[index]
                table.assign(iotlb)
                table.assign(devtlb)
                try! table.unassign(devtlb)
                try! table.unassign(iotlb)
                index = (index + 1) % scenario.spareTags.count
                cycles += 1
            }
            counters.operations(2).pointee = cycles
            group.leave()
        }
        writer.start()
        group.wait()
        let seconds = Double(deadline - start) / 1e9
        return Round(
            flushesPerSecond: Double(counters.operations(0).pointee + counters.operations(1).pointee) / seconds,
            writesPerSecond: Double(counters.operations(2).pointee) / seconds,
            badFlushes: counters.anomalies(0).pointee + counters.anomalies(1).pointee)
    }
}
