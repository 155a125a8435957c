import VTd

extension IOMMUModel {
    /// Starts a flush of `domain` over `range`: the descriptors submitted until `completeFlush()`
    /// are judged against it (collateral evictions) and, unless it is a tear-down, checked by the
    /// oracle when it completes.
    package mutating func beginFlush(of domain: IOMMUDomainID, range: IOVARange, reason: FlushReason) throws(ModelError)
    {
        context = FlushContext(domain: domain, serial: try serial(domain), range: range, reason: reason)
    }

    /// Executes one submission on `unit`'s invalidation queue, as the hardware does: each
    /// descriptor in order, then the wait (which in the model completes at once).
    /// Descriptors for an unknown unit are counted and otherwise ignored.
    package mutating func submit(_ batch: UnsafeBufferPointer<InvalidationDescriptor>, to unit: IOMMUUnitID) {
        queue.record(batch, cost: configuration.cost)
        guard let unitIndex = unitIndex[unit] else { return }
        let context = self.context
        for descriptor in batch {
            guard let decoded = descriptor.decoded else {
                counters.undecodedDescriptors += 1
                continue
            }
            switch decoded {
            case .iotlb, .pasidIOTLB:
                let block = decoded.block
                let removed = iotlbs[unitIndex].invalidate(decoded) { entry in
                    if let context, !context.wants(entry.origin, page: entry.tag.page) {
                        counters.iotlbCollateral[context.cause(of: entry.origin, page: entry.tag.page, block: block)] += 1
                    }
                }
                counters.iotlbInvalidated += removed
            case let .deviceTLB(source, block, _), let .pasidDeviceTLB(source, _, block, _):
                for device in devicesBySource[SourceKey(unit: unitIndex, source: source)] ?? []
                where deviceTLBs[device] != nil {
                    let removed = deviceTLBs[device]!.invalidate(decoded) { entry in
                        if let context, !context.wants(entry.origin, page: entry.page) {
                            counters.deviceTLBCollateral[context.cause(of: entry.origin, page: entry.page, block: block)] += 1
                        }
                    }
                    counters.deviceTLBInvalidated += removed
                }
            case .wait:
                break
            }
        }
    }

    /// A write-buffer flush: counted; the model has no write buffer to drain.
    package mutating func flushWriteBuffer(of unit: IOMMUUnitID) { queue.writeBufferFlushes += 1 }

    /// Ends the current flush. For range, all and new-mapping flushes the oracle now sweeps every
    /// IOTLB and device TLB for entries of the flushed domain (and of its nested children) in the
    /// flushed range whose mapping is gone or was replaced. Each stale entry is counted once; in
    /// strict mode the first one throws.
    package mutating func completeFlush() throws(OracleViolation) {
        guard let context else { return }
        self.context = nil
        guard context.reason.checksStaleness else { return }
        let serial = context.serial
        let table = domains[index(serial)].pageTable
        func isStale(_ origin: TranslationOrigin, _ page: UInt64) -> Bool {
            if origin.owner == serial { return table.generation(of: page) != origin.generation }
            if origin.parent == serial { return table.generation(of: page) != origin.parentGeneration }
            return false
        }
        var found: [OracleViolation] = []
        for unit in iotlbs.indices {
            for entry in iotlbs[unit].reportStale(in: context.range, where: { isStale($0.origin, $0.tag.page) }) {
                found.append(
                    staleViolation(
                        cache: "\(name(unit: unit)) IOTLB \(entry)", origin: entry.origin, page: entry.tag.page,
                        table: table, context: context))
            }
        }
        for device in deviceTLBs.indices where deviceTLBs[device] != nil {
            for entry in deviceTLBs[device]!.reportStale(in: context.range, where: { isStale($0.origin, $0.page) }) {
                found.append(
                    staleViolation(
                        cache: "\(devices[device].id) device TLB \(entry)", origin: entry.origin, page: entry.page,
                        table: table, context: context))
            }
        }
        for violation in found { try record(violation) }
    }

    private func staleViolation(
        cache: String, origin: TranslationOrigin, page: UInt64, table: PageTable, context: FlushContext
    ) -> OracleViolation {
        let viaParent = origin.owner != context.serial
        let held = viaParent ? origin.parentGeneration : origin.generation
        let now = table.generation(of: page).map { "generation \($0)" } ?? "unmapped"
        let whose = viaParent ? "\(name(origin.owner)) through parent \(context.domain)" : name(origin.owner)
        return OracleViolation(
            kind: .stale,
            detail:
                "\(cache) of \(whose) holds generation \(held), page is \(now), after \(context.reason.rawValue) of "
                + "\(context.domain) \(context.range)")
    }

    /// Counts a violation, keeps the first, and throws it in strict mode.
    mutating func record(_ violation: OracleViolation) throws(OracleViolation) {
        switch violation.kind {
        case .stale: counters.staleTranslations += 1
        case .crossDomain: counters.crossDomainHits += 1
        case .aliasedAttachment: counters.aliasedAttachments += 1
        }
        if firstViolation == nil { firstViolation = violation }
        if configuration.strict { throw violation }
    }
}
