import TestSupport
import Testing
import VTd
import Workloads

@Suite("Synthetic workloads")
struct GeneratorTests {
    @Test("same seed, same stream; different seed, different stream", arguments: WorkloadCase.small)
    func determinism(_ testCase: WorkloadCase) throws {
        let workload = try testCase.make()
        let first = workload.timedEvents(seed: 42)
        let again = try testCase.make().timedEvents(seed: 42)
        #expect(first == again)
        #expect(workload.events(seed: 42) == first.map(\.event))
        let other = workload.timedEvents(seed: 43)
        #expect(other != first)
        #expect(!first.isEmpty)
    }

    @Test("generated streams are well-formed", arguments: WorkloadCase.small)
    func wellFormed(_ testCase: WorkloadCase) throws {
        let workload = try testCase.make()
        for seed: UInt64 in [1, 2, 3] {
            let events = workload.timedEvents(seed: seed)
            let violations = EventStreamCheck().violations(of: events, topology: workload.topology)
            #expect(violations.isEmpty, "seed \(seed): \(violations.prefix(5))")
            // Every domain created is destroyed by the end, and nothing stays attached.
            var live = Set<IOMMUDomainID>()
            var attachments = 0
            for event in events.map(\.event) {
                switch event {
                case let .createDomain(domain, _): live.insert(domain)
                case let .destroyDomain(domain): live.remove(domain)
                case .attach: attachments += 1
                case .detach: attachments -= 1
                default: break
                }
            }
            #expect(live.isEmpty)
            #expect(attachments == 0)
        }
    }

    @Test("the topology depends on parameters only", arguments: WorkloadCase.small)
    func topologyIsSeedFree(_ testCase: WorkloadCase) throws {
        let a = try testCase.make()
        let b = try testCase.make()
        #expect(a.topology == b.topology)
        #expect(a.parameters == b.parameters)
        #expect(!a.topology.units.isEmpty)
    }

    @Test("every workload has a size knob that scales the stream")
    func sizeKnob() throws {
        for type in WorkloadCatalog.all {
            #expect(type.parameters.contains { $0.name == "operations" }, "\(type.name)")
            let small = try WorkloadCatalog.make(type.name, ["operations": "50"]).events(seed: 1).count
            let large = try WorkloadCatalog.make(type.name, ["operations": "500"]).events(seed: 1).count
            #expect(small < large, "\(type.name): \(small) vs \(large)")
        }
    }

    @Test("strict dma-stream flushes exactly each unmapped slot")
    func strictFlushes() throws {
        let events = try DMAStreamWorkload.make(["operations": "300"]).events(seed: 5)
        var unmaps = 0
        for (index, event) in events.enumerated() {
            guard case let .unmap(domain, first, count) = event else { continue }
            unmaps += 1
            #expect(events[index + 1] == .flushAfterUnmap(domain, IOVARange(firstPage: first, pageCount: count)))
        }
        #expect(unmaps >= 300)
        #expect(!events.contains { $0.kind == .flushAll })
    }

    @Test("lazy dma-stream drains by full rings and by the timer")
    func lazyFlushQueue() throws {
        // Full rings: a fast clock, a small ring.
        let ringBound = try DMAStreamWorkload.make([
            "operations": "2000", "mode": "lazy", "fq_size": "8", "devices": "2", "cpus": "1",
        ])
        let ringEvents = ringBound.events(seed: 9)
        #expect(!ringEvents.contains { $0.kind == .flushRange })
        let flushAlls = ringEvents.filter { $0.kind == .flushAll }.count
        #expect(flushAlls >= 2000 / 8 / 2)
        // The timer: a slow clock (1000 operations per second), so 10 ms pass every 10 operations.
        let timed = try DMAStreamWorkload.make(["operations": "200", "mode": "lazy", "rate": "1000", "devices": "1"])
        let timedEvents = timed.timedEvents(seed: 9)
        let flushTimes = timedEvents.filter { $0.event.kind == .flushAll }.map(\.time)
        #expect(flushTimes.count >= 10)
        // Never a full ring (256) in 200 operations: every flush came from a timer.
        #expect(timedEvents.filter { $0.event.kind == .unmap }.count < 256 * 2)
        // Lazy mode never reuses an IOVA before the flush that covers it: the check verifies.
        #expect(EventStreamCheck().violations(of: timedEvents, topology: timed.topology).isEmpty)
    }

