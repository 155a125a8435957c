import VTd

/// The attach/detach side of the driver: domains, their tables, and which DID every attachment
/// got from the scheme (Linux: `dmar_domain_attach_device`, `intel_iommu_set_dev_pasid`,
/// `cache_tag_assign_domain`, `cache_tag_assign_parent_domain` and their unassign twins).
///
/// An attachment of a domain to (device, PASID) takes a DID from the scheme and assigns an IOTLB
/// tag, a DEVTLB tag when the device has ATS, and for a nested domain NESTING_IOTLB/NESTING_DEVTLB
/// tags (with the child's DID and PASID) on the second-stage parent's table. Flushes are routed to
/// the domain's table. Generic over the table so the timed path is specialized.
public final class CacheTagDirectory<Table: CacheTagTable> {
    /// One live attachment.
    public struct Attachment: Sendable {
        public let domain: IOMMUDomainID
        public let kind: DomainKind
        public let device: Device
        public let lease: DomainIDLease
        /// The tags it assigned, with the domain whose table holds each.
        public let tags: [(owner: IOMMUDomainID, tag: CacheTag)]
        public var domainID: DomainID { lease.did }
        /// The PASID its IOTLB entries are tagged with (`Device.taggedPASID`): the attachment's
        /// PASID, or the device's RID_PASID for the RID attachment.
        public var pasid: PASID { lease.pasid }
    }

    private struct AttachmentKey: Hashable { let device: DeviceID; let pasid: PASID }

    private struct DomainState {
        let kind: DomainKind
        let table: Table
        var attachments = 0
        var children = 0
    }

    public let units: [IOMMUUnit]
    public let devices: [Device]
    public let scheme: any DomainIDScheme
    private var ledger: DomainIDLedger
    private var domains: [IOMMUDomainID: DomainState] = [:]
    private var attachments: [AttachmentKey: Attachment] = [:]
    private let makeTable: (Bool) -> Table
    /// Attachments refused because the scheme could not get a DID.
    public private(set) var attachFailures = 0

    /// A directory over a fixed topology. Device indices must match their position in `devices`.
    public init(
        units: [IOMMUUnit], devices: [Device], scheme: any DomainIDScheme,
        makeTable: @escaping (Bool) -> Table = { Table(domainUsesFirstStage: $0) }
    ) {
        self.units = units
        self.devices = devices
        self.scheme = scheme
        self.ledger = DomainIDLedger(units: units)
        self.makeTable = makeTable
    }

    /// DIDs in use now, summed over units.
    public var didsInUse: Int { ledger.didsInUse }
    /// The most DIDs in use at any one time.
    public var peakDIDsInUse: Int { ledger.peakDIDsInUse }
    /// Shared placements that fell back to an own DID (PASID already taken under the shared DID).
    public var sharingFallbacks: Int { ledger.sharingFallbacks }

    /// Creates an empty domain. A nested domain's parent must exist and be second-stage.
    public func createDomain(_ id: IOMMUDomainID, kind: DomainKind) throws(DirectoryError) {
        guard domains[id] == nil else { throw .domainExists(id) }
        if let parent = kind.parent {
            guard let parentState = domains[parent] else { throw .unknownDomain(parent) }
            guard parentState.kind == .secondStage else { throw .parentNotSecondStage(child: id, parent: parent) }
            domains[parent]!.children += 1
        }
        domains[id] = DomainState(kind: kind, table: makeTable(kind.usesFirstStage))
    }

    /// Destroys a domain with no attachments and no nested children.
    public func destroyDomain(_ id: IOMMUDomainID) throws(DirectoryError) {
        guard let state = domains[id] else { throw .unknownDomain(id) }
        guard state.attachments == 0, state.children == 0 else { throw .domainBusy(id) }
        if let parent = state.kind.parent { domains[parent]!.children -= 1 }
        domains[id] = nil
    }

    /// The domain's kind, if it exists.
    public func kind(of id: IOMMUDomainID) -> DomainKind? { domains[id]?.kind }

    /// The domain's table, if it exists.
    public func table(of id: IOMMUDomainID) -> Table? { domains[id]?.table }

    /// Every domain that exists, in id order.
    public var domainIDs: [IOMMUDomainID] { domains.keys.sorted() }

    /// The attachment on (device, PASID), if any: what the modeled IOMMU resolves a DMA through.
    public func attachment(device: DeviceID, pasid: PASID) -> Attachment? {
        attachments[AttachmentKey(device: device, pasid: pasid)]
    }

    /// Every live attachment.
    public var allAttachments: [Attachment] { Array(attachments.values) }

