import VTd

/// One descriptor the kernel queued, as a `qi_submit` line printed it.
package struct KernelDescriptor: Hashable, Sendable {
    /// 1-based trace line.
    package let line: Int
    package let descriptor: InvalidationDescriptor
}

/// Stage 3b of replay: what the trace's `qi_submit` lines prove (docs/vtd-facts.md §1, "Descriptor
/// bits the kernel really sets").
///
/// **Attribution.** One flush call runs on one CPU, and the kernel prints `qi_submit` for each
/// descriptor it hands to `qi_submit_sync` (never for the wait). With `qi_batch` (6.12+) a call's
/// descriptors are submitted when 16 are queued, at a unit change and at the end, all after the
/// tag line that queued them; before it (6.10) each is submitted as it is queued, before its tag's
/// line. So on each CPU a call owns the flush-kind lines (`iotlb_inv`, `p_iotlb_inv`,
/// `dev_tlb_inv`, `p_dev_tlb_inv`) that follow its flush lines (6.10: precede them) up to that
/// CPU's next `cache_tag_*` line. Set-up and tear-down of a context or PASID entry starts with a
/// context-cache or PASID-cache invalidation (`cc_inv`, `pc_inv`: `domain_context_mapping_one`,
/// `pasid_flush_caches`, `intel_pasid_tear_down_entry`), so one of those closes the window too; it
/// and the descriptors after it are set-up traffic, counted apart with `iec_inv` (interrupt
/// remapping, which is no cache tag's business).
///
/// **Units.** Caching mode from any `flush_range_np` line (the kernel prints them only on a
/// caching-mode unit); read/write drain from the DR/DW bits of its `iotlb_inv` words; PSI and
/// MAMV from which granularity the kernel chose for which mask; scalable or legacy mode from
/// `pc_inv` / `cc_inv` lines. Anything the trace does not show keeps the server default, and says so.
struct KernelEvidence {
    /// The kernel's descriptors of each `ReplayTimeline` operation, by operation index.
    private(set) var descriptorsOfOperation: [[KernelDescriptor]]
    /// Operations whose window ran to the end of the trace without a descriptor: the trace was cut
    /// before the kernel's `qi_submit` lines, so there is nothing to compare them with.
    private(set) var truncated: [Bool]
    /// The IH bit the kernel set on each operation's page-selective descriptors, where it sent one.
    private(set) var invalidationHints: [Bool?]
    /// `qi_submit` lines attributed to no flush call (set-up, tear-down, interrupt remapping), by kind name.
    private(set) var unattributedByKind: [String: Int] = [:]
    /// Lines of flush kinds attributed to no flush call.
    private(set) var unattributedFlushKinds = 0
    /// Each unit's capabilities as far as the trace shows them, by `TraceLexer.unitNames` index.
    private(set) var capabilities: [IOMMUCapabilities]
    /// One line per inference, for notes and stderr.
    private(set) var inferences: [String] = []
    /// Whether the trace has any `qi_submit` line at all.
    let hasSubmissions: Bool

    private static let flushKinds: Set<UInt64> = [
        DescriptorType.iotlb.rawValue, DescriptorType.deviceTLB.rawValue, DescriptorType.pasidIOTLB.rawValue,
        DescriptorType.pasidDeviceTLB.rawValue,
    ]
    private static let entryCacheKinds: Set<UInt64> = [
        DescriptorType.contextCache.rawValue, DescriptorType.pasidCache.rawValue,
    ]

    init(
        events: [TraceEventLine], submissions: [TraceQISubmission], operations: [ReplayTimeline.Operation],
        unitNames: [String], batched: Bool
    ) {
        hasSubmissions = !submissions.isEmpty
        descriptorsOfOperation = Array(repeating: [], count: operations.count)
        truncated = Array(repeating: false, count: operations.count)
        invalidationHints = Array(repeating: nil, count: operations.count)
        capabilities = Array(repeating: .server, count: unitNames.count)
        var operationOfLine: [Int: Int] = [:]
        operationOfLine.reserveCapacity(events.count)
        for (index, operation) in operations.enumerated() {
            for line in operation.lines { operationOfLine[line] = index }
        }
        attribute(events: events, submissions: submissions, operationOfLine: operationOfLine, batched: batched)
        for index in operations.indices {
            invalidationHints[index] = descriptorsOfOperation[index].lazy.compactMap(\.descriptor.pageSelectiveHint).first
        }
        inferUnits(events: events, submissions: submissions, operations: operations, unitNames: unitNames)
    }