    @Test("sva-munmap: one PASID per process, reused lowest-first after exits, heavy-tailed sizes")
    func svaPASIDs() throws {
        let workload = try SVAMunmapWorkload.make([
            "operations": "3000", "processes": "8", "churn": "0.1", "max_pages": "512",
        ])
        let events = workload.events(seed: 11)
        var pasidOf: [IOMMUDomainID: PASID] = [:]
        var livePASIDs: [PASID: IOMMUDomainID] = [:]
        var sizes: [UInt64] = []
        for event in events {
            switch event {
            case let .createDomain(_, kind): #expect(kind == .sva)
            case let .attach(domain, _, pasid):
                #expect(!pasid.isNone)
                if let known = pasidOf[domain] { #expect(known == pasid) } else { pasidOf[domain] = pasid }
                if let holder = livePASIDs[pasid] { #expect(holder == domain) }
                livePASIDs[pasid] = domain
            case let .destroyDomain(domain):
                if let pasid = pasidOf[domain], livePASIDs[pasid] == domain { livePASIDs[pasid] = nil }
            case let .flushRange(_, range, _): sizes.append(range.pageCount)
            default: break
            }
        }
        #expect(pasidOf.count > 8)  // processes were replaced
        #expect(Set(pasidOf.values).count < pasidOf.count)  // and their PASIDs reused
        #expect(Set(pasidOf.values).map(\.rawValue).max()! <= 16)
        #expect(sizes.contains(1))
        #expect(sizes.contains { $0 >= 128 })
        let small = sizes.filter { $0 <= 4 }.count
        #expect(small * 2 > sizes.count, "most munmaps are small")
    }

    @Test("nested-s2: children nest on the parent; parent unmaps are flushed on the parent")
    func nestedShape() throws {
        for attach in ["rid", "pasid"] {
            let workload = try NestedS2Workload.make(
                [
                    "operations": "1000", "children": "5", "attach": attach, "devices": "2", "ram_mib": "64",
                    "parent_rate": "0.2",
                ])
            let events = workload.events(seed: 3)
            let parent = IOMMUDomainID(0)
            #expect(events.first == .createDomain(parent, .secondStage))
            let children = events.compactMap { event -> IOMMUDomainID? in
                if case let .createDomain(domain, .nested(parent: p)) = event, p == parent { return domain }
                return nil
            }
            #expect(children.count == 5)
            var pasids: [PASID] = []
            for case let .attach(domain, _, pasid) in events where children.contains(domain) { pasids.append(pasid) }
            if attach == "rid" {
                #expect(pasids.allSatisfy { $0.isNone })
            } else {
                #expect(Set(pasids).count == 5 && !pasids.contains(.none))
            }
            #expect(events.contains { if case .flushRange(parent, _, _) = $0 { true } else { false } })
            #expect(
                events.contains { if case let .flushRange(domain, _, _) = $0 { children.contains(domain) } else { false } }
            )
        }
    }

    @Test("nested-churn: children attach and detach mid-run, at RID and through unique PASIDs, with guest-wide flushes")
    func nestedChurnShape() throws {
        let workload = try NestedChurnWorkload.make(
            ["operations": "3000", "devices": "3", "ram_mib": "64", "bind_rate": "0.2", "switch_rate": "0.05"])
        let events = workload.events(seed: 6)
        let parent = IOMMUDomainID(0)
        #expect(events.first == .createDomain(parent, .secondStage))
        var kinds: [IOMMUDomainID: DomainKind] = [:]
        var live: [PASID: IOMMUDomainID] = [:]
        var detachesMidRun = (rid: 0, pasid: 0)
        for event in events {
            switch event {
            case let .createDomain(domain, kind): kinds[domain] = kind
            case let .attach(domain, _, pasid) where !pasid.isNone:
                #expect(kinds[domain] == .nested(parent: parent))
                #expect(live[pasid] == nil, "PASID \(pasid) is unique among live binds")
                live[pasid] = domain
            case let .detach(_, pasid):
                if pasid.isNone { detachesMidRun.rid += 1 } else { detachesMidRun.pasid += 1 }
                live[pasid] = nil
            default: break
            }
        }
        // More detaches than the end-of-run tear-down alone would give (3 RID children + live binds).
        #expect(detachesMidRun.rid > 3 && detachesMidRun.pasid > 0)
        #expect(events.contains { if case let .flushAll(domain) = $0 { domain != parent } else { false } })
        #expect(events.contains { if case .flushRange(parent, _, _) = $0 { true } else { false } })
    }

    @Test("pasid-fs: first-stage domains through unique PASIDs on shared devices, RID domains second-stage")
    func pasidFirstStageShape() throws {
        let workload = try PASIDFirstStageWorkload.make(["operations": "2000", "devices": "2", "interfaces": "4", "churn": "0.2"])
        let events = workload.events(seed: 2)
        var kinds: [IOMMUDomainID: DomainKind] = [:]
        var live: [PASID: IOMMUDomainID] = [:]
        var perDevice: [DeviceID: Int] = [:]
        var destroyed = 0
        for event in events {
            switch event {
            case let .createDomain(domain, kind): kinds[domain] = kind
            case let .attach(domain, device, pasid):
                #expect(kinds[domain] == (pasid.isNone ? .secondStage : .firstStage))
                if !pasid.isNone {
                    #expect(live[pasid] == nil)
                    live[pasid] = domain
                    perDevice[device, default: 0] += 1
                }
            case let .detach(_, pasid): live[pasid] = nil
            case .destroyDomain: destroyed += 1
            default: break
            }
        }
        #expect(perDevice.count == 2 && perDevice.values.allSatisfy { $0 > 1 }, "many interfaces per device")
        #expect(destroyed > 8 + 2, "churn destroys interfaces mid-run")
    }

    @Test("attach-churn keeps more containers alive than small DID spaces hold")
    func churnBeyondExhaustion() throws {
        let workload = try AttachChurnWorkload.make([
            "operations": "3000", "ndoms": "16", "live": "60", "devices": "64",
        ])
        #expect(workload.topology.units.allSatisfy { $0.capabilities.domainIDs.count == 16 })
        var live = 0
        var peak = 0
        for event in workload.events(seed: 4) {
            if case .createDomain = event { live += 1 }
            if case .destroyDomain = event { live -= 1 }
            peak = max(peak, live)
        }
        let capacity = workload.topology.units.count * (16 - 2)
        #expect(peak > capacity)
    }

    @Test("multi-iommu domains span units, attached in seeded order")
    func multiSpan() throws {
        let workload = try MultiIOMMUWorkload.make(["operations": "100", "units": "4", "domains": "6", "span": "4"])
        let events = workload.events(seed: 8)
        var units: [IOMMUDomainID: Set<IOMMUUnitID>] = [:]
        for case let .attach(domain, device, _) in events {
            units[domain, default: []].insert(workload.topology.devices[device.rawValue].iommu)
        }
        #expect(units.count == 6)
        #expect(units.values.allSatisfy { $0.count == 4 })
        let order = events.compactMap { if case let .attach(domain, _, _) = $0 { domain } else { nil } }
        let otherOrder = workload.events(seed: 9).compactMap {
            if case let .attach(domain, _, _) = $0 { domain } else { nil }
        }
        #expect(order.prefix(24) != otherOrder.prefix(24))
    }
}

@Suite("Parameters and catalog")
struct ParameterTests {
    @Test("an unknown parameter is named, with the known ones")
    func unknownParameter() {
        #expect(
            throws: WorkloadError.unknownParameter(
                workload: "dma-stream", name: "bogus", known: DMAStreamWorkload.parameters.map(\.name))
        ) {
            try DMAStreamWorkload.make(["bogus": "1"])
        }
        do {
            _ = try WorkloadCatalog.make("nested-s2", ["childs": "4"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("'childs'"))
            #expect(error.description.contains("children"))
        }
    }

