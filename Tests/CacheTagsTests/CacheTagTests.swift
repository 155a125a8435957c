import TestSupport
import CacheTags
import Testing
import VTd

@Suite("CacheTag")
struct CacheTagTests {
    let unit = makeUnit(2)

    @Test("identity: unit for IOTLB types, device for device-TLB types")
    func identity() {
        let a = makeDevice(0, on: unit, ats: true)
        let b = makeDevice(1, on: unit, ats: true)
        for type in [CacheTagType.iotlb, .nestingIotlb] {
            #expect(makeTag(type, unit, a, did: 3, pasid: 1).key == makeTag(type, unit, b, did: 3, pasid: 1).key)
            #expect(makeTag(type, unit, a, did: 3, pasid: 1).key.target == 2)
        }
        for type in [CacheTagType.devtlb, .nestingDevtlb] {
            #expect(makeTag(type, unit, a, did: 3, pasid: 1).key != makeTag(type, unit, b, did: 3, pasid: 1).key)
            #expect(makeTag(type, unit, b, did: 3, pasid: 1).key.target == 1)
        }
        // Type, DID and PASID are always part of the identity.
        let base = makeTag(.iotlb, unit, a, did: 3, pasid: 1).key
        #expect(base != makeTag(.nestingIotlb, unit, a, did: 3, pasid: 1).key)
        #expect(base != makeTag(.iotlb, unit, a, did: 4, pasid: 1).key)
        #expect(base != makeTag(.iotlb, unit, a, did: 3, pasid: 2).key)
    }

    @Test("types: device-TLB kinds and trace names, including parent_* spellings")
    func types() {
        #expect(CacheTagType.allCases.filter(\.isDeviceTLB) == [.devtlb, .nestingDevtlb])
        #expect(CacheTagType.allCases.map(\.description) == ["iotlb", "devtlb", "nesting_iotlb", "nesting_devtlb"])
        for type in CacheTagType.allCases { #expect(CacheTagType(traceName: type.description) == type) }
        #expect(CacheTagType(traceName: "parent_iotlb") == .nestingIotlb)
        #expect(CacheTagType(traceName: "parent_devtlb") == .nestingDevtlb)
        #expect(CacheTagType(traceName: "iotlb ") == nil)
    }

    @Test("description names the unit, the device for device-TLB tags, type, DID and PASID")
    func description() {
        let device = makeDevice(5, on: unit, ats: true, source: SourceID(rawValue: 0x3a10))
        #expect(makeTag(.iotlb, unit, device, did: 7, pasid: 9).description == "dmar2 type iotlb did 7 pasid 9")
        #expect(makeTag(.devtlb, unit, device, did: 7).description == "dmar2/3a:02.0 type devtlb did 7 pasid 0")
    }
}

@Suite("Invalidation sinks")
struct InvalidationSinkTests {
    let descriptors = (0..<5).map { InvalidationDescriptor.iotlb(.domainSelective, domainID: DomainID(UInt16($0 + 2))) }

    func submit<S: InvalidationSink>(_ sink: inout S, _ batch: [InvalidationDescriptor], unit: Int) {
        batch.withUnsafeBufferPointer { sink.submit($0, to: IOMMUUnitID(unit)) }
    }

    @Test("CountingSink counts descriptors, submissions, the largest, write-buffer flushes")
    func counting() {
        var sink = CountingSink()
        submit(&sink, Array(descriptors[0..<3]), unit: 0)
        submit(&sink, Array(descriptors[0..<1]), unit: 1)
        sink.flushWriteBuffer(of: IOMMUUnitID(1))
        #expect(sink.descriptors == 4 && sink.submissions == 2 && sink.largestSubmission == 3)
        #expect(sink.writeBufferFlushes == 1)
    }

    @Test("RecordingSink keeps submissions in order and forgets them on removeAll")
    func recording() {
        var sink = RecordingSink()
        submit(&sink, Array(descriptors[0..<2]), unit: 3)
        submit(&sink, Array(descriptors[2..<5]), unit: 1)
        sink.flushWriteBuffer(of: IOMMUUnitID(4))
        #expect(sink.submissions.map(\.unit) == [IOMMUUnitID(3), IOMMUUnitID(1)])
        #expect(sink.descriptors == descriptors)
        #expect(sink.writeBufferFlushes == [IOMMUUnitID(4)])
        sink.removeAll()
        #expect(sink.submissions.isEmpty && sink.writeBufferFlushes.isEmpty && sink.descriptors.isEmpty)
    }

    @Test("DescriptorBufferSink copies into its ring, wraps, and counts")
    func buffer() {
        var sink = DescriptorBufferSink(capacity: 16)
        #expect(sink.checksum == 0)
        for _ in 0..<10 { submit(&sink, descriptors, unit: 0) }  // 50 descriptors through a 16-slot ring
        #expect(sink.descriptors == 50 && sink.submissions == 10)
        #expect(sink.checksum != 0)
        // A sink without a write-buffer hook ignores write-buffer flushes.
        sink.flushWriteBuffer(of: IOMMUUnitID(0))
        #expect(sink.descriptors == 50)
        #expect(InvalidationBatchLimits.capacity == 16)
    }

    @Test(
        "a table flushing into DescriptorBufferSink leaves the ring as copied submissions would",
        arguments: [(16, 40), (20, 40), (256, 40), (256, 13)])
    func bufferInPlace(capacity: Int, tags: Int) {
        let unit = makeUnit(0)
        let device = makeDevice(0, on: unit)
        for kind in CacheTagTables.runnable {
            let table = makeTable(kind, firstStage: true)
            for value in 1...tags { table.assign(makeTag(.iotlb, unit, device, did: 1, pasid: UInt32(value))) }
            var recorded = RecordingSink()
            var inPlace = DescriptorBufferSink(capacity: capacity)
            var copied = DescriptorBufferSink(capacity: capacity)
            for round in 0..<25 {  // wraps the ring at unaligned positions
                let range = pages(UInt64(round) * 64, 3)
                recorded.removeAll()
                table.flushRange(range, invalidationHint: false, into: &recorded)
                let emitted = table.flushRange(range, invalidationHint: false, into: &inPlace)
                #expect(emitted == tags)
                for submission in recorded.submissions {
                    submission.descriptors.withUnsafeBufferPointer { copied.submit($0, to: submission.unit) }
                }
                #expect(inPlace.descriptors == copied.descriptors && inPlace.submissions == copied.submissions)
                #expect(inPlace.checksum == copied.checksum, "\(kind) capacity \(capacity) round \(round)")
            }
        }
    }
}
