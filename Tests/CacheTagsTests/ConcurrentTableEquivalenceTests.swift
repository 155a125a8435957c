import TestSupport
import CacheTags
import Testing
import VTd
import Workloads

/// The lock-free and the locked variants of the grouped table must emit exactly what
/// `GroupedArrayTable` emits (same submissions, same order) for the same tags and flushes:
/// they differ only in how readers reach the table.
@Suite("Concurrent table variants")
struct ConcurrentTableEquivalenceTests {
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func sameSubmissionsAsTheGroupedTable(seed: UInt64) throws {
        var rng = SplitMix64(seed: 0xC0C0_0000 &+ seed)
        let scenario = RandomScenario(rng: &rng)
        let scheme = rng.pick(DomainIDSchemes.safe)
        let reference = CacheTagDirectory<GroupedArrayTable>(units: scenario.units, devices: scenario.devices, scheme: scheme)
        let lockFree = CacheTagDirectory<ConcurrentGroupedTable>(units: scenario.units, devices: scenario.devices, scheme: scheme)
        let locked = CacheTagDirectory<LockedGroupedTable>(units: scenario.units, devices: scenario.devices, scheme: scheme)
        for (id, kind) in scenario.domains {
            try reference.createDomain(id, kind: kind)
            try lockFree.createDomain(id, kind: kind)
            try locked.createDomain(id, kind: kind)
        }
        var live: [(DeviceID, PASID)] = []
        var flushes = 0
        for _ in 0..<400 {
            switch rng.below(10) {
            case 0..<3:
                let (domain, _) = rng.pick(scenario.domains)
                let device = rng.pick(scenario.devices).id
                let pasid = PASID(unchecked: scenario.svaPASID[domain] ?? UInt32(rng.below(3)))
                let attached = (try? reference.attach(domain, device: device, pasid: pasid)) != nil
                #expect(((try? lockFree.attach(domain, device: device, pasid: pasid)) != nil) == attached)
                #expect(((try? locked.attach(domain, device: device, pasid: pasid)) != nil) == attached)
                if attached { live.append((device, pasid)) }
            case 3 where !live.isEmpty:
                let (device, pasid) = live.remove(at: rng.below(live.count))
                try reference.detach(device: device, pasid: pasid)
                try lockFree.detach(device: device, pasid: pasid)
                try locked.detach(device: device, pasid: pasid)
            default:
                let domain = rng.pick(scenario.domains).id
                let range = randomRange(&rng)
                var expected = RecordingSink()
                var fromLockFree = RecordingSink()
                var fromLocked = RecordingSink()
                if rng.chance(30) {
                    try reference.flushAll(domain, into: &expected)
                    try lockFree.flushAll(domain, into: &fromLockFree)
                    try locked.flushAll(domain, into: &fromLocked)
                } else {
                    try reference.flushRange(domain, range, into: &expected)
                    try lockFree.flushRange(domain, range, into: &fromLockFree)
                    try locked.flushRange(domain, range, into: &fromLocked)
                }
                #expect(fromLockFree.submissions == expected.submissions)
                #expect(fromLocked.submissions == expected.submissions)
                flushes += 1
            }
        }
        #expect(flushes > 100)
    }
}
