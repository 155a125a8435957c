import VTd

/// `pasid-fs`: first-stage paging domains attached through PASIDs to shared devices: iommufd
/// PASID attach of user-space queues, or Scalable-IOV style assignable interfaces, many per
/// device. The domains the upstream question would newly share (Linux today gives each its own
/// DID; `shared-pasid` puts them on DID 1, told apart by PASID).
///
/// Each device keeps its own second-stage DMA domain at RID (the host driver's). Interfaces come
/// and go (`churn` of the steps; create with probability target/(target + live), as
/// `attach-churn`): a new first-stage domain attached to a random device through a fresh PASID
/// (a global lowest-free allocator, as `iommu_alloc_global_pasid`), mapping `working_set`
/// mappings of 1…`max_pages` pages from per-size-class IOVA slots that recycle a freed range
/// first (Linux's IOVA rcaches, so a missed flush shows up as stale); a destroyed one is detached
/// and freed. Traffic steps pick an interface (or, a fraction `rid_traffic`, a device's RID
/// domain), remap one mapping with probability `remap_rate` (strict: `unmap` + `flushRange`,
/// then `map`) and DMA to it. The modeled clock advances 1 µs per step.
package struct PASIDFirstStageWorkload: Workload {
    package static let name = "pasid-fs"
    package static let summary =
        "first-stage paging domains attached through PASIDs to shared devices (iommufd PASID attach, SIOV interfaces), with churn"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "40000", .integer(1...10_000_000),
            "steps (an interface create/destroy, or a remap and DMA burst): the size knob"),
        WorkloadParameter("devices", default: "4", .integer(1...1024), "shared devices the interfaces attach to"),
        WorkloadParameter(
            "units", default: "2", .integer(1...8), "IOMMU units the devices are spread over (round robin)"),
        .domainIDSpace(),
        WorkloadParameter("ats", default: "0.5", .real(0...1), "fraction of devices with ATS"),
        WorkloadParameter(
            "interfaces", default: "16", .integer(1...4096),
            "target live interfaces (first-stage domains) per device, on average (interfaces x devices <= 65536)"),
        WorkloadParameter(
            "churn", default: "0.05", .real(0...1), "fraction of steps that create or destroy an interface"),
        WorkloadParameter("working_set", default: "16", .integer(1...1024), "mappings each domain keeps"),
        WorkloadParameter("max_pages", default: "16", .integer(1...16), "largest mapping in 4 KiB pages"),
        WorkloadParameter(
            "remap_rate", default: "0.5", .real(0...1), "fraction of traffic steps that remap one mapping"),
        WorkloadParameter(
            "rid_traffic", default: "0.1", .real(0...1),
            "fraction of traffic steps on a device's own second-stage RID domain"),
        WorkloadParameter("accesses", default: "4", .integer(0...64), "DMA accesses per traffic step"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        self.parameters = parameters
        let units = parameters.integer("units")
        let devices = parameters.integer("devices")
        guard devices <= units * TopologyBuilder.devicesPerUnitLimit else {
            throw .invalidValue(
                workload: Self.name, name: "devices", value: "\(devices)",
                allowed: "1...\(units * TopologyBuilder.devicesPerUnitLimit) (\(TopologyBuilder.devicesPerUnitLimit) per unit)")
        }
        // Every live interface holds a global PASID; keep them well inside the 20-bit space (and
        // the event count bounded).
        guard parameters.integer("interfaces") * devices <= 65536 else {
            throw .invalidValue(
                workload: Self.name, name: "interfaces", value: parameters["interfaces"],
                allowed: "1...\(65536 / devices) with \(devices) devices (at most 65536 live interfaces)")
        }
        let ats = parameters.real("ats")
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        for index in 0..<devices {
            builder.addDevice(unit: index % units, ats: hasATS(index: index, count: devices, fraction: ats))
        }
        topology = builder.build()
    }

    /// A domain with its attachment and mappings (first page, pages, size class).
    private struct Space {
        var domain: IOMMUDomainID
        var device: DeviceID
        var pasid: PASID
        var slots = IOVASlots(maximumOrder: 4)
        var mappings: [(firstPage: UInt64, pages: Int)] = []
    }

    /// Set-up maps every interface's working set; each step is a few events plus `accesses`.
    package var estimate: WorkloadEstimate {
        let devices = topology.devices.count
        let spaces = parameters.integer("interfaces") * devices + devices
        let workingSet = parameters.integer("working_set")
        return WorkloadEstimate(
            events: parameters.integer("operations") * (parameters.integer("accesses") + 3) + spaces * (workingSet + 4),
            mappings: spaces * workingSet,
            attachments: spaces)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let deviceCount = topology.devices.count
        let target = parameters.integer("interfaces") * deviceCount
        let churn = parameters.real("churn")
        let workingSet = parameters.integer("working_set")
        let maxPages = parameters.integer("max_pages")
        let remapRate = parameters.real("remap_rate")
        let ridTraffic = parameters.real("rid_traffic")
        let accesses = parameters.integer("accesses")

        var rng = SplitMix64(seed: seed).fork(0x7066_7331)  // "pfs1"
        var out = EventRecorder(reservingCapacity: estimate.events)
        var pasids = LowestFreeAllocator(first: 1)
        var nextDomain = 0

        func mapNew(_ space: inout Space) {
            let pages = maxPages == 1 ? 1 : rng.within(1...maxPages)
            let firstPage = space.slots.allocate(order: IOVASlots.order(ofPages: pages))
            space.mappings.append((firstPage, pages))
            out.emit(.map(space.domain, firstPage: firstPage, pageCount: UInt64(pages)))
        }
        func start(kind: DomainKind, device: DeviceID, pasid: PASID) -> Space {
            var space = Space(domain: IOMMUDomainID(nextDomain), device: device, pasid: pasid)
            nextDomain += 1
            out.emit(.createDomain(space.domain, kind))
            out.emit(.attach(space.domain, device: device, pasid: pasid))
            for _ in 0..<workingSet { mapNew(&space) }
            return space
        }
        func stop(_ space: Space) {
            out.emit(.detach(device: space.device, pasid: space.pasid))
            out.emit(.destroyDomain(space.domain))
        }
        func traffic(_ space: inout Space) {
            if remapRate > 0, rng.chance(remapRate), !space.mappings.isEmpty {
                let victim = space.mappings.swapRemove(at: rng.below(space.mappings.count))
                let range = IOVARange(firstPage: victim.firstPage, pageCount: UInt64(victim.pages))
                out.emit(.unmap(space.domain, firstPage: range.firstPage, pageCount: range.pageCount))
                out.emit(.flushAfterUnmap(space.domain, range))
                // Strict mode: the IOVA is free once flushed, and the next mapping of its size reuses it.
                space.slots.release(page: victim.firstPage, order: IOVASlots.order(ofPages: victim.pages))
                mapNew(&space)
            }
            guard !space.mappings.isEmpty else { return }
            for _ in 0..<accesses {
                let mapping = space.mappings[rng.below(space.mappings.count)]
                out.emit(
                    .access(
                        device: space.device, pasid: space.pasid, page: mapping.firstPage + UInt64(rng.below(mapping.pages))))
            }
        }

        var ridDomains = (0..<deviceCount).map { start(kind: .secondStage, device: DeviceID($0), pasid: .none) }
        var interfaces: [Space] = []
        // Start at the target population, so churn moves around it rather than growing toward it.
        for _ in 0..<target {
            let pasid = PASID(unchecked: UInt32(pasids.allocate()))
            interfaces.append(start(kind: .firstStage, device: DeviceID(rng.below(deviceCount)), pasid: pasid))
        }
        for _ in 0..<operations {
            if interfaces.isEmpty || (churn > 0 && rng.chance(churn)) {
                if interfaces.isEmpty || rng.unit() * Double(target + interfaces.count) < Double(target) {
                    let pasid = PASID(unchecked: UInt32(pasids.allocate()))
                    interfaces.append(start(kind: .firstStage, device: DeviceID(rng.below(deviceCount)), pasid: pasid))
                } else {
                    let space = interfaces.swapRemove(at: rng.below(interfaces.count))
                    stop(space)
                    pasids.release(Int(space.pasid.rawValue))
                }
            } else if ridTraffic > 0, rng.chance(ridTraffic) {
                traffic(&ridDomains[rng.below(deviceCount)])
            } else {
                traffic(&interfaces[rng.below(interfaces.count)])
            }
            out.now += 1000
        }
        for space in interfaces.reversed() { stop(space) }
        for space in ridDomains { stop(space) }
        return out.events
    }
}
