import CAllocatorInfo
import CKernelList
import CacheTags
import VTd

/// The C implementation of the kernel's list (Sources/CKernelList) behind a small Swift face, so
/// it is driven with the same tags and writes into the same `DescriptorBufferSink` as the Swift
/// tables: its submit callback copies each batch into the sink's ring, as the Swift batch does.
package final class CKernelListBaseline {
    /// The C domain (`ckl_domain *`).
    package let domain: OpaquePointer

    /// A C domain behaving as `kernel`'s cache-tag code (the same profile `KernelListTable` follows).
    package init(domainUsesFirstStage: Bool, kernel: KernelProfile = .latest) {
        var flags: UInt32 = domainUsesFirstStage ? CKL_DOMAIN_FIRST_STAGE : 0
        if !kernel.nestingDeviceTLBWidensWalk { flags |= CKL_DOMAIN_NO_WIDENING }
        if !kernel.pasidSelectiveForWholeSpace { flags |= CKL_DOMAIN_WHOLE_SPACE_PSI }
        if !kernel.flushAllUsesPASIDDeviceTLB { flags |= CKL_DOMAIN_FLUSH_ALL_PLAIN_DEVTLB }
        if !kernel.batchesDescriptors { flags |= CKL_DOMAIN_UNBATCHED }
        guard let domain = ckl_domain_create(flags, nil, nil) else { fatalError("ckl_domain_create failed") }
        self.domain = domain
    }

    deinit { ckl_domain_destroy(domain) }

    /// A tag converted to the C spec once, so timed loops do not pay for the conversion (and
    /// callers need not import the C module).
    package struct PreparedTag {
        var spec: ckl_tag_spec

        package init(_ tag: CacheTag) { spec = CKernelListBaseline.spec(tag) }
    }

    /// The C spec of `tag` (`ckl_tag_spec.init(_:)` in CacheTags, shared with `smmu-invs`).
    package static func spec(_ tag: CacheTag) -> ckl_tag_spec { ckl_tag_spec(tag) }

    /// `ckl_assign`.
    package func assign(_ tag: CacheTag) {
        var spec = Self.spec(tag)
        assign(&spec)
    }

    /// `ckl_assign` with a prebuilt spec (what the timed loops use, so spec building is not timed).
    @inline(__always)
    package func assign(_ spec: inout ckl_tag_spec) {
        let status = ckl_assign(domain, &spec)
        precondition(status == 0, "ckl_assign failed: \(status)")
    }

    /// `ckl_unassign` with a prebuilt spec.
    @inline(__always)
    package func unassign(_ spec: inout ckl_tag_spec) {
        let status = ckl_unassign(domain, &spec)
        precondition(status == 0, "ckl_unassign failed: \(status)")
    }

    /// `ckl_assign` of a prepared tag.
    @inline(__always)
    package func assign(_ tag: inout PreparedTag) { assign(&tag.spec) }

    /// `ckl_unassign` of a prepared tag.
    @inline(__always)
    package func unassign(_ tag: inout PreparedTag) { unassign(&tag.spec) }

    /// Unassigns `tag`, which must be assigned.
    package func unassign(_ tag: CacheTag) {
        var spec = Self.spec(tag)
        unassign(&spec)
    }

    /// `ckl_assign` reporting its status instead of stopping (0: assigned), for tests that
    /// count failures.
    package func assignReportingStatus(_ tag: CacheTag) -> Int32 {
        var spec = Self.spec(tag)
        return ckl_assign(domain, &spec)
    }

    /// `ckl_unassign` reporting its status (0: unassigned).
    package func unassignReportingStatus(_ tag: CacheTag) -> Int32 {
        var spec = Self.spec(tag)
        return ckl_unassign(domain, &spec)
    }

    /// Distinct tags held.
    package var tagCount: Int { ckl_tag_count(domain) }

    /// Heap bytes as malloc hands them out (`malloc_usable_size`): the domain (its 16-descriptor
    /// batch included) and every 48-byte node.
    package var footprintBytes: Int { ckl_footprint(domain, cai_usable_size) }

    /// `ckl_flush_range` into `sink`. Returns descriptors emitted.
    @inline(__always)
    @discardableResult
    package func flushRange(_ range: IOVARange, invalidationHint: Bool = false, into sink: inout DescriptorBufferSink)
        -> Int
    {
        withUnsafeMutablePointer(to: &sink) { pointer in
            ckl_flush_range(domain, range.start, range.end, invalidationHint ? 1 : 0, cklSubmitToRing, pointer)
        }
    }

    /// `ckl_flush_all` into `sink`. Returns descriptors emitted.
    @inline(__always)
    @discardableResult
    package func flushAll(into sink: inout DescriptorBufferSink) -> Int {
        withUnsafeMutablePointer(to: &sink) { pointer in ckl_flush_all(domain, cklSubmitToRing, pointer) }
    }

    /// `ckl_flush_range` recording every submission (for comparisons; not timed).
    @discardableResult
    package func flushRange(_ range: IOVARange, invalidationHint: Bool = false, into sink: inout RecordingSink) -> Int {
        withUnsafeMutablePointer(to: &sink) { pointer in
            ckl_flush_range(domain, range.start, range.end, invalidationHint ? 1 : 0, cklSubmitToRecorder, pointer)
        }
    }

    /// `ckl_flush_all` recording every submission (for comparisons; not timed).
    @discardableResult
    package func flushAll(into sink: inout RecordingSink) -> Int {
        withUnsafeMutablePointer(to: &sink) { pointer in ckl_flush_all(domain, cklSubmitToRecorder, pointer) }
    }
}

extension CKernelListBaseline {
    /// `ckl_flush_range_np` recording every submission; returns the descriptors emitted and the
    /// write-buffer flushes the C list counted (it does not say which units).
    @discardableResult
    package func flushRangeForNewMappings(_ range: IOVARange, into sink: inout RecordingSink)
        -> (descriptors: Int, writeBufferFlushes: Int)
    {
        var writeBufferFlushes = 0
        let descriptors = withUnsafeMutablePointer(to: &sink) { pointer in
            ckl_flush_range_np(domain, range.start, range.end, cklSubmitToRecorder, pointer, &writeBufferFlushes)
        }
        return (descriptors, writeBufferFlushes)
    }
}

/// `cklSubmitToRing` for a `RecordingSink`.
private let cklSubmitToRecorder: ckl_submit_fn = { context, iommu, descriptors, count in
    let sink = context.unsafelyUnwrapped.assumingMemoryBound(to: RecordingSink.self)
    UnsafeRawPointer(descriptors).withMemoryRebound(to: InvalidationDescriptor.self, capacity: count) { base in
        sink.pointee.submit(UnsafeBufferPointer(start: base, count: count), to: IOMMUUnitID(Int(iommu)))
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
