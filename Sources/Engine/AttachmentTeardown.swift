import CacheTags
import VTd

/// The invalidations the kernel sends when it sets up or tears down the context or PASID-table
/// entry of an attachment, each as its own synchronous submission (docs/vtd-facts.md §1,
/// "Descriptor bits the kernel really sets": these are the `cc_inv`, `pc_inv` and set-up
/// `iotlb_inv` lines of a real trace). Counted as their own descriptor kinds
/// (`hw.descriptors.context_cache`, `hw.descriptors.pasid_cache`) so a replay's totals can be
/// set against the kernel's whole `qi_submit` stream.
///
/// **Set-up** (non-present → present) needs invalidations only on a caching-mode unit, which may
/// cache non-present entries (otherwise the kernel flushes the write buffer):
/// - legacy mode (`domain_context_mapping_one`): a device-selective context-cache invalidation
///   tagged DID 0, then a domain-selective IOTLB invalidation of the domain's DID;
/// - scalable mode (`pasid_flush_caches`): a PASID-selective PASID-cache invalidation, then a
///   PASID-selective PASID-based IOTLB invalidation, for (DID, PASID).
///
/// **Tear-down** (`domain_context_clear_one` / `intel_pasid_tear_down_entry`), on every unit: the
/// context-cache (legacy, tagged with the old DID) or PASID-cache (scalable) invalidation; then by
/// the entry's translation type, PASID-selective PASID-based IOTLB for first-stage-only entries
/// (first-stage paging, SVA) or domain-selective IOTLB for second-stage and nested ones (the
/// kernel keys this on PGTT, so nested children get a domain-selective flush too); then, for an
/// ATS device, the whole device TLB, without PASID for the RID attachment, PASID-based otherwise
/// (once: the extra-invalidation quirk belongs to the cache-tag flush path).
package enum AttachmentTeardown {
    /// The set-up submissions of (`kind`, DID, PASID) for `device` on a unit with `capabilities`.
    package static func setup(
        kind: DomainKind, domainID: DomainID, pasid: PASID, device: Device, capabilities: IOMMUCapabilities
    ) -> [InvalidationDescriptor] {
        guard capabilities.cachingMode else { return [] }
        if capabilities.scalableMode {
            return [.pasidCache(domainID: domainID, pasid: pasid), .pasidIOTLB(.pasidSelective, domainID: domainID, pasid: pasid)]
        }
        return [
            .contextCache(source: device.source, domainID: DomainID(0)),
            .iotlb(.domainSelective, domainID: domainID, on: capabilities),
        ]
    }

    /// The tear-down submissions, in order. PASID-cache and IOTLB invalidations name the PASID the
    /// entries are tagged with (the device's RID_PASID for the RID attachment); the device-TLB one
    /// is by the attachment's `pasid`.
    package static func descriptors(
        kind: DomainKind, domainID: DomainID, pasid attachedPASID: PASID, device: Device,
        capabilities: IOMMUCapabilities = .server
    ) -> [InvalidationDescriptor] {
        let pasid = device.taggedPASID(attachedPASID)
        var descriptors: [InvalidationDescriptor] = [
            capabilities.scalableMode
                ? .pasidCache(domainID: domainID, pasid: pasid) : .contextCache(source: device.source, domainID: domainID)
        ]
        switch kind {
        case .firstStage, .sva:
            descriptors.append(.pasidIOTLB(.pasidSelective, domainID: domainID, pasid: pasid))
        case .secondStage, .nested:
            descriptors.append(.iotlb(.domainSelective, domainID: domainID, on: capabilities))
        }
        if device.hasATS {
            if attachedPASID.isNone {
                descriptors.append(
                    .deviceTLB(
                        source: device.source, physicalFunctionSource: device.physicalFunctionSource,
                        queueDepth: device.queueDepth, block: .wholeAddressSpace))
            } else {
                descriptors.append(
                    .pasidDeviceTLB(
                        source: device.source, physicalFunctionSource: device.physicalFunctionSource, pasid: pasid,
                        queueDepth: device.queueDepth, block: .wholeAddressSpace))
            }
        }
        return descriptors
    }

    /// The capabilities of the unit `attachment`'s device sits behind (carried by its tags).
    static func capabilities<Table: CacheTagTable>(of attachment: CacheTagDirectory<Table>.Attachment) -> IOMMUCapabilities {
        attachment.tags.first { $0.tag.unit.id == attachment.device.iommu }?.tag.unit.capabilities ?? .server
    }

    /// Submits the set-up of `attachment`, each descriptor alone (its own `qi_submit_sync`).
    package static func submitSetup<Table: CacheTagTable, Sink: InvalidationSink>(
        _ attachment: CacheTagDirectory<Table>.Attachment, into sink: inout Sink
    ) {
        let list = setup(
            kind: attachment.kind, domainID: attachment.domainID, pasid: attachment.pasid, device: attachment.device,
            capabilities: capabilities(of: attachment))
        submitEachAlone(list, to: attachment.device.iommu, into: &sink)
    }

    /// Submits the tear-down of (`attachment`, `pasid`), each descriptor alone.
    package static func submit<Table: CacheTagTable, Sink: InvalidationSink>(
        _ attachment: CacheTagDirectory<Table>.Attachment, pasid: PASID, into sink: inout Sink
    ) {
        let list = descriptors(
            kind: attachment.kind, domainID: attachment.domainID, pasid: pasid, device: attachment.device,
            capabilities: capabilities(of: attachment))
        submitEachAlone(list, to: attachment.device.iommu, into: &sink)
    }

    /// One submission per descriptor, as each `qi_submit_sync` call of the set-up and tear-down paths.
    private static func submitEachAlone<Sink: InvalidationSink>(
        _ descriptors: [InvalidationDescriptor], to unit: IOMMUUnitID, into sink: inout Sink
    ) {
        for descriptor in descriptors { [descriptor].withUnsafeBufferPointer { sink.submit($0, to: unit) } }
    }
}
