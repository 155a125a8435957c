import CacheTags
import VTd

/// The invalidations the kernel sends when it tears down the PASID-table entry of a detached
/// attachment (`intel_pasid_tear_down_entry` in drivers/iommu/intel/pasid.c; the RID attachment
/// uses the same path with RID_PASID in scalable mode, where `domain_context_clear_one` does the
/// legacy equivalent). Without them a DID freed and handed to another domain would still hit the
/// old domain's entries.
///
/// By the entry's translation type (PGTT):
/// - first-stage only (first-stage paging, SVA): PASID-based IOTLB, PASID-selective, for (DID, PASID);
/// - second-stage only and nested: IOTLB domain-selective for the DID (the kernel keys this on
///   PGTT, so nested children get a domain-selective flush too);
/// - then, for an ATS device, the whole device TLB: without PASID for the RID attachment, PASID-based
///   otherwise (`devtlb_invalidation_with_pasid`), once (the extra-invalidation quirk is applied by
///   the cache-tag flush path only).
///
/// The kernel submits each of these (and a PASID-cache invalidation the model does not cache) as
/// its own synchronous submission; the model sends them as one submission (one wait), which
/// under-counts a detach's queue time slightly and changes nothing the oracle sees.
package enum AttachmentTeardown {
    /// The descriptors of one tear-down, in submission order.
    package static func descriptors(kind: DomainKind, domainID: DomainID, pasid: PASID, device: Device)
        -> [InvalidationDescriptor]
    {
        var descriptors: [InvalidationDescriptor] = []
        switch kind {
        case .firstStage, .sva:
            descriptors.append(.pasidIOTLB(.pasidSelective, domainID: domainID, pasid: pasid))
        case .secondStage, .nested:
            descriptors.append(.iotlb(.domainSelective, domainID: domainID))
        }
        if device.hasATS {
            if pasid.isNone {
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

    /// Submits the tear-down of (`attachment`, `pasid`) to its unit as one submission.
    package static func submit<Table: CacheTagTable, Sink: InvalidationSink>(
        _ attachment: CacheTagDirectory<Table>.Attachment, pasid: PASID, into sink: inout Sink
    ) {
        descriptors(kind: attachment.kind, domainID: attachment.domainID, pasid: pasid, device: attachment.device)
            .withUnsafeBufferPointer { sink.submit($0, to: attachment.device.iommu) }
    }
}
