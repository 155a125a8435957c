import TestSupport
import Testing
import VTd
@testable import Workloads

/// Stage 5: the ordered stream → workload events, domains created and destroyed around their use,
/// the public records and the counters.
@Suite("Replay emission")
struct ReplayEmissionTests {
    typealias T = TraceText
    let text: String

    init() throws { text = try sampleTrace().text }

    @Test("the replayed stream attaches before use, detaches what it attached, and keeps trace time")
    func stream() throws {
        let replay = try TraceReplay(text: text, file: "sample")
        let timed = replay.timedEvents(seed: 1)
        #expect(replay.events(seed: 99) == timed.map(\.event))
        #expect(EventStreamCheck(pageTables: false).violations(of: timed, topology: replay.topology).isEmpty)
        #expect(timed.first?.time == 0)
        #expect(timed.last?.time == 7_400_000_000)  // 9.500000 s − 2.100000 s
        let kinds = timed.map(\.event.kind)
        #expect(kinds.filter { $0 == .createDomain }.count == 9)
        #expect(kinds.filter { $0 == .attach }.count == 9)
        #expect(kinds.filter { $0 == .detach }.count == 2)
        // The second SVA process and nested child B end with their detaches; the parent waits for child A.
        #expect(
            timed.filter { $0.event.kind == .destroyDomain }.map(\.event) == [
                .destroyDomain(IOMMUDomainID(5)), .destroyDomain(IOMMUDomainID(8)),
            ])
        #expect(kinds.filter { $0 == .flushRange }.count == 8)
        #expect(kinds.filter { $0 == .flushAll }.count == 1)
        #expect(kinds.filter { $0 == .flushRangeForNewMappings }.count == 1)
        #expect(
            timed.contains { $0.event == .attach(IOMMUDomainID(5), device: DeviceID(3), pasid: PASID(unchecked: 2)) })
        #expect(timed.contains { $0.event == .detach(device: DeviceID(3), pasid: PASID(unchecked: 2)) })
    }

    @Test("domains are created at first use, destroyed after the last once unattached; time never runs backwards")
    func lifecycle() throws {
        let stages = try ReplayPipeline(
            T.trace(
                T.assign(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 0),
                T.flushAll(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 2),
                T.unassign(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 3),
                // Stamped before the line above: replayed at the later time.
                T.flushAll(.iotlb, "dmar0", did: 4, at: 1)))
        let emission = stages.emission
        let (first, second) = (IOMMUDomainID(0), IOMMUDomainID(1))
        #expect(
            emission.events.map(\.event) == [
                // The IOTLB tag, never assigned, gets a stand-in attached before the first line.
                .createDomain(first, .secondStage), .attach(first, device: DeviceID(1), pasid: .none),
                .createDomain(second, .secondStage), .attach(second, device: DeviceID(0), pasid: .none),
                .flushAll(second), .detach(device: DeviceID(0), pasid: .none), .destroyDomain(second),
                // The stand-in stays attached, so the first domain outlives the trace.
                .flushAll(first),
            ])
        #expect(emission.events.map(\.time) == [0, 0, 0, 0, 2000, 3000, 3000, 3000])
        #expect(emission.operationDomains == [second, first] && emission.repairs == 0)
        #expect(emission.domainRoots == [1, 0] && emission.domainKinds == [.secondStage, .secondStage])
    }

    @Test("an attach over a live attachment detaches first, a detach of nothing is dropped; both are repairs")
    func repairs() throws {
        let stages = try ReplayPipeline(
            T.trace(
                T.assign(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 0),
                T.assign(.devtlb, "dmar0", "0000:01:00.0", did: 4, at: 1)))
        #expect(
            stages.emission.events.map(\.event.kind) == [
                .createDomain, .attach, .createDomain, .detach, .attach,
            ])
        #expect(stages.emission.repairs == 1 && stages.emission.statistics.repairs == 1)
        // A detach nothing accounts for, handed in directly.
        let nothing = AttachmentChange(.detach, device: 0, pasid: 0, life: nil, at: TracePosition(line: 1), time: 0)
        let emission = ReplayEmission(
            entries: [ReplayTimeline.Entry(action: .change(nothing), time: 0)], operations: [],
            domains: DomainInference(lives: [], joins: [], devices: ReplayDeviceTable(named: []), unitNames: []),
            unitNames: [],
            evidence: KernelEvidence(events: [], submissions: [], operations: [], unitNames: [], batched: true),
            statistics: TraceStatistics())
        #expect(emission.events.isEmpty && emission.repairs == 1 && emission.statistics.repairs == 1)
        // No units: one idle unit keeps the topology valid.
        #expect(emission.topology.topology.units.count == 1 && emission.topology.devices.isEmpty)
    }

    @Test("the records name tags and devices; operations come in trace order; counters add up")
    func records() throws {
        let stages = try ReplayPipeline(text)
        let emission = stages.emission
        #expect(emission.replayOperations.map { $0.lines[0] } == emission.replayOperations.map { $0.lines[0] }.sorted())
        #expect(emission.replayDomains.map(\.kind) == emission.domainKinds)
        #expect(
            emission.replayDomains[2].tags == [
                TraceTag(type: .iotlb, unit: "dmar0", did: 3, pasid: 0),
                TraceTag(type: .devtlb, unit: "dmar0", device: "0000:3b:00.0", did: 3, pasid: 0),
            ])
        #expect(
            emission.statistics.inferredAttachments
                == stages.lifetimes.inferredAttachments + stages.inference.inferredAttachments)
        #expect(emission.statistics.repairs == stages.inference.repairs + emission.repairs)
        #expect(emission.statistics.lines == stages.lexer.statistics.lines)
    }
}
