import TestSupport
import Testing
import VTd
@testable import Workloads

/// Stage 4: tag lives and joins → domains, kinds, nesting and the stand-ins IOTLB lives lack.
@Suite("Domain inference")
struct DomainInferenceTests {
    typealias T = TraceText
    let text: String

    init() throws { text = try sampleTrace().text }

    func inference(_ lines: String...) throws -> DomainInference {
        try ReplayPipeline(lines.joined(separator: "\n")).inference
    }

    @Test("the sample reconstructs to the expected domains and kinds")
    func domains() throws {
        let replay = try TraceReplay(text: text, file: "sample")
        func tag(_ type: CacheTagType, _ unit: String, _ device: String? = nil, did: UInt16, pasid: UInt32 = 0)
            -> TraceTag
        {
            TraceTag(type: type, unit: unit, device: device, did: did, pasid: pasid)
        }
        let expected: [(DomainKind, Set<TraceTag>)] = [
            // Boot domains, seen only in flushes (assigned before tracing began).
            (.secondStage, [tag(.iotlb, "dmar1", did: 3), tag(.devtlb, "dmar1", "0000:6c:00.0", did: 3)]),
            (.secondStage, [tag(.iotlb, "dmar0", did: 2)]),
            // The NIC's DMA domain.
            (.secondStage, [tag(.iotlb, "dmar0", did: 3), tag(.devtlb, "dmar0", "0000:3b:00.0", did: 3)]),
            // A domain on both units (joined by its flush).
            (
                .secondStage,
                [
                    tag(.iotlb, "dmar0", did: 4), tag(.iotlb, "dmar1", did: 2),
                    tag(.devtlb, "dmar1", "0000:6b:00.0", did: 2),
                ]
            ),
            // Two SVA processes on the DSA under DID 1.
            (.sva, [tag(.iotlb, "dmar1", did: 1, pasid: 1), tag(.devtlb, "dmar1", "0000:6a:01.0", did: 1, pasid: 1)]),
            (.sva, [tag(.iotlb, "dmar1", did: 1, pasid: 2), tag(.devtlb, "dmar1", "0000:6a:01.0", did: 1, pasid: 2)]),
            // The nested parent holds the NESTING tags (one printed as parent_iotlb).
            (
                .secondStage,
                [
                    tag(.nestingIotlb, "dmar0", did: 6), tag(.nestingIotlb, "dmar1", did: 5),
                    tag(.nestingDevtlb, "dmar1", "0000:6b:00.1", did: 5),
                ]
            ),
            (
                .nested(parent: IOMMUDomainID(6)),
                [tag(.iotlb, "dmar1", did: 5), tag(.devtlb, "dmar1", "0000:6b:00.1", did: 5)]
            ),
            (.nested(parent: IOMMUDomainID(6)), [tag(.iotlb, "dmar0", did: 6)]),
        ]
        #expect(replay.domains.count == expected.count)
        for (domain, (kind, tags)) in zip(replay.domains, expected) {
            #expect(domain.kind == kind, "\(domain.id)")
            #expect(Set(domain.tags) == tags, "\(domain.id)")
        }
    }

    @Test("an IOTLB life an ATS device of its domain covers needs no stand-in; one alone gets a dedicated one")
    func coverage() throws {
        let covered = try inference(
            T.flushAll(.iotlb, "dmar0", did: 3, at: 0), T.flushAll(.devtlb, "dmar0", "0000:01:00.0", did: 3, at: 1))
        #expect(covered.standInAttachments.isEmpty && covered.inferredAttachments == 0)
        #expect(covered.rootOfLife == [0, 0])
        // Accounted for by the ATS device's attachment, not covered by one of its own.
        #expect(covered.lives.map(\.covered) == [false, true])
        let alone = try inference(T.flushAll(.iotlb, "dmar0", did: 3, at: 0))
        #expect(alone.devices.records == [.init(name: "dmar0-nonats-0", unit: 0, hasATS: false, isStandIn: true)])
        #expect(alone.standInAttachments.map(\.position) == [.beginning] && alone.inferredAttachments == 1)
        #expect(alone.lives[0].covered)
    }

    @Test("kinds: RID tags second-stage, PASID tags first-stage, DID 1 with one PASID SVA")
    func kinds() throws {
        let inference = try inference(
            T.flushAll(.iotlb, "dmar0", did: 2, at: 0), T.flushAll(.iotlb, "dmar0", did: 3, pasid: 4, at: 1),
            T.flushAll(.iotlb, "dmar0", did: 1, pasid: 5, at: 2),
            // One domain with a RID tag and a PASID tag (flushed in one call) is second-stage.
            T.flushAll(.iotlb, "dmar0", did: 6, at: 3), T.flushAll(.iotlb, "dmar1", did: 6, pasid: 2, at: 4))
        #expect(inference.rootOfLife == [0, 1, 2, 3, 3])
        #expect(inference.kindOfRoot == [0: .secondStage, 1: .firstStage, 2: .sva, 3: .secondStage])
    }

    @Test("NESTING lives naming one child sit on one parent, and the child is nested on it")
    func nesting() throws {
        let inference = try inference(
            T.assign(.iotlb, "dmar0", did: 6, at: 0), T.assign(.nestingIotlb, "dmar0", did: 6, at: 1),
            T.unassign(.nestingIotlb, "dmar0", did: 6, at: 2), T.assign(.nestingIotlb, "dmar0", did: 6, at: 3))
        // Lives 1 and 3 were never alive together, nor flushed together: they join for their child.
        #expect(inference.rootOfLife == [0, 1, 1])
        #expect(inference.parentOfRoot == [0: 1])
        #expect(inference.kindOfRoot == [0: .nested(parentRoot: 1), 1: .secondStage] && inference.repairs == 0)
    }

    @Test("a child flushed in one call with its parent's NESTING tags cannot be nested: repaired")
    func selfParent() throws {
        let inference = try inference(
            T.flushAll(.nestingIotlb, "dmar0", did: 6, at: 0), T.flushAll(.iotlb, "dmar0", did: 6, at: 1))
        // The NESTING tag's child (life 1, inferred) is the IOTLB tag flushed with it.
        #expect(inference.rootOfLife == [0, 0] && inference.lives[0].child == 1 && inference.repairs == 1)
        #expect(inference.kindOfRoot == [0: .secondStage] && inference.parentOfRoot.isEmpty)
    }
}
