import CacheTags
import Testing

/// The tables under test: every implementation of `CacheTagTable` the package ships.
enum TableUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case kernelList, groupedArray, concurrentGrouped, lockedGrouped

    var type: any CacheTagTable.Type {
        switch self {
        case .kernelList: KernelListTable.self
        case .groupedArray: GroupedArrayTable.self
        case .concurrentGrouped: ConcurrentGroupedTable.self
        case .lockedGrouped: LockedGroupedTable.self
        }
    }

    var testDescription: String { type.name == rawValue ? rawValue : "\(rawValue) (\(type))" }
}

/// The behaviours every table must share (`TableBehaviourChecks`), run on each table.
@Suite("Every table")
struct EveryTableTests {
    @Test("re-assign bumps users; the last unassign removes the tag", arguments: TableUnderTest.allCases)
    func refcount(_ table: TableUnderTest) throws { try TableBehaviourChecks.refcountOnReassign(table.type) }

    @Test("unassign of an unknown tag throws .notAssigned", arguments: TableUnderTest.allCases)
    func unknownUnassign(_ table: TableUnderTest) throws { try TableBehaviourChecks.unknownUnassignThrows(table.type) }

    @Test("IOTLB tags match by unit, device-TLB tags by device", arguments: TableUnderTest.allCases)
    func matching(_ table: TableUnderTest) throws { try TableBehaviourChecks.matching(table.type) }

    @Test("an empty table emits nothing", arguments: TableUnderTest.allCases)
    func empty(_ table: TableUnderTest) { TableBehaviourChecks.emptyTableEmitsNothing(table.type) }

    @Test("second-stage: PSI, DSI without PSI or above MAMV, DSI for flush-all", arguments: TableUnderTest.allCases)
    func domainSelectiveFallback(_ table: TableUnderTest) throws {
        try TableBehaviourChecks.domainSelectiveFallback(table.type)
    }

    @Test("first-stage: PASID-based IOTLB descriptors", arguments: TableUnderTest.allCases)
    func pasidBased(_ table: TableUnderTest) throws { try TableBehaviourChecks.pasidBasedForFirstStage(table.type) }

    @Test("device TLBs over the range, NESTING_DEVTLB over the whole device TLB", arguments: TableUnderTest.allCases)
    func deviceTLBAndNesting(_ table: TableUnderTest) throws { try TableBehaviourChecks.deviceTLBAndNesting(table.type) }

    @Test("extra-invalidation devices get device-TLB descriptors twice", arguments: TableUnderTest.allCases)
    func extraInvalidation(_ table: TableUnderTest) { TableBehaviourChecks.extraInvalidation(table.type) }

    @Test("flush_range_np: write-buffer flush, or IOTLB-only descriptors in caching mode", arguments: TableUnderTest.allCases)
    func newMappings(_ table: TableUnderTest) throws { try TableBehaviourChecks.newMappings(table.type) }

    @Test("40 distinct descriptors on one unit: submissions of 16, 16, 8", arguments: TableUnderTest.allCases)
    func batches(_ table: TableUnderTest) { TableBehaviourChecks.batchesOfSixteen(table.type) }

    @Test("submissions never mix units", arguments: TableUnderTest.allCases)
    func perUnit(_ table: TableUnderTest) { TableBehaviourChecks.submissionsPerUnit(table.type) }

    /// Not the lock-free table: its footprint also counts replaced snapshots until readers let
    /// them go, so it rises and falls while tags only grow.
    @Test("footprint grows with tags", arguments: TableUnderTest.allCases.filter { $0 != .concurrentGrouped })
    func footprint(_ table: TableUnderTest) throws { try TableBehaviourChecks.footprintGrows(table.type) }
}
