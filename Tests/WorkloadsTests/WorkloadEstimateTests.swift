import Testing
import Workloads

/// The resource guard refuses points from `Workload.estimate` before generating anything, so the
/// estimate must follow what the generators really emit, for every workload and for the
/// parameters that scale it (set-up sizes as well as steps).
@Suite("Workload estimates")
struct WorkloadEstimateTests {
    /// Per workload, parameter sets that stress each size term: defaults (small), then each
    /// set-up knob raised.
    static let cases: [(workload: String, parameters: [String: String])] = [
        ("dma-stream", [:]), ("dma-stream", ["devices": "256", "depth": "64"]), ("dma-stream", ["mode": "lazy"]),
        ("attach-churn", [:]), ("attach-churn", ["accesses": "32", "live": "64"]),
        ("multi-iommu", [:]), ("multi-iommu", ["domains": "512", "span": "4"]), ("multi-iommu", ["accesses": "32"]),
        ("nested-churn", [:]), ("nested-churn", ["devices": "64", "working_set": "128"]),
        ("pasid-fs", [:]), ("pasid-fs", ["interfaces": "64", "devices": "16", "working_set": "64"]),
        ("nested-s2", [:]), ("nested-s2", ["children": "256", "working_set": "256"]),
        ("sva-munmap", [:]), ("sva-munmap", ["processes": "512", "devices": "64", "binds": "64"]),
        ("sva-munmap", ["churn": "1", "mappings": "256"]),
    ]

    @Test("estimated events are within a factor of two of the generated ones", arguments: cases.indices)
    func eventsFollowTheGenerator(index: Int) throws {
        let (name, given) = Self.cases[index]
        let type = try WorkloadCatalog.type(named: name)
        var parameters = given
        parameters["operations"] = parameters["operations"] ?? "3000"
        let workload = try type.make(parameters)
        let estimate = workload.estimate
        let generated = workload.events(seed: 1).count
        let ratio = Double(estimate.events) / Double(generated)
        #expect((0.5...2).contains(ratio), "\(name) \(given): estimated \(estimate.events), generated \(generated)")
        #expect(estimate.attachments >= 1 && estimate.mappings >= 1)
    }

    @Test("the issue's runaway combinations are beyond the bound, the defaults well within it")
    func bound() throws {
        let runaway = try WorkloadCatalog.type(named: "nested-s2").make(["children": "4096", "working_set": "4096"]).estimate
        #expect(runaway.excess != nil)
        let sva = try WorkloadCatalog.type(named: "sva-munmap").make(["processes": "4096", "devices": "1024", "binds": "1024"])
        #expect(sva.estimate.excess != nil, "\(sva.estimate.summary)")
        for type in WorkloadCatalog.all {
            let estimate = try type.make([:]).estimate
            #expect(estimate.bytes < WorkloadEstimate.maximumBytes / 8, "\(type.name): \(estimate.summary)")
            #expect(estimate.events < WorkloadEstimate.maximumEvents / 8, "\(type.name): \(estimate.summary)")
        }
    }
}
