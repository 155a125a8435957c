import CacheTags
import Engine
import IOMMUModel
import Metrics
import Workloads

/// One pass of a workload through the modeled IOMMU: the deterministic `hw.*`, `model.*` and
/// `oracle.*` figures of a (point, scheme, table).
package enum ModeledRun {
    /// Runs `events` through a model built with `configuration` (the point's hardware, the run's
    /// cost model and strictness) and returns the driver's metrics.
    package static func metrics<Table: CacheTagTable>(
        events: [WorkloadEvent], topology: Topology, scheme: any DomainIDScheme, makeTable: @escaping (Bool) -> Table,
        configuration: ModelConfiguration
    ) throws(EngineError) -> [MetricValue] {
        var driver = try ModeledDriver<Table>(
            topology: topology, scheme: scheme, configuration: configuration, makeTable: makeTable)
        try driver.run(events)
        return driver.metrics
    }
}