    /// Walks cache-tag lines and `qi_submit` lines together in line order, per CPU.
    private mutating func attribute(
        events: [TraceEventLine], submissions: [TraceQISubmission], operationOfLine: [Int: Int], batched: Bool
    ) {
        var open: [Int: Int] = [:]  // CPU → the call whose window is open
        var pending: [Int: [KernelDescriptor]] = [:]  // 6.10: CPU → descriptors before their tag line
        var entryTraffic: Set<Int> = []  // CPUs inside a set-up / tear-down sequence (after cc_inv / pc_inv)
        var next = 0
        func take(_ submission: TraceQISubmission) {
            let descriptor = InvalidationDescriptor(
                submission.words[0], submission.words[1], submission.words[2], submission.words[3])
            let type = descriptor.typeCode
            if Self.entryCacheKinds.contains(type) {
                open[submission.cpu] = nil
                flushPending(submission.cpu)
                entryTraffic.insert(submission.cpu)
            }
            guard Self.flushKinds.contains(type) else {
                unattributedByKind[submission.kind, default: 0] += 1
                return
            }
            let record = KernelDescriptor(line: submission.line, descriptor: descriptor)
            if entryTraffic.contains(submission.cpu) {
                // The IOTLB / device-TLB flushes of a set-up or tear-down, up to the next tag line.
                unattributed(submission.kind)
            } else if !batched {
                pending[submission.cpu, default: []].append(record)
            } else if let operation = open[submission.cpu] {
                descriptorsOfOperation[operation].append(record)
            } else {
                unattributed(submission.kind)
            }
        }
        func flushPending(_ cpu: Int) {
            for record in pending.removeValue(forKey: cpu) ?? [] {
                unattributed(DescriptorType(rawValue: record.descriptor.typeCode)?.description ?? "?")
            }
        }
        for event in events {
            while next < submissions.count, submissions[next].line < event.line {
                take(submissions[next])
                next += 1
            }
            entryTraffic.remove(event.cpu)
            if let operation = operationOfLine[event.line] {
                open[event.cpu] = operation
                if let records = pending.removeValue(forKey: event.cpu) {
                    descriptorsOfOperation[operation] += records
                }
            } else {
                open[event.cpu] = nil
                flushPending(event.cpu)
            }
        }
        while next < submissions.count {
            take(submissions[next])
            next += 1
        }
        for cpu in pending.keys.sorted() { flushPending(cpu) }
        for operation in open.values where descriptorsOfOperation[operation].isEmpty {
            truncated[operation] = true
        }
    }

    private mutating func unattributed(_ kind: String) {
        unattributedByKind[kind, default: 0] += 1
        unattributedFlushKinds += 1
    }

