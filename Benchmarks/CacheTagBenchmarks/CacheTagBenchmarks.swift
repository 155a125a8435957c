// Micro benchmarks of the cache-tag tables (ordo-one `benchmark`).
//
//   swift package benchmark --no-progress                        # all 150 benchmarks (~20-45 s)
//   swift package benchmark --filter '.*:n=64' --no-progress     # one tag count (whole-name regex)
//   swift package benchmark thresholds check --path Benchmarks/Thresholds --no-progress
//   swift package --allow-writing-to-package-directory benchmark thresholds update \
//       --path Benchmarks/Thresholds --metric mallocCountTotal --metric descriptorsPerFlush \
//       --metric submissionsPerFlush --no-progress
//
// Names are `<variant>:<operation>:n=<tags>`. Variants: every perf variant of the table registry
// (`CacheTagTables.all.filter(\.isPerfVariant)`: `kernel-list`, the kernel's algorithm in Swift;
// `grouped-array`, the optimized table; `concurrent-grouped`, the optimized table with lock-free
// flushes), plus two fixed baselines from PerfSuite: `c-list` (the same algorithm in C,
// `CKernelListBaseline`) and `write-floor` (the limit probe: writing the same number of 32-byte
// descriptors into a ring with nothing else). The domain is `PerfScenario`: one second-stage domain, one
// unit, N tags = 1 IOTLB + (N − 1) DEVTLB (ATS devices), so a flush emits N descriptors.
//
// Operations (time units per the scaled operation):
//   assign16 / unassign16   16 new DEVTLB tags assigned (resp. unassigned), per iteration
//   flush-range-1p          cache_tag_flush_range of one page, per flush (1000 per iteration)
//   flush-range-2m          of 512 pages (2 MiB, aligned), per flush
//   flush-all               cache_tag_flush_all, per flush
//   mixed-1to100            one device attach (IOTLB + DEVTLB assign), 100 one-page flushes and
//                           the detach, per iteration
//   write                   (write-floor) N descriptors written, per write of N (1000 per iteration)
//
// Thresholds: static ones (Benchmarks/Thresholds/*.p90.json) hold only deterministic metrics —
// `mallocCountTotal` and the custom `descriptorsPerFlush` / `submissionsPerFlush` — checked with
// strict (exact) tolerance. Wall-clock has relaxed relative tolerances only (25% at p50, used by
// `baseline compare/check`), never a static threshold: this machine is shared and noisy.
import Benchmark
import PerfSuite
import CacheTags
import VTd

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .milliseconds(120),
        maxIterations: 400,
        thresholds: [
            .wallClock: BenchmarkThresholds(relative: BenchmarkThresholds.Relative.relaxed),
            .mallocCountTotal: .strict,
        ])

    for count in PerfScenario.tagCounts {
        let scenario = PerfScenario(tagCount: count)
        for table in CacheTagTables.all.filter(\.isPerfVariant) { registerTable(table, scenario) }
        registerCBaseline(scenario)
        registerWriteFloor(scenario)
    }
}

// MARK: - Metrics and configurations

enum CacheTagMetric {
    /// Descriptors one flush emits (deterministic for a scenario).
    static let descriptorsPerFlush = BenchmarkMetric.custom("descriptorsPerFlush", useScalingFactor: false)
    /// Submissions (qi_batch flushes, each closed by a wait) one flush makes.
    static let submissionsPerFlush = BenchmarkMetric.custom("submissionsPerFlush", useScalingFactor: false)
}

/// Flush benchmarks: 1000 flushes per iteration, reported per flush, with the custom metrics.
var flushConfiguration: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal, CacheTagMetric.descriptorsPerFlush, CacheTagMetric.submissionsPerFlush],
    scalingFactor: .kilo,
    thresholds: [
        .wallClock: BenchmarkThresholds(relative: BenchmarkThresholds.Relative.relaxed),
        .mallocCountTotal: .strict,
        CacheTagMetric.descriptorsPerFlush: .strict,
        CacheTagMetric.submissionsPerFlush: .strict,
    ]) }

/// The mixed loop: one iteration = attach + 100 flushes + detach.
var mixedConfiguration: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal, CacheTagMetric.descriptorsPerFlush, CacheTagMetric.submissionsPerFlush],
    thresholds: flushConfiguration.thresholds) }

/// The limit probe: wall clock only (it allocates nothing and emits no submissions).
var floorConfiguration: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal], scalingFactor: .kilo,
    thresholds: [
        .wallClock: BenchmarkThresholds(relative: BenchmarkThresholds.Relative.relaxed), .mallocCountTotal: .strict,
    ]) }

let flushesPerMixedIteration = 100

// MARK: - Fixtures

/// A registry table of the scenario plus the ring every flush writes into; operations go through
/// the entry's `RingEntryPoints` (code specialized for the table and the ring).
final class TableFixture {
    let table: AnyObject
    let ring: RingEntryPoints
    let scenario: PerfScenario
    var sink = DescriptorBufferSink()
    var spare = 0

