import Testing
import Workloads

/// Small, quick configurations of every workload: defaults, and the variants that take other paths.
package struct WorkloadCase: CustomTestStringConvertible, Sendable {
    package let name: String
    package let given: [String: String]

    package var testDescription: String {
        given.isEmpty
            ? name
            : "\(name) " + given.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    package func make() throws -> any Workload { try WorkloadCatalog.make(name, given) }

    package static let small: [WorkloadCase] = [
        WorkloadCase(name: "dma-stream", given: ["operations": "400"]),
        WorkloadCase(
            name: "dma-stream",
            given: [
                "operations": "1500", "mode": "lazy", "fq_size": "16", "timeout_us": "200", "devices": "4", "cpus": "2",
            ]),
        WorkloadCase(name: "sva-munmap", given: ["operations": "500", "processes": "12", "churn": "0.2"]),
        WorkloadCase(
            name: "nested-s2", given: ["operations": "500", "children": "6", "ram_mib": "64", "parent_rate": "0.1"]),
        WorkloadCase(
            name: "nested-s2",
            given: [
                "operations": "500", "children": "6", "attach": "pasid", "devices": "2", "ram_mib": "64",
                "parent_rate": "0.1",
            ]),
        WorkloadCase(name: "attach-churn", given: ["operations": "800", "ndoms": "16", "devices": "48", "live": "40"]),
        WorkloadCase(name: "multi-iommu", given: ["operations": "500", "churn": "0.05", "flush_all": "0.05"]),
        WorkloadCase(name: "multi-iommu", given: ["operations": "500", "kind": "sva", "domains": "8"]),
        WorkloadCase(name: "nested-churn", given: ["operations": "600", "ram_mib": "64", "bind_rate": "0.2"]),
        WorkloadCase(name: "pasid-fs", given: ["operations": "600", "interfaces": "4", "churn": "0.2"]),
        WorkloadCase(
            name: "multi-iommu", given: ["operations": "300", "kind": "first-stage", "span": "6", "units": "3"]),
    ]
}
