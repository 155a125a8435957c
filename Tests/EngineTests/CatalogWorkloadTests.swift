import TestSupport
import CacheTags
import Engine
import IOMMUModel
import Testing
import Workloads

/// The shipped workloads, small, through the strict oracle: the safe schemes must pass them too
/// (a failure here is a scheme bug, a model false positive, or a workload that breaks the
/// kernel's rules, e.g. remapping an IOVA before its flush).
@Suite("Catalog workloads")
struct CatalogWorkloadTests {
    @Test(arguments: WorkloadCatalog.names)
    func safeSchemesPassTheStrictOracle(workload name: String) throws {
        let workload = try WorkloadCatalog.make(name, ["operations": "1500"])
        for scheme in DomainIDSchemes.safe {
            var engine = try ModeledDriver<GroupedArrayTable>(
                topology: workload.topology, scheme: scheme, configuration: ModelConfiguration(strict: true))
            do {
                try engine.run(workload, seed: 11)
            } catch {
                Issue.record("\(name) under \(scheme.name): \(error)")
                continue
            }
            #expect(Fixtures.metric("events.total", in: engine.metrics) > 0)
        }
    }
}

/// The negative control on every shipped workload with more than SVA domains: whatever the
/// IOVAs, `shared-all` must be caught. (`sva-munmap` has only SVA domains with distinct PASIDs:
/// there `shared-all` is exactly the kernel's DID-1 sharing, which is safe.)
@Suite("Catalog workloads, negative control")
struct CatalogWorkloadControlTests {
    @Test(arguments: WorkloadCatalog.names.filter { $0 != "sva-munmap" })
    func sharedAllIsCaught(workload name: String) throws {
        let workload = try WorkloadCatalog.make(name, ["operations": "400"])
        var engine = try ModeledDriver<GroupedArrayTable>(topology: workload.topology, scheme: SharedAllScheme())
        try engine.run(workload, seed: 11)
        let violations = ["oracle.stale", "oracle.cross_domain", "oracle.aliased_attachments"].map {
            Fixtures.metric($0, in: engine.metrics)
        }
        #expect(violations.reduce(0, +) > 0, "\(name): shared-all passed the oracle")
    }
}
