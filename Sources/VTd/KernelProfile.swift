/// Where Linux versions' cache-tag code differs in what it queues, for the kernel-faithful table
/// (`KernelListTable`, the C baseline) and the directory (docs/vtd-facts.md §5, "Kernel versions
/// differ"). The optimized tables do not follow a profile: they emit the minimal correct set in
/// the newest encodings, and the differential tests map a profile's encodings onto those.
///
/// Every field is a behaviour read from the kernel's history (drivers/iommu/intel/cache.c,
/// dmar.c), not a tuning knob; `nestingDeviceTLBWidensWalk` can be switched off to show what that
/// quirk costs.
public struct KernelProfile: Hashable, Sendable, CustomStringConvertible {
    /// `6.10`, `6.12`, `6.18`, `latest`; a suffix `-unwidened` when the widening is off.
    public var name: String
    /// `qi_batch` (6.12+): up to 16 descriptors per submission, closed at a unit change. Before it
    /// (6.10) every descriptor of a flush, the quirk's second device-TLB one too, was its own
    /// synchronous submission with its own wait.
    public var batchesDescriptors: Bool
    /// A first-stage flush whose aligned block is the whole address space: PASID-selective
    /// (granularity 2, newest) or page-selective-within-PASID at address 0 with AM 52 (6.12–6.19).
    public var pasidSelectiveForWholeSpace: Bool
    /// `cache_tag_flush_all` device-TLB tags: the PASID-based form when the tag has a PASID
    /// (newest), or always the non-PASID form (≤ 6.17).
    public var flushAllUsesPASIDDeviceTLB: Bool
    /// Whether `cache_tag_flush_all` and its trace event exist (≤ 6.18 here); the newest kernels
    /// flush everything as `cache_tag_flush_range(0, ULONG_MAX)`.
    public var hasFlushAllEvent: Bool
    /// Every version: a NESTING_DEVTLB tag met by `cache_tag_flush_range` sets the walk's address
    /// and mask to "everything" for itself *and every later tag* (a switch fall-through on shared
    /// locals): a later second-stage IOTLB tag gets a domain-selective flush, a later device TLB a
    /// whole-TLB one. Off: each tag keeps the flushed block (what the optimized tables emit).
    public var nestingDeviceTLBWidensWalk: Bool

    public init(
        name: String, batchesDescriptors: Bool, pasidSelectiveForWholeSpace: Bool, flushAllUsesPASIDDeviceTLB: Bool,
        hasFlushAllEvent: Bool, nestingDeviceTLBWidensWalk: Bool = true
    ) {
        self.name = name
        self.batchesDescriptors = batchesDescriptors
        self.pasidSelectiveForWholeSpace = pasidSelectiveForWholeSpace
        self.flushAllUsesPASIDDeviceTLB = flushAllUsesPASIDDeviceTLB
        self.hasFlushAllEvent = hasFlushAllEvent
        self.nestingDeviceTLBWidensWalk = nestingDeviceTLBWidensWalk
    }

    /// Linux 6.10: the cache-tag code without `qi_batch`.
    public static let v6_10 = KernelProfile(
        name: "6.10", batchesDescriptors: false, pasidSelectiveForWholeSpace: false, flushAllUsesPASIDDeviceTLB: false,
        hasFlushAllEvent: true)
    /// Linux 6.12 (the golden trace's kernel): batches of 16, flush_all with non-PASID device TLBs.
    public static let v6_12 = KernelProfile(
        name: "6.12", batchesDescriptors: true, pasidSelectiveForWholeSpace: false, flushAllUsesPASIDDeviceTLB: false,
        hasFlushAllEvent: true)
    /// Linux 6.18: flush_all's device-TLB descriptors follow the tag's PASID.
    public static let v6_18 = KernelProfile(
        name: "6.18", batchesDescriptors: true, pasidSelectiveForWholeSpace: false, flushAllUsesPASIDDeviceTLB: true,
        hasFlushAllEvent: true)
    /// The newest tree read (2026): flush all is a whole-range flush_range, whole-space first-stage
    /// flushes are PASID-selective, no `pages` field in the trace events.
    public static let latest = KernelProfile(
        name: "latest", batchesDescriptors: true, pasidSelectiveForWholeSpace: true, flushAllUsesPASIDDeviceTLB: true,
        hasFlushAllEvent: false)

    /// Every named profile, oldest first: `--kernel` accepts these names.
    public static let all: [KernelProfile] = [.v6_10, .v6_12, .v6_18, .latest]

    /// The profile named `name`, with `-unwidened` switching the NESTING_DEVTLB widening off.
    public static func named(_ name: String) -> KernelProfile? {
        let suffix = "-unwidened"
        let base = name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
        guard var profile = all.first(where: { $0.name == base }) else { return nil }
        if base != name { profile = profile.unwidened }
        return profile
    }

    /// The same kernel with the NESTING_DEVTLB widening switched off.
    public var unwidened: KernelProfile {
        var copy = self
        guard nestingDeviceTLBWidensWalk else { return copy }
        copy.nestingDeviceTLBWidensWalk = false
        copy.name += "-unwidened"
        return copy
    }

    /// What differs from the newest kernel, one phrase per field, for `list` and run notes.
    public var differences: String {
        var parts: [String] = []
        if !batchesDescriptors { parts.append("one submission per descriptor (no qi_batch)") }
        if !pasidSelectiveForWholeSpace { parts.append("whole-space first-stage flushes page-selective with AM 52") }
        if !flushAllUsesPASIDDeviceTLB { parts.append("flush_all sends non-PASID device-TLB descriptors") }
        if hasFlushAllEvent { parts.append("cache_tag_flush_all exists") }
        parts.append(
            nestingDeviceTLBWidensWalk
                ? "NESTING_DEVTLB widens the rest of the walk" : "NESTING_DEVTLB widening switched off")
        return parts.joined(separator: "; ")
    }

    public var description: String { name }
}
