import TestSupport
import CacheTags
import Engine
import IOMMUModel
import Testing
import VTd
import Workloads

@Suite("Workloads through the Engine")
struct EngineSmokeTests {
    /// Runs `source` under `scheme` with `table` in the full model; returns the metrics by name.
    func run(_ source: some EventSource, scheme: any DomainIDScheme, table: CacheTagTableDescriptor, seed: UInt64 = 7) throws
        -> [String: Double]
    {
        let metrics = try modeledRun(
            table, topology: source.topology, scheme: scheme, events: source.events(seed: seed)
        ).metrics
        return Dictionary(metrics.map { ($0.metric.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test(
        "every workload runs with no oracle violation under the safe schemes, on both tables",
        arguments: WorkloadCase.small)
    func safeSchemes(_ testCase: WorkloadCase) throws {
        let workload = try testCase.make()
        for scheme in DomainIDSchemes.safe {
            var descriptors: [CacheTagTableDescriptor: Double] = [:]
            for table in CacheTagTables.runnable {
                let metrics = try run(workload, scheme: scheme, table: table)
                #expect(metrics["oracle.stale"] == 0, "\(scheme.name) \(table.name)")
                #expect(metrics["oracle.cross_domain"] == 0, "\(scheme.name) \(table.name)")
                #expect((metrics["hw.flushes"] ?? 0) > 0)
                #expect(metrics["hw.iotlb.hits"] != nil)
                descriptors[table] = metrics["hw.descriptors.total"]
            }
            #expect((descriptors.values.max() ?? 0) > 0, "\(scheme.name)")
        }
    }

    @Test("attach-churn exhausts small DID spaces under per-domain, less so when SVA shares DID 1")
    func exhaustion() throws {
        let workload = try AttachChurnWorkload.make([
            "operations": "1500", "ndoms": "16", "devices": "64", "live": "60", "sva_fraction": "0.5",
        ])
        let perDomain = try run(workload, scheme: PerDomainScheme(), table: .groupedArray)
        let kernel = try run(workload, scheme: KernelScheme(), table: .groupedArray)
        #expect((perDomain["hw.attach_failures"] ?? 0) > 0)
        #expect((kernel["hw.attach_failures"] ?? 0) < (perDomain["hw.attach_failures"] ?? 0))
        #expect((perDomain["events.skipped"] ?? 0) > 0)
    }

    @Test("the replayed sample trace runs under every safe scheme")
    func replay() throws {
        let replay = try TraceReplay(text: try sampleTrace().text, file: "sample")
        for scheme in DomainIDSchemes.safe {
            for table in CacheTagTables.runnable {
                let metrics = try run(replay, scheme: scheme, table: table)
                #expect(
                    metrics["oracle.stale"] == 0 && metrics["oracle.cross_domain"] == 0,
                    "\(scheme.name) \(table.name)")
                #expect((metrics["hw.descriptors.total"] ?? 0) > 0)
            }
        }
    }

    @Test("the unsafe control is caught: shared-all aliases second-stage domains")
    func negativeControl() throws {
        var caught = 0
        for testCase in WorkloadCase.small {
            let metrics = try run(try testCase.make(), scheme: SharedAllScheme(), table: .kernelList)
            caught += Int((metrics["oracle.stale"] ?? 0) + (metrics["oracle.cross_domain"] ?? 0))
        }
        #expect(caught > 0)
    }
}
