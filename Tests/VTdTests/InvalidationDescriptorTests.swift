import TestSupport
import Testing
import VTd
import Workloads

// MARK: - Expected words, field by field from the VT-d spec (§6.5.2.3-§6.5.2.8), independent of the encoder

enum SpecLayout {
    /// IOTLB invalidate (type 2): G 5:4, DID 31:16; QW1 ADDR 63:12, IH 6, AM 5:0 (page-selective only).
    static func iotlb(granularity: UInt64, did: UInt16, block: AlignedInvalidation?, hint: Bool) -> [UInt64] {
        let qw0 = field(2, 3, 0) | field(granularity, 5, 4) | field(UInt64(did), 31, 16)
        guard granularity == 3, let block else { return [qw0, 0, 0, 0] }
        return [qw0, addressMaskWord(block, hint: hint), 0, 0]
    }

    /// PASID-based IOTLB invalidate (type 6): G 5:4, DID 31:16, PASID 51:32; QW1 as IOTLB (granularity 3 only).
    static func pasidIOTLB(granularity: UInt64, did: UInt16, pasid: UInt32, block: AlignedInvalidation?, hint: Bool)
        -> [UInt64]
    {
        let qw0 = field(6, 3, 0) | field(granularity, 5, 4) | field(UInt64(did), 31, 16) | field(UInt64(pasid), 51, 32)
        guard granularity == 3, let block else { return [qw0, 0, 0, 0] }
        return [qw0, addressMaskWord(block, hint: hint), 0, 0]
    }

    static func addressMaskWord(_ block: AlignedInvalidation, hint: Bool) -> UInt64 {
        field(block.address >> 12, 63, 12) | field(hint ? 1 : 0, 6, 6) | field(UInt64(block.mask), 5, 0)
    }

    /// Device-TLB invalidate (type 3): PFSID[3:0] 15:12, MIP/qdep 20:16, SID 47:32, PFSID[15:4] 63:52;
    /// QW1 ADDR 63:12 with the size bit S at 0.
    static func deviceTLB(sid: UInt16, pfsid: UInt16, qdep: UInt64, block: AlignedInvalidation) -> [UInt64] {
        let qw0 =
            field(3, 3, 0) | field(UInt64(pfsid) & 0xf, 15, 12) | field(qdep, 20, 16) | field(UInt64(sid), 47, 32)
            | field(UInt64(pfsid) >> 4, 63, 52)
        return [qw0, sizeEncodedAddress(block, sizeBit: 0), 0, 0]
    }

    /// PASID-based device-TLB invalidate (type 8): qdep 8:4, PFSID[3:0] 15:12, SID 31:16, PASID 51:32,
    /// PFSID[15:4] 63:52; QW1 ADDR 63:12 with S at 11.
    static func pasidDeviceTLB(sid: UInt16, pfsid: UInt16, pasid: UInt32, qdep: UInt64, block: AlignedInvalidation)
        -> [UInt64]
    {
        let qw0 =
            field(8, 3, 0) | field(qdep, 8, 4) | field(UInt64(pfsid) & 0xf, 15, 12) | field(UInt64(sid), 31, 16)
            | field(UInt64(pasid), 51, 32) | field(UInt64(pfsid) >> 4, 63, 52)
        return [qw0, sizeEncodedAddress(block, sizeBit: 11), 0, 0]
    }

    /// PCIe ATS size encoding: S = 0 is one page at ADDR; S = 1 means the page-frame bits below the
    /// lowest zero are ones and the range is 2^(ones + 1) pages, so a 2^mask block sets mask − 1 ones.
    static func sizeEncodedAddress(_ block: AlignedInvalidation, sizeBit: Int) -> UInt64 {
        let frame = block.address >> 12
        guard block.mask > 0 else { return field(frame, 63, 12) }
        let ones: UInt64 = (1 << UInt64(block.mask - 1)) - 1
        return field(frame | ones, 63, 12) | field(1, sizeBit, sizeBit)
    }

