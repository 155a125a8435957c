import TestSupport
import Testing
import VTd

@Suite struct DomainIDTests {
    @Test func wellKnownDIDs() {
        #expect(DomainID.reserved.rawValue == 0)
        #expect(DomainID.firstStageDefault.rawValue == 1)
        #expect(DomainID.firstAllocatable == 2)
    }

    @Test func orderingAndDescription() {
        #expect(DomainID(2) < DomainID(3))
        #expect(!(DomainID(3) < DomainID(3)))
        #expect([DomainID(9), DomainID(0), DomainID(65535)].sorted() == [DomainID(0), DomainID(9), DomainID(65535)])
        #expect(DomainID(42).description == "did 42")
    }
}

@Suite struct DomainIDSpaceTests {
    /// cap_ndoms = 2^(4 + 2·ND), VT-d spec §11.4.2.
    static let expectedCounts = [0: 16, 1: 64, 2: 256, 3: 1024, 4: 4096, 5: 16384, 6: 65536]

    @Test(arguments: 0...6)
    func everyValidNDField(nd: Int) throws {
        let space = try DomainIDSpace(numberOfDomainsField: nd)
        let expected = try #require(Self.expectedCounts[nd])
        #expect(space.numberOfDomainsField == nd)
        #expect(space.count == expected)
        #expect(space.allocatableCount == expected - 2, "DIDs 0 and 1 are never handed out")
        #expect(space.description == "\(expected) DIDs")
        // The count form names the same space.
        #expect(try DomainIDSpace(domainCount: expected) == space)
    }

    @Test(arguments: [-1, 7, 8, 100, Int.min, Int.max])
    func invalidNDFieldThrowsNamingTheField(nd: Int) {
        let error = #expect(throws: VTdError.self) { try DomainIDSpace(numberOfDomainsField: nd) }
        #expect(error?.field == "cap.nd")
        #expect(error?.description.contains("\(nd)") == true)
    }

    @Test(arguments: [0, 1, 2, 4, 8, 15, 17, 32, 128, 512, 65535, 65537, 131_072, 262_144, -16, Int.min, Int.max])
    func invalidDomainCountThrowsNamingTheField(count: Int) {
        let error = #expect(throws: VTdError.self) { try DomainIDSpace(domainCount: count) }
        #expect(error?.field == "cap_ndoms")
    }

    @Test func serverSpace() {
        #expect(DomainIDSpace.server.count == 65536)
        #expect(DomainIDSpace.server.numberOfDomainsField == 6)
        #expect(DomainIDSpace.server.allocatableCount == 65534)
    }

    @Test func smallestSpaceStillHasAllocatableDIDs() throws {
        let space = try DomainIDSpace(numberOfDomainsField: 0)
        #expect(space.allocatableCount == 14)
        // Allocatable DIDs are exactly 2 ..< count.
        #expect(space.allocatableCount == (Int(DomainID.firstAllocatable)..<space.count).count)
    }
}
