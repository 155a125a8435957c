// The scenario and adapters shared by `cachetag-bench perf` (Harness) and the ordo-one micro
// benchmarks (Benchmarks/CacheTagBenchmarks, which compiles this same file through a symlink, since
// that target depends on VTd, CacheTags and CKernelList only). Keep it free of other imports.
import CKernelList
import CacheTags
import VTd

/// The domain every performance target is measured on: one second-stage (DMA/VFIO) domain with
/// `tagCount` cache tags spread the way a real passthrough domain spreads them.
///
/// Layout: one server IOMMU unit (`dmar0`: 65,536 DIDs, PSI, MAMV 18, no caching mode); the
/// domain holds DID 2 (the first allocatable DID) on it. Devices 0, 1, 2, … are PCI functions
/// behind that unit (SID `(i/256 + 1):(i%256)` as bus:devfn) with ATS enabled (queue depth 32), all
/// attached without PASID. Their attachments share one IOTLB tag (same unit, DID and PASID: the
/// kernel's dedup) and each adds its own DEVTLB tag, so N tags = 1 IOTLB + (N − 1) DEVTLB tags
/// (N = 1 is the IOTLB tag alone). A range flush therefore emits N descriptors in ⌈N/16⌉
/// submissions on every table: one page-selective IOTLB invalidation plus one device-TLB
/// invalidation per ATS device, e.g. a VFIO domain of SR-IOV VFs with ATS behind one unit.
///
/// `spareDevices` more ATS devices (ids N−1+1 …) are not attached: assign/unassign timings attach
/// and detach their DEVTLB tags (a new, distinct tag each, so every assign inserts and every
/// unassign removes), and the mixed loop attaches one of them per iteration.
public struct PerfScenario: Sendable {
    /// Distinct tags the domain holds.
    public let tagCount: Int
    /// The unit every device sits behind.
    public let unit: IOMMUUnit
    /// The domain's DID on `unit`.
    public let domainID: DomainID
    /// The tags, in assignment order (the IOTLB tag first).
    public let tags: [CacheTag]
    /// Devices not attached, one DEVTLB tag each, for assign/unassign timings.
    public let spareTags: [CacheTag]
    /// The spare devices' IOTLB tags (identical keys to `tags[0]`: an attach bumps its users).
    public let spareIOTLBTags: [CacheTag]

    /// The tag counts the sweep uses: 1, 4, 16, 64, 256, 1024 per domain.
    public static let tagCounts = [1, 4, 16, 64, 256, 1024]
    /// A 4 KiB unmap: one page (mask 0).
    public static let smallRange = IOVARange(firstPage: 0x12345, pageCount: 1)
    /// A 2 MiB unmap: 512 pages, 2 MiB aligned (mask 9).
    public static let largeRange = IOVARange(firstPage: 0x40000, pageCount: 512)
    /// The second-stage domain: IOTLB tags flush with DID-based descriptors.
    public static let domainUsesFirstStage = false

    /// Builds the layout for `tagCount` ≥ 1 tags and `spareDevices` unattached devices.
    public init(tagCount: Int, spareDevices: Int = 16) {
        precondition(tagCount >= 1, "a scenario holds at least the IOTLB tag")
        self.tagCount = tagCount
        let unit = IOMMUUnit(id: IOMMUUnitID(0), capabilities: .server)
        self.unit = unit
        let did = DomainID(DomainID.firstAllocatable)
        domainID = did

        func device(_ index: Int, ats: Bool) -> Device {
            let sid = SourceID(rawValue: UInt16(truncatingIfNeeded: (index / 256 + 1) << 8 | index % 256))
            return try! Device(id: DeviceID(index), iommu: unit.id, source: sid, hasATS: ats, queueDepth: 32)
        }
        func tag(_ type: CacheTagType, _ device: Device) -> CacheTag {
            CacheTag(type: type, unit: unit, device: device, domainID: did, pasid: .none)
        }

        let first = device(0, ats: tagCount > 1)
        var tags = [tag(.iotlb, first)]
        if tagCount > 1 {
            tags.append(tag(.devtlb, first))
            for index in 1..<(tagCount - 1) { tags.append(tag(.devtlb, device(index, ats: true))) }
        }
        self.tags = tags
        let spareStart = max(tagCount - 1, 1)
        let spares = (0..<spareDevices).map { device(spareStart + $0, ats: true) }
        spareTags = spares.map { tag(.devtlb, $0) }
        spareIOTLBTags = spares.map { tag(.iotlb, $0) }
    }

    /// A table of type `Table` holding the scenario's tags.
    public func makeTable<Table: CacheTagTable>(_ type: Table.Type) -> Table {
        let table = Table(domainUsesFirstStage: Self.domainUsesFirstStage)
        for tag in tags { table.assign(tag) }
        return table
    }

    /// A kernel-list table holding the scenario's tags, nodes from `allocator`.
    public func makeKernelList(allocator: TagAllocator = .system) -> KernelListTable {
        let table = KernelListTable(domainUsesFirstStage: Self.domainUsesFirstStage, allocator: allocator)
        for tag in tags { table.assign(tag) }
        return table
    }

    /// The C baseline holding the scenario's tags.
    public func makeCBaseline() -> CKernelListBaseline {
        let table = CKernelListBaseline(domainUsesFirstStage: Self.domainUsesFirstStage)
        for tag in tags { table.assign(tag) }
        return table
    }
}

