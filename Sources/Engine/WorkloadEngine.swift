import CacheTags
import IOMMUModel
import Workloads

/// An engine with its table type erased, for callers that pick the table at run time
/// (`CacheTagTableKind`): the command line and the harness.
public protocol WorkloadEngine: AnyObject {
    /// The table's stable name (`kernel-list`, `grouped-array`).
    var tableName: String { get }
    /// The DID scheme's name.
    var schemeName: String { get }
    /// Applies one event.
    func apply(_ event: WorkloadEvent) throws(EngineError)
    /// Applies events in order.
    func run(_ events: [WorkloadEvent]) throws(EngineError)
    /// The run's counters, flat and in a stable order.
    var metrics: [EngineMetric] { get }
    /// The modeled IOMMU, nil in counting mode.
    var modelState: IOMMUModel? { get }
    /// The run's first oracle violation (strict or not), nil when none or in counting mode.
    var firstViolation: OracleViolation? { get }
}

/// Builds engines for a table chosen at run time.
public enum Engines {
    /// An engine over `table`'s implementation.
    public static func make(
        table: CacheTagTableDescriptor, topology: Topology, scheme: any DomainIDScheme, mode: EngineMode
    ) throws(EngineError) -> any WorkloadEngine {
        func make<Table: CacheTagTable>(_: Table.Type) throws(EngineError) -> any WorkloadEngine {
            try Engine<Table>(topology: topology, scheme: scheme, mode: mode)
        }
        return try make(table.type)
    }
}
