import TestSupport
import CacheTags
import Testing
import VTd

/// Behaviours both tables must share, written once and run from each table's suite.
/// Descriptors are expected in their exact encodings, built with the VTd constructors.
enum TableBehaviourChecks {
    static let unit = makeUnit(0)
    static let device = makeDevice(1, on: unit, ats: true, queueDepth: 8)

    static func refcountOnReassign<T: CacheTagTable>(_: T.Type) throws {
        let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        let tag = makeTag(.iotlb, unit, device, did: 5)
        table.assign(tag)
        table.assign(tag)
        table.assign(tag)
        #expect(table.tagCount == 1)
        #expect(table.countedTags.map(\.users) == [3])
        try table.unassign(tag)
        try table.unassign(tag)
        #expect(table.tagCount == 1)
        #expect(table.countedTags.map(\.users) == [1])
        try table.unassign(tag)
        #expect(table.tagCount == 0)
        #expect(table.countedTags.isEmpty)
        #expect(throws: CacheTagError.notAssigned(tag.description)) { try table.unassign(tag) }
    }

    static func unknownUnassignThrows<T: CacheTagTable>(_: T.Type) throws {
        // A first-stage domain: its IOTLB tags emit PASID-based descriptors, so every table,
        // `kernel-list+did-match` included, tells these tags apart.
        let table = T(domainUsesFirstStage: true, allocator: .system, kernel: KernelProfile.latest.unwidened)
        table.assign(makeTag(.iotlb, unit, device, did: 5, pasid: 1))
        for other in [
            makeTag(.iotlb, unit, device, did: 6, pasid: 1), makeTag(.iotlb, unit, device, did: 5, pasid: 2),
            makeTag(.devtlb, unit, device, did: 5, pasid: 1), makeTag(.nestingIotlb, unit, device, did: 5, pasid: 1),
            makeTag(.iotlb, makeUnit(1), makeDevice(2, on: makeUnit(1)), did: 5, pasid: 1),
        ] {
            let error = #expect(throws: CacheTagError.self) { try table.unassign(other) }
            #expect(error == .notAssigned(other.description))
            #expect(error?.description == "unassign: no cache tag matches \(other)")
        }
        #expect(table.tagCount == 1)
        #expect(table.countedTags.first?.users == 1)
    }

    /// IOTLB tags match by unit, device-TLB tags by device.
    static func matching<T: CacheTagTable>(_: T.Type) throws {
        let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        let other = makeDevice(2, on: unit, ats: true)
        table.assign(makeTag(.iotlb, unit, device, did: 5))
        table.assign(makeTag(.iotlb, unit, other, did: 5))
        table.assign(makeTag(.devtlb, unit, device, did: 5))
        table.assign(makeTag(.devtlb, unit, other, did: 5))
        #expect(table.tagCount == 3)
        #expect(table.countedTags.filter { $0.tag.type == .iotlb }.map(\.users) == [2])
        // Unassigning through the other device finds the shared IOTLB tag.
        try table.unassign(makeTag(.iotlb, unit, other, did: 5))
        try table.unassign(makeTag(.iotlb, unit, device, did: 5))
        #expect(table.tagCount == 2)
        #expect(table.countedTags.allSatisfy { $0.tag.type == .devtlb })
    }

    static func emptyTableEmitsNothing<T: CacheTagTable>(_: T.Type) {
        for firstStage in [false, true] {
            let table = T(domainUsesFirstStage: firstStage, allocator: .system, kernel: KernelProfile.latest.unwidened)
            for result in [
                flushRange(table, pages(0, 8)), flushAll(table), flushNewMappings(table, pages(0, 8)),
            ] {
                #expect(result.submissions.isEmpty)
                #expect(result.writeBufferFlushes.isEmpty)
                #expect(result.returned == 0)
            }
        }
    }

