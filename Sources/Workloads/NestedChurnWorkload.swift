import VTd

/// `nested-churn`: a vIOMMU guest on one second-stage parent (its GPA → HPA, as iommufd's nest
/// parent) whose nested first-stage children come and go mid-run, the case where a shared DID per
/// parent meets detach tear-downs.
///
/// Every assigned device starts with a guest DMA domain at RID (a nested child). Guest processes
/// bind to devices (vSVA: a new nested child attached through the guest's PASID, from a global
/// lowest-free allocator as Linux guests allocate SVA PASIDs) and unbind (detach, destroy); the
/// guest switches a device's DMA domain (detach the RID child, attach a new one). Between the
/// churn, guest-forwarded invalidations reach the children: a per-PASID range (`unmap` +
/// `flushRange` of one mapping) or, with probability `flush_all_rate`, a guest-wide flush of the
/// child (several unmaps, one `flushAll`, as the guest's flush queue drains), then remaps and DMA.
/// Parent operations unplug or replug 2 MiB blocks of guest RAM (`unmap` + `flushRange` on the
/// parent, which must reach every child through the NESTING tags). Children map IOVA = GPA in
/// 16-page slots of plugged blocks, as in `nested-s2`.
///
/// The kernel tears a nested PASID entry down with a domain-selective IOTLB flush
/// (`intel_pasid_tear_down_entry`, PGTT nested), so under a DID shared by the parent's children
/// every unbind and domain switch drops the siblings' entries too: `hw.iotlb.collateral.teardown`
/// measures it. The modeled clock advances 1 µs per step.
package struct NestedChurnWorkload: Workload {
    package static let name = "nested-churn"
    package static let summary =
        "vIOMMU guest whose nested children attach and detach mid-run (vSVA bind/unbind, domain switches) on one shared parent"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "40000", .integer(1...10_000_000),
            "steps (a bind/unbind, a domain switch, a parent unplug/replug, or a child invalidation + DMA): the size knob"),
        WorkloadParameter("devices", default: "4", .integer(1...256), "devices assigned to the guest, each with a RID child"),
        WorkloadParameter(
            "units", default: "2", .integer(1...8), "IOMMU units the devices are spread over (round robin)"),
        .domainIDSpace(),
        WorkloadParameter("ats", default: "0.5", .real(0...1), "fraction of devices with ATS"),
        WorkloadParameter(
            "ram_mib", default: "1024", .integer(16...65536), "guest RAM the parent maps, in MiB (2 MiB blocks)"),
        WorkloadParameter("binds", default: "8", .integer(0...64), "most vSVA binds live per device at once"),
        WorkloadParameter(
            "bind_rate", default: "0.05", .real(0...1), "fraction of steps that bind or unbind a guest process (vSVA)"),
        WorkloadParameter(
            "switch_rate", default: "0.01", .real(0...1),
            "fraction of steps that switch a device's guest DMA domain at RID"),
        WorkloadParameter(
            "parent_rate", default: "0.02", .real(0...1),
            "fraction of steps that unplug or replug a 2 MiB block of the parent"),
        WorkloadParameter(
            "flush_all_rate", default: "0.1", .real(0...1),
            "fraction of guest invalidations that are guest-wide (flush_all of the child) rather than one range"),
        WorkloadParameter(
            "remap_rate", default: "0.3", .real(0...1), "fraction of child steps with a guest invalidation and remap"),
        WorkloadParameter("working_set", default: "16", .integer(1...1024), "mappings each child keeps"),
        WorkloadParameter("max_pages", default: "16", .integer(1...16), "largest child mapping in 4 KiB pages"),
        WorkloadParameter("accesses", default: "4", .integer(0...64), "DMA accesses per child step"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        let ramPages = parameters.integer("ram_mib") * 256
        let workingSet = parameters.integer("working_set")
        guard workingSet * 2 <= ramPages / GuestMemory.slotPages else {
            throw .invalidValue(
                workload: Self.name, name: "working_set", value: "\(workingSet)",
                allowed: "1...\(ramPages / GuestMemory.slotPages / 2) (half the 16-page slots of ram_mib)")
        }
        self.parameters = parameters
        let units = parameters.integer("units")
        let devices = parameters.integer("devices")
        let ats = parameters.real("ats")
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        for index in 0..<devices {
            builder.addDevice(unit: index % units, ats: hasATS(index: index, count: devices, fraction: ats))
        }
        topology = builder.build()
    }

    /// A live nested child: its domain, where it is attached, and its mappings.
    private struct Child {
        var domain: IOMMUDomainID
        var device: DeviceID
        var pasid: PASID
        var mappings = GuestMemory.Mappings()
    }

    /// Set-up maps every RID child's working set; each step is a few events plus `accesses`.
    package var estimate: WorkloadEstimate {
        let devices = topology.devices.count
        let workingSet = parameters.integer("working_set")
        let children = devices * (1 + parameters.integer("binds"))
        return WorkloadEstimate(
            events: parameters.integer("operations") * (parameters.integer("accesses") + 4) + devices * (workingSet + 4),
            mappings: 1 + children * workingSet,
            attachments: children)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let deviceCount = topology.devices.count
        let maxBinds = parameters.integer("binds")
        let bindRate = parameters.real("bind_rate")
        let switchRate = parameters.real("switch_rate")
        let parentRate = parameters.real("parent_rate")
        let flushAllRate = parameters.real("flush_all_rate")
        let remapRate = parameters.real("remap_rate")
        let workingSet = parameters.integer("working_set")
        let maxPages = parameters.integer("max_pages")
        let accesses = parameters.integer("accesses")

        var rng = SplitMix64(seed: seed).fork(0x6e63_6872)  // "nchr"
        var out = EventRecorder(reservingCapacity: estimate.events)
        var memory = GuestMemory(ramPages: parameters.integer("ram_mib") * 256)
        let parent = IOMMUDomainID(0)
        var nextDomain = 1
        var pasids = LowestFreeAllocator(first: 1)
        // RID children first (index = device), then the live binds.
        var children: [Child] = []
        var bindsPerDevice = Array(repeating: 0, count: deviceCount)

        func start(device: DeviceID, pasid: PASID) -> Child {
            var child = Child(domain: IOMMUDomainID(nextDomain), device: device, pasid: pasid)
            nextDomain += 1
            out.emit(.createDomain(child.domain, .nested(parent: parent)))
            out.emit(.attach(child.domain, device: device, pasid: pasid))
            for _ in 0..<workingSet { memory.mapNew(child.domain, into: &child.mappings, maxPages: maxPages, rng: &rng, out: &out) }
            return child
        }
        func stop(_ child: Child) {
            out.emit(.detach(device: child.device, pasid: child.pasid))
            out.emit(.destroyDomain(child.domain))
        }

        out.emit(.createDomain(parent, .secondStage))
        out.emit(.map(parent, firstPage: 0, pageCount: UInt64(memory.ramPages)))
        for device in 0..<deviceCount { children.append(start(device: DeviceID(device), pasid: .none)) }

        for _ in 0..<operations {
            let draw = rng.unit()
            if draw < parentRate {
                memory.parentStep(parent, rng: &rng, out: &out)
            } else if draw < parentRate + bindRate {
                let live = children.count - deviceCount
                if live == 0 || (rng.chance(0.5) && live < deviceCount * maxBinds) {
                    let device = rng.below(deviceCount)
                    if bindsPerDevice[device] < maxBinds {
                        bindsPerDevice[device] += 1
                        children.append(start(device: DeviceID(device), pasid: PASID(unchecked: UInt32(pasids.allocate()))))
                    }
                } else {
                    let child = children.swapRemove(at: deviceCount + rng.below(live))
                    stop(child)
                    bindsPerDevice[child.device.rawValue] -= 1
                    pasids.release(Int(child.pasid.rawValue))
                }
            } else if draw < parentRate + bindRate + switchRate {
                let device = rng.below(deviceCount)
                stop(children[device])
                children[device] = start(device: DeviceID(device), pasid: .none)
            } else {
                let index = rng.below(children.count)
                if remapRate > 0, rng.chance(remapRate), !children[index].mappings.isEmpty {
                    let domain = children[index].domain
                    if flushAllRate > 0, rng.chance(flushAllRate) {
                        // Guest-wide: a few unmaps, one flush of the whole child, then the remaps.
                        let count = min(children[index].mappings.count, rng.within(1...4))
                        for _ in 0..<count { memory.unmapOne(domain, from: &children[index].mappings, rng: &rng, out: &out) }
                        out.emit(.flushAll(domain))
                        for _ in 0..<count {
                            memory.mapNew(domain, into: &children[index].mappings, maxPages: maxPages, rng: &rng, out: &out)
                        }
                    } else {
                        let range = memory.unmapOne(domain, from: &children[index].mappings, rng: &rng, out: &out)
                        out.emit(.flushAfterUnmap(domain, range))
                        memory.mapNew(domain, into: &children[index].mappings, maxPages: maxPages, rng: &rng, out: &out)
                    }
                }
                memory.access(children[index].mappings, device: children[index].device, pasid: children[index].pasid,
                              count: accesses, rng: &rng, out: &out)
            }
            out.now += 1000
        }

        for child in children.reversed() { stop(child) }
        out.emit(.destroyDomain(parent))
        return out.events
    }
}
