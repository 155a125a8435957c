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
    /// `pasidSelectiveForWholeSpace` is `KernelProfile.pasidSelectiveForWholeSpace`.
    func iotlbDescriptor(for tag: CacheTag, domainUsesFirstStage: Bool, pasidSelectiveForWholeSpace: Bool = true)
        -> InvalidationDescriptor
    {
        if domainUsesFirstStage && tag.type == .iotlb {
            return pasidIOTLBDescriptor(
                domainID: tag.domainID, pasid: tag.pasid, pasidSelectiveForWholeSpace: pasidSelectiveForWholeSpace)
        }
        return iotlbDescriptor(domainID: tag.domainID, capabilities: tag.unit.capabilities)
    }

    /// The DID-based IOTLB descriptor for this scope on a unit with `capabilities`.
    func iotlbDescriptor(domainID: DomainID, capabilities: IOMMUCapabilities) -> InvalidationDescriptor {
        guard case let .range(block, hint) = self, capabilities.pageSelectiveInvalidation,
            block.mask <= capabilities.maximumAddressMaskValue
        else {
            return .iotlb(.domainSelective, domainID: domainID, on: capabilities)
        }
        return .iotlb(.pageSelective, domainID: domainID, block: block, invalidationHint: hint, on: capabilities)
    }

    /// The PASID-based IOTLB descriptor: page-selective within the PASID, or PASID-selective for
    /// everything and (newest kernels; `pasidSelectiveForWholeSpace`) for blocks as wide as the
    /// address space, which 6.12–6.19 sent page-selective at address 0 with AM 52
    /// (`qi_desc_piotlb`; docs/vtd-facts.md §5).
    func pasidIOTLBDescriptor(domainID: DomainID, pasid: PASID, pasidSelectiveForWholeSpace: Bool = true)
        -> InvalidationDescriptor
    {
        guard case let .range(block, hint) = self, !block.isWholeAddressSpace || !pasidSelectiveForWholeSpace else {
            return .pasidIOTLB(.pasidSelective, domainID: domainID, pasid: pasid)
        }
        return .pasidIOTLB(.pageSelectiveWithinPASID, domainID: domainID, pasid: pasid, block: block, invalidationHint: hint)
    }

    /// DEVTLB tags get the flushed block; NESTING_DEVTLB tags and flush-all the whole device TLB,
    /// since nested translations cannot be bounded by a parent range
    /// (`cache_tag_flush_devtlb_psi`, `cache_tag_flush_devtlb_all`). PASID-tagged ones use the
    /// PASID-based descriptor, except in a flush all of kernels ≤ 6.17
    /// (`flushAllUsesPASIDDeviceTLB` false: `cache_tag_flush_devtlb_all` always used the
    /// non-PASID form).
    ///
    /// Each tag gets its own scope here; the kernel's walk-wide widening after a NESTING_DEVTLB
    /// tag (`KernelProfile.nestingDeviceTLBWidensWalk`) is applied by `KernelListTable`, which
    /// replaces the scope for the rest of its walk with `widened`.
    func deviceTLBDescriptor(for tag: CacheTag, flushAllUsesPASIDDeviceTLB: Bool = true) -> InvalidationDescriptor {
        var block = AlignedInvalidation.wholeAddressSpace
        if case let .range(flushed, _) = self, tag.type == .devtlb { block = flushed }
        let pasid = !flushAllUsesPASIDDeviceTLB && isAll ? PASID.none : tag.pasid
        return Self.deviceTLBDescriptor(device: tag.device, pasid: pasid, block: block)
    }

    /// Whether this is a flush of everything.
    var isAll: Bool {
        if case .all = self { return true }
        return false
    }

    /// The scope the kernel's `cache_tag_flush_range` continues with after a NESTING_DEVTLB tag:
    /// address 0, mask "everything", the hint kept.
    var widened: FlushScope {
        guard case let .range(_, hint) = self else { return self }
        return .range(.wholeAddressSpace, invalidationHint: hint)
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
