// Bit layouts of the scalable-mode invalidation descriptors, VT-d spec §6.5.2.3-§6.5.2.8.
// Quadwords 2 and 3 are zero for every descriptor modeled here.

extension InvalidationDescriptor {
    /// IOTLB invalidate (type 2). `block` is required for page-selective granularity and ignored
    /// otherwise. Domain-selective and page-selective invalidations reach every PASID of the DID.
    /// `readDrain` / `writeDrain` set DR (bit 7) and DW (bit 6), as the kernel does whenever the
    /// unit reports read / write draining (`qi_desc_iotlb`; docs/vtd-facts.md §1).
    @inlinable
    public static func iotlb(
        _ granularity: IOTLBGranularity, domainID: DomainID, block: AlignedInvalidation? = nil,
        invalidationHint: Bool = false, readDrain: Bool = false, writeDrain: Bool = false
    ) -> InvalidationDescriptor {
        precondition(granularity != .pageSelective || block != nil, "a page-selective IOTLB invalidation needs a block")
        let word0 =
            DescriptorType.iotlb.rawValue | granularity.rawValue << 4 | UInt64(domainID.rawValue) << 16
            | (readDrain ? iotlbReadDrainBit : 0) | (writeDrain ? iotlbWriteDrainBit : 0)
        guard granularity == .pageSelective, let block else { return InvalidationDescriptor(word0, 0) }
        return InvalidationDescriptor(word0, addressWord(block, invalidationHint: invalidationHint))
    }

    /// PASID-based IOTLB invalidate (type 6): PASID-selective, or page-selective within the PASID.
    @inlinable
    public static func pasidIOTLB(
        _ granularity: PASIDIOTLBGranularity, domainID: DomainID, pasid: PASID, block: AlignedInvalidation? = nil,
        invalidationHint: Bool = false
    ) -> InvalidationDescriptor {
        let word0 =
            DescriptorType.pasidIOTLB.rawValue | granularity.rawValue << 4 | UInt64(domainID.rawValue) << 16
            | UInt64(pasid.rawValue) << 32
        precondition(
            granularity != .pageSelectiveWithinPASID || block != nil, "a page-selective PASID invalidation needs a block")
        guard granularity == .pageSelectiveWithinPASID, let block else { return InvalidationDescriptor(word0, 0) }
        return InvalidationDescriptor(word0, addressWord(block, invalidationHint: invalidationHint))
    }

    /// Device-TLB invalidate (type 3) for translations requested without a PASID.
    /// `physicalFunctionSource` is the PF's SID for a VF (PFSID), else the device's own.
    @inlinable
    public static func deviceTLB(
        source: SourceID, physicalFunctionSource: SourceID? = nil, queueDepth: Int, block: AlignedInvalidation
    ) -> InvalidationDescriptor {
        let pfsid = UInt64((physicalFunctionSource ?? source).rawValue)
        let word0 =
            DescriptorType.deviceTLB.rawValue | (pfsid & 0xf) << 12 | (UInt64(queueDepth) & 0x1f) << 16
            | UInt64(source.rawValue) << 32 | (pfsid & 0xfff0) << 48
        return InvalidationDescriptor(word0, sizeEncodedAddress(block, sizeBit: 0))
    }

    /// PASID-based device-TLB invalidate (type 8).
    @inlinable
    public static func pasidDeviceTLB(
        source: SourceID, physicalFunctionSource: SourceID? = nil, pasid: PASID, queueDepth: Int,
        block: AlignedInvalidation
    ) -> InvalidationDescriptor {
        let pfsid = UInt64((physicalFunctionSource ?? source).rawValue)
        let word0 =
            DescriptorType.pasidDeviceTLB.rawValue | (UInt64(queueDepth) & 0x1f) << 4 | (pfsid & 0xf) << 12
            | UInt64(source.rawValue) << 16 | UInt64(pasid.rawValue) << 32 | (pfsid & 0xfff0) << 48
        return InvalidationDescriptor(word0, sizeEncodedAddress(block, sizeBit: 11))
    }

    /// Context-cache invalidate (type 1), device-selective (granularity 3): the context entry of
    /// `source`, tagged with `domainID` (0 when a non-present entry becomes present: caching mode
    /// caches non-present entries under DID 0). Function mask 0. `domain_context_mapping_one`,
    /// `domain_context_clear_one`.
    @inlinable
    public static func contextCache(source: SourceID, domainID: DomainID) -> InvalidationDescriptor {
        InvalidationDescriptor(
            DescriptorType.contextCache.rawValue | 3 << 4 | UInt64(domainID.rawValue) << 16 | UInt64(source.rawValue) << 32, 0)
    }

    /// PASID-cache invalidate (type 7), PASID-selective (granularity 1) for (DID, PASID)
    /// (`pasid_cache_invalidation_with_pasid`).
    @inlinable
    public static func pasidCache(domainID: DomainID, pasid: PASID) -> InvalidationDescriptor {
        InvalidationDescriptor(
            DescriptorType.pasidCache.rawValue | 1 << 4 | UInt64(domainID.rawValue) << 16 | UInt64(pasid.rawValue) << 32, 0)
    }

    /// DR, bit 7 of an IOTLB descriptor's quadword 0.
    public static let iotlbReadDrainBit: UInt64 = 1 << 7
    /// DW, bit 6 of an IOTLB descriptor's quadword 0.
    public static let iotlbWriteDrainBit: UInt64 = 1 << 6