    /// Attaches `domain` to (device, PASID). A DID the scheme cannot find is a counted failure.
    @discardableResult
    public func attach(_ domain: IOMMUDomainID, device deviceID: DeviceID, pasid: PASID) throws(DirectoryError)
        -> Attachment
    {
        guard let state = domains[domain] else { throw .unknownDomain(domain) }
        guard devices.indices.contains(deviceID.rawValue) else { throw .unknownDevice(deviceID) }
        let device = devices[deviceID.rawValue]
        let key = AttachmentKey(device: deviceID, pasid: pasid)
        guard attachments[key] == nil else { throw .alreadyAttached(device: deviceID, pasid: pasid) }
        guard let unit = units.first(where: { $0.id == device.iommu }) else { throw .unknownUnit(device.iommu) }

        // IOTLB-side tags and the DID choice use the PASID the hardware tags entries with (the
        // RID_PASID for the RID attachment); device-TLB tags the one the device's requests carry.
        let taggedPASID = device.taggedPASID(pasid)
        let lease: DomainIDLease
        do {
            lease = try ledger.acquire(
                DomainIDRequest(domain: domain, kind: state.kind, unit: unit.id, pasid: taggedPASID), scheme: scheme)
        } catch {
            attachFailures += 1
            throw .domainID(error)
        }
        var tags: [(owner: IOMMUDomainID, tag: CacheTag)] = [
            (domain, CacheTag(type: .iotlb, unit: unit, device: device, domainID: lease.did, pasid: taggedPASID))
        ]
        if device.hasATS {
            tags.append((domain, CacheTag(type: .devtlb, unit: unit, device: device, domainID: lease.did, pasid: pasid)))
        }
        if let parent = state.kind.parent {
            tags.append(
                (parent, CacheTag(type: .nestingIotlb, unit: unit, device: device, domainID: lease.did, pasid: taggedPASID)))
            if device.hasATS {
                tags.append(
                    (parent, CacheTag(type: .nestingDevtlb, unit: unit, device: device, domainID: lease.did, pasid: pasid)))
            }
        }
        for (owner, tag) in tags { domains[owner]!.table.assign(tag) }
        domains[domain]!.attachments += 1
        let attachment = Attachment(domain: domain, kind: state.kind, device: device, lease: lease, tags: tags)
        attachments[key] = attachment
        return attachment
    }

    /// Detaches whatever domain is on (device, PASID); returns that attachment.
    @discardableResult
    public func detach(device: DeviceID, pasid: PASID) throws(DirectoryError) -> Attachment {
        let key = AttachmentKey(device: device, pasid: pasid)
        guard let attachment = attachments[key] else { throw .notAttached(device: device, pasid: pasid) }
        for (owner, tag) in attachment.tags {
            do { try domains[owner]!.table.unassign(tag) } catch { throw .table(error) }
        }
        attachments[key] = nil
        domains[attachment.domain]!.attachments -= 1
        ledger.release(attachment.lease)
        return attachment
    }

    /// `cache_tag_flush_range` on the domain.
    @discardableResult
    public func flushRange<Sink: InvalidationSink>(
        _ domain: IOMMUDomainID, _ range: IOVARange, invalidationHint: Bool = false, into sink: inout Sink
    ) throws(DirectoryError) -> Int {
        guard let table = domains[domain]?.table else { throw .unknownDomain(domain) }
        return table.flushRange(range, invalidationHint: invalidationHint, into: &sink)
    }

    /// `cache_tag_flush_all` on the domain.
    @discardableResult
    public func flushAll<Sink: InvalidationSink>(_ domain: IOMMUDomainID, into sink: inout Sink) throws(DirectoryError)
        -> Int
    {
        guard let table = domains[domain]?.table else { throw .unknownDomain(domain) }
        return table.flushAll(into: &sink)
    }

    /// `cache_tag_flush_range_np` on the domain.
    @discardableResult
    public func flushRangeForNewMappings<Sink: InvalidationSink>(
        _ domain: IOMMUDomainID, _ range: IOVARange, into sink: inout Sink
    ) throws(DirectoryError) -> Int {
        guard let table = domains[domain]?.table else { throw .unknownDomain(domain) }
        return table.flushRangeForNewMappings(range, into: &sink)
    }

    /// Total bytes of every domain's table storage.
    public var footprintBytes: Int { domains.values.reduce(0) { $0 + $1.table.footprintBytes } }
    /// Total distinct tags over every domain's table.
    public var tagCount: Int { domains.values.reduce(0) { $0 + $1.table.tagCount } }
}

/// Why the directory refused an operation; each names what it refers to.
public enum DirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case domainExists(IOMMUDomainID)
    case unknownDomain(IOMMUDomainID)
    case unknownDevice(DeviceID)
    case unknownUnit(IOMMUUnitID)
    case parentNotSecondStage(child: IOMMUDomainID, parent: IOMMUDomainID)
    case domainBusy(IOMMUDomainID)
    case alreadyAttached(device: DeviceID, pasid: PASID)
    case notAttached(device: DeviceID, pasid: PASID)
    /// The scheme could not get a DID: an attach failure to count.
    case domainID(DomainIDError)
    case table(CacheTagError)

    public var description: String {
        switch self {
        case let .domainExists(id): "\(id) already exists"
        case let .unknownDomain(id): "\(id) does not exist"
        case let .unknownDevice(id): "\(id) does not exist"
        case let .unknownUnit(id): "\(id) does not exist"
        case let .parentNotSecondStage(child, parent): "\(child): nested parent \(parent) is not a second-stage domain"
        case let .domainBusy(id): "\(id) still has attachments or nested children"
        case let .alreadyAttached(device, pasid): "\(device) \(pasid) is already attached"
        case let .notAttached(device, pasid): "\(device) \(pasid) is not attached"
        case let .domainID(error): error.description
        case let .table(error): error.description
        }
    }
}
