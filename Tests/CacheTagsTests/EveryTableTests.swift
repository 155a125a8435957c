import TestSupport
import CacheTags
import Testing

/// The behaviours every table must share (`TableBehaviourChecks`), run on each table.
@Suite("Every table")
struct EveryTableTests {
    @Test("re-assign bumps users; the last unassign removes the tag", arguments: CacheTagTables.all)
    func refcount(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.refcountOnReassign(table.type) }

    @Test("unassign of an unknown tag throws .notAssigned", arguments: CacheTagTables.all)
    func unknownUnassign(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.unknownUnassignThrows(table.type) }

    @Test("IOTLB tags match by unit, device-TLB tags by device", arguments: CacheTagTables.all)
    func matching(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.matching(table.type) }

    @Test("an empty table emits nothing", arguments: CacheTagTables.all)
    func empty(_ table: CacheTagTableDescriptor) { TableBehaviourChecks.emptyTableEmitsNothing(table.type) }

    @Test("second-stage: PSI, DSI without PSI or above MAMV, DSI for flush-all", arguments: CacheTagTables.all)
    func domainSelectiveFallback(_ table: CacheTagTableDescriptor) throws {
        try TableBehaviourChecks.domainSelectiveFallback(table.type)
    }

    @Test("first-stage: PASID-based IOTLB descriptors", arguments: CacheTagTables.all)
    func pasidBased(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.pasidBasedForFirstStage(table.type) }

    @Test("device TLBs over the range, NESTING_DEVTLB over the whole device TLB", arguments: CacheTagTables.all)
    func deviceTLBAndNesting(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.deviceTLBAndNesting(table.type) }

    @Test("extra-invalidation devices get device-TLB descriptors twice", arguments: CacheTagTables.all)
    func extraInvalidation(_ table: CacheTagTableDescriptor) { TableBehaviourChecks.extraInvalidation(table.type) }

    @Test("flush_range_np: write-buffer flush, or IOTLB-only descriptors in caching mode", arguments: CacheTagTables.all)
    func newMappings(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.newMappings(table.type) }

    @Test("40 distinct descriptors on one unit: submissions of 16, 16, 8", arguments: CacheTagTables.all)
    func batches(_ table: CacheTagTableDescriptor) { TableBehaviourChecks.batchesOfSixteen(table.type) }

    @Test("submissions never mix units", arguments: CacheTagTables.all)
    func perUnit(_ table: CacheTagTableDescriptor) { TableBehaviourChecks.submissionsPerUnit(table.type) }

    /// Not the lock-free table: its footprint also counts replaced snapshots until readers let
    /// them go, so it rises and falls while tags only grow.
    @Test("footprint grows with tags", arguments: CacheTagTables.all.filter { !$0.traits.contains(.lockFreeFlushes) })
    func footprint(_ table: CacheTagTableDescriptor) throws { try TableBehaviourChecks.footprintGrows(table.type) }
}
