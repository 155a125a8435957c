import CacheTags
import Engine
import Metrics
import VTd
import Workloads

/// The replay's self-check: the descriptors our kernel-faithful table emits for each flush call of
/// a trace, under the kernel's own DID scheme, against the descriptors the kernel queued for that
/// call (its `qi_submit` lines, attributed by `KernelEvidence`). A benchmark of the kernel's
/// cache-tag code is only as good as this match: 100% exact on a real trace means the replayed
/// stream *is* the kernel's.
package struct ReplayCheck: Sendable {
    /// Why a call's descriptors differ from the kernel's (each call counts once per class it shows).
    package enum Mismatch: String, CaseIterable, Sendable {
        case missing, extra, type, did, granularity, address, am, ih, drain, pasid, sid, other

        package var metric: Metric {
            Metric.replayMatch.first { $0.name == "replay.mismatch.\(rawValue)" }!
        }
    }

    /// Calls compared (not cut off by the end of the trace).
    package private(set) var operations = 0
    package private(set) var exact = 0
    package private(set) var countMatch = 0
    package private(set) var truncated = 0
    package private(set) var mismatches: [Mismatch: Int] = [:]
    /// The first few differing calls, one line each (trace line, what differs).
    package private(set) var examples: [String] = []
    /// Set-up and tear-down descriptors by kind: the kernel's (its `qi_submit` lines of no flush
    /// call) and the replay's (`AttachmentTeardown`), to set the whole streams side by side.
    package private(set) var kernelEntryTraffic: [String: Int] = [:]
    package private(set) var replayEntryTraffic: [String: Int] = [:]

    /// Replays `trace` with the kernel's own DIDs (`TracedDomainIDScheme`: the `kernel` scheme with
    /// each domain on the DIDs its tags carried) on `KernelListTable` following `profile`, and
    /// compares call by call. Nil when the trace holds no `qi_submit` line.
    package static func check(_ trace: TraceReplay, profile: KernelProfile) throws(EngineError) -> ReplayCheck? {
        guard trace.hasKernelDescriptors else { return nil }
        let log = try DescriptorLog.record(
            events: trace.events(seed: 0), topology: trace.topology,
            scheme: TracedDomainIDScheme(dids: trace.tracedDomainIDs),
            makeTable: { KernelListTable(domainUsesFirstStage: $0, allocator: .system, kernel: profile) })
        let ours = log.descriptorsByFlush
        precondition(ours.count == trace.operations.count, "one flush event per replayed call")
        var check = ReplayCheck()
        for (operation, emitted) in zip(trace.operations, ours) {
            check.compare(operation, emitted)
        }
        check.kernelEntryTraffic = trace.unattributedSubmissions
        for submission in log.submissions where submission.cause == .setup || submission.cause == .teardown {
            for descriptor in submission.descriptors {
                check.replayEntryTraffic[DescriptorType(rawValue: descriptor.typeCode)?.description ?? "?", default: 0] += 1
            }
        }
        return check
    }

    private mutating func compare(_ operation: ReplayFlushOperation, _ emitted: [InvalidationDescriptor]) {
        if operation.truncated {
            truncated += 1
            return
        }
        operations += 1
        let kernel = operation.kernelDescriptors.map(\.descriptor)
        if kernel.count == emitted.count { countMatch += 1 }
        if kernel == emitted {
            exact += 1
            return
        }
        var found: Set<Mismatch> = []
        if emitted.count < kernel.count { found.insert(.missing) }
        if emitted.count > kernel.count { found.insert(.extra) }
        for (ours, theirs) in zip(emitted, kernel) where ours != theirs {
            found.insert(Self.classify(ours, theirs))
        }
        for mismatch in found { mismatches[mismatch, default: 0] += 1 }
        if examples.count < 5 {
            let classes = Mismatch.allCases.filter(found.contains).map(\.rawValue).joined(separator: ",")
            examples.append(
                "line \(operation.lines[0]) \(operation.kind.rawValue): \(classes); kernel "
                    + (kernel.map(\.hexWords).joined(separator: " | ")) + "; replay "
                    + (emitted.map(\.hexWords).joined(separator: " | ")))
        }
    }

    /// The first field (in this order) in which two descriptors differ, by the layouts of VT-d spec
    /// §6.5.2 (the same bits `InvalidationDescriptor+Encoding` writes).
    static func classify(_ ours: InvalidationDescriptor, _ theirs: InvalidationDescriptor) -> Mismatch {
        func differs(_ word: KeyPath<InvalidationDescriptor, UInt64>, _ mask: UInt64) -> Bool {
            ours[keyPath: word] & mask != theirs[keyPath: word] & mask
        }
        guard ours.typeCode == theirs.typeCode else { return .type }
        let page: UInt64 = ~(pageSize - 1)
        switch DescriptorType(rawValue: ours.typeCode) {
        case .iotlb?:
            if differs(\.quadword0, 0xffff << 16) { return .did }
            if differs(\.quadword0, 0x3 << 4) { return .granularity }
            if differs(\.quadword0, 0x3 << 6) { return .drain }
            if differs(\.quadword1, page) { return .address }
            if differs(\.quadword1, 0x3f) { return .am }
            if differs(\.quadword1, 1 << 6) { return .ih }
        case .pasidIOTLB?:
            if differs(\.quadword0, 0xffff << 16) { return .did }
            if differs(\.quadword0, 0xfffff << 32) { return .pasid }
            if differs(\.quadword0, 0x3 << 4) { return .granularity }
            if differs(\.quadword1, page) { return .address }
            if differs(\.quadword1, 0x3f) { return .am }
            if differs(\.quadword1, 1 << 6) { return .ih }
        case .deviceTLB?:
            if differs(\.quadword0, 0xffff << 32) { return .sid }
            if differs(\.quadword1, ~UInt64(0)) { return .address }
        case .pasidDeviceTLB?:
            if differs(\.quadword0, 0xfffff << 32) { return .pasid }
            if differs(\.quadword0, 0xffff << 16) { return .sid }
            if differs(\.quadword1, ~UInt64(0)) { return .address }
        default:
            break
        }
        return .other
    }

    /// The check as report metrics (rows of the `kernel` / `kernel-list` point).
    package var metrics: [MetricValue] {
        [
            MetricValue(.replayOps, Double(operations)), MetricValue(.replayOpsExact, Double(exact)),
            MetricValue(.replayOpsCountMatch, Double(countMatch)), MetricValue(.replayOpsTruncated, Double(truncated)),
        ] + Mismatch.allCases.map { MetricValue($0.metric, Double(mismatches[$0, default: 0])) }
    }

    /// Whether every compared call matched exactly.
    package var allExact: Bool { exact == operations }

    /// One line for stderr and run.json.
    package var summary: String {
        func percent(_ count: Int) -> String {
            operations == 0 ? "n/a" : String(format: "%.1f%%", Double(count) * 100 / Double(operations))
        }
        var text =
            "replay self-check (kernel scheme, kernel-list table): \(exact)/\(operations) flush calls exact "
            + "(\(percent(exact))), \(countMatch) match in count (\(percent(countMatch)))"
        if truncated > 0 { text += ", \(truncated) cut off by the end of the trace (not compared)" }
        let classes = Mismatch.allCases.compactMap { mismatch in
            mismatches[mismatch].map { "\(mismatch.rawValue) \($0)" }
        }
        if !classes.isEmpty { text += "; mismatches: " + classes.joined(separator: ", ") }
        return text
    }

    /// One line setting the kernel's set-up / tear-down / interrupt-remapping descriptors beside
    /// the replay's set-up and tear-down ones (counts by kind; the replay emits no `iec_inv`, and
    /// initialisation-time global flushes belong to no attachment).
    package var entryTrafficSummary: String {
        func list(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        return "set-up/tear-down descriptors: kernel \(list(kernelEntryTraffic)); replay \(list(replayEntryTraffic))"
    }
}
