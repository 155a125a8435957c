import VTd

/// `attach-churn`: containers and VFs coming and going at a high rate on units with a small DID
/// space (`cap_ndoms`), until and beyond DID exhaustion.
///
/// A container is either a VFIO container (a second-stage domain attached at RID to `vfs` free VFs)
/// or, with probability `sva_fraction`, an SVA bind (an SVA domain attached to one random device
/// through a fresh global PASID). Each container maps `pages` pages at creation and its devices DMA
/// to them; traffic steps unmap and re-map a part (`unmap` + `flushRange`, `map`, IOVA reused) and
/// DMA again. Churn steps create a container with probability target/(target + live), else destroy
/// a random one (detach all, `destroyDomain`), so the live count hovers around `live`. With `live`
/// above what the units' DIDs can hold, attaches fail under schemes that give every domain a DID:
/// consumers count the failures and ignore that attachment's later accesses and detach
/// (see `WorkloadEvent.attach`). The modeled clock advances 1 µs per step.
package struct AttachChurnWorkload: Workload {
    package static let name = "attach-churn"
    package static let summary =
        "container/VF attach-detach churn on small DID spaces (cap_ndoms), until and beyond DID exhaustion"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "30000", .integer(1...10_000_000),
            "steps (create, destroy or traffic): the size knob"),
        .domainIDSpace(default: 64),
        WorkloadParameter("units", default: "2", .integer(1...8), "IOMMU units the VFs are spread over (round robin)"),
        WorkloadParameter("devices", default: "256", .integer(1...4096), "VFs (and SVA-capable devices) in the system"),
        WorkloadParameter(
            "live", default: "192", .integer(1...100_000),
            "target number of live containers (beyond units*(ndoms-2) exhausts DIDs)"),
        WorkloadParameter("vfs", default: "1", .integer(1...16), "VFs attached to each VFIO container"),
        WorkloadParameter(
            "sva_fraction", default: "0.25", .real(0...1),
            "fraction of new containers that are SVA binds through a PASID"),
        WorkloadParameter("ats", default: "0.25", .real(0...1), "fraction of devices with ATS"),
        WorkloadParameter("pages", default: "16", .integer(1...4096), "pages each container maps"),
        WorkloadParameter(
            "traffic", default: "0.6", .real(0...1), "fraction of steps that are DMA traffic rather than create/destroy"
        ),
        WorkloadParameter("accesses", default: "4", .integer(0...64), "DMA accesses per create or traffic step"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology

    static let basePage: UInt64 = 0x100

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        let units = parameters.integer("units")
        let devices = parameters.integer("devices")
        guard devices <= units * TopologyBuilder.devicesPerUnitLimit else {
            throw .invalidValue(
                workload: Self.name, name: "devices", value: "\(devices)",
                allowed:
                    "1...\(units * TopologyBuilder.devicesPerUnitLimit) (\(TopologyBuilder.devicesPerUnitLimit) per unit)"
            )
        }
        self.parameters = parameters
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        let ats = parameters.real("ats")
        for index in 0..<devices {
            builder.addDevice(unit: index % units, ats: hasATS(index: index, count: devices, fraction: ats))
        }
        topology = builder.build()
    }

    private struct Container {
        var domain: IOMMUDomainID
        var pasid: PASID
        var devices: [Int]
        var isSVA: Bool { !pasid.isNone }
    }

    /// Each step creates or destroys a container (attach, map, accesses) or runs traffic.
    package var estimate: WorkloadEstimate {
        let live = parameters.integer("live")
        return WorkloadEstimate(
            events: parameters.integer("operations") * (parameters.integer("accesses") + 4),
            mappings: live,
            attachments: live * parameters.integer("vfs") + topology.devices.count)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let deviceCount = topology.devices.count
        let target = parameters.integer("live")
        let vfs = parameters.integer("vfs")
        let svaFraction = parameters.real("sva_fraction")
        let pages = parameters.integer("pages")
        let traffic = parameters.real("traffic")
        let accesses = parameters.integer("accesses")

        var rng = SplitMix64(seed: seed).fork(0x6368_726e)  // "chrn"
        var out = EventRecorder(reservingCapacity: estimate.events)
        var freeVFs = Array(0..<deviceCount)
        var pasids = LowestFreeAllocator(first: 1)
        var live: [Container] = []
        var nextDomain = 0

        func dma(_ container: Container) {
            for _ in 0..<accesses {
                let device = container.devices[rng.below(container.devices.count)]
                out.emit(
                    .access(
                        device: DeviceID(device), pasid: container.pasid, page: Self.basePage + UInt64(rng.below(pages))
                    ))
            }
        }

        func create() {
            let domain = IOMMUDomainID(nextDomain)
            let container: Container
            if freeVFs.count < vfs || (svaFraction > 0 && rng.chance(svaFraction)) {
                let pasid = PASID(unchecked: UInt32(pasids.allocate()))
                container = Container(domain: domain, pasid: pasid, devices: [rng.below(deviceCount)])
                out.emit(.createDomain(domain, .sva))
            } else {
                var devices: [Int] = []
                for _ in 0..<vfs { devices.append(freeVFs.swapRemove(at: rng.below(freeVFs.count))) }
                container = Container(domain: domain, pasid: .none, devices: devices)
                out.emit(.createDomain(domain, .secondStage))
            }
            nextDomain += 1
            out.emit(.map(domain, firstPage: Self.basePage, pageCount: UInt64(pages)))
            for device in container.devices {
                out.emit(.attach(domain, device: DeviceID(device), pasid: container.pasid))
            }
            dma(container)
            live.append(container)
        }

        func destroy(_ index: Int) {
            let container = live.swapRemove(at: index)
            for device in container.devices { out.emit(.detach(device: DeviceID(device), pasid: container.pasid)) }
            out.emit(.unmap(container.domain, firstPage: Self.basePage, pageCount: UInt64(pages)))
            out.emit(.destroyDomain(container.domain))
            if container.isSVA {
                pasids.release(Int(container.pasid.rawValue))
            } else {
                freeVFs.append(contentsOf: container.devices)
            }
        }

        for _ in 0..<operations {
            if live.isEmpty || !rng.chance(traffic) {
                if rng.unit() * Double(target + live.count) < Double(target) {
                    create()
                } else {
                    destroy(rng.below(live.count))
                }
            } else {
                let container = live[rng.below(live.count)]
                let count = rng.within(1...pages)
                let first = Self.basePage + UInt64(rng.below(pages - count + 1))
                out.emit(.unmap(container.domain, firstPage: first, pageCount: UInt64(count)))
                out.emit(.flushAfterUnmap(container.domain, IOVARange(firstPage: first, pageCount: UInt64(count))))
                out.emit(.map(container.domain, firstPage: first, pageCount: UInt64(count)))
                dma(container)
            }
            out.now += 1000
        }
        while !live.isEmpty { destroy(live.count - 1) }
        return out.events
    }
}

extension Array {
    /// Removes the element at `index` in O(1) by moving the last element into its place.
    mutating func swapRemove(at index: Int) -> Element {
        swapAt(index, count - 1)
        return removeLast()
    }
}
