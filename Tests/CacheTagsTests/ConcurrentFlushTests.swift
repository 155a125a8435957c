import CacheTags
import Foundation
import PerfSuite
import Testing
import VTd

/// The lock-free table under real concurrency: two flushing threads and one attaching/detaching
/// thread for a bounded number of operations; every flush must see the table before or after a
/// change, whole (never torn), and steady churn must allocate no snapshot. `.ci/run` also runs
/// this suite under ThreadSanitizer (`swift test --sanitize=thread --filter ConcurrentFlushTests`).
@Suite("Concurrent flushes")
struct ConcurrentFlushTests {
    /// The descriptors a flush of `tags` must emit, as a sorted multiset key.
    private static func expected(_ tags: [CacheTag]) -> [UInt64] {
        let table = GroupedArrayTable(domainUsesFirstStage: false)
        for tag in tags { table.assign(tag) }
        var recorder = RecordingSink()
        table.flushRange(PerfScenario.smallRange, invalidationHint: false, into: &recorder)
        return recorder.descriptors.map { $0.quadword0 ^ $0.quadword1 &* 31 }.sorted()
    }

    @Test("steady churn reuses retired snapshots: no allocation per publication")
    func steadyChurnAllocatesNothing() throws {
        let scenario = PerfScenario(tagCount: 16)
        let table = ConcurrentGroupedTable(domainUsesFirstStage: false)
        for tag in scenario.tags { table.assign(tag) }
        func churn(_ cycles: Int) throws {
            for cycle in 0..<cycles {
                let tag = scenario.spareTags[cycle % scenario.spareTags.count]
                table.assign(tag)
                try table.unassign(tag)
            }
        }
        try churn(32)
        let allocations = table.snapshotAllocations
        let publications = table.publications
        try churn(1_000)
        #expect(table.publications == publications + 2_000)
        #expect(table.snapshotAllocations == allocations)
    }

    @Test("two flushing threads and one attach/detach thread: no flush is torn")
    func noTornFlush() throws {
        let scenario = PerfScenario(tagCount: 8)
        let table = ConcurrentGroupedTable(domainUsesFirstStage: false)
        for tag in scenario.tags { table.assign(tag) }
        // The writer adds one spare ATS device's DEVTLB tag and removes it again: every flush must
        // emit exactly the base set or the base set plus that one descriptor.
        let spare = scenario.spareTags[0]
        let valid = Set([Self.expected(scenario.tags), Self.expected(scenario.tags + [spare])])
        let writes = 2_000
        let flushesPerThread = 4_000
        // Dedicated threads released together (a task group on a pool as wide as the cores could
        // run the flushers and the writer one after another).
        final class Shared: @unchecked Sendable {
            // One pair per flusher, each written by its thread only, read after `done`.
            var bad0 = 0, bad1 = 0, overlapped0 = 0, overlapped1 = 0
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            /// Left by the writer when it has finished: flushers keep flushing until then.
            let writerDone = DispatchGroup()
        }
        let shared = Shared()
        for flusher in 0..<2 {
            shared.done.enter()
            Thread {
                shared.start.wait()
                var bad = 0
                var overlapped = 0
                var flushes = 0
                while flushes < flushesPerThread || shared.writerDone.wait(timeout: .now()) == .timedOut {
                    flushes += 1
                    var recorder = RecordingSink()
                    table.flushRange(PerfScenario.smallRange, invalidationHint: false, into: &recorder)
                    let key = recorder.descriptors.map { $0.quadword0 ^ $0.quadword1 &* 31 }.sorted()
                    if !valid.contains(key) || recorder.submissions.contains(where: { $0.descriptors.count > 16 }) {
                        bad += 1
                    }
                    if key.count == scenario.tags.count + 1 { overlapped += 1 }
                }
                if flusher == 0 { (shared.bad0, shared.overlapped0) = (bad, overlapped) } else { (shared.bad1, shared.overlapped1) = (bad, overlapped) }
                shared.done.leave()
            }.start()
        }
        shared.done.enter()
        shared.writerDone.enter()
        Thread {
            shared.start.wait()
            for _ in 0..<writes {
                table.assign(spare)
                // Attached for a moment, so flushes on a loaded machine still meet both states.
                usleep(10)
                try! table.unassign(spare)
            }
            shared.writerDone.leave()
            shared.done.leave()
        }.start()
        for _ in 0..<3 { shared.start.signal() }
        shared.done.wait()
        let torn = shared.bad0 + shared.bad1
        // The run must have overlapped: some flush saw the spare tag attached.
        #expect(shared.overlapped0 + shared.overlapped1 > 0)
        #expect(torn == 0)
        #expect(table.tagCount == scenario.tags.count)
        #expect(table.publications >= 2 * writes)
    }
}
