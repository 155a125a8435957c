import VTd

/// How trace replay treats lines it cannot read.
package struct TraceReplayOptions: Hashable, Sendable {
    /// Skip malformed lines (counted in `TraceStatistics.skippedBadLines`, the first few kept)
    /// instead of failing on the first one.
    package var skipBadLines: Bool
    /// The kernel whose behaviour the trace shows; nil: the one its text implies
    /// (`ReplayPipeline.impliedKernel`).
    package var kernel: KernelProfile?

    package init(skipBadLines: Bool = false, kernel: KernelProfile? = nil) {
        self.skipBadLines = skipBadLines
        self.kernel = kernel
    }
}

/// A real kernel trace turned into a replayable event stream: the topology (units, devices), the
/// domains, and the sequence of attach/detach and flush operations, re-runnable under any DID
/// scheme. Built from the text of `/sys/kernel/tracing/trace`, `trace-cmd report` or `perf script`
/// with the `intel_iommu:cache_tag_*` events enabled (the accepted layouts: docs/vtd-facts.md §4);
/// `qi_submit` lines are kept as raw descriptors; other events and noise are counted.
///
/// Reconstruction (what a trace cannot say, inferred as follows):
/// - **Operations.** Consecutive flush lines of one CPU with the same event and range form one call
///   (`cache_tag_flush_*` walks a domain's tags under its lock, so one CPU's lines of one call are
///   contiguous; other CPUs' lines and `qi_submit` may interleave). A new call starts when a tag
///   repeats, when the event or range changes, when an assign/unassign intervenes on that CPU, or when
///   a non-nesting tag of a unit carries another DID (or, under DID 1, another PASID) than the call's
///   earlier tags of that unit: one domain has one DID per unit, one SVA domain one PASID.
/// - **Domains.** A tag's life runs from the assign that creates it (ref 1) to the unassign that drops
///   it (ref 0). Tag lives are grouped into domains by: flushed in one call; assigned together by one
///   attach (IOTLB then DEVTLB); non-nesting tags alive at once on the same unit with the same DID
///   (DID ≠ 1), or under DID 1 with the same PASID on any unit (SVA PASIDs are global: one PASID,
///   one process); NESTING tags alive at once naming the same child.
/// - **Kinds.** A domain holding NESTING tags is a second-stage parent. A domain whose (unit, DID,
///   PASID) a parent's NESTING tags name is nested on that parent. Otherwise: every tag under DID 1
///   with one and the same PASID → `sva`; every tag with a PASID → `firstStage`; any RID (PASID 0) tag →
///   `secondStage` (first-stage paging at RID cannot be told apart from the cache-tag events).
/// - **Attachments.** An IOTLB assign followed on the same CPU by a DEVTLB assign of the same unit,
///   DID and PASID is one attach of that ATS device; an IOTLB assign alone is an attach of a non-ATS
///   device, which the trace cannot name: a stand-in device on that unit takes its place. Unassigns
///   pair the same way into detaches. NESTING assigns add no attachment (the child's attach does).
/// - **Tags never assigned** (boot-time, before tracing): a tag first seen in a flush or an unassign is
///   taken to be held from the start of the trace (or, if an earlier life of it ended, from just
///   before its first use), with an attachment invented for it: its ATS device for a DEVTLB tag, a
///   stand-in for an IOTLB tag no ATS device accounts for, and for NESTING tags a child of the parent.
/// - `flush_range` over the whole address space (newer kernels' flush all) replays as `flushAll`.
/// - The trace does not say when a domain is freed: a domain is destroyed right after the last
///   event that touches it (or one of its nested children) once it has no attachments and no children.
///
/// Each rule is stated in full, with the kernel functions behind it, on the stage that applies it
/// (`ReplayPipeline` lists them).
package struct TraceReplay: EventSource {
    /// The name `list` shows.
    package static let name = "replay"
    package static let summary =
        "replays a kernel ftrace of intel_iommu:cache_tag_* events: topology, domains and flushes, under any DID scheme"
    /// Replay's options, documented like workload parameters for `list`.
    package static let options: [WorkloadParameter] = [
        WorkloadParameter(
            "skip_bad_lines", default: "false", .choice(["false", "true"]),
            "skip malformed lines and report how many, instead of failing at the first (file, line, field)")
    ]

    package let file: String
    package let topology: Topology
    /// Unit names by `IOMMUUnitID` (`dmar0`, `dmar1`, ...: sorted by name).
    package let unitNames: [String]
    package let devices: [ReplayDevice]
    package let domains: [ReplayDomain]
    package let operations: [ReplayFlushOperation]
    package let qiSubmissions: [TraceQISubmission]
    package let statistics: TraceStatistics
    /// The kernel profile replay assumed (given, or implied by the text) and why.
    package let kernel: KernelProfile
    package let kernelReason: String
    /// What the `qi_submit` lines and flush lines proved, one line each (units' capabilities, IH).
    package let inferences: [String]
    /// `qi_submit` lines attributed to no flush call (set-up, tear-down, interrupt remapping), by kind.
    package let unattributedSubmissions: [String: Int]
    /// Whether the trace holds `qi_submit` lines to check the replay against.
    package let hasKernelDescriptors: Bool
    /// `ContentDigest` of the trace text: the run fingerprint's `trace.replay`, so resuming a
    /// report with another trace is refused.
    package let contentDigest: String
    private let stream: [TimedWorkloadEvent]

    /// The replayed stream; the seed is ignored (the trace is the stream).
    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] { stream }

    /// Parses and reconstructs the text of a trace (`ReplayPipeline`); `file` names it in errors.
    package init(text: String, file: String, options: TraceReplayOptions = TraceReplayOptions()) throws(WorkloadError) {
        let pipeline = try ReplayPipeline(text: text, file: file, options: options)
        let emission = pipeline.emission
        self.file = file
        contentDigest = ContentDigest.of(text)
        topology = emission.topology.topology
        unitNames = emission.topology.unitNames
        devices = emission.topology.devices
        domains = emission.replayDomains
        operations = emission.replayOperations
        qiSubmissions = pipeline.lexer.qiSubmissions
        statistics = emission.statistics
        stream = emission.events
        kernel = pipeline.kernel
        kernelReason = pipeline.kernelReason
        inferences = pipeline.evidence.inferences + [emission.hintNote]
        unattributedSubmissions = pipeline.evidence.unattributedByKind
        hasKernelDescriptors = pipeline.evidence.hasSubmissions
    }

    /// The DID each domain's own (non-nesting) tags carried on each unit: the kernel's choices.
    package var tracedDomainIDs: [IOMMUDomainID: [IOMMUUnitID: DomainID]] {
        let unitOfName = Dictionary(unitNames.enumerated().map { ($1, IOMMUUnitID($0)) }, uniquingKeysWith: { a, _ in a })
        var result: [IOMMUDomainID: [IOMMUUnitID: DomainID]] = [:]
        for domain in domains {
            for tag in domain.tags where !tag.type.isNesting {
                guard let unit = unitOfName[tag.unit] else { continue }
                result[domain.id, default: [:]][unit] = DomainID(tag.did)
            }
        }
        return result
    }

    /// Reads and reconstructs the trace at `path`; `-` reads standard input, which errors and
    /// `file` then name `<stdin>`.
    package init(contentsOf path: String, options: TraceReplayOptions = TraceReplayOptions()) throws(WorkloadError) {
        let text = try TraceFile.contents(of: path)
        try self.init(text: text, file: TraceFile.name(of: path), options: options)
    }
}