    init(_ entry: CacheTagTableDescriptor, _ scenario: PerfScenario) {
        self.scenario = scenario
        table = scenario.makeTable(entry) as AnyObject
        ring = entry.ring
    }

    func assign(_ tags: [CacheTag]) { tags.withUnsafeBufferPointer { ring.assign(table, $0) } }
    func unassign(_ tags: [CacheTag]) { tags.withUnsafeBufferPointer { try? ring.unassign(table, $0) } }
    func assign(_ tag: CacheTag) { withUnsafePointer(to: tag) { ring.assign(table, UnsafeBufferPointer(start: $0, count: 1)) } }
    func unassign(_ tag: CacheTag) {
        withUnsafePointer(to: tag) { try? ring.unassign(table, UnsafeBufferPointer(start: $0, count: 1)) }
    }
    func flushRange(_ range: IOVARange) -> Int { ring.flushRange(table, range, false, &sink) }
    func flushAll() -> Int { ring.flushAll(table, &sink) }

    /// Records descriptors and submissions of one flush (they are the same for every flush).
    func recordFlushShape(_ benchmark: Benchmark, descriptorsBefore: Int, submissionsBefore: Int, flushes: Int) {
        benchmark.measurement(CacheTagMetric.descriptorsPerFlush, (sink.descriptors - descriptorsBefore) / flushes)
        benchmark.measurement(CacheTagMetric.submissionsPerFlush, (sink.submissions - submissionsBefore) / flushes)
    }
}

func registerTable(_ entry: CacheTagTableDescriptor, _ scenario: PerfScenario) {
    let name = { (operation: String) in "\(entry.name):\(operation):n=\(scenario.tagCount)" }

    Benchmark(name("assign16")) { benchmark, fixture in
        fixture.assign(fixture.scenario.spareTags)
        benchmark.stopMeasurement()
        fixture.unassign(fixture.scenario.spareTags)
    } setup: {
        TableFixture(entry, scenario)
    }

    Benchmark(name("unassign16")) { benchmark, fixture in
        fixture.assign(fixture.scenario.spareTags)
        benchmark.startMeasurement()
        fixture.unassign(fixture.scenario.spareTags)
    } setup: {
        TableFixture(entry, scenario)
    }

    for (operation, range) in [("flush-range-1p", PerfScenario.smallRange), ("flush-range-2m", PerfScenario.largeRange)] {
        Benchmark(name(operation), configuration: flushConfiguration) { benchmark, fixture in
            let descriptors = fixture.sink.descriptors
            let submissions = fixture.sink.submissions
            for _ in benchmark.scaledIterations {
                blackHole(fixture.flushRange(range))
            }
            benchmark.stopMeasurement()
            fixture.recordFlushShape(
                benchmark, descriptorsBefore: descriptors, submissionsBefore: submissions,
                flushes: benchmark.scaledIterations.count)
        } setup: {
            TableFixture(entry, scenario)
        }
    }

    Benchmark(name("flush-all"), configuration: flushConfiguration) { benchmark, fixture in
        let descriptors = fixture.sink.descriptors
        let submissions = fixture.sink.submissions
        for _ in benchmark.scaledIterations { blackHole(fixture.flushAll()) }
        benchmark.stopMeasurement()
        fixture.recordFlushShape(
            benchmark, descriptorsBefore: descriptors, submissionsBefore: submissions,
            flushes: benchmark.scaledIterations.count)
    } setup: {
        TableFixture(entry, scenario)
    }

    Benchmark(name("mixed-1to100"), configuration: mixedConfiguration) { benchmark, fixture in
        let index = fixture.spare
        fixture.spare = (index + 1) % fixture.scenario.spareTags.count
        let iotlb = fixture.scenario.spareIOTLBTags[index]
        let devtlb = fixture.scenario.spareTags[index]
        fixture.assign(iotlb)
        fixture.assign(devtlb)
        let descriptors = fixture.sink.descriptors
        let submissions = fixture.sink.submissions
        for _ in 0..<flushesPerMixedIteration {
            blackHole(fixture.flushRange(PerfScenario.smallRange))
        }
        let flushDescriptors = fixture.sink.descriptors - descriptors
        let flushSubmissions = fixture.sink.submissions - submissions
        fixture.unassign(devtlb)
        fixture.unassign(iotlb)
        benchmark.stopMeasurement()
        benchmark.measurement(CacheTagMetric.descriptorsPerFlush, flushDescriptors / flushesPerMixedIteration)
        benchmark.measurement(CacheTagMetric.submissionsPerFlush, flushSubmissions / flushesPerMixedIteration)
    } setup: {
        TableFixture(entry, scenario)
    }
}

/// The C baseline with prebuilt specs, so only the C calls are timed.
final class CFixture {
    let table: CKernelListBaseline
    var spareSpecs: [CKernelListBaseline.PreparedTag]
    var spareIOTLBSpecs: [CKernelListBaseline.PreparedTag]
    var sink = DescriptorBufferSink()
    var spare = 0

