import VTd

/// The tags of a tag array rebuilt from its entries, for `countedTags` (listings and tests; never
/// on a timed path).
enum TagArrayTags {
    static func counted(_ view: TagArrayView, domainUsesFirstStage: Bool) -> [CountedCacheTag] {
        var tags: [CountedCacheTag] = []
        var position = 0
        for index in 0..<view.unitCount {
            let run = view.units[index]
            let unit = IOMMUUnit(id: run.unit, capabilities: run.capabilities)
            for kind in TemplateKind.allCases {
                for _ in 0..<run.count(kind) {
                    let entry = view.entries[position]
                    position += 1
                    tags.append(CountedCacheTag(tag: tag(entry, kind, unit), users: entry.users))
                }
            }
        }
        return tags.sorted { $0.tag.key.walkOrder.lexicographicallyPrecedes($1.tag.key.walkOrder) }
    }

    private static func tag(_ entry: TagEntry, _ kind: TemplateKind, _ unit: IOMMUUnit) -> CacheTag {
        let identity = entry.identity
        if !kind.isDeviceTLB {
            // Matched by unit: any device behind it stands for the tag's devices.
            let device = try! Device(id: DeviceID(0), iommu: unit.id, source: SourceID(rawValue: 0))
            let type: CacheTagType = identity & 1 << 20 != 0 ? .nestingIotlb : .iotlb
            return CacheTag(
                type: type, unit: unit, device: device, domainID: DomainID(UInt16(truncatingIfNeeded: entry.word0 >> 16)),
                pasid: PASID(unchecked: UInt32(truncatingIfNeeded: identity & 0xf_ffff)))
        }
        let word0 = entry.word0
        let pasidBased = TagEntry.isPASIDDeviceTLB(word0)
        let source = UInt16(truncatingIfNeeded: pasidBased ? word0 >> 16 : word0 >> 32)
        let pfsid = UInt16(truncatingIfNeeded: (word0 >> 12) & 0xf | (word0 >> 48) & 0xfff0)
        let depth = Int(pasidBased ? (word0 >> 4) & 0x1f : (word0 >> 16) & 0x1f)
        let device = try! Device(
            id: DeviceID(Int(identity & 0x3ff_ffff)), iommu: unit.id, source: SourceID(rawValue: source),
            physicalFunctionSource: SourceID(rawValue: pfsid), hasATS: true, queueDepth: depth == 0 ? 32 : depth,
            needsExtraInvalidation: entry.repeats)
        return CacheTag(
            type: kind == .rangeDeviceTLB ? .devtlb : .nestingDevtlb, unit: unit, device: device,
            domainID: DomainID(UInt16(truncatingIfNeeded: identity >> 26)),
            pasid: PASID(unchecked: GroupedArrayTable.pasid(ofDeviceTLB: word0)))
    }
}
