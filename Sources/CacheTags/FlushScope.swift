import VTd

/// What one flush covers, and the descriptor each kind of tag gets for it. Both tables build
/// their descriptors here, so they cannot disagree on encoding, only on which tags they walk.
enum FlushScope {
    /// An aligned block (`cache_tag_flush_range`).
    case range(AlignedInvalidation, invalidationHint: Bool)
    /// Everything (`cache_tag_flush_all`: pages = −1 in the kernel).
    case all

    /// IOTLB and NESTING_IOTLB tags (`cache_tag_flush_iotlb`): first-stage domains use the
    /// PASID-based descriptor; second-stage ones the DID-based one, falling back to domain-selective
    /// when the unit lacks PSI, the mask exceeds MAMV, or everything is flushed. NESTING_IOTLB tags
    /// sit on second-stage parents, so they always take the DID-based path.
    func iotlbDescriptor(for tag: CacheTag, domainUsesFirstStage: Bool) -> InvalidationDescriptor {
        if domainUsesFirstStage && tag.type == .iotlb {
            return pasidIOTLBDescriptor(domainID: tag.domainID, pasid: tag.pasid)
        }
        return iotlbDescriptor(domainID: tag.domainID, capabilities: tag.unit.capabilities)
    }

    /// The DID-based IOTLB descriptor for this scope on a unit with `capabilities`.
    func iotlbDescriptor(domainID: DomainID, capabilities: IOMMUCapabilities) -> InvalidationDescriptor {
        guard case let .range(block, hint) = self, capabilities.pageSelectiveInvalidation,
            block.mask <= capabilities.maximumAddressMaskValue
        else {
            return .iotlb(.domainSelective, domainID: domainID)
        }
        return .iotlb(.pageSelective, domainID: domainID, block: block, invalidationHint: hint)
    }

    /// The PASID-based IOTLB descriptor: page-selective within the PASID, or PASID-selective for
    /// everything and for blocks as wide as the address space (newer kernels do the same).
    func pasidIOTLBDescriptor(domainID: DomainID, pasid: PASID) -> InvalidationDescriptor {
        guard case let .range(block, hint) = self, !block.isWholeAddressSpace else {
            return .pasidIOTLB(.pasidSelective, domainID: domainID, pasid: pasid)
        }
        return .pasidIOTLB(.pageSelectiveWithinPASID, domainID: domainID, pasid: pasid, block: block, invalidationHint: hint)
    }

    /// DEVTLB tags get the flushed block; NESTING_DEVTLB tags and flush-all the whole device TLB,
    /// since nested translations cannot be bounded by a parent range
    /// (`cache_tag_flush_devtlb_psi`, `cache_tag_flush_devtlb_all`). PASID-tagged ones use the
    /// PASID-based descriptor.
    ///
    /// A deliberate difference from the kernel: `cache_tag_flush_range` widens its walk-wide
    /// address and mask to the whole space when it meets a NESTING_DEVTLB tag (a `switch`
    /// fall-through), so every *later* tag of that flush is widened too. Here, as in the C
    /// baseline, each tag keeps its own scope; the kernel's extra widening only adds collateral.
    func deviceTLBDescriptor(for tag: CacheTag) -> InvalidationDescriptor {
        var block = AlignedInvalidation.wholeAddressSpace
        if case let .range(flushed, _) = self, tag.type == .devtlb { block = flushed }
        return Self.deviceTLBDescriptor(device: tag.device, pasid: tag.pasid, block: block)
    }

    static func deviceTLBDescriptor(device: Device, pasid: PASID, block: AlignedInvalidation) -> InvalidationDescriptor {
        if pasid.isNone {
            return .deviceTLB(
                source: device.source, physicalFunctionSource: device.physicalFunctionSource,
                queueDepth: device.queueDepth, block: block)
        }
        return .pasidDeviceTLB(
            source: device.source, physicalFunctionSource: device.physicalFunctionSource, pasid: pasid,
            queueDepth: device.queueDepth, block: block)
    }
}