/// The C implementation of the kernel's list (Sources/CKernelList) behind a small Swift face, so
/// it is driven with the same tags and writes into the same `DescriptorBufferSink` as the Swift
/// tables: its submit callback copies each batch into the sink's ring, as the Swift batch does.
public final class CKernelListBaseline {
    /// The C domain (`ckl_domain *`).
    public let domain: OpaquePointer

    public init(domainUsesFirstStage: Bool) {
        guard let domain = ckl_domain_create(domainUsesFirstStage ? CKL_DOMAIN_FIRST_STAGE : 0, nil, nil) else {
            fatalError("ckl_domain_create failed")
        }
        self.domain = domain
    }

    deinit { ckl_domain_destroy(domain) }

    /// The C spec of `tag`: the same identity and device/unit facts the Swift tables use.
    public static func spec(_ tag: CacheTag) -> ckl_tag_spec {
        let type: UInt8 =
            switch tag.type {
            case .iotlb: UInt8(CKL_IOTLB.rawValue)
            case .devtlb: UInt8(CKL_DEVTLB.rawValue)
            case .nestingIotlb: UInt8(CKL_NESTING_IOTLB.rawValue)
            case .nestingDevtlb: UInt8(CKL_NESTING_DEVTLB.rawValue)
            }
        let capabilities = tag.unit.capabilities
        return ckl_tag_spec(
            type: type, iommu: UInt32(tag.unit.id.rawValue), device: UInt32(tag.device.id.rawValue),
            did: tag.domainID.rawValue, pasid: tag.pasid.rawValue, sid: tag.device.source.rawValue,
            pfsid: tag.device.physicalFunctionSource.rawValue, queue_depth: UInt8(tag.device.queueDepth),
            extra_invalidation: tag.device.needsExtraInvalidation ? 1 : 0,
            psi: capabilities.pageSelectiveInvalidation ? 1 : 0, mamv: UInt8(capabilities.maximumAddressMaskValue),
            caching_mode: capabilities.cachingMode ? 1 : 0)
    }

    /// `ckl_assign`.
    public func assign(_ tag: CacheTag) {
        var spec = Self.spec(tag)
        assign(&spec)
    }

    /// `ckl_assign` with a prebuilt spec (what the timed loops use, so spec building is not timed).
    @inline(__always)
    public func assign(_ spec: inout ckl_tag_spec) {
        let status = ckl_assign(domain, &spec)
        precondition(status == 0, "ckl_assign failed: \(status)")
    }

    /// `ckl_unassign` with a prebuilt spec.
    @inline(__always)
    public func unassign(_ spec: inout ckl_tag_spec) {
        let status = ckl_unassign(domain, &spec)
        precondition(status == 0, "ckl_unassign failed: \(status)")
    }

    /// Distinct tags held.
    public var tagCount: Int { ckl_tag_count(domain) }

    /// Bytes of tag storage: 48-byte nodes (see ckernel_list.c), allocator overhead excluded.
    public var footprintBytes: Int { tagCount * 48 }

    /// `ckl_flush_range` into `sink`. Returns descriptors emitted.
    @inline(__always)
    @discardableResult
    public func flushRange(_ range: IOVARange, invalidationHint: Bool = false, into sink: inout DescriptorBufferSink)
        -> Int
    {
        withUnsafeMutablePointer(to: &sink) { pointer in
            ckl_flush_range(domain, range.start, range.end, invalidationHint ? 1 : 0, cklSubmitToRing, pointer)
        }
    }

    /// `ckl_flush_all` into `sink`. Returns descriptors emitted.
    @inline(__always)
    @discardableResult
    public func flushAll(into sink: inout DescriptorBufferSink) -> Int {
        withUnsafeMutablePointer(to: &sink) { pointer in ckl_flush_all(domain, cklSubmitToRing, pointer) }
    }
}

/// The C baseline's `qi_submit_sync` stand-in: copies the batch into the `DescriptorBufferSink`
/// that `context` points to (the two descriptor layouts are the same four quadwords).
private let cklSubmitToRing: ckl_submit_fn = { context, iommu, descriptors, count in
    let sink = context.unsafelyUnwrapped.assumingMemoryBound(to: DescriptorBufferSink.self)
    UnsafeRawPointer(descriptors).withMemoryRebound(to: InvalidationDescriptor.self, capacity: count) { base in
        sink.pointee.submit(UnsafeBufferPointer(start: base, count: count), to: IOMMUUnitID(Int(iommu)))
    }
}

/// The limit probe: the cost of writing descriptors into a queue-sized ring with nothing else
/// (no table, no batch, no branch per descriptor beyond the loop), the floor every flush's
/// "ns per descriptor" is compared with.
public enum DescriptorWriteFloor {
    /// Writes `count` 32-byte descriptors into `ring` from `position` (wrapping at its end, like
    /// `DescriptorBufferSink`'s 256-entry ring). Quadword 0 varies per descriptor so the stores
    /// cannot be folded into a fill. Returns the next position.
    @inline(never)
    public static func write(
        count: Int, into ring: UnsafeMutableBufferPointer<InvalidationDescriptor>, from position: Int, seed: UInt64
    ) -> Int {
        var next = position
        let base = ring.baseAddress.unsafelyUnwrapped
        let capacity = ring.count
        var written = 0
        while written < count {
            if next == capacity { next = 0 }
            let chunk = min(count &- written, capacity &- next)
            let slots = base + next
            for index in 0..<chunk {
                slots[index] = InvalidationDescriptor(seed &+ UInt64(truncatingIfNeeded: index), seed, 0, 0)
            }
            next &+= chunk
            written &+= chunk
        }
        return next
    }
}