    /// Second-stage IOTLB: PSI when it fits, DSI without PSI, above MAMV, and for flush-all.
    static func domainSelectiveFallback<T: CacheTagTable>(_: T.Type) throws {
        let range = pages(0x1000, 16)  // mask 4
        let block = try AlignedInvalidation(address: 0x1000 << 12, mask: 4)
        let psi = InvalidationDescriptor.iotlb(.pageSelective, domainID: DomainID(7), block: block)
        let psiHint = InvalidationDescriptor.iotlb(
            .pageSelective, domainID: DomainID(7), block: block, invalidationHint: true)
        let dsi = InvalidationDescriptor.iotlb(.domainSelective, domainID: DomainID(7))
        let cases: [(IOMMUUnit, expected: InvalidationDescriptor)] = [
            (makeUnit(0), psi),
            (makeUnit(0, psi: false), dsi),
            (makeUnit(0, mamv: 3), dsi),
            (makeUnit(0, mamv: 4), psi),
            (makeUnit(0, mamv: 0), dsi),
        ]
        for (unit, expected) in cases {
            let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
            table.assign(makeTag(.iotlb, unit, makeDevice(1, on: unit), did: 7))
            let result = flushRange(table, range)
            #expect(result.submissions == [Submission(unit: 0, descriptors: [expected])])
            #expect(result.returned == 1)
            #expect(flushAll(table).descriptors == [dsi])
            if expected == psi { #expect(flushRange(table, range, hint: true).descriptors == [psiHint]) }
        }
        // A single page: mask 0, always within MAMV.
        let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        table.assign(makeTag(.iotlb, makeUnit(0, mamv: 0), makeDevice(1, on: makeUnit(0, mamv: 0)), did: 7))
        #expect(
            flushRange(table, pages(0x42, 1)).descriptors == [
                .iotlb(.pageSelective, domainID: DomainID(7), block: try AlignedInvalidation(address: 0x42 << 12, mask: 0))
            ])
        // The whole space: mask 52 is above every real MAMV.
        #expect(flushRange(table, .everything).descriptors == [dsi])
    }

