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

    /// Pages of a 2 MiB block of guest RAM, the parent's unplug unit.
    static let blockPages = 512
    /// Pages of one child mapping slot.
    static let slotPages = 16

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        let children = parameters.integer("children")
        let ramPages = parameters.integer("ram_mib") * 256
        let workingSet = parameters.integer("working_set")
        // Each child needs its working set in distinct slots of guest RAM, with room to move.
        guard workingSet * 2 <= ramPages / Self.slotPages else {
            throw .invalidValue(
                workload: Self.name, name: "working_set", value: "\(workingSet)",
                allowed: "1...\(ramPages / Self.slotPages / 2) (half the 16-page slots of ram_mib)")
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

    private struct Child {
        var mappings: [(firstPage: UInt64, pages: Int, slot: Int)] = []
        var usedSlots: Set<Int> = []
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let childCount = childAttachments.count
        let ramPages = parameters.integer("ram_mib") * 256
        let blockCount = ramPages / Self.blockPages
        let slotCount = ramPages / Self.slotPages
        let slotsPerBlock = Self.blockPages / Self.slotPages
        let workingSet = parameters.integer("working_set")
        let maxPages = parameters.integer("max_pages")
        let parentRate = parameters.real("parent_rate")
        let remapRate = parameters.real("remap_rate")
        let accesses = parameters.integer("accesses")

        var rng = SplitMix64(seed: seed).fork(0x6e65_7374)  // "nest"
        var out = EventRecorder(reservingCapacity: operations * (accesses + 3) + childCount * (workingSet * 2 + 6))
        let parent = IOMMUDomainID(0)
        let childDomain = { (child: Int) in IOMMUDomainID(child + 1) }
        var plugged = Array(repeating: true, count: blockCount)
        var unplugged: [Int] = []
        var children = Array(repeating: Child(), count: childCount)

        func mapNew(_ child: Int) {
            // A free slot of this child in a plugged block; give up after a few tries (rare).
            for _ in 0..<64 {
                let slot = rng.below(slotCount)
                guard plugged[slot / slotsPerBlock], !children[child].usedSlots.contains(slot) else { continue }
                let pages = maxPages == 1 ? 1 : rng.within(1...maxPages)
                let firstPage = UInt64(slot * Self.slotPages + rng.below(Self.slotPages - pages + 1))
                children[child].usedSlots.insert(slot)
                children[child].mappings.append((firstPage, pages, slot))
                out.emit(.map(childDomain(child), firstPage: firstPage, pageCount: UInt64(pages)))
                return
            }
        }

        out.emit(.createDomain(parent, .secondStage))
        out.emit(.map(parent, firstPage: 0, pageCount: UInt64(ramPages)))
        for device in parentDevices { out.emit(.attach(parent, device: device, pasid: .none)) }
        for child in 0..<childCount {
            out.emit(.createDomain(childDomain(child), .nested(parent: parent)))
            out.emit(
                .attach(
                    childDomain(child), device: childAttachments[child].device, pasid: childAttachments[child].pasid))
            for _ in 0..<workingSet { mapNew(child) }
        }

        for _ in 0..<operations {
            if parentRate > 0, rng.chance(parentRate) {
                if unplugged.count < blockCount / 4, unplugged.isEmpty || rng.chance(0.5) {
                    let block = rng.below(blockCount)
                    if plugged[block] {
                        plugged[block] = false
                        unplugged.append(block)
                        let firstPage = UInt64(block * Self.blockPages)
                        out.emit(.unmap(parent, firstPage: firstPage, pageCount: UInt64(Self.blockPages)))
                        out.emit(
                            .flushAfterUnmap(parent, IOVARange(firstPage: firstPage, pageCount: UInt64(Self.blockPages))))
                    }
                } else if !unplugged.isEmpty {
                    let block = unplugged.remove(at: rng.below(unplugged.count))
                    plugged[block] = true
                    out.emit(
                        .map(parent, firstPage: UInt64(block * Self.blockPages), pageCount: UInt64(Self.blockPages)))
                }
            } else {
                let pick = rng.below(childCount + parentDevices.count)
                if pick < childCount {
                    let child = pick
                    if remapRate > 0, rng.chance(remapRate), !children[child].mappings.isEmpty {
                        let victim = children[child].mappings.remove(at: rng.below(children[child].mappings.count))
                        children[child].usedSlots.remove(victim.slot)
                        out.emit(
                            .unmap(childDomain(child), firstPage: victim.firstPage, pageCount: UInt64(victim.pages)))
                        out.emit(
                            .flushAfterUnmap(
                                childDomain(child),
                                IOVARange(firstPage: victim.firstPage, pageCount: UInt64(victim.pages))))
                        mapNew(child)
                    }
                    let (device, pasid) = childAttachments[child]
                    let mappings = children[child].mappings
                    if !mappings.isEmpty {
                        for _ in 0..<accesses {
                            let mapping = mappings[rng.below(mappings.count)]
                            guard plugged[mapping.slot / slotsPerBlock] else { continue }
                            out.emit(
                                .access(
                                    device: device, pasid: pasid,
                                    page: mapping.firstPage + UInt64(rng.below(mapping.pages))))
                        }
                    }
                } else {
                    let device = parentDevices[pick - childCount]
                    for _ in 0..<accesses {
                        let page = rng.below(ramPages)
                        guard plugged[page / Self.blockPages] else { continue }
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
