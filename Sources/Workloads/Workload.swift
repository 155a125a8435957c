import VTd

/// Anything that yields a topology and an event stream: the synthetic workloads and trace replay.
/// The Engine consumes this.
package protocol EventSource: Sendable {
    /// The hardware the events run on.
    var topology: Topology { get }
    /// The events with their modeled times for `seed`: the same seed gives the same events, always.
    /// (Trace replay ignores the seed: the trace is the stream.)
    func timedEvents(seed: UInt64) -> [TimedWorkloadEvent]
    /// The events alone.
    func events(seed: UInt64) -> [WorkloadEvent]
}

extension EventSource {
    package func events(seed: UInt64) -> [WorkloadEvent] { timedEvents(seed: seed).map(\.event) }
}

/// A generated workload: a topology and a deterministic event stream.
///
/// To add a workload: conform a type, declare its parameters (name, default, allowed range,
/// meaning), build the topology from `parameters` and the events from `parameters` and `seed`
/// only, estimate its size (`estimate`, checked by `WorkloadEstimateTests`), and add the type
/// to `WorkloadCatalog.all`. Every workload has a size parameter
/// (`operations`) so tests and quick runs can make it tiny.
package protocol Workload: EventSource {
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
    /// The hardware the events run on (a function of the parameters, never of the seed).
    var topology: Topology { get }
    /// The event stream for `seed`: the same seed gives the same events, always.
    func events(seed: UInt64) -> [WorkloadEvent]
    /// What a point costs, from the parameters alone (the resource guard's input); the generator
    /// reserves `estimate.events`.
    var estimate: WorkloadEstimate { get }
}

extension Workload {
    /// Validates `given` (name → value) and builds the workload.
    package static func make(_ given: [String: String]) throws(WorkloadError) -> Self {
        try Self(parameters: WorkloadParameters(workload: name, declared: parameters, given: given))
    }

    /// The workload's name, from an instance.
    package var name: String { Self.name }
}
