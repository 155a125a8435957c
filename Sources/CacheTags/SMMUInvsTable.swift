import CAllocatorInfo
import CKernelList
import CSMMUInvs
import VTd

extension ckl_tag_spec {
    /// The C tables' description of `tag` (Sources/CKernelList's `ckl_tag_spec`): its identity and
    /// the device and unit facts its descriptors need, as the Swift tables read them. The one
    /// conversion both C tables (the C list baseline and `smmu-invs`) are fed through.
    @inline(__always)
    package init(_ tag: CacheTag) {
        let type: UInt8 =
            switch tag.type {
            case .iotlb: UInt8(CKL_IOTLB.rawValue)
            case .devtlb: UInt8(CKL_DEVTLB.rawValue)
            case .nestingIotlb: UInt8(CKL_NESTING_IOTLB.rawValue)
            case .nestingDevtlb: UInt8(CKL_NESTING_DEVTLB.rawValue)
            }
        let capabilities = tag.unit.capabilities
        self.init(
            type: type, iommu: UInt32(tag.unit.id.rawValue), device: UInt32(tag.device.id.rawValue),
            did: tag.domainID.rawValue, pasid: tag.pasid.rawValue, sid: tag.device.source.rawValue,
            pfsid: tag.device.physicalFunctionSource.rawValue, queue_depth: UInt8(tag.device.queueDepth),
            extra_invalidation: tag.device.needsExtraInvalidation ? 1 : 0,
            psi: capabilities.pageSelectiveInvalidation ? 1 : 0, mamv: UInt8(capabilities.maximumAddressMaskValue),
            caching_mode: capabilities.cachingMode ? 1 : 0, read_drain: capabilities.readDrain ? 1 : 0,
            write_drain: capabilities.writeDrain ? 1 : 0)
    }
}

/// Arm SMMUv3's merged per-domain invalidation array applied to VT-d cache tags, in C
/// (Sources/CSMMUInvs, written from docs/vtd-facts.md §8): the strongest public design, a peer
/// the optimized table is measured against.
///
/// Entries are sorted by (unit, type, id, PASID) and merged by what their descriptor needs: one
/// DID-based IOTLB entry per (unit, DID) whatever the tags' PASIDs, one device-TLB entry per
/// (source ID, PASID) — so a flush emits each distinct descriptor once, as `grouped-array` does.
/// Attach builds a merged copy of the array (SMMUv3 publishes it under RCU); detach decrements in
/// place and leaves zero-user trash that flushes skip and the next attach purges.
public final class SMMUInvsTable: CacheTagTable {
    public static let name = "smmu-invs"
    public static let summary =
        "Arm SMMUv3's invalidation array in C: sorted merged entries, a merged copy per attach, trash on detach"

    /// The C domain (`smi_domain *`).
    let domain: OpaquePointer

    public init(domainUsesFirstStage: Bool) {
        guard let domain = smi_domain_create(domainUsesFirstStage ? SMI_DOMAIN_FIRST_STAGE : 0) else {
            fatalError("smi_domain_create failed")
        }
        self.domain = domain
    }

    deinit { smi_domain_destroy(domain) }

    public func assign(_ tag: CacheTag) {
        var spec = ckl_tag_spec(tag)
        let status = smi_assign(domain, &spec)
        precondition(status == 0, "smi_assign failed: \(status)")
    }

    public func unassign(_ tag: CacheTag) throws(CacheTagError) {
        var spec = ckl_tag_spec(tag)
        guard smi_unassign(domain, &spec) == 0 else { throw CacheTagError.notAssigned(tag.description) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRange<Sink: InvalidationSink>(_ range: IOVARange, invalidationHint: Bool, into sink: inout Sink)
        -> Int
    {
        CSinkBridge.withCallbacks(into: &sink) { submit, _, context in
            smi_flush_range(domain, range.start, range.end, invalidationHint ? 1 : 0, submit, context)
        }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushAll<Sink: InvalidationSink>(into sink: inout Sink) -> Int {
        CSinkBridge.withCallbacks(into: &sink) { submit, _, context in smi_flush_all(domain, submit, context) }
    }

    @discardableResult
    @_specialize(exported: true, where Sink == DescriptorBufferSink)
    @_specialize(where Sink == DescriptorBufferSink)
    public func flushRangeForNewMappings<Sink: InvalidationSink>(_ range: IOVARange, into sink: inout Sink) -> Int {
        CSinkBridge.withCallbacks(into: &sink) { submit, writeBuffer, context in
            smi_flush_range_np(domain, range.start, range.end, submit, writeBuffer, context)
        }
    }

    public var tagCount: Int { smi_entry_count(domain) }

    /// The live entries as tags (one per merged entry; an IOTLB entry's device is a stand-in
    /// behind its unit, a device-TLB entry's device carries its source IDs and queue depth).
    public var countedTags: [CountedCacheTag] {
        var visited: [(ckl_tag_spec, UInt32)] = []
        withUnsafeMutablePointer(to: &visited) { pointer in
            smi_visit(domain, { context, spec, users in
                context.unsafelyUnwrapped.assumingMemoryBound(to: [(ckl_tag_spec, UInt32)].self).pointee.append(
                    (spec.pointee, users))
            }, pointer)
        }
        return visited.map { spec, users in CountedCacheTag(tag: Self.tag(spec), users: Int(users)) }
    }

    private static func tag(_ spec: ckl_tag_spec) -> CacheTag {
        let capabilities = try! IOMMUCapabilities(
            pageSelectiveInvalidation: spec.psi != 0, maximumAddressMaskValue: Int(spec.mamv),
            cachingMode: spec.caching_mode != 0, readDrain: spec.read_drain != 0, writeDrain: spec.write_drain != 0)
        let unit = IOMMUUnit(id: IOMMUUnitID(Int(spec.iommu)), capabilities: capabilities)
        let isDevice = spec.type == UInt8(CKL_DEVTLB.rawValue) || spec.type == UInt8(CKL_NESTING_DEVTLB.rawValue)
        let device = try! Device(
            id: DeviceID(Int(spec.sid)), iommu: unit.id, source: SourceID(rawValue: spec.sid),
            physicalFunctionSource: SourceID(rawValue: spec.pfsid), hasATS: isDevice,
            queueDepth: Int(spec.queue_depth), needsExtraInvalidation: spec.extra_invalidation != 0)
        let type: CacheTagType =
            switch Int(spec.type) {
            case Int(CKL_DEVTLB.rawValue): .devtlb
            case Int(CKL_NESTING_DEVTLB.rawValue): .nestingDevtlb
            default: .iotlb
            }
        return CacheTag(
            type: type, unit: unit, device: device, domainID: DomainID(spec.did), pasid: PASID(unchecked: spec.pasid))
    }

    /// Heap bytes of the table object, the C domain and its array (`malloc_usable_size`).
    public var footprintBytes: Int { AllocationSize.of(object: self) + smi_footprint(domain, cai_usable_size) }
}
