import VTd

// The one flush walk of the optimized tables (`GroupedArrayTable` and, over a published snapshot,
// `ConcurrentGroupedTable`): per unit, per kind, a store loop over the entries with the scope's
// bits and quadword 1 computed once per kind.

extension TagArrayView {
    /// `AlignedInvalidation.wholeAddressSpace`, read once (a global of another module costs a
    /// lazy-initialization check per read).
    private static let wholeAddressSpace = AlignedInvalidation.wholeAddressSpace

    /// `cache_tag_flush_range` / `cache_tag_flush_all`, with each bit-identical descriptor once
    /// (twice for a device with the extra-invalidation quirk).
    @inline(__always)
    func walk<Sink: InvalidationSink>(scope: FlushScope, into sink: inout Sink) -> Int {
        let units = self.units
        let unitCount = self.unitCount
        var base = entries
        return withInvalidationBatch(into: &sink) { batch, sink in
            for index in 0..<unitCount {
                let run = units + index
                batch.enter(run.pointee.unit, into: &sink)
                let regular = run.pointee.duplicates == 0 && run.pointee.repeating == 0
                let (domain, pasid, range, whole) = run.pointee.counts
                if domain > 0 {
                    let shape = scope.iotlbDescriptor(domainID: DomainID(0), capabilities: run.pointee.capabilities)
                    Self.emit(base, Int(domain), shape.quadword0, shape.quadword1, shape.quadword1, regular, &batch, &sink)
                    base += Int(domain)
                }
                if pasid > 0 {
                    let shape = scope.pasidIOTLBDescriptor(domainID: DomainID(0), pasid: PASID(unchecked: 0))
                    Self.emit(base, Int(pasid), shape.quadword0, shape.quadword1, shape.quadword1, regular, &batch, &sink)
                    base += Int(pasid)
                }
                if range > 0 {
                    let block = if case let .range(flushed, _) = scope { flushed } else { Self.wholeAddressSpace }
                    Self.emitDeviceTLB(base, Int(range), Int(run.pointee.pasidDeviceTLB.0), block, regular, &batch, &sink)
                    base += Int(range)
                }
                if whole > 0 {
                    Self.emitDeviceTLB(
                        base, Int(whole), Int(run.pointee.pasidDeviceTLB.1), Self.wholeAddressSpace, regular, &batch, &sink)
                    base += Int(whole)
                }
            }
        }
    }

    /// `cache_tag_flush_range_np`: units not in caching mode (every unit, for first-stage
    /// domains) get one write-buffer flush; the others their DID-based IOTLB entries.
    @inline(__always)
    func walkNewMappings<Sink: InvalidationSink>(
        _ range: IOVARange, domainUsesFirstStage: Bool, into sink: inout Sink
    ) -> Int {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: false)
        let units = self.units
        let unitCount = self.unitCount
        var base = entries
        return withInvalidationBatch(into: &sink) { batch, sink in
            for index in 0..<unitCount {
                let run = units + index
                defer { base += run.pointee.total }
                guard run.pointee.capabilities.cachingMode, !domainUsesFirstStage else {
                    sink.flushWriteBuffer(of: run.pointee.unit)
                    continue
                }
                let domain = Int(run.pointee.counts.0)
                guard domain > 0 else { continue }
                let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: run.pointee.capabilities)
                batch.enter(run.pointee.unit, into: &sink)
                let regular = run.pointee.duplicates == 0
                Self.emit(base, domain, shape.quadword0, shape.quadword1, shape.quadword1, regular, &batch, &sink)
            }
        }
    }

    /// A device-TLB kind over `block`: quadword 1 by descriptor type (size bit 0 for type 3, 11 for
    /// type 8), one value for the kind when it holds only one type.
    @inline(__always)
    private static func emitDeviceTLB<Sink: InvalidationSink>(
        _ base: UnsafePointer<TagEntry>, _ count: Int, _ pasidCount: Int, _ block: AlignedInvalidation, _ regular: Bool,
        _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        if pasidCount == 0 || pasidCount == count {
            let word1 = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: pasidCount == 0 ? 0 : 11)
            emit(base, count, 0, word1, word1, regular, &batch, &sink)
        } else {
            let plain = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 0)
            let pasid = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 11)
            emit(base, count, 0, plain, pasid, false, &batch, &sink)
        }
    }

    /// The entries of one kind: `word0 | bits` with `plainWord1` (type-8 entries: `pasidWord1`).
    /// A regular kind (no duplicates, no repeats, one quadword 1) is one store loop; otherwise each
    /// entry equal to its predecessor is skipped and a repeating one written twice.
    @inline(__always)
    private static func emit<Sink: InvalidationSink>(
        _ base: UnsafePointer<TagEntry>, _ count: Int, _ bits: UInt64, _ plainWord1: UInt64, _ pasidWord1: UInt64,
        _ regular: Bool, _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        if regular && plainWord1 == pasidWord1 {
            batch.append(entries: base, count: count, bits: bits, word1: plainWord1, into: &sink)
        } else {
            emitIrregular(base, count, bits, plainWord1, pasidWord1, &batch, &sink)
        }
    }

    @inline(never)
    private static func emitIrregular<Sink: InvalidationSink>(
        _ base: UnsafePointer<TagEntry>, _ count: Int, _ bits: UInt64, _ plainWord1: UInt64, _ pasidWord1: UInt64,
        _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        var position = 0
        while position < count {
            let entry = base[position]
            // A run of bit-identical descriptors is emitted once, twice if any of its tags is a
            // quirky device's (repeating entries sort last within the run).
            var repeats = entry.repeats
            position += 1
            while position < count && base[position].word0 == entry.word0 {
                repeats = repeats || base[position].repeats
                position += 1
            }
            let word1 = TagEntry.isPASIDDeviceTLB(entry.word0) ? pasidWord1 : plainWord1
            let descriptor = InvalidationDescriptor(entry.word0 | bits, word1)
            batch.append(count: repeats ? 2 : 1, into: &sink) { _ in descriptor }
        }
    }
}
