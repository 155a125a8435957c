import VTd

/// A generated (or replayed) workload: a topology and a deterministic event stream.
///
/// To add a workload: conform a type, declare its parameters (name, default, allowed range,
/// meaning), build the topology and the events from `parameters` and `seed` only, and add the
/// type to `WorkloadCatalog.all`.
public protocol Workload: Sendable {
    /// A stable name for the command line and reports (`dma-stream`, `nested-s2`, ...).
    static var name: String { get }
    /// One line on what the workload models.
    static var summary: String { get }
    /// The parameters, in the order reports list them.
    static var parameters: [WorkloadParameter] { get }

    /// Builds the workload from validated parameters.
    init(parameters: WorkloadParameters) throws(WorkloadError)

    /// The parameter values in use.
    var parameters: WorkloadParameters { get }
    /// The hardware the events run on.
    var topology: Topology { get }
    /// The event stream for `seed`: the same seed gives the same events, always.
    func events(seed: UInt64) -> [WorkloadEvent]
}

extension Workload {
    /// Validates `given` (name → value) and builds the workload.
    public static func make(_ given: [String: String]) throws(WorkloadError) -> Self {
        try Self(parameters: WorkloadParameters(workload: name, declared: parameters, given: given))
    }
}
