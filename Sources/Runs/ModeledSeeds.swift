import CacheTags
import Dispatch
import Engine
import Foundation
import IOMMUModel
import Metrics
import Workloads

/// The modeled passes of one (point, scheme, table) under several seeds, run `jobs` at a time.
///
/// Each pass is deterministic and independent (its own events, directory, tables and model), so
/// running them at once changes no number; the timed passes, which a busy core would disturb, run
/// afterwards and alone (`BenchmarkRunner`).
enum ModeledSeeds {
    /// Per seed (in `seeds` order), the pass's metrics. `firstEvents` are the first seed's events,
    /// already generated.
    static func run<Table: CacheTagTable>(
        point: PreparedWorkload, firstEvents: [WorkloadEvent], seeds: [UInt64], jobs: Int,
        scheme: any DomainIDScheme, makeTable: @escaping (Bool) -> Table, costModel: CostModel, strictOracle: Bool
    ) throws -> [[MetricValue]] {
        let slots = Slots(count: seeds.count)
        let work = Work(point: point, firstEvents: firstEvents, seeds: seeds, scheme: scheme, makeTable: makeTable,
                        costModel: costModel, strictOracle: strictOracle)
        let width = max(1, min(jobs, seeds.count))
        if width == 1 {
            for index in seeds.indices { slots.store(index, Result { try work.pass(index) }) }
        } else {
            // `width` workers take seeds in turn; every seed's result goes to its own slot.
            DispatchQueue.concurrentPerform(iterations: width) { worker in
                var index = worker
                while index < seeds.count {
                    slots.store(index, Result { try work.pass(index) })
                    index += width
                }
            }
        }
        return try slots.results()
    }

    /// The metrics of every pass, by metric in the first pass's order, each value with the index
    /// of its pass (a metric a pass lacks, such as a per-unmap figure of a pass without unmaps, has
    /// no value for that pass, so values stay paired with their seeds).
    static func byMetric(_ passes: [[MetricValue]]) -> [(Metric, [(pass: Int, value: Double)])] {
        guard let first = passes.first else { return [] }
        return first.map { value in
            (value.metric, passes.enumerated().compactMap { index, pass in
                pass.first { $0.metric == value.metric }.map { (index, $0.value) }
            })
        }
    }

    /// One pass's inputs, read-only and shared by the workers.
    private final class Work<Table: CacheTagTable>: @unchecked Sendable {
        let point: PreparedWorkload
        let firstEvents: [WorkloadEvent]
        let seeds: [UInt64]
        let scheme: any DomainIDScheme
        let makeTable: (Bool) -> Table
        let costModel: CostModel
        let strictOracle: Bool

        init(
            point: PreparedWorkload, firstEvents: [WorkloadEvent], seeds: [UInt64], scheme: any DomainIDScheme,
            makeTable: @escaping (Bool) -> Table, costModel: CostModel, strictOracle: Bool
        ) {
            self.point = point
            self.firstEvents = firstEvents
            self.seeds = seeds
            self.scheme = scheme
            self.makeTable = makeTable
            self.costModel = costModel
            self.strictOracle = strictOracle
        }

        func pass(_ index: Int) throws -> [MetricValue] {
            let events = index == 0 ? firstEvents : point.events(seed: seeds[index])
            return try ModeledRun.metrics(
                events: events, topology: point.topology, scheme: scheme, makeTable: makeTable,
                configuration: point.hardware.configuration(cost: costModel, strict: strictOracle))
        }
    }

    /// One result slot per seed, written under a lock.
    private final class Slots: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Result<[MetricValue], any Error>?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func store(_ index: Int, _ result: Result<[MetricValue], any Error>) {
            lock.lock()
            values[index] = result
            lock.unlock()
        }

        func results() throws -> [[MetricValue]] {
            try values.map { try $0!.get() }
        }
    }
}
