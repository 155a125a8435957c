import VTd

extension IOMMUModel {
    /// One DMA access by `device` through `pasid` to `page`.
    ///
    /// The attachment of (device, PASID) gives the DID, the translation type and the domain. An ATS
    /// device first looks in its device TLB (tag: PASID-or-none, page); on a miss it sends a
    /// translation request, which the IOMMU serves like untranslated DMA: an IOTLB lookup by
    /// (DID, PASID for first-stage/nested or none for second-stage, page), a page walk and fill on
    /// a miss, and the answer fills the device TLB. Every hit is checked against the domain the
    /// attachment resolves to now (cross-domain rule); a miss costs a page walk.
    @discardableResult
    package mutating func access(device: DeviceID, pasid: PASID, page: UInt64) throws(OracleViolation) -> DMAOutcome {
        guard let attachment = attachments[AttachmentKey(device: device, pasid: pasid)] else {
            counters.dmaFaults += 1
            return .noAttachment
        }
        let hasDeviceTLB = deviceTLBs.indices.contains(device.rawValue) && deviceTLBs[device.rawValue] != nil
        if hasDeviceTLB {
            if let hit = deviceTLBs[device.rawValue]!.lookup(pasid: pasid, page: page) {
                counters.deviceTLBHits += 1
                if hit.origin.owner != attachment.serial {
                    try record(
                        crossDomain(attachment, cache: "\(device) device TLB \(hit)", filledFor: hit.origin.owner))
                }
                return .deviceTLBHit
            }
            counters.deviceTLBMisses += 1
        }

        let unit = unitIndex[attachment.unit]!
        let tag = IOTLBTag(domainID: attachment.domainID, pasid: attachment.iotlbPASID, page: page)
        let origin: TranslationOrigin
        let outcome: DMAOutcome
        if let hit = iotlbs[unit].lookup(tag) {
            counters.iotlbHits += 1
            if hit.origin.owner != attachment.serial {
                try record(
                    crossDomain(attachment, cache: "\(name(unit: unit)) IOTLB \(hit)", filledFor: hit.origin.owner))
            }
            origin = hit.origin
            outcome = .iotlbHit
        } else {
            counters.iotlbMisses += 1
            counters.pageWalks += 1
            counters.pageWalkMicros += configuration.cost.pageWalkTime(nested: attachment.kind == .nested)
            guard let walked = walk(attachment, page: page) else {
                counters.dmaFaults += 1
                return .translationFault
            }
            if iotlbs[unit].fill(IOTLBEntry(tag: tag, kind: attachment.kind, origin: walked)) != nil {
                counters.iotlbCapacityEvictions += 1
            }
            origin = walked
            outcome = .pageWalk
        }
        if hasDeviceTLB,
            deviceTLBs[device.rawValue]!.fill(DeviceTLBEntry(pasid: pasid, page: page, origin: origin)) != nil
        {
            counters.deviceTLBCapacityEvictions += 1
        }
        return outcome
    }

    /// The page walk: the domain's mapping of `page` and, for a nested child, the parent's mapping
    /// of the same (identity guest-physical) page. Nil is a translation fault.
    func walk(_ attachment: ModeledAttachment, page: UInt64) -> TranslationOrigin? {
        let record = domains[index(attachment.serial)]
        guard let generation = record.pageTable.generation(of: page) else { return nil }
        guard record.parent != .none else { return TranslationOrigin(owner: attachment.serial, generation: generation) }
        guard let parentGeneration = domains[index(record.parent)].pageTable.generation(of: page) else { return nil }
        return TranslationOrigin(
            owner: attachment.serial, generation: generation, parent: record.parent, parentGeneration: parentGeneration)
    }

    private func crossDomain(_ attachment: ModeledAttachment, cache: String, filledFor owner: DomainSerial)
        -> OracleViolation
    {
        OracleViolation(
            kind: .crossDomain,
            detail: "\(attachment.device) \(attachment.pasid) resolves to \(name(attachment.serial)) "
                + "(did \(attachment.domainID.rawValue)) but hit \(cache) filled for \(name(owner))")
    }
}
