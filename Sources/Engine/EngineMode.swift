import IOMMUModel

/// Whether a run drives the modeled IOMMU or only counts what the tables emit.
public enum EngineMode: Hashable, Sendable {
    /// Counting only: descriptors by type, submissions and modeled queue time, through
    /// `InvalidationCountingSink`. No caches, no oracle: the fast mode for large sweeps.
    case counting(CostModel)
    /// The full model: IOTLBs, device TLBs, page tables, cost model and oracle.
    case modeled(ModelConfiguration)

    /// The cost model either mode uses.
    public var cost: CostModel {
        switch self {
        case let .counting(cost): cost
        case let .modeled(configuration): configuration.cost
        }
    }
}
