import TestSupport
import CacheTags
import Engine
import IOMMUModel
import Metrics
import Runs
import Testing
import VTd
import Workloads

/// Each hardware key changes what it should, in a hand-built case; files and arguments parse as
/// documented and refuse bad input in one line.
@Suite("Hardware profiles")
struct HardwareProfileTests {
    /// `events` on the single-unit fixture under `settings` (over `server`), on kernel-list.
    func run(
        _ settings: [String], scheme: any DomainIDScheme = KernelScheme(), topology: Topology = Fixtures.singleUnit,
        _ events: [WorkloadEvent]
    ) throws -> [String: Double] {
        var point = PreparedWorkload(name: "hand-built", parameters: [], topology: topology, events: { _ in events })
        point.apply(hardware: try HardwareProfile.server.overriding(arguments: settings))
        let metrics = try modeledRun(
            CacheTagTables.all.first { $0.name == KernelListTable.name }!, topology: point.topology, scheme: scheme,
            configuration: point.hardware.configuration(strict: true), events: events
        ).metrics
        return Dictionary(metrics.map { ($0.metric.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A second-stage domain on dev0 with pages 0..<4 cached, then `pages` pages from page 1 unmapped and flushed.
    func unmapFlush(pages: UInt64) -> [WorkloadEvent] {
        let domain = Fixtures.domain(1)
        var events: [WorkloadEvent] = [
            .createDomain(domain, .secondStage), .map(domain, firstPage: 0, pageCount: 4),
            .attach(domain, device: DeviceID(0), pasid: .none),
        ]
        events += (0..<4).map { .access(device: DeviceID(0), pasid: .none, page: $0) }
        let range = IOVARange(firstPage: 1, pageCount: pages)
        events += [.unmap(domain, firstPage: 1, pageCount: pages), .flushAfterUnmap(domain, range)]
        return events
    }

    @Test func psiOffMakesRangeFlushesDomainSelective() throws {
        let on = try run([], unmapFlush(pages: 1))
        let off = try run(["psi=off"], unmapFlush(pages: 1))
        #expect(on["hw.iotlb.collateral.domain_selective"] == 0)
        #expect(off["hw.iotlb.collateral.domain_selective"] == 3)
    }

    @Test func mamvBelowTheBlockFallsBackToDomainSelective() throws {
        // Two pages from page 1 need mask 2 (pages 0..<4): rounding under MAMV 18, domain-selective under 0.
        let wide = try run([], unmapFlush(pages: 2))
        let narrow = try run(["mamv=0"], unmapFlush(pages: 2))
        #expect(wide["hw.iotlb.collateral.range_rounding"] == 2 && wide["hw.iotlb.collateral.domain_selective"] == 0)
        #expect(narrow["hw.iotlb.collateral.range_rounding"] == 0 && narrow["hw.iotlb.collateral.domain_selective"] == 2)
    }

    @Test func cachingModeAndScalableDecideTheSetUpTraffic() throws {
        let events = Array(unmapFlush(pages: 1).prefix(3))
        let plain = try run([], events)
        let scalable = try run(["caching_mode=on"], events)
        let legacy = try run(["caching_mode=on", "scalable=off"], events)
        #expect(plain["hw.descriptors.pasid_cache"] == 0 && plain["hw.descriptors.context_cache"] == 0)
        #expect(scalable["hw.descriptors.pasid_cache"] == 1 && scalable["hw.descriptors.context_cache"] == 0)
        #expect(legacy["hw.descriptors.pasid_cache"] == 0 && legacy["hw.descriptors.context_cache"] == 1)
    }

    @Test func cachingModeSetUpsCountTheirCollateralWithTheTearDowns() throws {
        // Two SVA domains on DID 1 (Linux today). On did-wide hardware in caching mode, the second
        // attach's set-up (a PASID-selective flush of its PASID) drops the first domain's entries.
        var events: [WorkloadEvent] = []
        for (index, pasid) in [(1, UInt32(5)), (2, 6)] {
            let domain = Fixtures.domain(index)
            events += [
                .createDomain(domain, .sva), .map(domain, firstPage: 0, pageCount: 4),
                .attach(domain, device: DeviceID(index - 1), pasid: Fixtures.pasid(pasid)),
            ]
            if index == 1 { events += (0..<4).map { .access(device: DeviceID(0), pasid: Fixtures.pasid(5), page: $0) } }
        }
        let exact = try run(["caching_mode=on"], events)
        let wide = try run(["caching_mode=on", "pasid_selective=did-wide"], events)
        let noCachingMode = try run(["pasid_selective=did-wide"], events)
        #expect(exact["hw.iotlb.collateral_evictions"] == 0)
        #expect(wide["hw.iotlb.collateral.teardown"] == 4 && wide["hw.iotlb.collateral_evictions"] == 4)
        #expect(noCachingMode["hw.iotlb.collateral_evictions"] == 0)
    }

    @Test func drainKeysSetTheIOTLBDescriptorBits() throws {
        for (settings, read, write) in [([String](), true, true), (["read_drain=off"], false, true), (["write_drain=off"], true, false)] {
            let capabilities = try HardwareProfile.server.overriding(arguments: settings).capabilities(over: .server)
            let word = InvalidationDescriptor.iotlb(.domainSelective, domainID: Fixtures.did(2), on: capabilities).quadword0
            #expect((word >> 7 & 1 == 1) == read && (word >> 6 & 1 == 1) == write, "\(settings)")
        }
    }

    @Test func ndomsBoundsTheDIDSpace() throws {
        // 16 DIDs: 0 and 1 reserved, so the 15th second-stage domain finds none.
        let topology = try Topology(units: [Fixtures.unit(0)], devices: (0..<15).map { Fixtures.device($0, unit: 0) })
        var events: [WorkloadEvent] = []
        for index in 0..<15 {
            events += [.createDomain(Fixtures.domain(index), .secondStage), .attach(Fixtures.domain(index), device: DeviceID(index), pasid: .none)]
        }
        #expect(try run([], topology: topology, events)["hw.attach_failures"] == 0)
        #expect(try run(["ndoms=16"], topology: topology, events)["hw.attach_failures"] == 1)
    }

    @Test func perDeviceRIDPASIDLetsRIDChildrenShareTheirParentsDID() throws {
        let parent = Fixtures.domain(0)
        var events: [WorkloadEvent] = [
            .createDomain(parent, .secondStage), .map(parent, firstPage: 0, pageCount: 4),
        ]
        for child in 1...2 {
            events += [
                .createDomain(Fixtures.domain(child), .nested(parent: parent)),
                .attach(Fixtures.domain(child), device: DeviceID(child - 1), pasid: .none),
            ]
        }
        let zero = try run([], scheme: SharedPASIDScheme(), events)
        let perDevice = try run(["rid_pasid=per-device"], scheme: SharedPASIDScheme(), events)
        // PASID 0 twice under the shared DID is refused: the second child falls back to its own DID.
        #expect(zero["hw.sharing_fallbacks"] == 1 && zero["hw.dids_in_use"] == 2)
        #expect(perDevice["hw.sharing_fallbacks"] == 0 && perDevice["hw.dids_in_use"] == 1)
    }

    @Test func cacheGeometryKeysReachTheModel() throws {
        let hardware = try HardwareProfile.server.overriding(
            arguments: ["iotlb_entries=32", "iotlb_ways=2", "devtlb_entries=3", "set_index=did-hash", "pasid_selective=did-wide"])
        let topology = Fixtures.singleUnit
        let model = try IOMMUModel(units: topology.units, devices: topology.devices, configuration: hardware.configuration())
        let iotlb = try #require(model.iotlb(of: IOMMUUnitID(0)))
        #expect(iotlb.capacity == 32 && iotlb.ways == 2 && iotlb.setIndex == .didHash && iotlb.pasidPrecision == .didWide)
        #expect(model.deviceTLB(of: DeviceID(2))?.capacity == 3)
    }

    @Test func profilesParseFromFilesAndArguments() throws {
        let file = "profile=adversarial\r\n# a comment\r\niotlb_ways = 8\r\n\r\nset_index=page\r\n"
        let (profile, settings) = try HardwareProfile.fileSettings(file, file: "hw.txt")
        #expect(profile?.value == "adversarial" && settings.map(\.location) == ["hw.txt:3", "hw.txt:5"])
        let fromFile = try #require(HardwareProfile.named("adversarial")).applying(settings)
        #expect(fromFile.iotlbWays == 8 && fromFile.setIndex == .page && fromFile.pasidSelectivePrecision == .didWide)
        #expect(throws: HardwareProfileError.self) { try HardwareProfile.fileSettings("psi=off\nprofile=qemu\n", file: "f") }
        let fromArguments = try HardwareProfile.server.overriding(arguments: ["qemu", "psi=off"])
        #expect(fromArguments.name == "qemu" && !fromArguments.pageSelectiveInvalidation && fromArguments.cachingMode)
        for profile in HardwareProfile.all { #expect(try profile.validated(location: "test") == profile) }
    }

    @Test("bad hardware settings are one-line errors naming where", arguments: [
        (["colour=red"], "--hw assignment 1: unknown hardware key 'colour'"),
        (["mamv=0x10"], "--hw assignment 1: hardware 'mamv': '0x10' is not in 0...52"),
        (["psi=yes"], "--hw assignment 1: hardware 'psi': 'yes' is not in on|off"),
        (["ndoms=100"], "--hw assignment 1: hardware 'ndoms': '100' is not in workload|16|64|256|1024|4096|16384|65536"),
        (["iotlb_entries=10", "iotlb_ways=4"], "--hw assignment 2: iotlb_ways 4 does not divide iotlb_entries 10"),
        (["psi=off", "qemu"], "--hw assignment 2: expected key=value or a profile name"),
        (["adversarial", "client"], "--hw assignment 2: expected key=value or a profile name"),
        (["server", "mamv=99"], "--hw assignment 2: hardware 'mamv': '99' is not in 0...52"),
        (["tiny"], "--hw assignment 1: unknown hardware profile 'tiny'"),
    ])
    func badSettings(_ arguments: [String], _ message: String) {
        do {
            _ = try HardwareProfile.server.overriding(arguments: arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }
}

/// The shipped workloads under every hardware profile, small, through the strict oracle: the
/// safe schemes pass on every one (the profiles change costs and collateral, never safety).
@Suite("Catalog workloads on every hardware profile")
struct CatalogHardwareTests {
    @Test(arguments: HardwareProfile.all.map(\.name))
    func safeSchemesPassOnEveryProfile(profile name: String) throws {
        let hardware = try #require(HardwareProfile.named(name))
        for type in WorkloadCatalog.all {
            var point = PreparedWorkload(try type.make(["operations": "300"]))
            point.apply(hardware: hardware)
            let events = point.events(seed: 5)
            for scheme in DomainIDSchemes.safe {
                let metrics = try ModeledRun.metrics(
                    events: events, topology: point.topology, scheme: scheme,
                    makeTable: { KernelListTable(domainUsesFirstStage: $0) }, configuration: hardware.configuration(strict: true))
                #expect(metrics.contains { $0.metric == Metric.eventsTotal && $0.value > 0 }, "\(type.name) \(scheme.name)")
            }
        }
    }
}
