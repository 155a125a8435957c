import VTd

/// `dma-stream`: DMA-API traffic of NIC and NVMe queues. Every device has its own second-stage
/// DMA domain attached at RID (one IOMMU group per function); its queues map a buffer of 1–16
/// pages, the device reads or writes every page, and on completion the buffer is unmapped.
///
/// - `mode=strict` (`iommu.strict=1`): every unmap is followed by `flushRange` of exactly the
///   unmapped slot, and the IOVA is reusable at once.
/// - `mode=lazy` (`iommu.strict=0`): the unmapped IOVA goes into the domain's flush queue on the
///   completing CPU (Linux `iova_fq`, one ring of 256 entries per CPU per DMA domain,
///   drivers/iommu/dma-iommu.c). A full ring triggers `flushAll` of the domain, after which every
///   queued IOVA of the domain is reusable; the first queued entry arms a 10 ms timer per domain
///   whose expiry also triggers `flushAll` (as Linux's `fq_flush_timeout`, even if a full-ring flush
///   already emptied the rings). IOVAs are never reused before the flush that covers them.
///
/// The modeled clock advances by `1/rate` per queue operation; each queue is served by one CPU
/// (queue `q` of device `d` on CPU `(d·queues + q) mod cpus`), as with affinitized interrupts.
package struct DMAStreamWorkload: Workload {
    package static let name = "dma-stream"
    package static let summary =
        "DMA-API traffic of NIC/NVMe queues: per-device second-stage domains, map/access/unmap of 1-16 pages, strict or lazy flushing"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "30000", .integer(1...10_000_000),
            "I/Os (map, DMA, unmap) to complete: the size knob"),
        WorkloadParameter(
            "devices", default: "16", .integer(1...1024),
            "NIC/NVMe functions, each with its own second-stage DMA domain"),
        WorkloadParameter(
            "units", default: "2", .integer(1...8), "IOMMU units the devices are spread over (round robin)"),
        .domainIDSpace(),
        WorkloadParameter("queues", default: "4", .integer(1...64), "queues per device, each served by one CPU"),
        WorkloadParameter(
            "cpus", default: "8", .integer(1...256),
            "CPUs completing I/O (lazy mode keeps one flush-queue ring per CPU per domain)"),
        WorkloadParameter("depth", default: "16", .integer(1...1024), "I/Os in flight per queue at most"),
        WorkloadParameter(
            "max_pages", default: "16", .integer(1...16),
            "largest buffer in 4 KiB pages; half the buffers are 1 page, the rest uniform 2...max_pages"),
        WorkloadParameter("ats", default: "0.25", .real(0...1), "fraction of devices with ATS (a device TLB)"),
        WorkloadParameter(
            "mode", default: "strict", .choice(["strict", "lazy"]),
            "strict: flush every unmap; lazy: per-CPU flush queue, then flush all"),
        WorkloadParameter(
            "fq_size", default: "256", .integer(1...4096),
            "lazy mode: entries of one per-CPU flush-queue ring (Linux IOVA_FQ_SIZE 256)"),
        WorkloadParameter(
            "timeout_us", default: "10000", .integer(1...10_000_000),
            "lazy mode: flush-queue timer in microseconds (Linux IOVA_FQ_TIMEOUT 10 ms)"),
        WorkloadParameter(
            "rate", default: "2000000", .integer(1000...1_000_000_000),
            "queue operations (submissions + completions) per second, all queues together: the modeled clock"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        self.parameters = parameters
        let devices = parameters.integer("devices")
        let units = parameters.integer("units")
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        let ats = parameters.real("ats")
        for index in 0..<devices {
            builder.addDevice(unit: index % units, ats: hasATS(index: index, count: devices, fraction: ats))
        }
        topology = builder.build()
    }

    private struct Buffer { var firstPage: UInt64; var pages: Int }

    /// Each I/O maps, accesses, unmaps and flushes (or queues a lazy flush); set-up attaches every device.
    package var estimate: WorkloadEstimate {
        let devices = topology.devices.count
        let live = devices * parameters.integer("queues") * parameters.integer("depth")
        return WorkloadEstimate(
            events: parameters.integer("operations") * 9 + devices * 4,
            mappings: min(live, parameters.integer("operations")),
            attachments: devices)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let deviceCount = topology.devices.count
        let queuesPerDevice = parameters.integer("queues")
        let cpus = parameters.integer("cpus")
        let depth = parameters.integer("depth")
        let maxPages = parameters.integer("max_pages")
        let lazy = parameters["mode"] == "lazy"
        let ringSize = parameters.integer("fq_size")
        let timeout = UInt64(parameters.integer("timeout_us")) * 1000
        let step = max(1, 1_000_000_000 / UInt64(parameters.integer("rate")))
        let maxOrder = IOVASlots.order(ofPages: maxPages)

        var rng = SplitMix64(seed: seed).fork(0x646d_612d)  // "dma-"
        var out = EventRecorder(reservingCapacity: estimate.events)

        let domains = (0..<deviceCount).map { IOMMUDomainID($0) }
        var iova = Array(repeating: IOVASlots(maximumOrder: maxOrder), count: deviceCount)
        for device in 0..<deviceCount {
            out.emit(.createDomain(domains[device], .secondStage))
            out.emit(.attach(domains[device], device: DeviceID(device), pasid: .none))
        }

        let queueCount = deviceCount * queuesPerDevice
        // In-flight buffers per queue, oldest first (a ring: head index + array).
        var inFlight = Array(repeating: [Buffer](), count: queueCount)
        var inFlightHead = Array(repeating: 0, count: queueCount)
        // Lazy mode: per (domain, CPU) ring fill, per domain queued slots and timer.
        var ringFill = Array(repeating: 0, count: lazy ? deviceCount * cpus : 0)
        var queued = Array(repeating: [(page: UInt64, order: Int)](), count: lazy ? deviceCount : 0)
        var timerArmed = Array(repeating: false, count: lazy ? deviceCount : 0)
        var timers: [(deadline: UInt64, domain: Int)] = []  // deadlines are armed in time order: a FIFO
        var timerHead = 0

        func flushQueue(_ domain: Int) {
            out.emit(.flushAll(domains[domain]))
            for slot in queued[domain] { iova[domain].release(page: slot.page, order: slot.order) }
            queued[domain].removeAll(keepingCapacity: true)
            for cpu in 0..<cpus { ringFill[domain * cpus + cpu] = 0 }
        }

        func complete(queue: Int) {
            let device = queue / queuesPerDevice
            let buffer = inFlight[queue][inFlightHead[queue]]
            inFlightHead[queue] += 1
            if inFlightHead[queue] == inFlight[queue].count {
                inFlight[queue].removeAll(keepingCapacity: true)
                inFlightHead[queue] = 0
            } else if inFlightHead[queue] >= 64, inFlightHead[queue] * 2 >= inFlight[queue].count {
                inFlight[queue].removeFirst(inFlightHead[queue])
                inFlightHead[queue] = 0
            }
            let order = IOVASlots.order(ofPages: buffer.pages)
            out.emit(.unmap(domains[device], firstPage: buffer.firstPage, pageCount: UInt64(buffer.pages)))
            if !lazy {
                out.emit(
                    .flushAfterUnmap(
                        domains[device], IOVARange(firstPage: buffer.firstPage, pageCount: UInt64(buffer.pages))))
                iova[device].release(page: buffer.firstPage, order: order)
                return
            }
            queued[device].append((buffer.firstPage, order))
            if !timerArmed[device] {
                timerArmed[device] = true
                timers.append((out.now + timeout, device))
            }
            let cpu = queue % cpus  // queue index = device·queues + q
            ringFill[device * cpus + cpu] += 1
            if ringFill[device * cpus + cpu] >= ringSize { flushQueue(device) }
        }

        var completed = 0
        while completed < operations {
            let queue = rng.below(queueCount)
            let device = queue / queuesPerDevice
            let pending = inFlight[queue].count - inFlightHead[queue]
            // Submit while below depth (more often when the queue is empty); complete otherwise.
            if pending < depth, pending == 0 || rng.chance(0.5) {
                let pages = maxPages == 1 || rng.chance(0.5) ? 1 : rng.within(2...maxPages)
                let firstPage = iova[device].allocate(order: IOVASlots.order(ofPages: pages))
                out.emit(.map(domains[device], firstPage: firstPage, pageCount: UInt64(pages)))
                for page in 0..<UInt64(pages) {
                    out.emit(.access(device: DeviceID(device), pasid: .none, page: firstPage + page))
                }
                inFlight[queue].append(Buffer(firstPage: firstPage, pages: pages))
            } else {
                complete(queue: queue)
                completed += 1
            }
            out.now += step
            while lazy, timerHead < timers.count, timers[timerHead].deadline <= out.now {
                let domain = timers[timerHead].domain
                timerHead += 1
                timerArmed[domain] = false
                flushQueue(domain)
            }
        }

        // Drain: complete what is in flight, flush what is queued, tear down.
        for queue in 0..<queueCount {
            while inFlight[queue].count > inFlightHead[queue] { complete(queue: queue) }
        }
        if lazy {
            for domain in 0..<deviceCount where !queued[domain].isEmpty || timerArmed[domain] { flushQueue(domain) }
        }
        for device in 0..<deviceCount {
            out.emit(.detach(device: DeviceID(device), pasid: .none))
            out.emit(.destroyDomain(domains[device]))
        }
        return out.events
    }
}