    /// Caching mode, drains, PSI/MAMV and mode per unit, each with a note.
    private mutating func inferUnits(
        events: [TraceEventLine], submissions: [TraceQISubmission], operations: [ReplayTimeline.Operation],
        unitNames: [String]
    ) {
        var newMappingLines = Array(repeating: 0, count: unitNames.count)
        for event in events {
            if case .flush(.flushRangeNP, _) = event.action { newMappingLines[event.tag.unit] += 1 }
        }
        let unitIndex = Dictionary(unitNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var drains = Array(repeating: (reads: 0, writes: 0, total: 0), count: unitNames.count)
        var entryCaches = Array(repeating: (context: 0, pasid: 0), count: unitNames.count)
        for submission in submissions {
            guard let unit = unitIndex[submission.unit] else { continue }
            let word0 = submission.words[0]
            switch word0 & 0xf {
            case DescriptorType.iotlb.rawValue:
                drains[unit].total += 1
                if word0 & InvalidationDescriptor.iotlbReadDrainBit != 0 { drains[unit].reads += 1 }
                if word0 & InvalidationDescriptor.iotlbWriteDrainBit != 0 { drains[unit].writes += 1 }
            case DescriptorType.contextCache.rawValue: entryCaches[unit].context += 1
            case DescriptorType.pasidCache.rawValue: entryCaches[unit].pasid += 1
            default: break
            }
        }
        let masks = Self.iotlbMasks(events: events, operations: operations, descriptors: descriptorsOfOperation)
        for (unit, name) in unitNames.enumerated() {
            var notes: [String] = []
            if newMappingLines[unit] > 0 {
                capabilities[unit].cachingMode = true
                notes.append("caching mode on (\(newMappingLines[unit]) flush_range_np lines)")
            } else {
                notes.append("caching mode off (no flush_range_np line; default)")
            }
            let drain = drains[unit]
            if drain.total > 0 {
                capabilities[unit].readDrain = drain.reads * 2 > drain.total
                capabilities[unit].writeDrain = drain.writes * 2 > drain.total
                let mixed = (drain.reads != 0 && drain.reads != drain.total) || (drain.writes != 0 && drain.writes != drain.total)
                notes.append(
                    "read drain \(capabilities[unit].readDrain ? "on" : "off"), write drain "
                        + "\(capabilities[unit].writeDrain ? "on" : "off") (DR/DW of \(drain.total) iotlb_inv"
                        + "\(mixed ? ", not all alike" : ""))")
            } else {
                notes.append("read/write drain on (no iotlb_inv line; default)")
            }
            let mask = masks[unit] ?? (nil, nil)
            if mask.smallestDomainSelective == 0 {
                capabilities[unit].pageSelectiveInvalidation = false
                notes.append("PSI off (domain-selective even for a one-page range)")
            } else if let smallestDomainSelective = mask.smallestDomainSelective,
                smallestDomainSelective > (mask.largestPageSelective ?? -1)
            {
                capabilities[unit].maximumAddressMaskValue = smallestDomainSelective - 1
                notes.append("MAMV \(smallestDomainSelective - 1) (domain-selective from mask \(smallestDomainSelective))")
            } else if let largest = mask.largestPageSelective {
                capabilities[unit].maximumAddressMaskValue = max(largest, IOMMUCapabilities.server.maximumAddressMaskValue)
                notes.append("PSI on, MAMV \(capabilities[unit].maximumAddressMaskValue) (page-selective up to mask \(largest); default above)")
            } else {
                notes.append("PSI on, MAMV \(capabilities[unit].maximumAddressMaskValue) (default)")
            }
            if entryCaches[unit].pasid > 0 {
                notes.append("scalable mode (\(entryCaches[unit].pasid) pc_inv)")
            } else if entryCaches[unit].context > 0 {
                capabilities[unit].scalableMode = false
                notes.append("legacy mode (\(entryCaches[unit].context) cc_inv, no pc_inv)")
            } else {
                notes.append("scalable mode (default)")
            }
            inferences.append("\(name): " + notes.joined(separator: ", "))
        }
    }

    /// Per unit: the largest AM of a page-selective IOTLB descriptor, and the smallest aligned
    /// mask of a range call (no NESTING_DEVTLB tag, so nothing widened it) answered domain-selective.
    private static func iotlbMasks(
        events: [TraceEventLine], operations: [ReplayTimeline.Operation], descriptors: [[KernelDescriptor]]
    ) -> [Int: (largestPageSelective: Int?, smallestDomainSelective: Int?)] {
        var unitOfLine: [Int: (unit: Int, widens: Bool)] = [:]
        for event in events {
            if case .flush = event.action { unitOfLine[event.line] = (event.tag.unit, event.tag.type == .nestingDevtlb) }
        }
        var result: [Int: (largestPageSelective: Int?, smallestDomainSelective: Int?)] = [:]
        for (index, operation) in operations.enumerated() {
            guard let range = operation.range, operation.kind != .all else { continue }
            let widened = operation.lines.contains { unitOfLine[$0]?.widens == true }
            let units = Set(operation.lines.compactMap { unitOfLine[$0]?.unit })
            guard units.count == 1, let unit = units.first else { continue }
            let mask = AlignedInvalidation(covering: range).mask
            for record in descriptors[index] where record.descriptor.typeCode == DescriptorType.iotlb.rawValue {
                let granularity = (record.descriptor.quadword0 >> 4) & 0x3
                var entry = result[unit] ?? (nil, nil)
                if granularity == IOTLBGranularity.pageSelective.rawValue {
                    entry.largestPageSelective = max(entry.largestPageSelective ?? 0, Int(record.descriptor.quadword1 & 0x3f))
                } else if granularity == IOTLBGranularity.domainSelective.rawValue, !widened {
                    entry.smallestDomainSelective = min(entry.smallestDomainSelective ?? .max, mask)
                }
                result[unit] = entry
            }
        }
        return result
    }
}

extension InvalidationDescriptor {
    /// The IH bit of a page-selective (PASID-based) IOTLB descriptor, nil for any other.
    var pageSelectiveHint: Bool? {
        let granularity = (quadword0 >> 4) & 0x3
        switch typeCode {
        case DescriptorType.iotlb.rawValue where granularity == IOTLBGranularity.pageSelective.rawValue,
            DescriptorType.pasidIOTLB.rawValue where granularity == PASIDIOTLBGranularity.pageSelectiveWithinPASID.rawValue:
            return quadword1 & (1 << 6) != 0
        default:
            return nil
        }
    }
}