    /// Reads the ATS size encoding back as (first page, page count), by counting ones.
    static func sizeDecoded(_ word: UInt64, sizeBit: Int) -> (firstPage: UInt64, pages: UInt64) {
        let frame = bits(word, 63, 12)
        guard bits(word, sizeBit, sizeBit) == 1 else { return (frame, 1) }
        var ones = 0
        while ones < 52, (frame >> UInt64(ones)) & 1 == 1 { ones += 1 }
        let pages = UInt64(1) << UInt64(ones + 1)
        return (frame & ~(pages - 1), pages)
    }

    /// Invalidation wait (type 5): SW 5, status data 63:32; QW1 status address (0 in the model).
    static func wait(data: UInt32) -> [UInt64] {
        [field(5, 3, 0) | field(1, 5, 5) | field(UInt64(data), 63, 32), 0, 0, 0]
    }
}

extension InvalidationDescriptor {
    var words: [UInt64] { [quadword0, quadword1, quadword2, quadword3] }
}

/// Rebuilds a descriptor from its typed view (PFSID = SID, which the view does not carry).
func reencode(_ decoded: DecodedDescriptor) -> InvalidationDescriptor {
    switch decoded {
    case let .iotlb(granularity, did, block, hint):
        return .iotlb(granularity, domainID: did, block: block, invalidationHint: hint)
    case let .pasidIOTLB(granularity, did, pasid, block, hint):
        return .pasidIOTLB(granularity, domainID: did, pasid: pasid, block: block, invalidationHint: hint)
    case let .deviceTLB(source, block, queueDepth):
        return .deviceTLB(source: source, queueDepth: queueDepth, block: block)
    case let .pasidDeviceTLB(source, pasid, block, queueDepth):
        return .pasidDeviceTLB(source: source, pasid: pasid, queueDepth: queueDepth, block: block)
    case let .wait(_, data):
        return .wait(statusData: data)
    }
}

// MARK: - Layouts

@Suite struct InvalidationDescriptorLayoutTests {
    let did = DomainID(0x1234)
    let block = try! AlignedInvalidation(address: 0x40_0000, mask: 10)

    @Test func iotlbGlobal() {
        let descriptor = InvalidationDescriptor.iotlb(.global, domainID: DomainID(0))
        #expect(descriptor.words == [0x12, 0, 0, 0])
        #expect(bits(descriptor.quadword0, 3, 0) == 2)
        #expect(bits(descriptor.quadword0, 5, 4) == 1)
        // A block or hint handed to a non-page-selective flush is not encoded.
        #expect(InvalidationDescriptor.iotlb(.global, domainID: DomainID(0), block: block, invalidationHint: true).words == [0x12, 0, 0, 0])
    }

    @Test func iotlbDomainSelective() {
        let descriptor = InvalidationDescriptor.iotlb(.domainSelective, domainID: did, block: block, invalidationHint: true)
        #expect(descriptor.words == [0x1234_0022, 0, 0, 0])
        #expect(bits(descriptor.quadword0, 5, 4) == 2)
        #expect(bits(descriptor.quadword0, 31, 16) == 0x1234)
    }

    @Test func iotlbPageSelective() {
        let descriptor = InvalidationDescriptor.iotlb(.pageSelective, domainID: did, block: block, invalidationHint: true)
        // Kernel qi_flush_iotlb: QI_IOTLB_DID | QI_IOTLB_GRAN(DMA_TLB_PSI_FLUSH) | type; ADDR | IH | AM.
        #expect(descriptor.words == [0x1234_0032, 0x40_004a, 0, 0])
        #expect(bits(descriptor.quadword1, 63, 12) == 0x400)
        #expect(bits(descriptor.quadword1, 6, 6) == 1)
        #expect(bits(descriptor.quadword1, 5, 0) == 10)
        #expect(bits(descriptor.quadword1, 11, 7) == 0, "reserved")
        let noHint = InvalidationDescriptor.iotlb(.pageSelective, domainID: did, block: block)
        #expect(noHint.quadword1 == 0x40_000a)
        #expect(descriptor.words == SpecLayout.iotlb(granularity: 3, did: 0x1234, block: block, hint: true))
    }

