import VTd

/// The modeled IOMMU hardware behind a topology: an IOTLB per unit, a device TLB per ATS device,
/// every domain's page table with mapping generations, the attachments DMA resolves through, the
/// invalidation queues with their cost model, and the safety oracle.
///
/// It is an `InvalidationSink`, so a cache-tag walk feeds it directly:
/// ```
/// try model.beginFlush(of: domain, range: range, reason: .range)
/// try directory.flushRange(domain, range, into: &model)
/// try model.completeFlush()          // oracle: nothing stale left in the domain's range
/// ```
///
/// The oracle has two rules (docs/design.md §3):
/// - **stale**: when a flush of domain D over range R completes, no IOTLB or device-TLB entry
///   filled for D may still translate a page of R to a mapping that no longer exists (unmapped, or
///   mapped again with a newer generation). When D is a second-stage parent the rule covers its
///   nested children's entries too: their translations went through D (NESTING tags);
/// - **cross-domain**: a lookup may never hit an entry filled for another domain than the one the
///   (device, PASID) attachment resolves to now. Entries record the domain incarnation
///   (`DomainSerial`) they were filled for, so this also catches reuse of a freed DID.
///
/// Nested translation: a nested child's first stage is modeled as the identity from IOVA to
/// guest-physical address, so the child translates page p when the child maps p and its parent
/// maps p; entries record both generations. A workload that wants nested DMA to succeed maps the
/// same pages in both.
package struct IOMMUModel: InvalidationSink, Sendable {
    struct DomainRecord: Sendable {
        let id: IOMMUDomainID
        let kind: DomainKind
        let parent: DomainSerial
        var pageTable = PageTable()
        var attachments = 0
        var children = 0
        var alive = true
    }

    struct AttachmentKey: Hashable, Sendable {
        let device: DeviceID
        let pasid: PASID
    }

    /// What IOTLB entries of an attachment are tagged with on its unit (VT-d spec §6.2.1): the
    /// DID, and the PASID for first-stage and nested translations only.
    struct IOTLBTagKey: Hashable, Sendable {
        let unit: IOMMUUnitID
        let domainID: DomainID
        let pasid: PASID?
    }

    struct SourceKey: Hashable, Sendable {
        let unit: Int
        let source: SourceID
    }

    /// Geometry, costs and strictness the model was built with.
    package let configuration: ModelConfiguration
    /// The IOMMU units, one IOTLB and invalidation queue each.
    package let units: [IOMMUUnit]
    /// The devices; device i has `DeviceID(i)`.
    package let devices: [Device]
    var iotlbs: [IOTLB]
    var deviceTLBs: [DeviceTLB?]
    let unitIndex: [IOMMUUnitID: Int]
    let devicesBySource: [SourceKey: [Int]]
    var domains: [DomainRecord] = []
    var liveDomains: [IOMMUDomainID: DomainSerial] = [:]
    /// Live attachments per IOTLB tag, by domain: more than one domain under a key is an alias.
    var attachmentsByTag: [IOTLBTagKey: [DomainSerial: Int]] = [:]
    var attachments: [AttachmentKey: ModeledAttachment] = [:]
    var nextGeneration: UInt64 = 1
    var context: FlushContext?

    /// Cache and oracle counts.
    package internal(set) var counters = ModelCounters()
    /// Invalidation queue counts and modeled queue time.
    package internal(set) var queue = InvalidationQueueCounters()
    /// The first oracle violation of the run, strict or not.
    package internal(set) var firstViolation: OracleViolation?

    /// A model of `units` and `devices` (device i must have `DeviceID(i)`, every device behind a
    /// listed unit, as `Workloads.Topology` guarantees).
    package init(units: [IOMMUUnit], devices: [Device], configuration: ModelConfiguration = .init()) throws(ModelError) {
        self.configuration = configuration
        self.units = units
        self.devices = devices
        var unitIndex: [IOMMUUnitID: Int] = [:]
        for (index, unit) in units.enumerated() {
            guard unitIndex.updateValue(index, forKey: unit.id) == nil else {
                throw .invalidTopology("\(unit.id) listed twice")
            }
        }
        var bySource: [SourceKey: [Int]] = [:]
        var deviceTLBs: [DeviceTLB?] = []
        for (index, device) in devices.enumerated() {
            guard device.id.rawValue == index else {
                throw .invalidTopology("device at position \(index) has id \(device.id.rawValue)")
            }
            guard let unit = unitIndex[device.iommu] else {
                throw .invalidTopology("\(device.id) is behind \(device.iommu), which is not listed")
            }
            bySource[SourceKey(unit: unit, source: device.source), default: []].append(index)
            deviceTLBs.append(device.hasATS ? try DeviceTLB(entries: configuration.deviceTLBEntries) : nil)
        }
        var iotlbs: [IOTLB] = []
        for _ in units {
            iotlbs.append(
                try IOTLB(
                    entries: configuration.iotlbEntries, ways: configuration.iotlbWays, setIndex: configuration.iotlbSetIndex,
                    pasidPrecision: configuration.pasidSelectivePrecision))
        }
        self.unitIndex = unitIndex
        self.devicesBySource = bySource
        self.deviceTLBs = deviceTLBs
        self.iotlbs = iotlbs
    }

    // MARK: Domains and page tables

    /// A new, empty domain. A nested domain's parent must exist and be second-stage.
    package mutating func createDomain(_ id: IOMMUDomainID, kind: DomainKind) throws(ModelError) {
        guard liveDomains[id] == nil else { throw .domainExists(id) }
        var parent = DomainSerial.none
        if let parentID = kind.parent {
            guard let parentSerial = liveDomains[parentID] else { throw .unknownDomain(parentID) }
            guard domains[index(parentSerial)].kind == .secondStage else {
                throw .parentNotSecondStage(child: id, parent: parentID)
            }
            parent = parentSerial
            domains[index(parentSerial)].children += 1
        }
        let serial = DomainSerial(Int32(domains.count))
        domains.append(DomainRecord(id: id, kind: kind, parent: parent))
        liveDomains[id] = serial
    }

    /// Destroys a domain with no attachments and no nested children. Entries filled for it may
    /// linger in the caches; they belong to a dead serial, so any later hit on one is cross-domain.
    package mutating func destroyDomain(_ id: IOMMUDomainID) throws(ModelError) {
        guard let serial = liveDomains[id] else { throw .unknownDomain(id) }
        let record = domains[index(serial)]
        guard record.attachments == 0, record.children == 0 else { throw .domainBusy(id) }
        if record.parent != .none { domains[index(record.parent)].children -= 1 }
        domains[index(serial)].alive = false
        domains[index(serial)].pageTable = PageTable()
        liveDomains[id] = nil
    }

    /// Maps the unmapped pages of the range with a fresh generation.
    package mutating func map(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64) throws(ModelError) {
        let serial = try self.serial(domain)
        domains[index(serial)].pageTable.map(firstPage: firstPage, pageCount: pageCount, generation: nextGeneration)
        nextGeneration += 1
    }

    /// Unmaps the range. Cached translations of it stay until a flush removes them.
    package mutating func unmap(_ domain: IOMMUDomainID, firstPage: UInt64, pageCount: UInt64) throws(ModelError) {
        let serial = try self.serial(domain)
        domains[index(serial)].pageTable.unmap(firstPage: firstPage, pageCount: pageCount)
    }

    // MARK: Attachments

    /// Programs the PASID-table entry of (device, PASID) for `domain` with `domainID`: from now on
    /// DMA through it resolves to the domain.
    @discardableResult
    ///
    /// The oracle checks the attachment against every live one on the unit: another domain with
    /// the same IOTLB tag (DID, PASID-or-none) means the two share translations in the IOTLB, which
    /// is recorded as an `aliasedAttachment` violation (thrown in strict mode, as `ModelError.oracle`)
    /// whether or not their IOVAs ever collide.
    package mutating func attach(_ domain: IOMMUDomainID, device: DeviceID, pasid: PASID, domainID: DomainID)
        throws(ModelError) -> ModeledAttachment
    {
        let serial = try self.serial(domain)
        guard devices.indices.contains(device.rawValue) else { throw .unknownDevice(device) }
        let key = AttachmentKey(device: device, pasid: pasid)
        guard attachments[key] == nil else { throw .alreadyAttached(device: device, pasid: pasid) }
        let attachment = ModeledAttachment(
            domain: domain, serial: serial, kind: TranslationKind(domains[index(serial)].kind), device: device,
            pasid: pasid, taggedPASID: devices[device.rawValue].taggedPASID(pasid), domainID: domainID,
            unit: devices[device.rawValue].iommu)
        attachments[key] = attachment
        domains[index(serial)].attachments += 1
        let tag = IOTLBTagKey(unit: attachment.unit, domainID: domainID, pasid: attachment.iotlbPASID)
        let others = attachmentsByTag[tag, default: [:]].keys.filter { $0 != serial }.sorted()
        attachmentsByTag[tag, default: [:]][serial, default: 0] += 1
        if let other = others.first {
            let violation = OracleViolation(
                kind: .aliasedAttachment,
                detail: "\(device) \(pasid) of \(name(serial)) uses did \(domainID.rawValue) "
                    + "\(attachment.iotlbPASID.map { "pasid \($0.rawValue)" } ?? "without pasid") on \(attachment.unit), "
                    + "already used by \(name(other))")
            do { try record(violation) } catch { throw .oracle(error) }
        }
        return attachment
    }

    /// Clears the PASID-table entry of (device, PASID). The caches are untouched: the caller
    /// submits the tear-down invalidations (`FlushReason.teardown`).
    @discardableResult
    package mutating func detach(device: DeviceID, pasid: PASID) throws(ModelError) -> ModeledAttachment {
        guard let attachment = attachments.removeValue(forKey: AttachmentKey(device: device, pasid: pasid)) else {
            throw .notAttached(device: device, pasid: pasid)
        }
        domains[index(attachment.serial)].attachments -= 1
        let tag = IOTLBTagKey(unit: attachment.unit, domainID: attachment.domainID, pasid: attachment.iotlbPASID)
        attachmentsByTag[tag]![attachment.serial]! -= 1
        if attachmentsByTag[tag]![attachment.serial] == 0 { attachmentsByTag[tag]![attachment.serial] = nil }
        if attachmentsByTag[tag]!.isEmpty { attachmentsByTag[tag] = nil }
        return attachment
    }

    // MARK: Inspection

    /// The attachment DMA through (device, PASID) resolves to now.
    package func attachment(device: DeviceID, pasid: PASID) -> ModeledAttachment? {
        attachments[AttachmentKey(device: device, pasid: pasid)]
    }

    /// The live incarnation of `domain`.
    package func serial(of domain: IOMMUDomainID) -> DomainSerial? { liveDomains[domain] }

    /// The live domain's page table.
    package func pageTable(of domain: IOMMUDomainID) -> PageTable? {
        liveDomains[domain].map { domains[index($0)].pageTable }
    }

    /// The unit's IOTLB.
    package func iotlb(of unit: IOMMUUnitID) -> IOTLB? { unitIndex[unit].map { iotlbs[$0] } }

    /// The device's TLB, nil when it has no ATS.
    package func deviceTLB(of device: DeviceID) -> DeviceTLB? {
        deviceTLBs.indices.contains(device.rawValue) ? deviceTLBs[device.rawValue] : nil
    }

    // MARK: Helpers

    @inline(__always)
    func index(_ serial: DomainSerial) -> Int { Int(serial.rawValue) }

    func serial(_ domain: IOMMUDomainID) throws(ModelError) -> DomainSerial {
        guard let serial = liveDomains[domain] else { throw .unknownDomain(domain) }
        return serial
    }

    /// `domainN`, or `domainN (destroyed)` for a dead incarnation.
    func name(_ serial: DomainSerial) -> String {
        guard serial != .none, domains.indices.contains(index(serial)) else { return "no domain" }
        let record = domains[index(serial)]
        return record.alive ? record.id.description : "\(record.id) (destroyed)"
    }

    func name(unit: Int) -> String { units[unit].id.description }
}
