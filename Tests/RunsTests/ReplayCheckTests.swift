import CacheTags
import Runs
import TestSupport
import Testing
import VTd
import Workloads

/// The replay's self-check on hand-written traces: what it proves and what it catches.
@Suite("Replay self-check")
struct ReplayCheckTests {
    /// A nested child (DID 7, PASID 3, ATS device 00:03.0) attaches first, so its NESTING tags head
    /// its second-stage parent's list; then the parent's own RID attachment (DID 2, ATS device
    /// 00:02.0) is linked after them. One parent flush of one page, and the kernel's descriptors.
    func nestedTrace(kernelWords: [InvalidationDescriptor]) -> String {
        let child = "0000:00:03.0"
        let own = "0000:00:02.0"
        var lines = [
            TraceText.assign(.iotlb, "dmar0", did: 7, pasid: 3, at: 1),
            TraceText.assign(.devtlb, "dmar0", child, did: 7, pasid: 3, at: 2),
            TraceText.assign(.nestingIotlb, "dmar0", did: 7, pasid: 3, at: 3),
            TraceText.assign(.nestingDevtlb, "dmar0", child, did: 7, pasid: 3, at: 4),
            TraceText.assign(.iotlb, "dmar0", did: 2, at: 5),
            TraceText.assign(.devtlb, "dmar0", own, did: 2, at: 6),
            TraceText.flushRange(.nestingIotlb, "dmar0", did: 7, pasid: 3, 0x10000, 0x10fff, at: 10),
            TraceText.flushRange(.nestingDevtlb, "dmar0", child, did: 7, pasid: 3, 0x10000, 0x10fff, at: 10),
            TraceText.flushRange(.iotlb, "dmar0", did: 2, 0x10000, 0x10fff, at: 10),
            TraceText.flushRange(.devtlb, "dmar0", own, did: 2, 0x10000, 0x10fff, at: 10),
        ]
        for descriptor in kernelWords {
            let kind = DescriptorType(rawValue: descriptor.typeCode)!.description
            lines.append(
                TraceText.qiSubmit(
                    kind, "dmar0", words: [descriptor.quadword0, descriptor.quadword1, 0, 0], at: 11))
        }
        // A later line on the CPU closes the call's window.
        lines.append(TraceText.assign(.iotlb, "dmar0", did: 9, at: 20))
        return lines.joined(separator: "\n")
    }

    /// What the kernel queues for that flush: every version widens the walk after the
    /// NESTING_DEVTLB tag, so the parent's IOTLB tag gets a domain-selective flush and its device
    /// TLB a whole-TLB one.
    var widenedKernel: [InvalidationDescriptor] {
        let child = try! SourceID(bus: 0, device: 3, function: 0)
        let own = try! SourceID(bus: 0, device: 2, function: 0)
        let block = AlignedInvalidation(covering: IOVARange(firstPage: 0x10, pageCount: 1))
        return [
            .iotlb(.pageSelective, domainID: DomainID(7), block: block, invalidationHint: true, readDrain: true, writeDrain: true),
            .pasidDeviceTLB(source: child, pasid: PASID(unchecked: 3), queueDepth: 32, block: .wholeAddressSpace),
            .iotlb(.domainSelective, domainID: DomainID(2), readDrain: true, writeDrain: true),
            .deviceTLB(source: own, queueDepth: 32, block: .wholeAddressSpace),
        ]
    }

    @Test("kernel-list reproduces the NESTING_DEVTLB widening exactly; switched off, the check says where it differs")
    func widening() throws {
        let replay = try TraceReplay(text: nestedTrace(kernelWords: widenedKernel), file: "nested.txt")
        let widened = try #require(try ReplayCheck.check(replay, profile: .v6_12))
        #expect(widened.operations == 1 && widened.exact == 1, "\(widened.summary) \(widened.examples)")
        let unwidened = try #require(try ReplayCheck.check(replay, profile: KernelProfile.v6_12.unwidened))
        #expect(unwidened.operations == 1 && unwidened.exact == 0 && unwidened.countMatch == 1)
        #expect(unwidened.mismatches[.granularity] == 1 && unwidened.mismatches[.address] == 1, "\(unwidened.summary)")
        #expect(!unwidened.allExact && unwidened.summary.contains("mismatches: granularity 1, address 1"))
    }

    @Test("a call the kernel answered with fewer descriptors is missing-or-extra, and a trace without qi_submit is not checked")
    func classes() throws {
        let replay = try TraceReplay(text: nestedTrace(kernelWords: Array(widenedKernel.dropLast())), file: "short.txt")
        let check = try #require(try ReplayCheck.check(replay, profile: .v6_12))
        #expect(check.exact == 0 && check.mismatches[.extra] == 1 && check.mismatches[.missing] == nil)
        let bare = try TraceReplay(text: nestedTrace(kernelWords: []), file: "bare.txt")
        #expect(try ReplayCheck.check(bare, profile: .v6_12) == nil)
    }
}