    /// First-stage domains: PASID-based IOTLB, page-selective within the PASID (PASID-selective for
    /// everything), with the tag's DID and PASID.
    static func pasidBasedForFirstStage<T: CacheTagTable>(_: T.Type) throws {
        let table = T(domainUsesFirstStage: true, allocator: .system, kernel: KernelProfile.latest.unwidened)
        let noPSI = makeUnit(0, psi: false, mamv: 0)  // PASID-based flushes do not depend on PSI/MAMV
        table.assign(makeTag(.iotlb, noPSI, makeDevice(1, on: noPSI), did: 1, pasid: 42))
        let range = try IOVARange(start: 0x7000_0123, end: 0x7000_1fff)  // 2 pages at 0x70000: mask 1
        let block = AlignedInvalidation(covering: range)
        #expect(block.mask == 1)
        #expect(
            flushRange(table, range, hint: true).descriptors == [
                .pasidIOTLB(
                    .pageSelectiveWithinPASID, domainID: DomainID(1), pasid: pasid(42), block: block,
                    invalidationHint: true)
            ])
        let selective = InvalidationDescriptor.pasidIOTLB(.pasidSelective, domainID: DomainID(1), pasid: pasid(42))
        #expect(flushAll(table).descriptors == [selective])
        #expect(flushRange(table, .everything).descriptors == [selective])
        // A first-stage domain on the RID: PASID-based with PASID 0.
        let rid = T(domainUsesFirstStage: true, allocator: .system, kernel: KernelProfile.latest.unwidened)
        rid.assign(makeTag(.iotlb, unit, device, did: 1))
        #expect(flushAll(rid).descriptors == [.pasidIOTLB(.pasidSelective, domainID: DomainID(1), pasid: .none)])
    }

    /// DEVTLB tags get the flushed block (PASID-based with a PASID); NESTING_DEVTLB tags the whole
    /// device TLB; NESTING_IOTLB tags the DID-based IOTLB descriptor with the child's DID.
    static func deviceTLBAndNesting<T: CacheTagTable>(_: T.Type) throws {
        let parent = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        let vf = makeDevice(
            3, on: unit, ats: true, queueDepth: 4, source: SourceID(rawValue: 0x0311),
            physicalFunctionSource: SourceID(rawValue: 0x0310))
        parent.assign(makeTag(.iotlb, unit, device, did: 2))
        parent.assign(makeTag(.devtlb, unit, device, did: 2))
        parent.assign(makeTag(.devtlb, unit, vf, did: 2, pasid: 9))
        parent.assign(makeTag(.nestingIotlb, unit, vf, did: 3, pasid: 11))
        parent.assign(makeTag(.nestingDevtlb, unit, vf, did: 3, pasid: 11))
        parent.assign(makeTag(.nestingDevtlb, unit, device, did: 4, pasid: 0))
        let range = pages(0x200, 4)
        let block = AlignedInvalidation(covering: range)
        let whole = AlignedInvalidation.wholeAddressSpace
        let expected: [InvalidationDescriptor] = [
            .iotlb(.pageSelective, domainID: DomainID(2), block: block),
            .deviceTLB(source: device.source, queueDepth: 8, block: block),
            .pasidDeviceTLB(
                source: vf.source, physicalFunctionSource: vf.physicalFunctionSource, pasid: pasid(9), queueDepth: 4,
                block: block),
            .iotlb(.pageSelective, domainID: DomainID(3), block: block),
            .pasidDeviceTLB(
                source: vf.source, physicalFunctionSource: vf.physicalFunctionSource, pasid: pasid(11), queueDepth: 4,
                block: whole),
            .deviceTLB(source: device.source, queueDepth: 8, block: whole),
        ]
        let result = flushRange(parent, range)
        #expect(multiset(result.descriptors) == multiset(expected))
        #expect(result.submissions.count == 1)
        #expect(result.descriptors.count == 6)
        // Decoded view: the NESTING_DEVTLB flush covers the whole address space.
        let wholeDevice = result.descriptors.compactMap { descriptor -> AlignedInvalidation? in
            if case let .pasidDeviceTLB(_, pasid, block, _) = descriptor.decoded, pasid == PASID(unchecked: 11) {
                return block
            }
            return nil
        }
        #expect(wholeDevice == [whole])

        // Flush-all: DSI for IOTLB kinds, whole device TLB for both device kinds.
        let all = flushAll(parent)
        #expect(
            multiset(all.descriptors)
                == multiset([
                    .iotlb(.domainSelective, domainID: DomainID(2)),
                    .deviceTLB(source: device.source, queueDepth: 8, block: whole),
                    .pasidDeviceTLB(
                        source: vf.source, physicalFunctionSource: vf.physicalFunctionSource, pasid: pasid(9),
                        queueDepth: 4, block: whole),
                    .iotlb(.domainSelective, domainID: DomainID(3)),
                    .pasidDeviceTLB(
                        source: vf.source, physicalFunctionSource: vf.physicalFunctionSource, pasid: pasid(11),
                        queueDepth: 4, block: whole),
                    .deviceTLB(source: device.source, queueDepth: 8, block: whole),
                ]))
    }

    /// Devices with the extra-invalidation quirk get each device-TLB descriptor twice.
    static func extraInvalidation<T: CacheTagTable>(_: T.Type) {
        let quirky = makeDevice(4, on: unit, ats: true, extraInvalidation: true)
        let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        table.assign(makeTag(.iotlb, unit, quirky, did: 2))
        table.assign(makeTag(.devtlb, unit, quirky, did: 2))
        table.assign(makeTag(.nestingDevtlb, unit, quirky, did: 3, pasid: 5))
        table.assign(makeTag(.devtlb, unit, device, did: 2, pasid: 6))
        let block = AlignedInvalidation(covering: pages(0, 1))
        let devtlb = InvalidationDescriptor.deviceTLB(source: quirky.source, queueDepth: 32, block: block)
        let nesting = InvalidationDescriptor.pasidDeviceTLB(
            source: quirky.source, pasid: pasid(5), queueDepth: 32, block: .wholeAddressSpace)
        let plain = InvalidationDescriptor.pasidDeviceTLB(
            source: device.source, pasid: pasid(6), queueDepth: 8, block: block)
        let result = flushRange(table, pages(0, 1))
        let counts = multiset(result.descriptors)
        #expect(counts[devtlb] == 2)
        #expect(counts[nesting] == 2)
        #expect(counts[plain] == 1)
        #expect(result.returned == 6)
        // The repeat follows its original immediately.
        let index = result.descriptors.firstIndex(of: devtlb)!
        #expect(result.descriptors[index + 1] == devtlb)
    }

    /// flush_range_np: write-buffer flushes unless the unit is in caching mode and the domain
    /// second-stage; then IOTLB kinds only, page-selective (or DSI when it cannot be).
    static func newMappings<T: CacheTagTable>(_: T.Type) throws {
        let range = pages(0x40, 2)
        let block = AlignedInvalidation(covering: range)

        // Not in caching mode: no descriptors, write-buffer flushes of the unit.
        let plain = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        plain.assign(makeTag(.iotlb, unit, device, did: 2))
        plain.assign(makeTag(.devtlb, unit, device, did: 2))
        var result = flushNewMappings(plain, range)
        #expect(result.submissions.isEmpty && result.returned == 0)
        #expect(!result.writeBufferFlushes.isEmpty && Set(result.writeBufferFlushes) == [0])

        // Caching mode, second-stage: IOTLB and NESTING_IOTLB only, never device TLBs, no write-buffer flush.
        let cm = makeUnit(1, cachingMode: true)
        let cmDevice = makeDevice(5, on: cm, ats: true)
        let second = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        second.assign(makeTag(.iotlb, cm, cmDevice, did: 2))
        second.assign(makeTag(.devtlb, cm, cmDevice, did: 2))
        second.assign(makeTag(.nestingIotlb, cm, cmDevice, did: 3, pasid: 1))
        second.assign(makeTag(.nestingDevtlb, cm, cmDevice, did: 3, pasid: 1))
        result = flushNewMappings(second, range)
        #expect(result.writeBufferFlushes.isEmpty)
        #expect(
            multiset(result.descriptors)
                == multiset([
                    .iotlb(.pageSelective, domainID: DomainID(2), block: block),
                    .iotlb(.pageSelective, domainID: DomainID(3), block: block),
                ]))
        #expect(result.submissions.map(\.unit) == [1])
        #expect(result.returned == 2)

        // Caching mode without PSI: DSI.
        let cmNoPSI = makeUnit(2, psi: false, cachingMode: true)
        let noPSI = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        noPSI.assign(makeTag(.iotlb, cmNoPSI, makeDevice(6, on: cmNoPSI), did: 9))
        #expect(flushNewMappings(noPSI, range).descriptors == [.iotlb(.domainSelective, domainID: DomainID(9))])

        // Caching mode, first-stage domain: a write-buffer flush, no descriptor.
        let first = T(domainUsesFirstStage: true, allocator: .system, kernel: KernelProfile.latest.unwidened)
        first.assign(makeTag(.iotlb, cm, cmDevice, did: 1, pasid: 3))
        first.assign(makeTag(.devtlb, cm, cmDevice, did: 1, pasid: 3))
        result = flushNewMappings(first, range)
        #expect(result.submissions.isEmpty)
        #expect(!result.writeBufferFlushes.isEmpty && Set(result.writeBufferFlushes) == [1])

        // Mixed units: caching-mode unit gets descriptors, the other a write-buffer flush.
        let mixed = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        mixed.assign(makeTag(.iotlb, unit, device, did: 2))
        mixed.assign(makeTag(.iotlb, cm, cmDevice, did: 2))
        result = flushNewMappings(mixed, range)
        #expect(result.submissions == [Submission(unit: 1, descriptors: [.iotlb(.pageSelective, domainID: DomainID(2), block: block)])])
        #expect(result.writeBufferFlushes == [0])
    }

    /// 40 distinct descriptors on one unit: submissions of 16, 16, 8, none above 16.
    static func batchesOfSixteen<T: CacheTagTable>(_: T.Type) {
        let table = T(domainUsesFirstStage: true, allocator: .system, kernel: KernelProfile.latest.unwidened)
        for value in 1...40 { table.assign(makeTag(.iotlb, unit, device, did: 1, pasid: UInt32(value))) }
        for result in [flushRange(table, pages(0, 1)), flushAll(table)] {
            #expect(result.sizes == [16, 16, 8])
            #expect(result.submissions.allSatisfy { $0.unit == 0 })
            #expect(result.returned == 40)
            #expect(Set(result.descriptors).count == 40)
        }
        var counting = CountingSink()
        table.flushAll(into: &counting)
        #expect(counting.descriptors == 40 && counting.submissions == 3)
        #expect(counting.largestSubmission == InvalidationBatchLimits.capacity)
    }

    /// Each unit's descriptors go in their own submissions, never mixed.
    static func submissionsPerUnit<T: CacheTagTable>(_: T.Type) {
        let units = (0..<3).map { makeUnit($0) }
        let devices = units.map { makeDevice($0.id.rawValue, on: $0, ats: true) }
        let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        for round in 0..<6 {
            for index in [2, 0, 1] {
                // Distinct DIDs and PASIDs, so every descriptor is distinct (no duplicates to drop).
                let value = UInt32(round + 1)
                table.assign(makeTag(.iotlb, units[index], devices[index], did: UInt16(10 + round), pasid: value))
                table.assign(makeTag(.devtlb, units[index], devices[index], did: UInt16(10 + round), pasid: value))
            }
        }
        let result = flushRange(table, pages(0, 1))
        #expect(result.descriptors.count == 36)
        #expect(Set(result.submissions.map(\.unit)) == [0, 1, 2])
        for submission in result.submissions {
            #expect((1...16).contains(submission.descriptors.count))
            for descriptor in submission.descriptors {
                switch descriptor.decoded {
                case let .iotlb(_, did, _, _): #expect((10..<16).contains(did.rawValue))
                case let .pasidDeviceTLB(source, _, _, _): #expect(source == devices[submission.unit].source)
                default: Issue.record("unexpected \(descriptor)")
                }
            }
        }
        // One run per unit: 12 descriptors each fit in one submission.
        #expect(result.sizes == [12, 12, 12])
        #expect(Set(result.submissions.map(\.unit)).count == result.submissions.count)
    }

    static func footprintGrows<T: CacheTagTable>(_: T.Type) throws {
        let table = T(domainUsesFirstStage: false, allocator: .system, kernel: KernelProfile.latest.unwidened)
        #expect(table.footprintBytes >= 0)
        var previous = table.footprintBytes
        var grew = 0
        for did in 2..<66 {
            table.assign(makeTag(.iotlb, unit, device, did: UInt16(did)))
            #expect(table.footprintBytes >= previous)
            if table.footprintBytes > previous { grew += 1 }
            previous = table.footprintBytes
        }
        #expect(grew > 0)
        #expect(table.footprintBytes >= 64 * 16)
    }
}