    @Test func pasidIOTLBPasidSelective() throws {
        let descriptor = InvalidationDescriptor.pasidIOTLB(.pasidSelective, domainID: DomainID(1), pasid: try PASID(0xF_FFFF))
        #expect(descriptor.words == [0x000F_FFFF_0001_0026, 0, 0, 0])
        #expect(bits(descriptor.quadword0, 51, 32) == 0xF_FFFF)
        #expect(bits(descriptor.quadword0, 63, 52) == 0, "reserved")
    }

    @Test func pasidIOTLBPageSelectiveWithinPASID() throws {
        let descriptor = InvalidationDescriptor.pasidIOTLB(
            .pageSelectiveWithinPASID, domainID: did, pasid: try PASID(5), block: block, invalidationHint: true)
        #expect(descriptor.words == [0x0000_0005_1234_0036, 0x40_004a, 0, 0])
        #expect(
            descriptor.words == SpecLayout.pasidIOTLB(granularity: 3, did: 0x1234, pasid: 5, block: block, hint: true))
    }

    @Test func deviceTLB() throws {
        // 03:00.0, its own PFSID, queue depth 32 (encoded 0), 16 pages at 64 KiB.
        let source = try SourceID(bus: 3, device: 0, function: 0)
        let block16 = try AlignedInvalidation(address: 0x1_0000, mask: 4)
        let descriptor = InvalidationDescriptor.deviceTLB(source: source, queueDepth: 32, block: block16)
        #expect(descriptor.words == [0x0300_0300_0000_0003, 0x1_7001, 0, 0])
        #expect(bits(descriptor.quadword0, 47, 32) == 0x300)
        #expect(bits(descriptor.quadword0, 20, 16) == 0)
        #expect(bits(descriptor.quadword1, 0, 0) == 1)
        // A VF (03:02.1) with a PFSID whose low nibble is non-zero, queue depth 31.
        let vf = try SourceID(bus: 3, device: 2, function: 1)
        let withPF = InvalidationDescriptor.deviceTLB(
            source: vf, physicalFunctionSource: SourceID(rawValue: 0xABCD), queueDepth: 31, block: block16)
        #expect(withPF.quadword0 == 0xABC0_0311_001F_D003)
        #expect(bits(withPF.quadword0, 15, 12) == 0xD)
        #expect(bits(withPF.quadword0, 63, 52) == 0xABC)
        #expect(bits(withPF.quadword0, 51, 48) == 0 && bits(withPF.quadword0, 11, 4) == 0, "reserved")
        // One page: S clear, the address as is.
        let onePage = InvalidationDescriptor.deviceTLB(
            source: source, queueDepth: 8, block: try AlignedInvalidation(address: 0x7000, mask: 0))
        #expect(onePage.quadword1 == 0x7000)
        #expect(bits(onePage.quadword0, 20, 16) == 8)
    }

    @Test func pasidDeviceTLB() throws {
        // 00:02.0, PASID 5, queue depth 0: the kernel's QI_DEV_EIOTLB_* macros give these words.
        let source = try SourceID(bus: 0, device: 2, function: 0)
        let onePage = InvalidationDescriptor.pasidDeviceTLB(
            source: source, pasid: try PASID(5), queueDepth: 0, block: try AlignedInvalidation(address: 0x7000, mask: 0))
        #expect(onePage.words == [0x0010_0005_0010_0008, 0x7000, 0, 0])
        // Two pages at 0x8000: no ones, S (bit 11) set.
        let twoPages = InvalidationDescriptor.pasidDeviceTLB(
            source: source, pasid: try PASID(5), queueDepth: 0, block: try AlignedInvalidation(address: 0x8000, mask: 1))
        #expect(twoPages.quadword1 == 0x8800)
        // The whole device TLB (nesting flushes): addr 0, mask 52.
        let whole = InvalidationDescriptor.pasidDeviceTLB(
            source: source, pasid: try PASID(5), queueDepth: 0, block: .wholeAddressSpace)
        #expect(whole.quadword1 == 0x7FFF_FFFF_FFFF_F800)
        // Queue depth in 8:4 does not leak into the type's high bits 11:9.
        let deep = InvalidationDescriptor.pasidDeviceTLB(
            source: SourceID(rawValue: 0xFFFF), physicalFunctionSource: SourceID(rawValue: 0xABCD), pasid: try PASID(0xF_FFFF),
            queueDepth: 31, block: .wholeAddressSpace)
        #expect(bits(deep.quadword0, 8, 4) == 31)
        #expect(bits(deep.quadword0, 11, 9) == 0)
        #expect(bits(deep.quadword0, 31, 16) == 0xFFFF)
        #expect(bits(deep.quadword0, 15, 12) == 0xD)
        #expect(bits(deep.quadword0, 63, 52) == 0xABC)
        #expect(deep.typeCode == 8)
    }

    @Test func deviceTLBWholeSpace() throws {
        let whole = InvalidationDescriptor.deviceTLB(source: SourceID(rawValue: 0x10), queueDepth: 0, block: .wholeAddressSpace)
        // Kernel: addr |= (1 << (12 + 52 - 1)) - 1, page-masked, | S.
        #expect(whole.quadword1 == 0x7FFF_FFFF_FFFF_F001)
    }

    @Test(arguments: [UInt32(0), 1, 0xFFFF_FFFF])
    func wait(data: UInt32) {
        let descriptor = InvalidationDescriptor.wait(statusData: data)
        #expect(descriptor.words == SpecLayout.wait(data: data))
        #expect(bits(descriptor.quadword0, 5, 5) == 1)
        #expect(bits(descriptor.quadword0, 63, 32) == UInt64(data))
        #expect(bits(descriptor.quadword0, 7, 6) == 0, "no fence, no page-request drain")
    }

    @Test func waitDefaultsToStatusDataDone() {
        // QI_DONE (2), what qi_submit_sync writes.
        #expect(InvalidationDescriptor.wait().words == [0x2_0000_0025, 0, 0, 0])
        #expect(InvalidationDescriptor.wait().description == "wait sw=true data=2 [0x200000025 0x0 0x0 0x0]")
    }

    @Test(arguments: 0...52)
    func deviceTLBSizeEncodingForEveryMask(mask: Int) throws {
        let highest = (pageFrameCount - (1 << UInt64(mask))) << 12
        var rng = SplitMix64(seed: UInt64(mask))
        let blocks = [
            try AlignedInvalidation(address: 0, mask: mask), try AlignedInvalidation(address: highest, mask: mask),
            randomBlock(&rng, mask: mask), randomBlock(&rng, mask: mask),
        ]
        for block in blocks {
            let plain = InvalidationDescriptor.deviceTLB(source: SourceID(rawValue: 0x100), queueDepth: 4, block: block)
            let pasid = InvalidationDescriptor.pasidDeviceTLB(
                source: SourceID(rawValue: 0x100), pasid: try PASID(9), queueDepth: 4, block: block)
            #expect(plain.quadword1 == SpecLayout.sizeEncodedAddress(block, sizeBit: 0))
            #expect(pasid.quadword1 == SpecLayout.sizeEncodedAddress(block, sizeBit: 11))
            // Read back by counting ones, as an ATS endpoint would.
            for (word, sizeBit) in [(plain.quadword1, 0), (pasid.quadword1, 11)] {
                let (firstPage, pages) = SpecLayout.sizeDecoded(word, sizeBit: sizeBit)
                #expect(firstPage == block.address >> 12)
                #expect(pages == block.pageCount)
            }
            #expect(plain.decoded == .deviceTLB(source: SourceID(rawValue: 0x100), block: block, queueDepth: 4))
            #expect(pasid.decoded == .pasidDeviceTLB(source: SourceID(rawValue: 0x100), pasid: try PASID(9), block: block, queueDepth: 4))
        }
    }
}

