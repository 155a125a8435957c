import CKernelList
import VTd

/// Hands a C table's submissions and write-buffer flushes to a Swift `InvalidationSink`.
///
/// For the timing ring (`DescriptorBufferSink`) the callbacks copy straight into it, as the C
/// list's perf baseline does (no allocation: what `perf` and the invariant tests measure); any
/// other sink (the modeled IOMMU of a run) is reached through two closures behind the context
/// pointer, whose contexts Swift may allocate per flush — a cost of the C bridge, not of the table.
enum CSinkBridge {
    typealias WriteBufferCallback = @convention(c) (UnsafeMutableRawPointer?, UInt32) -> Void

    @inline(__always)
    static func withCallbacks<Sink: InvalidationSink>(
        into sink: inout Sink, _ body: (ckl_submit_fn, WriteBufferCallback, UnsafeMutableRawPointer) -> Int
    ) -> Int {
        if Sink.self == DescriptorBufferSink.self {
            return withUnsafeMutablePointer(to: &sink) { pointer in
                body(submitToRing, writeBufferToRing, UnsafeMutableRawPointer(pointer))
            }
        }
        return withUnsafeMutablePointer(to: &sink) { pointer in
            var target = GenericTarget(
                submit: { descriptors, unit in pointer.pointee.submit(descriptors, to: unit) },
                writeBuffer: { unit in pointer.pointee.flushWriteBuffer(of: unit) })
            return withUnsafeMutablePointer(to: &target) { body(submitToGeneric, writeBufferToGeneric, UnsafeMutableRawPointer($0)) }
        }
    }

    private struct GenericTarget {
        let submit: (UnsafeBufferPointer<InvalidationDescriptor>, IOMMUUnitID) -> Void
        let writeBuffer: (IOMMUUnitID) -> Void
    }

    private static let submitToRing: ckl_submit_fn = { context, iommu, descriptors, count in
        let sink = context.unsafelyUnwrapped.assumingMemoryBound(to: DescriptorBufferSink.self)
        UnsafeRawPointer(descriptors).withMemoryRebound(to: InvalidationDescriptor.self, capacity: count) { base in
            sink.pointee.submit(UnsafeBufferPointer(start: base, count: count), to: IOMMUUnitID(Int(iommu)))
        }
    }

    private static let writeBufferToRing: WriteBufferCallback = { context, iommu in
        context.unsafelyUnwrapped.assumingMemoryBound(to: DescriptorBufferSink.self).pointee.flushWriteBuffer(
            of: IOMMUUnitID(Int(iommu)))
    }

    private static let submitToGeneric: ckl_submit_fn = { context, iommu, descriptors, count in
        let target = context.unsafelyUnwrapped.assumingMemoryBound(to: GenericTarget.self)
        UnsafeRawPointer(descriptors).withMemoryRebound(to: InvalidationDescriptor.self, capacity: count) { base in
            target.pointee.submit(UnsafeBufferPointer(start: base, count: count), IOMMUUnitID(Int(iommu)))
        }
    }

    private static let writeBufferToGeneric: WriteBufferCallback = { context, iommu in
        context.unsafelyUnwrapped.assumingMemoryBound(to: GenericTarget.self).pointee.writeBuffer(IOMMUUnitID(Int(iommu)))
    }
}