    /// The IOTLB descriptor `qi_desc_iotlb` builds on a unit with `capabilities` (drain bits from the unit).
    @inlinable
    public static func iotlb(
        _ granularity: IOTLBGranularity, domainID: DomainID, block: AlignedInvalidation? = nil,
        invalidationHint: Bool = false, on capabilities: IOMMUCapabilities
    ) -> InvalidationDescriptor {
        iotlb(
            granularity, domainID: domainID, block: block, invalidationHint: invalidationHint,
            readDrain: capabilities.readDrain, writeDrain: capabilities.writeDrain)
    }

    /// The status data `qi_submit_sync` writes when a wait completes (`QI_DONE`).
    public static let waitDoneStatus: UInt32 = 2

    /// Invalidation wait (type 5) with a status write of `statusData` (`QI_DONE` by default), as
    /// `qi_submit_sync` queues after every batch; the status address is left zero in the model.
    /// The kernel prints no `qi_submit` line for it (docs/vtd-facts.md §1).
    @inlinable
    public static func wait(statusData: UInt32 = waitDoneStatus) -> InvalidationDescriptor {
        InvalidationDescriptor(DescriptorType.wait.rawValue | 1 << 5 | UInt64(statusData) << 32, 0)
    }

    /// Address, invalidation hint (bit 6) and address mask (bits 5:0) of IOTLB descriptors.
    @inlinable
    public static func addressWord(_ block: AlignedInvalidation, invalidationHint: Bool) -> UInt64 {
        block.address | (invalidationHint ? 1 << 6 : 0) | UInt64(block.mask)
    }

    /// Device-TLB size encoding (PCIe ATS invalidate request): with the S bit set, the run of
    /// ones starting at address bit 12 says the block is 2^(ones+1) pages.
    @inlinable
    public static func sizeEncodedAddress(_ block: AlignedInvalidation, sizeBit: Int) -> UInt64 {
        guard block.mask > 0 else { return block.address }
        let ones: UInt64 = (1 << UInt64(pageShift + block.mask - 1)) - 1
        return (block.address | ones) & ~(pageSize - 1) | 1 << UInt64(sizeBit)
    }

    /// Inverse of `sizeEncodedAddress`.
    static func sizeDecodedBlock(_ word: UInt64, sizeBit: Int) -> AlignedInvalidation? {
        let address = word & ~(pageSize - 1)
        guard word & (1 << UInt64(sizeBit)) != 0 else { return try? AlignedInvalidation(address: address, mask: 0) }
        let ones = (~(address >> UInt64(pageShift))).trailingZeroBitCount
        let mask = min(ones + 1, maximumAddressMask)
        let base = mask >= maximumAddressMask ? 0 : address & ~AlignedInvalidation.byteMask(mask)
        return try? AlignedInvalidation(address: base, mask: mask)
    }

    /// The typed view, or nil for a type this project does not model or a malformed field.
    public var decoded: DecodedDescriptor? {
        guard let type = DescriptorType(rawValue: typeCode) else { return nil }
        let granularityField = (quadword0 >> 4) & 0x3
        let did = DomainID(UInt16(truncatingIfNeeded: quadword0 >> 16))
        switch type {
        case .iotlb:
            guard let granularity = IOTLBGranularity(rawValue: granularityField) else { return nil }
            var block: AlignedInvalidation?
            if granularity == .pageSelective {
                block = try? AlignedInvalidation(address: quadword1 & ~(pageSize - 1), mask: Int(quadword1 & 0x3f))
                if block == nil { return nil }
            }
            return .iotlb(
                granularity: granularity, domainID: did, block: block, invalidationHint: quadword1 & (1 << 6) != 0)
        case .pasidIOTLB:
            guard let granularity = PASIDIOTLBGranularity(rawValue: granularityField) else { return nil }
            var block: AlignedInvalidation?
            if granularity == .pageSelectiveWithinPASID {
                block = try? AlignedInvalidation(address: quadword1 & ~(pageSize - 1), mask: Int(quadword1 & 0x3f))
                if block == nil { return nil }
            }
            return .pasidIOTLB(
                granularity: granularity, domainID: did, pasid: PASID(unchecked: UInt32(truncatingIfNeeded: quadword0 >> 32)),
                block: block, invalidationHint: quadword1 & (1 << 6) != 0)
        case .deviceTLB:
            guard let block = InvalidationDescriptor.sizeDecodedBlock(quadword1, sizeBit: 0) else { return nil }
            return .deviceTLB(
                source: SourceID(rawValue: UInt16(truncatingIfNeeded: quadword0 >> 32)), block: block,
                queueDepth: Int((quadword0 >> 16) & 0x1f))
        case .pasidDeviceTLB:
            guard let block = InvalidationDescriptor.sizeDecodedBlock(quadword1, sizeBit: 11) else { return nil }
            return .pasidDeviceTLB(
                source: SourceID(rawValue: UInt16(truncatingIfNeeded: quadword0 >> 16)),
                pasid: PASID(unchecked: UInt32(truncatingIfNeeded: quadword0 >> 32)), block: block,
                queueDepth: Int((quadword0 >> 4) & 0x1f))
        case .wait:
            return .wait(statusWrite: quadword0 & (1 << 5) != 0, statusData: UInt32(truncatingIfNeeded: quadword0 >> 32))
        default:
            return nil
        }
    }
}