    @Test("an out-of-range value names the parameter and its range", arguments: WorkloadCatalog.all.map { $0.name })
    func outOfRange(_ name: String) throws {
        let type = try WorkloadCatalog.type(named: name)
        for parameter in type.parameters {
            let bad: String
            switch parameter.domain {
            case let .integer(range): bad = "\(range.upperBound + 1)"
            case let .real(range): bad = "\(range.upperBound + 1)"
            case .choice: bad = "nonsense"
            }
            do {
                _ = try type.make([parameter.name: bad])
                Issue.record("\(name): \(parameter.name)=\(bad) accepted")
            } catch {
                guard case let .invalidValue(workload, parameterName, value, allowed) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(workload == name && parameterName == parameter.name && value == bad)
                #expect(allowed.hasPrefix(parameter.domain.allowed) || allowed.contains("..."))
                #expect(error.description.contains(parameter.name) && error.description.contains(allowed))
            }
            // Not a number at all.
            if case .choice = parameter.domain { continue }
            #expect(throws: WorkloadError.self) { try type.make([parameter.name: "12abc"]) }
        }
    }

    @Test("a bad choice lists the choices")
    func badChoice() {
        #expect(
            throws: WorkloadError.invalidValue(
                workload: "dma-stream", name: "mode", value: "eager", allowed: "strict|lazy")
        ) { try DMAStreamWorkload.make(["mode": "eager"]) }
        #expect(
            throws: WorkloadError.invalidValue(
                workload: "attach-churn", name: "ndoms", value: "100", allowed: "16|64|256|1024|4096|16384|65536")
        ) { try AttachChurnWorkload.make(["ndoms": "100"]) }
    }

    @Test("cross-parameter limits are reported on the parameter")
    func crossLimits() {
        #expect(
            throws: WorkloadError.invalidValue(
                workload: "sva-munmap", name: "binds", value: "9", allowed: "1...8 (at most devices)")
        ) {
            try SVAMunmapWorkload.make(["binds": "9", "devices": "8"])
        }
        #expect(throws: WorkloadError.self) { try NestedS2Workload.make(["ram_mib": "16", "working_set": "4096"]) }
    }

    @Test("every default is valid, and defaults are recorded in declaration order")
    func defaults() throws {
        for type in WorkloadCatalog.all {
            let workload = try type.make([:])
            #expect(workload.parameters.values.map(\.name) == type.parameters.map(\.name))
            #expect(workload.parameters.values.map(\.value) == type.parameters.map(\.defaultValue))
            #expect(workload.name == type.name)
        }
    }

    @Test("the catalog finds every workload by name and names the known ones otherwise")
    func catalog() throws {
        #expect(
            WorkloadCatalog.names == [
                "dma-stream", "sva-munmap", "nested-s2", "attach-churn", "multi-iommu", "nested-churn", "pasid-fs",
            ])
        for name in WorkloadCatalog.names { #expect(try WorkloadCatalog.type(named: name).name == name) }
        #expect(throws: WorkloadError.unknownWorkload("dma", known: WorkloadCatalog.names)) {
            try WorkloadCatalog.type(named: "dma")
        }
        let listing = WorkloadCatalog.listing
        for entry in WorkloadCatalog.entries {
            #expect(listing.contains(entry.name + ": "))
            for parameter in entry.parameters {
                #expect(!parameter.meaning.isEmpty)
                #expect(listing.contains(parameter.meaning))
            }
        }
        #expect(listing.contains("skip_bad_lines"))
    }
}

