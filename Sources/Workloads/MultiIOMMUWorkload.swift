import VTd

/// `multi-iommu`: domains spanning several IOMMU units, so every flush walks tags of several units
/// and the kernel's per-unit batching (a submission whenever the walk moves to another unit) and
/// the tables' same-unit adjacency matter.
///
/// - `kind=second-stage` or `first-stage`: each domain owns `span` devices, device j of domain d
///   behind unit (d + j) mod units, attached at RID.
/// - `kind=sva`: `span` shared devices (device j behind unit j mod units); every domain attaches to
///   all of them through its own PASID (d + 1).
///
/// Attachments happen in a seeded random order, so a table must keep same-unit tags adjacent
/// whatever the order. Steps map a buffer (1…`max_pages` pages) and DMA to it through a random
/// attached device, or unmap the oldest buffer of the domain and flush it (strict). A fraction
/// `flush_all` of steps flush a whole domain; a fraction `churn` detach a random device of a domain
/// or re-attach one detached before (hot-unplug/replug). The modeled clock advances 1 µs per step.
package struct MultiIOMMUWorkload: Workload {
    package static let name = "multi-iommu"
    package static let summary =
        "domains spanning several IOMMU units: per-unit batching and tag adjacency under attach order"
    package static let parameters: [WorkloadParameter] = [
        WorkloadParameter(
            "operations", default: "60000", .integer(1...10_000_000),
            "steps (map+DMA, unmap+flush, flush all, hot-plug): the size knob"),
        WorkloadParameter("units", default: "4", .integer(1...8), "IOMMU units"),
        .domainIDSpace(),
        WorkloadParameter("domains", default: "16", .integer(1...4096), "domains"),
        WorkloadParameter(
            "span", default: "4", .integer(1...64),
            "devices per domain (kind=sva: shared devices), spread over consecutive units"),
        WorkloadParameter(
            "kind", default: "second-stage", .choice(["second-stage", "first-stage", "sva"]),
            "domain kind; sva attaches through PASIDs on shared devices"),
        WorkloadParameter("ats", default: "0.5", .real(0...1), "fraction of devices with ATS"),
        WorkloadParameter(
            "max_pages", default: "16", .integer(1...512), "largest buffer in 4 KiB pages (uniform 1...max_pages)"),
        WorkloadParameter("depth", default: "8", .integer(1...1024), "live buffers per domain at most"),
        WorkloadParameter("accesses", default: "4", .integer(0...64), "DMA accesses per mapped buffer"),
        WorkloadParameter("flush_all", default: "0.01", .real(0...1), "fraction of steps that flush a whole domain"),
        WorkloadParameter(
            "churn", default: "0.01", .real(0...1), "fraction of steps that detach or re-attach a device of a domain"),
    ]

    package let parameters: WorkloadParameters
    package let topology: Topology
    /// Attachments of each domain: (device, PASID).
    let attachments: [[(device: DeviceID, pasid: PASID)]]
    let kind: DomainKind

    package init(parameters: WorkloadParameters) throws(WorkloadError) {
        let units = parameters.integer("units")
        let domains = parameters.integer("domains")
        let span = parameters.integer("span")
        let sva = parameters["kind"] == "sva"
        let total = sva ? span : domains * span
        guard total <= units * TopologyBuilder.devicesPerUnitLimit else {
            throw .invalidValue(
                workload: Self.name, name: "span", value: "\(span)",
                allowed:
                    "domains*span at most \(units * TopologyBuilder.devicesPerUnitLimit) (\(TopologyBuilder.devicesPerUnitLimit) devices per unit)"
            )
        }
        self.parameters = parameters
        kind = sva ? .sva : parameters["kind"] == "first-stage" ? .firstStage : .secondStage
        var builder = TopologyBuilder(unitCount: units, domainCount: parameters.integer("ndoms"))
        let ats = parameters.real("ats")
        if sva {
            for index in 0..<span {
                builder.addDevice(unit: index % units, ats: hasATS(index: index, count: span, fraction: ats))
            }
            attachments = (0..<domains).map { domain in
                (0..<span).map { (DeviceID($0), PASID(unchecked: UInt32(domain + 1))) }
            }
        } else {
            var lists: [[(device: DeviceID, pasid: PASID)]] = []
            for domain in 0..<domains {
                lists.append(
                    (0..<span).map { index in
                        let ordinal = domain * span + index
                        return (
                            builder.addDevice(
                                unit: (domain + index) % units, ats: hasATS(index: ordinal, count: total, fraction: ats)
                            ), PASID.none
                        )
                    })
            }
            attachments = lists
        }
        topology = builder.build()
    }

    /// Set-up attaches every domain on its span of units; each step maps or unmaps with accesses.
    package var estimate: WorkloadEstimate {
        let domains = attachments.count
        let span = attachments.first?.count ?? 0
        return WorkloadEstimate(
            events: parameters.integer("operations") * (parameters.integer("accesses") + 3) + domains * span * 3,
            mappings: domains * parameters.integer("depth"),
            attachments: domains * span)
    }

    package func timedEvents(seed: UInt64) -> [TimedWorkloadEvent] {
        let operations = parameters.integer("operations")
        let domainCount = attachments.count
        let maxPages = parameters.integer("max_pages")
        let depth = parameters.integer("depth")
        let accesses = parameters.integer("accesses")
        let flushAllRate = parameters.real("flush_all")
        let churn = parameters.real("churn")
        let maxOrder = IOVASlots.order(ofPages: maxPages)

        var rng = SplitMix64(seed: seed).fork(0x6d75_6c74)  // "mult"
        var out = EventRecorder(
            reservingCapacity: estimate.events)
        let domains = (0..<domainCount).map { IOMMUDomainID($0) }
        var attached = Array(repeating: [(device: DeviceID, pasid: PASID)](), count: domainCount)
        var detached = attachments
        var iova = Array(repeating: IOVASlots(maximumOrder: maxOrder), count: domainCount)
        var buffers = Array(repeating: [(firstPage: UInt64, pages: Int)](), count: domainCount)

        for domain in domains { out.emit(.createDomain(domain, kind)) }
        var order: [(domain: Int, index: Int)] = []
        for domain in 0..<domainCount { for index in attachments[domain].indices { order.append((domain, index)) } }
        rng.shuffle(&order)
        for (domain, index) in order {
            let attachment = attachments[domain][index]
            out.emit(.attach(domains[domain], device: attachment.device, pasid: attachment.pasid))
        }
        for domain in 0..<domainCount {
            attached[domain] = attachments[domain]
            detached[domain] = []
        }

        func unmapOldest(_ domain: Int) {
            let buffer = buffers[domain].removeFirst()
            out.emit(.unmap(domains[domain], firstPage: buffer.firstPage, pageCount: UInt64(buffer.pages)))
            out.emit(
                .flushAfterUnmap(domains[domain], IOVARange(firstPage: buffer.firstPage, pageCount: UInt64(buffer.pages))))
            iova[domain].release(page: buffer.firstPage, order: IOVASlots.order(ofPages: buffer.pages))
        }

        for _ in 0..<operations {
            let domain = rng.below(domainCount)
            let roll = rng.unit()
            if roll < churn {
                // Hot-unplug a device (keep at least one attached) or replug one.
                if !detached[domain].isEmpty, attached[domain].count <= 1 || rng.chance(0.5) {
                    let attachment = detached[domain].swapRemove(at: rng.below(detached[domain].count))
                    attached[domain].append(attachment)
                    out.emit(.attach(domains[domain], device: attachment.device, pasid: attachment.pasid))
                } else if attached[domain].count > 1 {
                    let attachment = attached[domain].swapRemove(at: rng.below(attached[domain].count))
                    detached[domain].append(attachment)
                    out.emit(.detach(device: attachment.device, pasid: attachment.pasid))
                }
            } else if roll < churn + flushAllRate {
                out.emit(.flushAll(domains[domain]))
            } else if buffers[domain].count < depth, buffers[domain].isEmpty || rng.chance(0.5) {
                let pages = maxPages == 1 ? 1 : rng.within(1...maxPages)
                let firstPage = iova[domain].allocate(order: IOVASlots.order(ofPages: pages))
                buffers[domain].append((firstPage, pages))
                out.emit(.map(domains[domain], firstPage: firstPage, pageCount: UInt64(pages)))
                for _ in 0..<accesses {
                    let attachment = attached[domain][rng.below(attached[domain].count)]
                    out.emit(
                        .access(
                            device: attachment.device, pasid: attachment.pasid,
                            page: firstPage + UInt64(rng.below(pages))))
                }
            } else {
                unmapOldest(domain)
            }
            out.now += 1000
        }

        for domain in 0..<domainCount {
            while !buffers[domain].isEmpty { unmapOldest(domain) }
            for attachment in attached[domain] { out.emit(.detach(device: attachment.device, pasid: attachment.pasid)) }
            out.emit(.destroyDomain(domains[domain]))
        }
        return out.events
    }
}
