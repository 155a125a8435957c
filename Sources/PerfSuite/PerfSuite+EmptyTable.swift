import CacheTags
import Timing
import VTd

extension PerfSuite {
    /// Attaches one ATS device (its IOTLB and DEVTLB tags, `PerfScenario.firstAttachTags`) to an
    /// empty table and detaches it again, `operations / 2` times (at least once), timing each half:
    /// the common real case, a domain's first device. Returns [ns per tag attached, ns per tag
    /// detached]; the table is empty before and after every cycle.
    static func timeFirstAttach(_ variant: Variant, _ fixtures: Fixtures, operations: Int, overhead: UInt64) -> [Double] {
        let tags = fixtures.scenario.firstAttachTags
        let cycles = max(1, (operations + tags.count - 1) / tags.count)
        var attachNanoseconds: UInt64 = 0
        var detachNanoseconds: UInt64 = 0
        func cycle(_ attach: () -> Void, _ detach: () -> Void) {
            let start = MonotonicClock.now()
            attach()
            let middle = MonotonicClock.now()
            detach()
            let end = MonotonicClock.now()
            attachNanoseconds &+= (middle &- start) &- min(overhead, middle &- start)
            detachNanoseconds &+= (end &- middle) &- min(overhead, end &- middle)
        }
        let table = fixtures.empty[variant]
        precondition(table != nil || variant == .cList, "\(variant) has no empty table")
        for _ in 0..<cycles {
            if let table, let ring = variant.table?.ring {
                tableCycle(ring, table as AnyObject, tags, cycle)
            } else {
                cycle(
                    { for index in fixtures.firstAttach.indices { fixtures.emptyC.assign(&fixtures.firstAttach[index]) } },
                    { for index in fixtures.firstAttach.indices { fixtures.emptyC.unassign(&fixtures.firstAttach[index]) } })
            }
        }
        precondition(table?.tagCount ?? fixtures.emptyC.tagCount == 0, "\(variant): the empty table is not empty")
        let total = Double(cycles * tags.count)
        return [Double(attachNanoseconds) / total, Double(detachNanoseconds) / total]
    }
}
