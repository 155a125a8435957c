import CacheTags
import PerfSuite
import TestSupport
import Testing
import VTd

/// What each kernel profile changes in the kernel-faithful table, and that the C baseline follows
/// the same profile (docs/vtd-facts.md §5, "Kernel versions differ").
@Suite("Kernel profiles")
struct KernelProfileTests {
    let unit = makeUnit(0)
    var ats: Device { makeDevice(1, on: unit, ats: true) }
    var other: Device { makeDevice(2, on: unit, ats: true) }

    /// A second-stage parent: its own IOTLB tag, a NESTING_DEVTLB tag of a child (assigned first,
    /// so it heads the list) and then another device's DEVTLB tag.
    func parentTags() -> [CacheTag] {
        [
            makeTag(.nestingDevtlb, unit, ats, did: 7, pasid: 3), makeTag(.iotlb, unit, ats, did: 2),
            makeTag(.devtlb, unit, other, did: 2),
        ]
    }

    func list(_ kernel: KernelProfile, firstStage: Bool = false, _ tags: [CacheTag]) -> KernelListTable {
        let table = KernelListTable(domainUsesFirstStage: firstStage, allocator: .system, kernel: kernel)
        for tag in tags { table.assign(tag) }
        return table
    }

    func baseline(_ kernel: KernelProfile, firstStage: Bool = false, _ tags: [CacheTag]) -> CKernelListBaseline {
        let c = CKernelListBaseline(domainUsesFirstStage: firstStage, kernel: kernel)
        for tag in tags { c.assign(tag) }
        return c
    }

    func cRange(_ c: CKernelListBaseline, _ range: IOVARange) -> [Submission] {
        var sink = RecordingSink()
        c.flushRange(range, into: &sink)
        return sink.submissions.map { Submission(unit: $0.unit.rawValue, descriptors: $0.descriptors) }
    }

    func cAll(_ c: CKernelListBaseline) -> [Submission] {
        var sink = RecordingSink()
        c.flushAll(into: &sink)
        return sink.submissions.map { Submission(unit: $0.unit.rawValue, descriptors: $0.descriptors) }
    }

    @Test("NESTING_DEVTLB widens every later tag of the walk; -unwidened keeps the block; C agrees")
    func widening() {
        // The NESTING_DEVTLB tag (assigned first) sits at the head of the list.
        let range = pages(0x10, 1)
        let block = AlignedInvalidation(covering: range)
        let whole = InvalidationDescriptor.pasidDeviceTLB(source: ats.source, pasid: pasid(3), queueDepth: 32, block: .wholeAddressSpace)
        let widened = flushRange(list(.latest, parentTags()), range)
        #expect(widened.descriptors == [
            whole, .iotlb(.domainSelective, domainID: DomainID(2)),
            .deviceTLB(source: other.source, queueDepth: 32, block: .wholeAddressSpace),
        ])
        let unwidened = flushRange(list(.latest.unwidened, parentTags()), range)
        #expect(unwidened.descriptors == [
            whole, .iotlb(.pageSelective, domainID: DomainID(2), block: block),
            .deviceTLB(source: other.source, queueDepth: 32, block: block),
        ])
        #expect(cRange(baseline(.latest, parentTags()), range) == widened.submissions)
        #expect(cRange(baseline(.latest.unwidened, parentTags()), range) == unwidened.submissions)
        #expect(KernelProfile.named("6.12-unwidened") == KernelProfile.v6_12.unwidened)
        #expect(KernelProfile.named("6.12-unwidened")?.nestingDeviceTLBWidensWalk == false)
        #expect(KernelProfile.named("5.4") == nil)
    }

    @Test("6.10: one submission per descriptor, the quirk's repeat too; 6.12+: batches of 16")
    func batching() {
        let quirky = makeDevice(3, on: unit, ats: true, extraInvalidation: true)
        let tags = [makeTag(.iotlb, unit, quirky, did: 2), makeTag(.devtlb, unit, quirky, did: 2)]
        let old = flushRange(list(.v6_10, tags), pages(0, 1))
        #expect(old.submissions.map(\.descriptors.count) == [1, 1, 1])
        let new = flushRange(list(.v6_12, tags), pages(0, 1))
        #expect(new.submissions.map(\.descriptors.count) == [3])
        #expect(old.descriptors == new.descriptors)
        #expect(cRange(baseline(.v6_10, tags), pages(0, 1)) == old.submissions)
    }

    @Test("flush_all device TLBs: non-PASID form up to 6.17, the tag's PASID form after")
    func flushAllDeviceTLBForm() {
        let tags = [makeTag(.iotlb, unit, ats, did: 4, pasid: 9), makeTag(.devtlb, unit, ats, did: 4, pasid: 9)]
        let plain = InvalidationDescriptor.deviceTLB(source: ats.source, queueDepth: 32, block: .wholeAddressSpace)
        let tagged = InvalidationDescriptor.pasidDeviceTLB(source: ats.source, pasid: pasid(9), queueDepth: 32, block: .wholeAddressSpace)
        let v612 = flushAll(list(.v6_12, firstStage: true, tags))
        #expect(v612.descriptors.last == plain)
        #expect(flushAll(list(.v6_18, firstStage: true, tags)).descriptors.last == tagged)
        #expect(flushAll(list(.latest, firstStage: true, tags)).descriptors.last == tagged)
        #expect(cAll(baseline(.v6_12, firstStage: true, tags)) == v612.submissions)
    }

    @Test("whole-space first-stage flush: page-selective AM 52 in 6.12–6.19, PASID-selective in the newest")
    func wholeSpacePASIDIOTLB() {
        let tags = [makeTag(.iotlb, unit, ats, did: 4, pasid: 9)]
        let everything = IOVARange.everything
        let v612 = flushRange(list(.v6_12, firstStage: true, tags), everything, hint: true)
        #expect(v612.descriptors == [
            .pasidIOTLB(.pageSelectiveWithinPASID, domainID: DomainID(4), pasid: pasid(9), block: .wholeAddressSpace, invalidationHint: true)
        ])
        #expect(v612.descriptors.first?.quadword1 == 0x40 | 52)
        let latest = flushRange(list(.latest, firstStage: true, tags), everything, hint: true)
        #expect(latest.descriptors == [.pasidIOTLB(.pasidSelective, domainID: DomainID(4), pasid: pasid(9))])
        #expect(cRange(baseline(.v6_12, firstStage: true, tags), everything) == flushRange(list(.v6_12, firstStage: true, tags), everything).submissions)
        #expect(cRange(baseline(.latest, firstStage: true, tags), everything) == latest.submissions.map {
            Submission(unit: $0.unit, descriptors: $0.descriptors)
        })
    }

    @Test("IOTLB descriptors carry DR/DW when the unit drains, in Swift and C alike")
    func drainBits() {
        let draining = Fixtures.unit(0, drain: true)
        let device = makeDevice(1, on: draining)
        let tags = [makeTag(.iotlb, draining, device, did: 5)]
        let result = flushRange(list(.latest, tags), pages(0xffffa, 1), hint: true)
        // The golden trace's own pair: DID 5, one 4 KiB page, IH 1.
        #expect(result.descriptors.map(\.quadword0) == [0x500f2])
        #expect(result.descriptors.map(\.quadword1) == [0xffffa040])
        let c = baseline(.latest, tags)
        var sink = RecordingSink()
        c.flushRange(pages(0xffffa, 1), invalidationHint: true, into: &sink)
        #expect(sink.descriptors == result.descriptors)
    }
}
