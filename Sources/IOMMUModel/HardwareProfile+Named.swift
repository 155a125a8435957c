extension HardwareProfile {
    /// A Skylake-SP-like server unit (dmesg cap `8d2078c106f0466`: PSI, MAMV 18, read and write
    /// draining, no caching mode, all 16 DID bits), in scalable mode. IOTLB 1024 entries, 8 ways,
    /// page-indexed, and 64-entry device TLBs: Intel publishes no sizes, so these are the model's
    /// defaults (`IOTLB`, `DeviceTLB`), not measurements. The DID space is the workload's.
    package static let server = HardwareProfile(
        name: "server", iotlbEntries: 1024, iotlbWays: 8, setIndex: .page, deviceTLBEntries: 64,
        pageSelectiveInvalidation: true, maximumAddressMaskValue: 18, cachingMode: false, readDrain: true,
        writeDrain: true, scalableMode: true, domainCount: nil, pasidSelectivePrecision: .exact, ridPASID: .zero)

    /// QEMU's emulated intel-iommu as the reference trace ran it (`caching-mode=on`, legacy mode,
    /// QEMU's default): one hash table of at most 1024 entries (fully associative here: 1024 ways;
    /// QEMU empties it when full and keys entries by source ID rather than DID, the model evicts
    /// LRU and tags by DID), PSI with MAMV 18, drain bits (`dma-drain`, on by default), caching
    /// mode (docs/vtd-facts.md §7). QEMU has 16-bit DIDs, the workloads' default `ndoms`, so the
    /// profile leaves the DID space to the workload. Exact PASID-based invalidation.
    package static let qemu = HardwareProfile(
        name: "qemu", iotlbEntries: 1024, iotlbWays: 1024, setIndex: .page, deviceTLBEntries: 64,
        pageSelectiveInvalidation: true, maximumAddressMaskValue: 18, cachingMode: true, readDrain: true,
        writeDrain: true, scalableMode: false, domainCount: nil, pasidSelectivePrecision: .exact, ridPASID: .zero)

    /// A client unit (Sandy Bridge to Tiger Lake laptops, Elkhart Lake Atom: dmesg cap
    /// `d2008c40660462`, ND 2): 256 DIDs, PSI with MAMV 18, read and write draining, no caching
    /// mode. Scalable mode and the cache sizes are assumptions (as `server`). The one named profile
    /// that sets the DID space: it overrides every workload's `ndoms` (docs/vtd-facts.md §3).
    package static let client = HardwareProfile(
        name: "client", iotlbEntries: 1024, iotlbWays: 8, setIndex: .page, deviceTLBEntries: 64,
        pageSelectiveInvalidation: true, maximumAddressMaskValue: 18, cachingMode: false, readDrain: true,
        writeDrain: true, scalableMode: true, domainCount: 256, pasidSelectivePrecision: .exact, ridPASID: .zero)

    /// A stress case, not a real part: hardware that makes DID sharing cost the most. A small
    /// IOTLB (256 entries, 4 ways) whose index hashes the DID (sharing puts domains back into the
    /// same sets), 16-entry device TLBs, MAMV 9 (flushes above 2 MiB become domain-selective), and
    /// PASID-based invalidations that drop every entry of the DID. Over-invalidation is what the
    /// register-based interface allows (IOTLB_REG IAIG: hardware may use a coarser granularity)
    /// and what the RISC-V IOMMU spec allows outright; whether VT-d §6.5.2.4 allows it for
    /// PASID-based descriptors is not established (docs/vtd-facts.md §3). The DID space is the workload's.
    package static let adversarial = HardwareProfile(
        name: "adversarial", iotlbEntries: 256, iotlbWays: 4, setIndex: .didHash, deviceTLBEntries: 16,
        pageSelectiveInvalidation: true, maximumAddressMaskValue: 9, cachingMode: false, readDrain: true,
        writeDrain: true, scalableMode: true, domainCount: nil, pasidSelectivePrecision: .didWide, ridPASID: .zero)

    /// Every named profile, in the order `list` shows them; `server` is the default.
    package static let all: [HardwareProfile] = [.server, .client, .qemu, .adversarial]

    /// The named profile `name`, or nil.
    package static func named(_ name: String) -> HardwareProfile? { all.first { $0.name == name } }

    /// What a named profile is, one line, for `list`.
    package var summary: String {
        switch name {
        case "server": "Skylake-SP-like server unit, scalable mode; cache sizes are model defaults (Intel publishes none)"
        case "client": "Intel client unit (laptops, Atom): 256 DIDs (cap_ndoms), overriding the workloads' ndoms"
        case "qemu": "QEMU intel-iommu as the reference trace ran it: caching mode, legacy mode, 1024-entry fully associative IOTLB"
        case "adversarial": "stress case, not a real part: small DID-hashed IOTLB, MAMV 9, did-wide PASID-based invalidation"
        default: "custom"
        }
    }
}

extension HardwareProfile {
    /// The `list` section: every named profile with its values, then every key.
    package static var documentation: [String] {
        var lines = ["HARDWARE PROFILES (--hw NAME, first; default server)"]
        for profile in all {
            lines.append("  \(profile.name): \(profile.summary)")
            lines.append("    " + profile.settings.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        lines.append("")
        lines.append("HARDWARE KEYS (--hw key=value, repeatable; --hw-file FILE; --vary hw.KEY=v1,v2 or hw.profile=a,b)")
        for key in keys {
            lines.append("  \(key.name) (\(key.allowed)): \(key.meaning)\(key.isCapability ? "; a replayed trace decides it unless given" : "")")
        }
        return lines
    }
}
