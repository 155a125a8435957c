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
        // Locals, not the fixtures' properties: a class property costs an exclusivity check per
        // access, which would be counted against the C list's prepared specs.
        var sink = fixtures.sink
        var spareSpecs = fixtures.spareTags
        var firstSpecs = fixtures.firstAttach
        let c = fixtures.c
        let emptyC = fixtures.emptyC
        for round in 0..<count {
            call(cprobe_empty) {}
            if variant == .cList {
                call(cprobe_flush_range) { c.flushRange(PerfScenario.smallRange, into: &sink) }
                call(cprobe_flush_all) { c.flushAll(into: &sink) }
                let group = scenario.churnTags(round)
                spareSpecs.withUnsafeMutableBufferPointer { specs in
                    call(cprobe_assign) { for index in group.indices { c.assign(&specs[index]) } }
                    call(cprobe_unassign) { for index in group.indices { c.unassign(&specs[index]) } }
                }
                firstSpecs.withUnsafeMutableBufferPointer { specs in
                    call(cprobe_first_attach) { for index in specs.indices { emptyC.assign(&specs[index]) } }
                    call(cprobe_first_detach) { for index in specs.indices { emptyC.unassign(&specs[index]) } }
                }
            } else if let (table, ring) = fixtures.tables[variant], let empty = fixtures.empty[variant] {
                let object = table as AnyObject
                let emptyObject = empty as AnyObject
                call(cprobe_flush_range) { _ = ring.flushRange(object, PerfScenario.smallRange, false, &sink) }
                call(cprobe_flush_all) { _ = ring.flushAll(object, &sink) }
                fixtures.churn[round % fixtures.churn.count].withUnsafeBufferPointer { tags in
                    call(cprobe_assign) { ring.assign(object, tags) }
                    call(cprobe_unassign) { try! ring.unassign(object, tags) }
                }
                scenario.firstAttachTags.withUnsafeBufferPointer { tags in
                    call(cprobe_first_attach) { ring.assign(emptyObject, tags) }
                    call(cprobe_first_detach) { try! ring.unassign(emptyObject, tags) }
                }
            }
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
