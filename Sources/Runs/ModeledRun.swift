import CacheTags
import Engine
import IOMMUModel
import Workloads

/// One pass of a workload through the modeled IOMMU: the deterministic `hw.*`, `model.*` and
/// `oracle.*` figures of a (point, scheme, table).
public enum ModeledRun {
    /// Runs `events` and returns the engine's metrics, plus table bytes per tag.
    public static func metrics<Table: CacheTagTable>(
        events: [WorkloadEvent], topology: Topology, scheme: any DomainIDScheme, makeTable: @escaping (Bool) -> Table,
        costModel: CostModel, strictOracle: Bool
    ) throws -> [EngineMetric] {
        let engine = try Engine<Table>(
            topology: topology, scheme: scheme, mode: .modeled(ModelConfiguration(cost: costModel, strict: strictOracle)),
            makeTable: makeTable)
        try engine.run(events)
        return engine.metrics
    }
}
