import VTd

/// `sva-munmap`: processes sharing their address spaces with ATS accelerators (DSA-like work
/// queues) through SVA, and munmapping ranges the devices may have cached.
///
/// Each process is one SVA domain with one PASID, allocated lowest-free-first from a global space
/// starting at 1 as Linux does (`iommu_sva_bind_device` → `iommu_alloc_global_pasid`), so a PASID
/// is unique among live processes and is reused after a process exits. A bind is
/// `attach(domain, device, pasid)`, an unbind `detach(device, pasid)`. Each step either mmaps a
/// range (`map`), or munmaps one (`unmap` + `flushRange`: the MMU notifier's invalidation), then
/// lets the process's bound devices DMA to random mapped pages. Sizes are bounded-Pareto over
/// 1 page … `max_pages` (4 KiB … 2 MiB by default): mostly small, sometimes huge. Ranges start at
/// any page, so PSI rounding often widens them. A fraction `churn` of steps bind or unbind a
/// device, and a quarter of those end a process and start a new one (unbind all, mm teardown,
/// PASID freed and taken by the newcomer). The modeled clock advances 1 µs per step.
package struct SVAMunmapWorkload: Workload {
    package static let name = "sva-munmap"
    package static let summary =
        "SVA processes bound through PASIDs to ATS accelerators, munmapping heavy-tailed ranges, with bind/unbind churn"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "40000", .integer(1...10_000_000),
            "steps (mmap or munmap with DMA, or a bind/unbind): the size knob"),
        WorkloadParameter(
            "processes", default: "64", .integer(1...4096), "live processes, each an SVA domain with its own PASID"),
        WorkloadParameter("devices", default: "8", .integer(1...1024), "ATS accelerators (DSA-like)"),
        WorkloadParameter(
            "units", default: "2", .integer(1...8), "IOMMU units the accelerators are spread over (round robin)"),
        .domainIDSpace(),
        WorkloadParameter(
            "binds", default: "2", .integer(1...1024), "accelerators each new process binds (at most devices)"),
        WorkloadParameter("mappings", default: "16", .integer(1...1024), "live mmaps per process at most"),
        WorkloadParameter(
            "max_pages", default: "512", .integer(1...1024), "largest munmap in 4 KiB pages (512 = 2 MiB)"),
        WorkloadParameter(
            "alpha", default: "0.8", .real(0.1...4),
            "tail index of the bounded-Pareto munmap size (smaller: heavier tail)"),
        WorkloadParameter("accesses", default: "4", .integer(0...64), "DMA accesses per mmap/munmap step"),
        WorkloadParameter(
            "churn", default: "0.02", .real(0...1),
            "fraction of steps that bind or unbind (a quarter of them replace a process)"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology

    /// Pages of one mmap slot of a process's address space (4 MiB): a mapping sits anywhere inside.
    static let slotPages = 1024
    /// First page of the first slot.
    static let firstSlotPage: UInt64 = 0x10000

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        let devices = parameters.integer("devices")
        let binds = parameters.integer("binds")
        guard binds <= devices else {
            throw .invalidValue(
                workload: Self.name, name: "binds", value: "\(binds)", allowed: "1...\(devices) (at most devices)")
        }
        self.parameters = parameters
        let units = parameters.integer("units")
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        for index in 0..<devices { builder.addDevice(unit: index % units, ats: true) }
        topology = builder.build()
    }

    private struct Process {
        var domain: IOMMUDomainID
        var pasid: PASID
        var bound: [Int] = []
        var mappings: [(firstPage: UInt64, pages: Int, slot: Int)] = []
        var freeSlots: [Int]
    }

    /// Set-up creates every process and its binds; each step maps or unmaps with `accesses` DMA
    /// accesses, and a churn step may end a process (its binds and mappings) and start another.
    package var estimate: WorkloadEstimate {
        let processes = parameters.integer("processes")
        let binds = parameters.integer("binds")
        let mappings = parameters.integer("mappings")
        let operations = parameters.integer("operations")
        let churn = parameters.real("churn")
        // A replacing churn step (a quarter of them) ends a process: its binds and live mappings,
        // at most `mappings` and no more than the mapping steps that process has had.
        let liveMappings = min(Double(mappings), (1 - churn) * Double(operations) / Double(processes) + 1)
        let perStep = (1 - churn) * Double(4 + parameters.integer("accesses")) + churn * (1 + (Double(2 * binds) + liveMappings) / 4)
        return WorkloadEstimate(
            events: Int(Double(operations) * perStep) + processes * (binds + 2),
            mappings: min(processes * mappings, operations),
            attachments: processes * binds)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let processCount = parameters.integer("processes")
        let deviceCount = topology.devices.count
        let binds = parameters.integer("binds")
        let maxMappings = parameters.integer("mappings")
        let maxPages = parameters.integer("max_pages")
        let alpha = parameters.real("alpha")
        let accesses = parameters.integer("accesses")
        let churn = parameters.real("churn")

        var rng = SplitMix64(seed: seed).fork(0x7376_612d)  // "sva-"
        var out = EventRecorder(reservingCapacity: estimate.events)
        var pasids = LowestFreeAllocator(first: 1)
        var nextDomain = 0
        var processes: [Process] = []

        func bind(_ index: Int) {
            guard processes[index].bound.count < deviceCount else { return }
            var device = rng.below(deviceCount)
            while processes[index].bound.contains(device) { device = (device + 1) % deviceCount }
            processes[index].bound.append(device)
            out.emit(.attach(processes[index].domain, device: DeviceID(device), pasid: processes[index].pasid))
        }

        func unbind(_ index: Int) {
            guard !processes[index].bound.isEmpty else { return }
            let device = processes[index].bound.remove(at: rng.below(processes[index].bound.count))
            out.emit(.detach(device: DeviceID(device), pasid: processes[index].pasid))
        }

        func spawn() -> Process {
            let domain = IOMMUDomainID(nextDomain)
            nextDomain += 1
            let pasid = PASID(unchecked: UInt32(pasids.allocate()))
            out.emit(.createDomain(domain, .sva))
            return Process(domain: domain, pasid: pasid, freeSlots: Array((0..<maxMappings).reversed()))
        }

        func endProcess(_ index: Int) {
            let process = processes[index]
            for device in process.bound { out.emit(.detach(device: DeviceID(device), pasid: process.pasid)) }
            // mm teardown: nothing is attached any more, so no invalidation is needed.
            for mapping in process.mappings {
                out.emit(.unmap(process.domain, firstPage: mapping.firstPage, pageCount: UInt64(mapping.pages)))
            }
            out.emit(.destroyDomain(process.domain))
            pasids.release(Int(process.pasid.rawValue))
        }

        for index in 0..<processCount {
            processes.append(spawn())
            for _ in 0..<binds { bind(index) }
        }

        for _ in 0..<operations {
            let index = rng.below(processCount)
            if churn > 0, rng.chance(churn) {
                switch rng.below(4) {
                case 0:
                    endProcess(index)
                    processes[index] = spawn()
                    for _ in 0..<binds { bind(index) }
                case 1, 2:
                    if processes[index].bound.count < deviceCount { bind(index) } else { unbind(index) }
                default:
                    unbind(index)
                }
            } else {
                let domain = processes[index].domain
                if processes[index].mappings.count < maxMappings,
                    processes[index].mappings.isEmpty || rng.chance(0.5)
                {
                    let pages = rng.boundedPareto(maximum: maxPages, alpha: alpha)
                    let slot = processes[index].freeSlots.removeLast()
                    let slotSpan = max(Self.slotPages, maxPages)
                    let firstPage =
                        Self.firstSlotPage + UInt64(slot * slotSpan) + UInt64(rng.below(slotSpan - pages + 1))
                    processes[index].mappings.append((firstPage, pages, slot))
                    out.emit(.map(domain, firstPage: firstPage, pageCount: UInt64(pages)))
                } else {
                    let victim = processes[index].mappings.remove(at: rng.below(processes[index].mappings.count))
                    processes[index].freeSlots.append(victim.slot)
                    out.emit(.unmap(domain, firstPage: victim.firstPage, pageCount: UInt64(victim.pages)))
                    out.emit(
                        .flushRange(
                            domain, IOVARange(firstPage: victim.firstPage, pageCount: UInt64(victim.pages)),
                            invalidationHint: false))
                }
                let process = processes[index]
                if !process.bound.isEmpty, !process.mappings.isEmpty {
                    for _ in 0..<accesses {
                        let mapping = process.mappings[rng.below(process.mappings.count)]
                        let device = process.bound[rng.below(process.bound.count)]
                        out.emit(
                            .access(
                                device: DeviceID(device), pasid: process.pasid,
                                page: mapping.firstPage + UInt64(rng.below(mapping.pages))))
                    }
                }
            }
            out.now += 1000
        }

        for index in 0..<processCount { endProcess(index) }
        return out.events
    }
}
