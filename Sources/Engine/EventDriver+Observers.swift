import CacheTags
import IOMMUModel
import Workloads

/// A driver whose observer is the modeled IOMMU.
package typealias ModeledDriver<Table: CacheTagTable> = EventDriver<Table, ModelObserver>
/// A driver whose observer only counts descriptors.
package typealias CountingDriver<Table: CacheTagTable> = EventDriver<Table, CountingObserver>

extension EventDriver where Observer == ModelObserver {
    /// A driver over `topology` with the modeled IOMMU of `configuration`.
    package init(
        topology: Topology, scheme: any DomainIDScheme, configuration: ModelConfiguration = ModelConfiguration(),
        makeTable: @escaping (Bool) -> Table = { Table(domainUsesFirstStage: $0) }
    ) throws(EngineError) {
        self.init(
            topology: topology, scheme: scheme,
            observer: try ModelObserver(topology: topology, configuration: configuration), makeTable: makeTable)
    }
}

extension EventDriver where Observer == CountingObserver {
    /// A driver over `topology` that counts descriptors with `cost`'s queue time.
    package init(
        topology: Topology, scheme: any DomainIDScheme, cost: CostModel,
        makeTable: @escaping (Bool) -> Table = { Table(domainUsesFirstStage: $0) }
    ) {
        self.init(topology: topology, scheme: scheme, observer: CountingObserver(cost: cost), makeTable: makeTable)
    }
}

extension EventDriver {
    /// Applies `source`'s events for `seed`. The source must run on the driver's topology.
    package mutating func run(_ source: some EventSource, seed: UInt64) throws(EngineError) {
        guard source.topology.units == directory.units, source.topology.devices == directory.devices else {
            throw .configuration("the event source's topology is not the driver's")
        }
        try run(source.events(seed: seed))
    }
}