// MARK: - Seeded round trips

@Suite struct InvalidationDescriptorRoundTripTests {
    static let iterations = 1500

    @Test func iotlb() {
        var rng = SplitMix64(seed: 0x1071B)
        var failures: [String] = []
        for _ in 0..<Self.iterations {
            let granularity = IOTLBGranularity.allCases[Int(rng.below(3))]
            let did = DomainID(UInt16(truncatingIfNeeded: rng.next()))
            let block = randomBlock(&rng)
            let hint = rng.bool()
            let descriptor = InvalidationDescriptor.iotlb(granularity, domainID: did, block: block, invalidationHint: hint)
            let pageSelective = granularity == .pageSelective
            let expected = DecodedDescriptor.iotlb(
                granularity: granularity, domainID: did, block: pageSelective ? block : nil,
                invalidationHint: pageSelective && hint)
            let layout = SpecLayout.iotlb(granularity: granularity.rawValue, did: did.rawValue, block: block, hint: hint)
            if descriptor.words != layout { failures.append("layout \(descriptor)") }
            if descriptor.decoded != expected { failures.append("decode \(descriptor)") }
            if descriptor.decoded.map(reencode) != descriptor { failures.append("re-encode \(descriptor)") }
            if descriptor.typeCode != DescriptorType.iotlb.rawValue { failures.append("type \(descriptor)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func pasidIOTLB() {
        var rng = SplitMix64(seed: 0x9A51D)
        var failures: [String] = []
        for _ in 0..<Self.iterations {
            let granularity = PASIDIOTLBGranularity.allCases[Int(rng.below(2))]
            let did = DomainID(UInt16(truncatingIfNeeded: rng.next()))
            let pasid = try! PASID(UInt32(rng.below(1 << 20)))
            let block = randomBlock(&rng)
            let hint = rng.bool()
            let descriptor = InvalidationDescriptor.pasidIOTLB(
                granularity, domainID: did, pasid: pasid, block: block, invalidationHint: hint)
            let pageSelective = granularity == .pageSelectiveWithinPASID
            let expected = DecodedDescriptor.pasidIOTLB(
                granularity: granularity, domainID: did, pasid: pasid, block: pageSelective ? block : nil,
                invalidationHint: pageSelective && hint)
            let layout = SpecLayout.pasidIOTLB(
                granularity: granularity.rawValue, did: did.rawValue, pasid: pasid.rawValue, block: block, hint: hint)
            if descriptor.words != layout { failures.append("layout \(descriptor)") }
            if descriptor.decoded != expected { failures.append("decode \(descriptor)") }
            if descriptor.decoded.map(reencode) != descriptor { failures.append("re-encode \(descriptor)") }
            if descriptor.typeCode != DescriptorType.pasidIOTLB.rawValue { failures.append("type \(descriptor)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func deviceTLB() {
        var rng = SplitMix64(seed: 0xDE71B)
        var failures: [String] = []
        for iteration in 0..<Self.iterations {
            let source = SourceID(rawValue: UInt16(truncatingIfNeeded: rng.next()))
            let pfsid = rng.bool() ? SourceID(rawValue: UInt16(truncatingIfNeeded: rng.next())) : nil
            let queueDepth = Int(rng.below(33))  // 0 ... 32; 32 encodes as 0 (kernel: qdep >= 32 → 0)
            let block = iteration % 50 == 0 ? AlignedInvalidation.wholeAddressSpace : randomBlock(&rng)
            let descriptor = InvalidationDescriptor.deviceTLB(
                source: source, physicalFunctionSource: pfsid, queueDepth: queueDepth, block: block)
            let layout = SpecLayout.deviceTLB(
                sid: source.rawValue, pfsid: (pfsid ?? source).rawValue, qdep: UInt64(queueDepth % 32), block: block)
            let expected = DecodedDescriptor.deviceTLB(source: source, block: block, queueDepth: queueDepth % 32)
            if descriptor.words != layout { failures.append("layout \(descriptor)") }
            if descriptor.decoded != expected { failures.append("decode \(descriptor)") }
            if pfsid == nil, descriptor.decoded.map(reencode) != descriptor { failures.append("re-encode \(descriptor)") }
            if descriptor.typeCode != DescriptorType.deviceTLB.rawValue { failures.append("type \(descriptor)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func pasidDeviceTLB() {
        var rng = SplitMix64(seed: 0x9DE71B)
        var failures: [String] = []
        for iteration in 0..<Self.iterations {
            let source = SourceID(rawValue: UInt16(truncatingIfNeeded: rng.next()))
            let pfsid = rng.bool() ? SourceID(rawValue: UInt16(truncatingIfNeeded: rng.next())) : nil
            let pasid = try! PASID(UInt32(rng.below(1 << 20)))
            let queueDepth = Int(rng.below(33))
            let block = iteration % 50 == 0 ? AlignedInvalidation.wholeAddressSpace : randomBlock(&rng)
            let descriptor = InvalidationDescriptor.pasidDeviceTLB(
                source: source, physicalFunctionSource: pfsid, pasid: pasid, queueDepth: queueDepth, block: block)
            let layout = SpecLayout.pasidDeviceTLB(
                sid: source.rawValue, pfsid: (pfsid ?? source).rawValue, pasid: pasid.rawValue,
                qdep: UInt64(queueDepth % 32), block: block)
            let expected = DecodedDescriptor.pasidDeviceTLB(
                source: source, pasid: pasid, block: block, queueDepth: queueDepth % 32)
            if descriptor.words != layout { failures.append("layout \(descriptor)") }
            if descriptor.decoded != expected { failures.append("decode \(descriptor)") }
            if pfsid == nil, descriptor.decoded.map(reencode) != descriptor { failures.append("re-encode \(descriptor)") }
            if descriptor.typeCode != DescriptorType.pasidDeviceTLB.rawValue { failures.append("type \(descriptor)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func wait() {
        var rng = SplitMix64(seed: 0x3A17)
        var failures: [String] = []
        for _ in 0..<Self.iterations {
            let data = UInt32(truncatingIfNeeded: rng.next())
            let descriptor = InvalidationDescriptor.wait(statusData: data)
            if descriptor.words != SpecLayout.wait(data: data) { failures.append("layout \(descriptor)") }
            if descriptor.decoded != .wait(statusWrite: true, statusData: data) { failures.append("decode \(descriptor)") }
            if descriptor.decoded.map(reencode) != descriptor { failures.append("re-encode \(descriptor)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}

// MARK: - Types and decoding of what the model does not build

@Suite struct DescriptorTypeTests {
    @Test func codesAndQiSubmitNames() {
        // QI_*_TYPE values and the __print_symbolic names of the qi_submit trace event.
        let expected: [(DescriptorType, UInt64, String)] = [
            (.contextCache, 1, "cc_inv"), (.iotlb, 2, "iotlb_inv"), (.deviceTLB, 3, "dev_tlb_inv"),
            (.interruptEntryCache, 4, "iec_inv"), (.wait, 5, "inv_wait"), (.pasidIOTLB, 6, "p_iotlb_inv"),
            (.pasidCache, 7, "pc_inv"), (.pasidDeviceTLB, 8, "p_dev_tlb_inv"),
        ]
        #expect(DescriptorType.allCases.count == expected.count)
        for (type, code, name) in expected {
            #expect(type.rawValue == code)
            #expect(type.description == name)
            #expect(DescriptorType(rawValue: code) == type)
        }
        #expect(DescriptorType(rawValue: 0) == nil)
        #expect(DescriptorType(rawValue: 9) == nil, "page_grp_resp is not modeled")
    }

    @Test func granularityCodes() {
        #expect(IOTLBGranularity.global.rawValue == 1)
        #expect(IOTLBGranularity.domainSelective.rawValue == 2)
        #expect(IOTLBGranularity.pageSelective.rawValue == 3)
        #expect(PASIDIOTLBGranularity.pasidSelective.rawValue == 2)  // QI_GRAN_NONG_PASID
        #expect(PASIDIOTLBGranularity.pageSelectiveWithinPASID.rawValue == 3)  // QI_GRAN_PSI_PASID
    }

    @Test func typeCodeReadsBothTypeFields() {
        // Bits 3:0 are the low type bits, 11:9 the high ones (spec: 7-bit type).
        #expect(InvalidationDescriptor(0x5, 0).typeCode == 5)
        #expect(InvalidationDescriptor(0xE05, 0).typeCode == 0x75)
        #expect(InvalidationDescriptor(0x202, 0).typeCode == 0x12)
        // Fields in bits 8:4 and 15:12 never count.
        #expect(InvalidationDescriptor(0xF1F2, 0).typeCode == 2)
        #expect(InvalidationDescriptor(.max & ~UInt64(0xE0F) | 0x9, 0).typeCode == 9)
    }

    @Test func decodedTypeMatchesConstructor() throws {
        let block = try AlignedInvalidation(address: 0, mask: 0)
        let cases: [(InvalidationDescriptor, DescriptorType)] = [
            (.iotlb(.global, domainID: DomainID(0)), .iotlb),
            (.pasidIOTLB(.pasidSelective, domainID: DomainID(1), pasid: .none), .pasidIOTLB),
            (.deviceTLB(source: SourceID(rawValue: 1), queueDepth: 0, block: block), .deviceTLB),
            (.pasidDeviceTLB(source: SourceID(rawValue: 1), pasid: .none, queueDepth: 0, block: block), .pasidDeviceTLB),
            (.wait(), .wait),
        ]
        for (descriptor, type) in cases {
            #expect(descriptor.typeCode == type.rawValue)
            #expect(descriptor.decoded?.type == type)
            #expect(descriptor.description.hasPrefix("unknown") == false)
        }
    }

    @Test func unmodeledOrMalformedDescriptorsDecodeToNil() {
        let malformed: [InvalidationDescriptor] = [
            InvalidationDescriptor(0x0, 0),  // no type
            InvalidationDescriptor(0x1, 0),  // context cache
            InvalidationDescriptor(0x4, 0),  // interrupt entry cache
            InvalidationDescriptor(0x7, 0),  // PASID cache
            InvalidationDescriptor(0x9, 0),  // page group response
            InvalidationDescriptor(0x202, 0),  // IOTLB low bits with a high type bit: type 0x12
            InvalidationDescriptor(0x02, 0),  // IOTLB granularity 0
            InvalidationDescriptor(0x06, 0),  // PASID IOTLB granularity 0
            InvalidationDescriptor(0x16, 0),  // PASID IOTLB granularity 1
            InvalidationDescriptor(0x32, 0x1001),  // PSI page 1 with AM 1: misaligned
            InvalidationDescriptor(0x32, 0x35),  // PSI with AM 53
            InvalidationDescriptor(0x36, 0x3f),  // PASID PSI with AM 63
        ]
        for descriptor in malformed {
            #expect(descriptor.decoded == nil, "\(descriptor.words.map { hex($0) })")
            #expect(descriptor.description.hasPrefix("unknown"))
        }
    }

    @Test func decodedDescriptions() throws {
        let block = try AlignedInvalidation(address: 0x8000, mask: 3)
        #expect(
            InvalidationDescriptor.iotlb(.pageSelective, domainID: DomainID(3), block: block).decoded?.description
                == "iotlb pageSelective did 3 addr 0x8000 mask 3")
        #expect(
            InvalidationDescriptor.deviceTLB(source: try SourceID(bus: 0, device: 2, function: 0), queueDepth: 0, block: block)
                .decoded?.description == "dev_tlb 00:02.0 addr 0x8000 mask 3")
    }
}