@Suite("Event stream check")
struct EventStreamCheckTests {
    let topology: Topology

    init() throws {
        topology = try Topology(
            units: [IOMMUUnit(id: IOMMUUnitID(0))],
            devices: [
                try Device(id: DeviceID(0), iommu: IOMMUUnitID(0), source: SourceID(rawValue: 0x100)),
                try Device(id: DeviceID(1), iommu: IOMMUUnitID(0), source: SourceID(rawValue: 0x101)),
            ])
    }

    func violations(_ events: [WorkloadEvent]) -> [String] {
        EventStreamCheck().violations(of: events, topology: topology).map(\.message)
    }

    @Test("catches what generators must never do")
    func catches() {
        let d0 = IOMMUDomainID(0)
        let d1 = IOMMUDomainID(1)
        let dev = DeviceID(0)
        let p = PASID(unchecked: 3)
        #expect(
            violations([
                .createDomain(d0, .secondStage), .attach(d0, device: dev, pasid: .none),
                .attach(d0, device: dev, pasid: .none),
            ]).count == 1)
        #expect(violations([.detach(device: dev, pasid: .none)]).count == 1)
        #expect(
            violations([.createDomain(d0, .secondStage), .attach(d0, device: dev, pasid: .none), .destroyDomain(d0)])
                .count == 1)
        #expect(
            violations([.createDomain(d0, .secondStage), .createDomain(d1, .nested(parent: d0)), .destroyDomain(d0)])
                .count == 1)
        #expect(
            violations([
                .createDomain(d0, .sva), .createDomain(d1, .sva), .attach(d0, device: dev, pasid: p),
                .attach(d1, device: DeviceID(1), pasid: p),
            ]).count == 1)
        #expect(
            violations([
                .createDomain(d0, .sva), .attach(d0, device: dev, pasid: p),
                .attach(d0, device: DeviceID(1), pasid: PASID(unchecked: 4)),
            ]).count == 1)
        #expect(violations([.createDomain(d0, .sva), .attach(d0, device: dev, pasid: .none)]).count == 1)
        #expect(violations([.access(device: dev, pasid: .none, page: 1)]).count == 1)
        #expect(
            violations([
                .createDomain(d0, .secondStage), .attach(d0, device: dev, pasid: .none),
                .map(d0, firstPage: 8, pageCount: 2),
                .unmap(d0, firstPage: 8, pageCount: 2), .map(d0, firstPage: 9, pageCount: 1),
            ]).count == 1)
        #expect(
            violations([
                .createDomain(d0, .secondStage), .attach(d0, device: dev, pasid: .none),
                .map(d0, firstPage: 8, pageCount: 2),
                .unmap(d0, firstPage: 8, pageCount: 2), .flushRange(d0, IOVARange(firstPage: 8, pageCount: 2), invalidationHint: true),
                .map(d0, firstPage: 9, pageCount: 1), .access(device: dev, pasid: .none, page: 9),
            ]).isEmpty)
        #expect(
            EventStreamCheck().violations(
                of: [
                    TimedWorkloadEvent(time: 5, event: .createDomain(d0, .sva)),
                    TimedWorkloadEvent(time: 4, event: .destroyDomain(d0)),
                ],
                topology: topology
            ).count == 1)
    }
}
