import VTd

/// What an attachment asks a DID scheme for: a DID for `domain` (of `kind`) on `unit`, used
/// through `pasid` (Linux: `domain_get_id_for_dev` at attach time).
public struct DomainIDRequest: Hashable, Sendable {
    public let domain: IOMMUDomainID
    public let kind: DomainKind
    public let unit: IOMMUUnitID
    public let pasid: PASID

    public init(domain: IOMMUDomainID, kind: DomainKind, unit: IOMMUUnitID, pasid: PASID) {
        self.domain = domain
        self.kind = kind
        self.unit = unit
        self.pasid = pasid
    }
}

/// Which DID an attachment should use, as a scheme decides it; `DomainIDLedger` turns the
/// decision into a DID and keeps the books.
public enum DomainIDPlacement: Hashable, Sendable {
    /// The domain's own DID on the unit, allocated on its first attachment there.
    case own
    /// DID 1 (`FLPT_DEFAULT_DID`), shared by everything placed here on the unit.
    case defaultDID(requiresUniquePASID: Bool)
    /// One DID allocated for the nested children of `parent` on the unit.
    case nestedChildren(of: IOMMUDomainID, requiresUniquePASID: Bool)
    /// Exactly this DID, the one a replayed trace shows the kernel gave the domain on the unit
    /// (`TracedDomainIDScheme`); held with a user count, never taken from the allocator.
    case traced(DomainID)
}

/// A policy that picks the DID each attachment uses: the subject of the comparison.
///
/// To add a scheme: conform a type, give it a `name` and a one-line `summary`, and add it to
/// `DomainIDSchemes.all`. The ledger enforces the one rule a scheme may ask for: a
/// (unit, DID, PASID) triple belongs to one domain at a time (`requiresUniquePASID`), and falls
/// back to the domain's own DID when a shared placement would break it.
public protocol DomainIDScheme: Sendable {
    /// A stable name for the command line and reports.
    var name: String { get }
    /// One line on the policy and where it comes from.
    var summary: String { get }
    /// Whether the scheme is expected to pass the safety oracle (the `shared-all` control is not).
    var isSafe: Bool { get }
    /// The placement for one attachment.
    func placement(for request: DomainIDRequest) -> DomainIDPlacement
}

/// `per-domain`: every domain gets its own DID on every unit it is attached to, SVA included.
public struct PerDomainScheme: DomainIDScheme {
    public init() {}
    public var name: String { "per-domain" }
    public var summary: String { "every domain gets its own DID on each IOMMU it is attached to (SVA included)" }
    public var isSafe: Bool { true }
    public func placement(for request: DomainIDRequest) -> DomainIDPlacement { .own }
}

/// `kernel`: Linux today (`domain_get_id_for_dev`): SVA domains share DID 1, told apart by their
/// globally unique PASIDs; every other domain has its own DID.
public struct KernelScheme: DomainIDScheme {
    public init() {}
    public var name: String { "kernel" }
    public var summary: String { "Linux today: SVA domains share the default DID 1, every other domain has its own" }
    public var isSafe: Bool { true }
    public func placement(for request: DomainIDRequest) -> DomainIDPlacement {
        if case .sva = request.kind { return .defaultDID(requiresUniquePASID: false) }
        return .own
    }
}

/// `shared-pasid`: the upstream proposal. Domains whose IOTLB entries are PASID-tagged (SVA,
/// first-stage paging, nested children) share a DID when their PASID is unique under it: DID 1
/// for SVA and first-stage domains, one DID per parent for nested children. Second-stage domains
/// keep their own DID: their entries carry no PASID, so sharing would alias translations.
public struct SharedPASIDScheme: DomainIDScheme {
    public init() {}
    public var name: String { "shared-pasid" }
    public var summary: String {
        "PASID-tagged domains (sva, first-stage, nested per parent) share a DID when their PASID is unique under it"
    }
    public var isSafe: Bool { true }
    public func placement(for request: DomainIDRequest) -> DomainIDPlacement {
        switch request.kind {
        case .secondStage: .own
        case .firstStage, .sva: .defaultDID(requiresUniquePASID: true)
        case let .nested(parent): .nestedChildren(of: parent, requiresUniquePASID: true)
        }
    }
}

/// `shared-all`: the negative control. Every domain shares DID 1, whatever its kind: second-stage
/// entries of different domains alias. The oracle must catch it.
public struct SharedAllScheme: DomainIDScheme {
    public init() {}
    public var name: String { "shared-all" }
    public var summary: String { "negative control, unsafe by construction: every domain shares DID 1" }
    public var isSafe: Bool { false }
    public func placement(for request: DomainIDRequest) -> DomainIDPlacement { .defaultDID(requiresUniquePASID: false) }
}

/// The kernel's own DIDs, as a replayed trace shows them: each domain gets on each unit the DID
/// its tags carried there, and anything the trace does not say falls back to `kernel`. Not a
/// scheme to compare (it is not in `DomainIDSchemes.all`): the replay's self-check uses it so that
/// a call's descriptors can equal the kernel's even where our allocator would number domains
/// differently (domains the trace saw only in flushes, frees the trace cannot time).
public struct TracedDomainIDScheme: DomainIDScheme {
    /// The DID of (domain, unit).
    public let dids: [IOMMUDomainID: [IOMMUUnitID: DomainID]]

    public init(dids: [IOMMUDomainID: [IOMMUUnitID: DomainID]]) { self.dids = dids }
    public var name: String { "kernel" }
    public var summary: String { "the DIDs the replayed trace shows, Linux's choice for anything it does not" }
    public var isSafe: Bool { true }
    public func placement(for request: DomainIDRequest) -> DomainIDPlacement {
        if let did = dids[request.domain]?[request.unit] { return .traced(did) }
        return KernelScheme().placement(for: request)
    }
}

/// The schemes this package ships, by name.
public enum DomainIDSchemes {
    /// Every scheme, safe ones first, the control last.
    public static let all: [any DomainIDScheme] = [PerDomainScheme(), SharedPASIDScheme(), KernelScheme(), SharedAllScheme()]

    /// The safe schemes.
    public static var safe: [any DomainIDScheme] { all.filter(\.isSafe) }

    /// The scheme called `name`, or nil.
    public static func named(_ name: String) -> (any DomainIDScheme)? { all.first { $0.name == name } }
}
