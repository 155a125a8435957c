import TestSupport
import CacheTags
import Testing
import VTd

// Freeing a DID twice (or one that was never allocatable) is a precondition failure by design,
// a bookkeeping bug rather than an input error, so it is deliberately not exercised here.
@Suite("DomainIDAllocator")
struct DomainIDAllocatorTests {
    func allocator(unit: Int = 0, ndoms: Int) -> DomainIDAllocator {
        DomainIDAllocator(unit: IOMMUUnitID(unit), space: try! DomainIDSpace(domainCount: ndoms))
    }

    @Test("hands out the lowest free DID, starting at 2")
    func lowestFreeOrder() throws {
        var ids = allocator(ndoms: 256)
        var got: [UInt16] = []
        for _ in 0..<10 { got.append(try ids.allocate().rawValue) }
        #expect(got == Array(2...11))
        #expect(ids.allocatedCount == 10)
    }

    @Test("reuses a freed DID before any higher one")
    func reuseAfterFree() throws {
        var ids = allocator(ndoms: 256)
        for _ in 0..<8 { _ = try ids.allocate() }  // 2 ... 9
        ids.free(DomainID(5))
        ids.free(DomainID(3))
        #expect(ids.allocatedCount == 6)
        #expect(try ids.allocate() == DomainID(3))
        #expect(try ids.allocate() == DomainID(5))
        #expect(try ids.allocate() == DomainID(10))
    }

    @Test("reuse crosses 64-bit word boundaries")
    func reuseAcrossWords() throws {
        var ids = allocator(ndoms: 256)
        for _ in 0..<200 { _ = try ids.allocate() }  // 2 ... 201
        ids.free(DomainID(150))
        ids.free(DomainID(70))
        #expect(try ids.allocate() == DomainID(70))
        #expect(try ids.allocate() == DomainID(150))
        #expect(try ids.allocate() == DomainID(202))
    }

    @Test("runs out after cap_ndoms - 2 DIDs with a typed, one-line error", arguments: [16, 64])
    func exhaustion(ndoms: Int) throws {
        var ids = allocator(unit: 3, ndoms: ndoms)
        var got: [UInt16] = []
        for _ in 0..<(ndoms - 2) { got.append(try ids.allocate().rawValue) }
        #expect(got == Array(2..<UInt16(ndoms)))
        #expect(ids.allocatedCount == ndoms - 2)

        let space = try DomainIDSpace(domainCount: ndoms)
        let error = #expect(throws: DomainIDError.self) { _ = try ids.allocate() }
        #expect(error == .exhausted(unit: IOMMUUnitID(3), space: space))
        #expect(error?.description == "attach failed: DID space exhausted on iommu 3 (\(ndoms - 2) allocatable DIDs)")
        #expect(error?.description.contains("\n") == false)
        // Still exhausted, still not a crash; nothing changed.
        #expect(throws: DomainIDError.exhausted(unit: IOMMUUnitID(3), space: space)) { _ = try ids.allocate() }
        #expect(ids.allocatedCount == ndoms - 2)

        // A freed DID is available again, and is the only one.
        ids.free(DomainID(7))
        #expect(try ids.allocate() == DomainID(7))
        #expect(throws: DomainIDError.self) { _ = try ids.allocate() }
    }

    @Test("isAllocated follows allocate and free; DIDs 0 and 1 are never allocated")
    func isAllocated() throws {
        var ids = allocator(ndoms: 64)
        #expect(!ids.isAllocated(.reserved))
        #expect(!ids.isAllocated(.firstStageDefault))
        #expect(!ids.isAllocated(DomainID(2)))
        let did = try ids.allocate()
        #expect(did == DomainID(2))
        #expect(ids.isAllocated(did))
        #expect(!ids.isAllocated(DomainID(3)))
        ids.free(did)
        #expect(!ids.isAllocated(did))
        // Outside the space: never allocated.
        #expect(!ids.isAllocated(DomainID(64)))
        #expect(!ids.isAllocated(DomainID(65535)))
        #expect(ids.allocatedCount == 0)
    }

    @Test("a server unit's space holds 65,534 allocatable DIDs")
    func serverSpace() throws {
        var ids = DomainIDAllocator(unit: IOMMUUnitID(0), space: .server)
        for _ in 0..<65534 { _ = try ids.allocate() }
        #expect(ids.isAllocated(DomainID(65535)))
        #expect(throws: DomainIDError.self) { _ = try ids.allocate() }
    }
}
