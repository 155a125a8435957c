import VTd

/// What an attachment holds: its DID and where the DID came from, so release returns it to
/// the right place.
public struct DomainIDLease: Hashable, Sendable {
    public enum Holder: Hashable, Sendable {
        case own(IOMMUDomainID)
        case defaultDID
        case nestedChildren(of: IOMMUDomainID)
        /// A DID fixed by a replayed trace (`DomainIDPlacement.traced`).
        case traced
    }

    public let did: DomainID
    public let unit: IOMMUUnitID
    public let holder: Holder
    public let pasid: PASID
    public let domain: IOMMUDomainID
    /// Whether the ledger recorded `domain` as the owner of (unit, DID, PASID): only shared
    /// placements that rely on unique PASIDs do.
    var ownsPASID = false
}

/// The books behind every DID scheme: per-unit allocators, reference counts of own and shared
/// DIDs, and which domain owns each (unit, DID, PASID) so shared placements stay unambiguous.
public struct DomainIDLedger: Sendable {
    private struct OwnKey: Hashable { let domain: IOMMUDomainID; let unit: IOMMUUnitID }
    private struct SharedKey: Hashable { let parent: IOMMUDomainID; let unit: IOMMUUnitID }
    private struct PASIDKey: Hashable { let unit: IOMMUUnitID; let did: DomainID; let pasid: PASID }
    private struct Counted<Value: Sendable>: Sendable { let value: Value; var users: Int }

    private var allocators: [IOMMUUnitID: DomainIDAllocator]
    private var ownDIDs: [OwnKey: Counted<DomainID>] = [:]
    private var sharedDIDs: [SharedKey: Counted<DomainID>] = [:]
    private var defaultDIDUsers: [IOMMUUnitID: Int] = [:]
    private var pasidOwners: [PASIDKey: Counted<IOMMUDomainID>] = [:]
    private struct TracedKey: Hashable { let unit: IOMMUUnitID; let did: DomainID }
    private var tracedUsers: [TracedKey: Int] = [:]

    /// DIDs in use now, summed over units (allocated ones plus DID 1 where anything uses it).
    public private(set) var didsInUse = 0
    /// The most DIDs in use at any one time.
    public private(set) var peakDIDsInUse = 0
    /// Shared placements that fell back to an own DID because the PASID was taken under the shared DID.
    public private(set) var sharingFallbacks = 0

    public init(units: [IOMMUUnit]) {
        allocators = Dictionary(
            uniqueKeysWithValues: units.map { ($0.id, DomainIDAllocator(unit: $0.id, space: $0.capabilities.domainIDs)) })
    }

    /// Chooses and records the DID for one attachment under `scheme`.
    public mutating func acquire(_ request: DomainIDRequest, scheme: some DomainIDScheme) throws(DomainIDError)
        -> DomainIDLease
    {
        var lease: DomainIDLease
        var requiresUniquePASID = false
        switch scheme.placement(for: request) {
        case .own:
            lease = try acquireOwn(request)
        case let .defaultDID(unique):
            requiresUniquePASID = unique
            if unique, isTaken(.firstStageDefault, request) {
                lease = try acquireOwn(request)
                sharingFallbacks += 1
            } else {
                defaultDIDUsers[request.unit, default: 0] += 1
                if defaultDIDUsers[request.unit] == 1 { countDID(+1) }
                lease = DomainIDLease(
                    did: .firstStageDefault, unit: request.unit, holder: .defaultDID, pasid: request.pasid,
                    domain: request.domain)
            }
        case let .traced(did):
            let key = TracedKey(unit: request.unit, did: did)
            tracedUsers[key, default: 0] += 1
            if tracedUsers[key] == 1 { countDID(+1) }
            lease = DomainIDLease(did: did, unit: request.unit, holder: .traced, pasid: request.pasid, domain: request.domain)
        case let .nestedChildren(parent, unique):
            requiresUniquePASID = unique
            let key = SharedKey(parent: parent, unit: request.unit)
            if unique, let shared = sharedDIDs[key], isTaken(shared.value, request) {
                lease = try acquireOwn(request)
                sharingFallbacks += 1
            } else {
                if sharedDIDs[key] == nil {
                    sharedDIDs[key] = Counted(value: try allocate(on: request.unit), users: 0)
                }
                sharedDIDs[key]!.users += 1
                lease = DomainIDLease(
                    did: sharedDIDs[key]!.value, unit: request.unit, holder: .nestedChildren(of: parent),
                    pasid: request.pasid, domain: request.domain)
            }
        }
        // Ownership of (unit, DID, PASID) matters only where sharing relies on unique PASIDs; an own
        // DID is never shared, and schemes that share without the rule take no ownership.
        if requiresUniquePASID, lease.holder != .own(request.domain) {
            pasidOwners[PASIDKey(unit: lease.unit, did: lease.did, pasid: lease.pasid), default: Counted(value: request.domain, users: 0)]
                .users += 1
            lease.ownsPASID = true
        }
        return lease
    }

