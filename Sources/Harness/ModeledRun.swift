import CacheTags
import Engine
import IOMMUModel
import Workloads

/// One pass of a workload through the modeled IOMMU: the deterministic `hw.*`, `model.*` and
/// `oracle.*` figures of a (point, scheme, table).
public enum ModeledRun {
    /// Runs `events` and returns the engine's metrics, plus table bytes per tag.
    public static func metrics<Factory: TableFactory>(
        events: [WorkloadEvent], topology: Topology, scheme: any DomainIDScheme, factory: Factory,
        costModel: CostModel, strictOracle: Bool
    ) throws -> [EngineMetric] {
        let engine = try Engine<Factory.Table>(
            topology: topology, scheme: scheme, mode: .modeled(ModelConfiguration(cost: costModel, strict: strictOracle)),
            makeTable: factory.make)
        try engine.run(events)
        return engine.metrics
    }
}
