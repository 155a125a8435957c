import VTd

/// How trace replay treats lines it cannot read.
public struct TraceReplayOptions: Hashable, Sendable {
    /// Skip malformed lines (counted in `TraceStatistics.skippedBadLines`, the first few kept)
    /// instead of failing on the first one.
    public var skipBadLines: Bool

    public init(skipBadLines: Bool = false) { self.skipBadLines = skipBadLines }
}

/// A cache tag as a trace names it: type, unit and (for device-TLB types) device by their kernel
/// names, DID and PASID.
public struct TraceTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let type: TraceTagType
    public let unit: String
    /// The device's name for device-TLB types; nil for IOTLB types (the kernel prints the unit).
    public let device: String?
    public let did: UInt16
    public let pasid: UInt32

    public init(type: TraceTagType, unit: String, device: String? = nil, did: UInt16, pasid: UInt32) {
        self.type = type
        self.unit = unit
        self.device = type.isDeviceTLB ? device : nil
        self.did = did
        self.pasid = pasid
    }

    public static func < (lhs: TraceTag, rhs: TraceTag) -> Bool {
        (lhs.unit, lhs.type, lhs.device ?? "", lhs.did, lhs.pasid) < (
            rhs.unit, rhs.type, rhs.device ?? "", rhs.did, rhs.pasid
        )
    }

    public var description: String { "\(unit)/\(device ?? unit) type \(type) did \(did) pasid \(pasid)" }
}

/// A device of the reconstructed topology.
public struct ReplayDevice: Hashable, Sendable {
    public let id: DeviceID
    /// The kernel's name (`0000:3b:00.0`), or a made-up `dmarN-nonats-K` for a stand-in.
    public let name: String
    public let unit: IOMMUUnitID
    public let hasATS: Bool
    /// True for a stand-in: a non-ATS device the trace cannot name (IOTLB tags print the unit, not
    /// the device), inferred from IOTLB tags no ATS device accounts for.
    public let isStandIn: Bool
}

/// A reconstructed domain.
public struct ReplayDomain: Hashable, Sendable {
    public let id: IOMMUDomainID
    public let kind: DomainKind
    /// Every distinct tag the domain held in the trace (its own, and NESTING tags for a parent).
    public let tags: [TraceTag]
}

/// One reconstructed flush call: consecutive per-tag flush lines of one CPU.
public struct ReplayFlushOperation: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case range = "flush_range"
        case newMappings = "flush_range_np"
        case all = "flush_all"
    }

    public let kind: Kind
    public let domain: IOMMUDomainID
    /// The flushed range (nil for flush all, including a flush_range over the whole address space).
    public let range: IOVARange?
    /// Line numbers (1-based) of the operation's flush lines.
    public let lines: [Int]
    /// The tags walked, in trace order.
    public let tags: [TraceTag]
}

/// One `qi_submit` line: the raw descriptor the kernel queued.
public struct TraceQISubmission: Hashable, Sendable {
    public let line: Int
    public let unit: String
    /// The descriptor type name the kernel printed (`iotlb_inv`, `inv_wait`, ...).
    public let kind: String
    public let words: [UInt64]
}

/// What a trace held, and what replay had to infer or skip.
public struct TraceStatistics: Equatable, Sendable {
    public var lines = 0
    public var commentLines = 0
    public var blankLines = 0
    /// Lines that are not event lines (console noise).
    public var noiseLines = 0
    /// Event lines by event name, ours and others (`cache_tag_assign`, `irq_handler_entry`, ...).
    public var eventsByName: [String: Int] = [:]
    /// Event lines of events replay does not use.
    public var otherEvents = 0
    /// Malformed lines skipped under `skipBadLines`.
    public var skippedBadLines = 0
    /// The first few skipped lines' errors.
    public var firstSkippedErrors: [WorkloadError] = []
    /// Tags seen in flushes or unassigns without an assign earlier in the trace (assigned before tracing began).
    public var inferredTags = 0
    /// Attachments replay had to invent to account for inferred tags.
    public var inferredAttachments = 0
    /// Flush lines whose addr/mask differ from `AlignedInvalidation(covering:)` of their range.
    public var psiMismatches = 0
    /// Inconsistencies replay repaired (an attach over a live attachment, a detach of nothing,
    /// a domain that would be both nested child and parent).
    public var repairs = 0
}

/// A real kernel trace turned into a replayable event stream: the topology (units, devices), the
/// domains, and the sequence of attach/detach and flush operations, re-runnable under any DID
/// scheme. Built from the text of `/sys/kernel/tracing/trace` with the `intel_iommu:cache_tag_*`
/// events enabled (format in VTD-FACTS.md); other events, `qi_submit` lines and noise are counted.
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
public struct TraceReplay: EventSource {
    /// The name `list` shows.
    public static let name = "replay"
    public static let summary =
        "replays a kernel ftrace of intel_iommu:cache_tag_* events: topology, domains and flushes, under any DID scheme"
    /// Replay's options, documented like workload parameters for `list`.
    public static let options: [WorkloadParameter] = [
        WorkloadParameter(
            "skip_bad_lines", default: "false", .choice(["false", "true"]),
            "skip malformed lines and report how many, instead of failing at the first (file, line, field)")
    ]

    public let file: String
    public let topology: Topology
    /// Unit names by `IOMMUUnitID` (`dmar0`, `dmar1`, ...: sorted by name).
    public let unitNames: [String]
    public let devices: [ReplayDevice]
    public let domains: [ReplayDomain]
    public let operations: [ReplayFlushOperation]
    public let qiSubmissions: [TraceQISubmission]
    public let statistics: TraceStatistics
    private let stream: [TimedWorkloadEvent]

    /// The replayed stream; the seed is ignored (the trace is the stream).
    public func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] { stream }

    /// Parses and reconstructs the text of a trace; `file` names it in errors.
    public init(text: String, file: String, options: TraceReplayOptions = TraceReplayOptions()) throws(WorkloadError) {
        var builder = ReplayBuilder(file: file, options: options)
        try builder.read(text)
        let result = builder.finish()
        self.file = file
        topology = result.topology
        unitNames = result.unitNames
        devices = result.devices
        domains = result.domains
        operations = result.operations
        qiSubmissions = result.qiSubmissions
        statistics = result.statistics
        stream = result.events
    }

    /// Reads and reconstructs the trace at `path`.
    public init(contentsOf path: String, options: TraceReplayOptions = TraceReplayOptions()) throws(WorkloadError) {
        let text = try readTextFile(path)
        try self.init(text: text, file: path, options: options)
    }
}
