import IOMMUModel
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
    /// The topology the events run on, with the hardware profile's capability bits applied.
    package private(set) var topology: Topology
    /// The modeled hardware: cache geometry and behaviour, and the capability bits already in
    /// `topology` (`applying(hardware:)`).
    package private(set) var hardware: HardwareProfile = .server
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
    /// Hardware `key=value` overrides of this point (a `--vary hw.KEY=...` sweep), already in
    /// `hardware`; the point's parameters name them `hw.KEY`.
    package var hardwareOverrides: [String] = []
    /// For a replayed trace: the first trace line of each flush operation, in event order
    /// (the `line` column of `--descriptors-out`).
    package var operationLines: [Int]?
    /// The digest of the input the events come from (a replayed trace's text, `ContentDigest`),
    /// in the run fingerprint so a report is never resumed with another trace; nil for generators,
    /// whose parameters and seed decide their events.
    package var inputDigest: String?
    /// The generator's estimate of the point's size (`Workload.estimate`), which the resource
    /// guard checks before anything runs; nil for a replayed trace (its file is its size).
    package var estimate: WorkloadEstimate?

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
        estimate = workload.estimate
    }

    /// Runs the point on `hardware`: the model's caches follow it, and so do the units'
    /// capability bits and the devices' RID_PASIDs, except for the capability keys not in
    /// `capabilityKeys` when that is given (a replayed trace keeps the capabilities it proved
    /// unless `--hw` names them).
    package mutating func apply(hardware: HardwareProfile, capabilityKeys: Set<String>? = nil) {
        self.hardware = hardware
        for index in topology.units.indices {
            let unit = topology.units[index].capabilities
            var updated = hardware.capabilities(over: unit)
            if let keys = capabilityKeys {
                if !keys.contains("psi") { updated.pageSelectiveInvalidation = unit.pageSelectiveInvalidation }
                if !keys.contains("mamv") { updated.maximumAddressMaskValue = unit.maximumAddressMaskValue }
                if !keys.contains("caching_mode") { updated.cachingMode = unit.cachingMode }
                if !keys.contains("read_drain") { updated.readDrain = unit.readDrain }
                if !keys.contains("write_drain") { updated.writeDrain = unit.writeDrain }
                if !keys.contains("scalable") { updated.scalableMode = unit.scalableMode }
                if !keys.contains("ndoms") { updated.domainIDs = unit.domainIDs }
            }
            topology.units[index].capabilities = updated
        }
        if capabilityKeys?.contains("rid_pasid") != false {
            for index in topology.devices.indices {
                topology.devices[index] = hardware.device(topology.devices[index], index: index)
            }
        }
    }

    /// The event stream for `seed`.
    package func events(seed: UInt64) -> [WorkloadEvent] { generate(seed) }
}
