import VTd

/// `nested-s2`: one virtual machine's second-stage parent (GPA → HPA) with K nested first-stage
/// children (the guest's vIOMMU domains), as iommufd builds them for a vIOMMU guest.
///
/// The parent maps the guest's RAM once. Children keep working sets of small mappings (IOVA =
/// GPA, 1…`max_pages` pages inside 16-page slots), their devices DMA to them, and they remap:
/// `unmap` + `flushRange` on the child (the guest's own invalidation, forwarded by the vIOMMU).
/// A fraction `parent_rate` of steps are parent operations on 2 MiB blocks of guest RAM: an unplug
/// (`unmap` + `flushRange` on the parent, balloon/virtio-mem style) or a replug (`map`). A parent
/// flush must reach every child's cached nested translations through the NESTING tags, the point
/// of this workload. Children never touch pages of unplugged blocks until they are replugged.
///
/// - `attach=rid`: each child on its own device at RID (assigned devices), the usual case.
/// - `attach=pasid`: children attach through distinct PASIDs (1, 2, …) on `devices` shared devices,
///   so schemes that share a DID among a parent's children can do so (`shared-pasid`).
///
/// `parent_devices` extra devices attach to the parent directly at RID (guest devices without
/// vIOMMU translation). The modeled clock advances 1 µs per step.
package struct NestedS2Workload: Workload {
    package static let name = "nested-s2"
    package static let summary =
        "one second-stage parent with K nested first-stage children (vIOMMU guests): parent unmaps must reach every child"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "40000", .integer(1...10_000_000),
            "steps (a child remap or DMA burst, or a parent unplug/replug): the size knob"),
        WorkloadParameter("children", default: "16", .integer(1...4096), "nested first-stage children of the parent"),
        WorkloadParameter(
            "attach", default: "rid", .choice(["rid", "pasid"]),
            "rid: each child on its own device; pasid: children through distinct PASIDs on shared devices"),
        WorkloadParameter(
            "devices", default: "4", .integer(1...1024),
            "attach=pasid: shared devices the children attach to (child i on device i mod devices)"),
        WorkloadParameter(
            "parent_devices", default: "1", .integer(0...64), "devices attached to the parent directly at RID"),
        WorkloadParameter(
            "units", default: "2", .integer(1...8), "IOMMU units the devices are spread over (round robin)"),
        .domainIDSpace(),
        WorkloadParameter("ats", default: "0.5", .real(0...1), "fraction of devices with ATS"),
        WorkloadParameter(
            "ram_mib", default: "1024", .integer(16...65536), "guest RAM the parent maps, in MiB (2 MiB blocks)"),
        WorkloadParameter("working_set", default: "32", .integer(1...4096), "mappings each child keeps"),
        WorkloadParameter("max_pages", default: "16", .integer(1...16), "largest child mapping in 4 KiB pages"),
        WorkloadParameter(
            "parent_rate", default: "0.02", .real(0...1),
            "fraction of steps that unplug or replug a 2 MiB block of the parent"),
        WorkloadParameter(
            "remap_rate", default: "0.3", .real(0...1),
            "fraction of child steps that remap one mapping (unmap + flush, map)"),
        WorkloadParameter("accesses", default: "4", .integer(0...64), "DMA accesses per child step"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology
    /// The devices each child attaches through, with the PASID (none at RID).
    let childAttachments: [(device: DeviceID, pasid: PASID)]
    /// Devices attached to the parent at RID.
    let parentDevices: [DeviceID]

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        let children = parameters.integer("children")
        let ramPages = parameters.integer("ram_mib") * 256
        let workingSet = parameters.integer("working_set")
        // Each child needs its working set in distinct slots of guest RAM, with room to move.
        guard workingSet * 2 <= ramPages / GuestMemory.slotPages else {
            throw .invalidValue(
                workload: Self.name, name: "working_set", value: "\(workingSet)",
                allowed: "1...\(ramPages / GuestMemory.slotPages / 2) (half the 16-page slots of ram_mib)")
        }
        self.parameters = parameters
        let units = parameters.integer("units")
        let ats = parameters.real("ats")
        let pasidMode = parameters["attach"] == "pasid"
        let childDeviceCount = pasidMode ? parameters.integer("devices") : children
        let parentDeviceCount = parameters.integer("parent_devices")
        let total = childDeviceCount + parentDeviceCount
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        for index in 0..<total {
            builder.addDevice(unit: index % units, ats: hasATS(index: index, count: total, fraction: ats))
        }
        topology = builder.build()
        childAttachments = (0..<children).map { child in
            pasidMode
                ? (DeviceID(child % childDeviceCount), PASID(unchecked: UInt32(child + 1)))
                : (DeviceID(child), PASID.none)
        }
        parentDevices = (childDeviceCount..<total).map { DeviceID($0) }
    }

    /// Set-up maps every child's working set (and the parent's RAM); each step is a few events
    /// plus `accesses` DMA accesses.
    package var estimate: WorkloadEstimate {
        let children = childAttachments.count
        let workingSet = parameters.integer("working_set")
        return WorkloadEstimate(
            events: parameters.integer("operations") * (parameters.integer("accesses") + 3) + children * (workingSet * 2 + 6),
            mappings: 1 + children * workingSet,
            attachments: children + parentDevices.count)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let childCount = childAttachments.count
        let workingSet = parameters.integer("working_set")
        let maxPages = parameters.integer("max_pages")
        let parentRate = parameters.real("parent_rate")
        let remapRate = parameters.real("remap_rate")
        let accesses = parameters.integer("accesses")

        var rng = SplitMix64(seed: seed).fork(0x6e65_7374)  // "nest"
        var out = EventRecorder(reservingCapacity: estimate.events)
        var memory = GuestMemory(ramPages: parameters.integer("ram_mib") * 256)
        let ramPages = memory.ramPages
        let parent = IOMMUDomainID(0)
        let childDomain = { (child: Int) in IOMMUDomainID(child + 1) }
        var children = Array(repeating: GuestMemory.Mappings(), count: childCount)

        out.emit(.createDomain(parent, .secondStage))
        out.emit(.map(parent, firstPage: 0, pageCount: UInt64(ramPages)))
        for device in parentDevices { out.emit(.attach(parent, device: device, pasid: .none)) }
        for child in 0..<childCount {
            out.emit(.createDomain(childDomain(child), .nested(parent: parent)))
            out.emit(
                .attach(
                    childDomain(child), device: childAttachments[child].device, pasid: childAttachments[child].pasid))
            for _ in 0..<workingSet {
                memory.mapNew(childDomain(child), into: &children[child], maxPages: maxPages, rng: &rng, out: &out)
            }
        }

        for _ in 0..<operations {
            if parentRate > 0, rng.chance(parentRate) {
                memory.parentStep(parent, rng: &rng, out: &out)
            } else {
                let pick = rng.below(childCount + parentDevices.count)
                if pick < childCount {
                    let child = pick
                    if remapRate > 0, rng.chance(remapRate), !children[child].isEmpty {
                        let range = memory.unmapOne(childDomain(child), from: &children[child], rng: &rng, out: &out)
                        out.emit(.flushAfterUnmap(childDomain(child), range))
                        memory.mapNew(childDomain(child), into: &children[child], maxPages: maxPages, rng: &rng, out: &out)
                    }
                    let (device, pasid) = childAttachments[child]
                    memory.access(children[child], device: device, pasid: pasid, count: accesses, rng: &rng, out: &out)
                } else {
                    let device = parentDevices[pick - childCount]
                    for _ in 0..<accesses {
                        let page = rng.below(ramPages)
                        guard memory.isPlugged(page: page) else { continue }
                        out.emit(.access(device: device, pasid: .none, page: UInt64(page)))
                    }
                }
            }
            out.now += 1000
        }

        for child in 0..<childCount {
            out.emit(.detach(device: childAttachments[child].device, pasid: childAttachments[child].pasid))
            out.emit(.destroyDomain(childDomain(child)))
        }
        for device in parentDevices { out.emit(.detach(device: device, pasid: .none)) }
        out.emit(.destroyDomain(parent))
        return out.events
    }
}