    /// Returns what `lease` holds.
    public mutating func release(_ lease: DomainIDLease) {
        if lease.ownsPASID {
            let pasidKey = PASIDKey(unit: lease.unit, did: lease.did, pasid: lease.pasid)
            pasidOwners[pasidKey]!.users -= 1
            if pasidOwners[pasidKey]!.users == 0 { pasidOwners[pasidKey] = nil }
        }
        switch lease.holder {
        case let .own(domain):
            let key = OwnKey(domain: domain, unit: lease.unit)
            ownDIDs[key]!.users -= 1
            if ownDIDs[key]!.users == 0 {
                ownDIDs[key] = nil
                free(lease.did, on: lease.unit)
            }
        case .defaultDID:
            defaultDIDUsers[lease.unit]! -= 1
            if defaultDIDUsers[lease.unit] == 0 { countDID(-1) }
        case .traced:
            let key = TracedKey(unit: lease.unit, did: lease.did)
            tracedUsers[key]! -= 1
            if tracedUsers[key] == 0 {
                tracedUsers[key] = nil
                countDID(-1)
            }
        case let .nestedChildren(parent):
            let key = SharedKey(parent: parent, unit: lease.unit)
            sharedDIDs[key]!.users -= 1
            if sharedDIDs[key]!.users == 0 {
                sharedDIDs[key] = nil
                free(lease.did, on: lease.unit)
            }
        }
    }

    /// Whether another domain already uses `request.pasid` under `did` on the unit.
    private func isTaken(_ did: DomainID, _ request: DomainIDRequest) -> Bool {
        guard let owner = pasidOwners[PASIDKey(unit: request.unit, did: did, pasid: request.pasid)] else { return false }
        return owner.value != request.domain
    }

    private mutating func acquireOwn(_ request: DomainIDRequest) throws(DomainIDError) -> DomainIDLease {
        let key = OwnKey(domain: request.domain, unit: request.unit)
        if ownDIDs[key] == nil { ownDIDs[key] = Counted(value: try allocate(on: request.unit), users: 0) }
        ownDIDs[key]!.users += 1
        return DomainIDLease(
            did: ownDIDs[key]!.value, unit: request.unit, holder: .own(request.domain), pasid: request.pasid,
            domain: request.domain)
    }

    private mutating func allocate(on unit: IOMMUUnitID) throws(DomainIDError) -> DomainID {
        guard allocators[unit] != nil else { preconditionFailure("no allocator for \(unit)") }
        let did = try allocators[unit]!.allocate()
        countDID(+1)
        return did
    }

    private mutating func free(_ did: DomainID, on unit: IOMMUUnitID) {
        allocators[unit]!.free(did)
        countDID(-1)
    }

    private mutating func countDID(_ delta: Int) {
        didsInUse += delta
        peakDIDsInUse = max(peakDIDsInUse, didsInUse)
    }
}
