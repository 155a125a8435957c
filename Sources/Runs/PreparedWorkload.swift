import Metrics
import Reports
import Workloads

/// One point of a run, ready to execute: a workload at fixed parameter values (or a replayed
/// trace), with its topology and a way to produce its events.
package struct PreparedWorkload: Sendable {
    /// The workload name written in reports (`nested-s2`, `replay`, ...).
    package let name: String
    /// Every parameter's value at this point, in the workload's order.
    package var parameters: [ReportParameter]
    package let topology: Topology
    /// Whether producing the events is work worth timing (a generator), rather than handing back
    /// events made earlier (a replayed trace, whose parse is timed by the replay command).
    package let generatesEvents: Bool
    private let generate: @Sendable (UInt64) -> [WorkloadEvent]
    /// Figures known before the run, written as rows of one (scheme, table label) pair: the replay
    /// self-check's `replay.*` metrics on (`kernel`, `kernel-list`).
    package var fixedMetrics: [FixedMetrics] = []
    /// Cost-model `key=value` overrides of this point (a `--vary cost.KEY=...` sweep), applied
    /// over the run's cost model; the point's parameters name them `cost.KEY`.
    package var costOverrides: [String] = []
    /// For a replayed trace: the first trace line of each flush operation, in event order
    /// (the `line` column of `--descriptors-out`).
    package var operationLines: [Int]?

    /// Metric values that belong to one (scheme, table) of the point.
    package struct FixedMetrics: Sendable {
        package let scheme: String
        package let table: String
        package let values: [MetricValue]

        package init(scheme: String, table: String, values: [MetricValue]) {
            self.scheme = scheme
            self.table = table
            self.values = values
        }
    }

    package init(
        name: String, parameters: [ReportParameter], topology: Topology, generatesEvents: Bool = true,
        events: @escaping @Sendable (UInt64) -> [WorkloadEvent]
    ) {
        self.name = name
        self.parameters = parameters
        self.topology = topology
        self.generatesEvents = generatesEvents
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
