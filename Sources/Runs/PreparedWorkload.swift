import Reports
import Workloads

/// One point of a run, ready to execute: a workload at fixed parameter values (or a replayed
/// trace), with its topology and a way to produce its events.
package struct PreparedWorkload: Sendable {
    /// The workload name written in reports (`nested-s2`, `replay`, ...).
    package let name: String
    /// Every parameter's value at this point, in the workload's order.
    package let parameters: [ReportParameter]
    package let topology: Topology
    private let generate: @Sendable (UInt64) -> [WorkloadEvent]

    package init(
        name: String, parameters: [ReportParameter], topology: Topology,
        events: @escaping @Sendable (UInt64) -> [WorkloadEvent]
    ) {
        self.name = name
        self.parameters = parameters
        self.topology = topology
        self.generate = events
    }

    /// Wraps a generated workload.
    package init(_ workload: some Workload) {
        self.init(
            name: type(of: workload).name,
            parameters: workload.parameters.values.map { ReportParameter(name: $0.name, value: $0.value) },
            topology: workload.topology, events: { workload.events(seed: $0) })
    }

    /// The event stream for `seed`.
    package func events(seed: UInt64) -> [WorkloadEvent] { generate(seed) }
}
