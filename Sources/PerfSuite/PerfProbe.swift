import CProbe
import CacheTags
import VTd

/// Each perf operation of one variant called through a C function of its own (Sources/CProbe), so
/// valgrind's callgrind counts the instructions of exactly that operation
/// (`--toggle-collect=cprobe_*`; scripts/instruction-counts.sh): a figure that does not move with
/// the machine's load, to judge a change that hangs on a few percent.
///
/// The scenario and the operations are the perf suite's (`PerfSuite.Fixtures`): range and full
/// flushes of the N-tag domain, assign and unassign of 16 new spare tags per cycle in rotation,
/// first attach and detach of one ATS device into an empty table. `cprobe_empty` measures the call
/// overhead (the C call, the closure thunk), which the script subtracts.
package enum PerfProbe {
    /// How many operations one call of each probe makes.
    package static let operationsPerCall: [(name: String, operations: Int)] = [
        ("cprobe_flush_range", 1), ("cprobe_flush_all", 1), ("cprobe_assign", PerfScenario.churnGroup),
        ("cprobe_unassign", PerfScenario.churnGroup), ("cprobe_first_attach", 2), ("cprobe_first_detach", 2),
    ]

    /// Runs `count` calls of every probe on `variant` with `tags` tags.
    package static func run(_ variant: PerfSuite.Variant, tags: Int, count: Int) {
        let scenario = PerfScenario(tagCount: tags)
        let fixtures = PerfSuite.Fixtures(scenario, variants: [variant])
        var round = 0
        for _ in 0..<count {
            call(cprobe_empty) {}
            if variant == .cList {
                let c = fixtures.c
                call(cprobe_flush_range) { c.flushRange(PerfScenario.smallRange, into: &fixtures.sink) }
                call(cprobe_flush_all) { c.flushAll(into: &fixtures.sink) }
                let group = scenario.churnTags(round)
                call(cprobe_assign) { for index in group.indices { c.assign(&fixtures.spareTags[index]) } }
                call(cprobe_unassign) { for index in group.indices { c.unassign(&fixtures.spareTags[index]) } }
                call(cprobe_first_attach) {
                    for index in fixtures.firstAttach.indices { fixtures.emptyC.assign(&fixtures.firstAttach[index]) }
                }
                call(cprobe_first_detach) {
                    for index in fixtures.firstAttach.indices { fixtures.emptyC.unassign(&fixtures.firstAttach[index]) }
                }
            } else if let (table, ring) = fixtures.tables[variant], let empty = fixtures.empty[variant] {
                let object = table as AnyObject
                let emptyObject = empty as AnyObject
                call(cprobe_flush_range) { _ = ring.flushRange(object, PerfScenario.smallRange, false, &fixtures.sink) }
                call(cprobe_flush_all) { _ = ring.flushAll(object, &fixtures.sink) }
                fixtures.churn[round % fixtures.churn.count].withUnsafeBufferPointer { tags in
                    call(cprobe_assign) { ring.assign(object, tags) }
                    call(cprobe_unassign) { try! ring.unassign(object, tags) }
                }
                scenario.firstAttachTags.withUnsafeBufferPointer { tags in
                    call(cprobe_first_attach) { ring.assign(emptyObject, tags) }
                    call(cprobe_first_detach) { try! ring.unassign(emptyObject, tags) }
                }
            }
            round += 1
        }
    }

    /// Calls `body` once through the C probe `probe`.
    @inline(__always)
    private static func call(_ probe: (cprobe_body?, UnsafeMutableRawPointer?) -> Void, _ body: () -> Void) {
        withoutActuallyEscaping(body) { body in
            var box = body
            withUnsafeMutablePointer(to: &box) { pointer in
                probe({ context in context.unsafelyUnwrapped.assumingMemoryBound(to: (() -> Void).self).pointee() }, pointer)
            }
        }
    }
}