    init(_ scenario: PerfScenario) {
        table = scenario.makeCBaseline()
        spareSpecs = scenario.spareTags.map(CKernelListBaseline.PreparedTag.init)
        spareIOTLBSpecs = scenario.spareIOTLBTags.map(CKernelListBaseline.PreparedTag.init)
    }
}

func registerCBaseline(_ scenario: PerfScenario) {
    let name = { (operation: String) in "c-list:\(operation):n=\(scenario.tagCount)" }

    Benchmark(name("assign16")) { benchmark, fixture in
        for index in fixture.spareSpecs.indices { fixture.table.assign(&fixture.spareSpecs[index]) }
        benchmark.stopMeasurement()
        for index in fixture.spareSpecs.indices { fixture.table.unassign(&fixture.spareSpecs[index]) }
    } setup: {
        CFixture(scenario)
    }

    Benchmark(name("unassign16")) { benchmark, fixture in
        for index in fixture.spareSpecs.indices { fixture.table.assign(&fixture.spareSpecs[index]) }
        benchmark.startMeasurement()
        for index in fixture.spareSpecs.indices { fixture.table.unassign(&fixture.spareSpecs[index]) }
    } setup: {
        CFixture(scenario)
    }

    for (operation, range) in [("flush-range-1p", PerfScenario.smallRange), ("flush-range-2m", PerfScenario.largeRange)] {
        Benchmark(name(operation), configuration: flushConfiguration) { benchmark, fixture in
            let descriptors = fixture.sink.descriptors
            let submissions = fixture.sink.submissions
            for _ in benchmark.scaledIterations { blackHole(fixture.table.flushRange(range, into: &fixture.sink)) }
            benchmark.stopMeasurement()
            let flushes = benchmark.scaledIterations.count
            benchmark.measurement(CacheTagMetric.descriptorsPerFlush, (fixture.sink.descriptors - descriptors) / flushes)
            benchmark.measurement(CacheTagMetric.submissionsPerFlush, (fixture.sink.submissions - submissions) / flushes)
        } setup: {
            CFixture(scenario)
        }
    }

    Benchmark(name("flush-all"), configuration: flushConfiguration) { benchmark, fixture in
        let descriptors = fixture.sink.descriptors
        let submissions = fixture.sink.submissions
        for _ in benchmark.scaledIterations { blackHole(fixture.table.flushAll(into: &fixture.sink)) }
        benchmark.stopMeasurement()
        let flushes = benchmark.scaledIterations.count
        benchmark.measurement(CacheTagMetric.descriptorsPerFlush, (fixture.sink.descriptors - descriptors) / flushes)
        benchmark.measurement(CacheTagMetric.submissionsPerFlush, (fixture.sink.submissions - submissions) / flushes)
    } setup: {
        CFixture(scenario)
    }

    Benchmark(name("mixed-1to100"), configuration: mixedConfiguration) { benchmark, fixture in
        let index = fixture.spare
        fixture.spare = (index + 1) % fixture.spareSpecs.count
        fixture.table.assign(&fixture.spareIOTLBSpecs[index])
        fixture.table.assign(&fixture.spareSpecs[index])
        let descriptors = fixture.sink.descriptors
        let submissions = fixture.sink.submissions
        for _ in 0..<flushesPerMixedIteration {
            blackHole(fixture.table.flushRange(PerfScenario.smallRange, into: &fixture.sink))
        }
        let flushDescriptors = fixture.sink.descriptors - descriptors
        let flushSubmissions = fixture.sink.submissions - submissions
        fixture.table.unassign(&fixture.spareSpecs[index])
        fixture.table.unassign(&fixture.spareIOTLBSpecs[index])
        benchmark.stopMeasurement()
        benchmark.measurement(CacheTagMetric.descriptorsPerFlush, flushDescriptors / flushesPerMixedIteration)
        benchmark.measurement(CacheTagMetric.submissionsPerFlush, flushSubmissions / flushesPerMixedIteration)
    } setup: {
        CFixture(scenario)
    }
}

/// The ring the limit probe writes into: as large as `DescriptorBufferSink`'s.
final class FloorFixture {
    let ring: UnsafeMutableBufferPointer<InvalidationDescriptor>
    var position = 0

    init() {
        ring = .allocate(capacity: 256)
        ring.initialize(repeating: InvalidationDescriptor(0, 0))
    }

    deinit { ring.deallocate() }
}

func registerWriteFloor(_ scenario: PerfScenario) {
    let count = scenario.tagCount
    Benchmark("write-floor:write:n=\(count)", configuration: floorConfiguration) { benchmark, fixture in
        for iteration in benchmark.scaledIterations {
            fixture.position = DescriptorWriteFloor.write(
                count: count, into: fixture.ring, from: fixture.position, seed: UInt64(iteration))
        }
        blackHole(fixture.ring[fixture.position % fixture.ring.count].quadword0)
    } setup: {
        FloorFixture()
    }
}
