/// Every workload this package ships, by name, and their documentation for `list`.
package enum WorkloadCatalog {
    /// Every synthetic workload type, in the order `list` shows them.
    package static let all: [any Workload.Type] = [
        DMAStreamWorkload.self, SVAMunmapWorkload.self, NestedS2Workload.self, AttachChurnWorkload.self,
        MultiIOMMUWorkload.self, NestedChurnWorkload.self, PASIDFirstStageWorkload.self,
    ]

    /// The workloads' names.
    package static var names: [String] { all.map { $0.name } }

    /// The workload type called `name`; throws `unknownWorkload` listing the known names.
    package static func type(named name: String) throws(WorkloadError) -> any Workload.Type {
        guard let type = all.first(where: { $0.name == name }) else { throw .unknownWorkload(name, known: names) }
        return type
    }

    /// Builds the workload `name` from `given` parameter values (validated; defaults fill the rest).
    package static func make(_ name: String, _ given: [String: String] = [:]) throws(WorkloadError) -> any Workload {
        try type(named: name).make(given)
    }

    /// One workload's documentation: name, summary, parameters.
    package struct Entry: Sendable {
        package let name: String
        package let summary: String
        package let parameters: [WorkloadParameter]
    }

    /// Documentation of every workload, and of trace replay's options last.
    package static var entries: [Entry] {
        all.map { Entry(name: $0.name, summary: $0.summary, parameters: $0.parameters) }
            + [Entry(name: TraceReplay.name, summary: TraceReplay.summary, parameters: TraceReplay.options)]
    }

    /// The text of `list`: each workload, its summary, and every parameter with default, allowed
    /// values and meaning.
    package static var listing: String {
        var lines: [String] = []
        for entry in entries {
            lines.append("\(entry.name): \(entry.summary)")
            let width = entry.parameters.map(\.name.count).max() ?? 0
            for parameter in entry.parameters {
                let padded = parameter.name + String(repeating: " ", count: width - parameter.name.count)
                lines.append(
                    "  \(padded)  default \(parameter.defaultValue), allowed \(parameter.domain.allowed): \(parameter.meaning)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}
