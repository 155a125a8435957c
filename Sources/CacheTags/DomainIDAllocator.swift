import VTd

/// Hands out the DIDs of one IOMMU unit, lowest free first, from 2 up to `cap_ndoms` − 1
/// (DID 0 is reserved for caching mode, DID 1 is the shared first-stage default). Linux keeps a
/// bitmap (`iommu->domain_ids`) before 6.16 and an ida over the same range since; either way
/// running out is an ordinary attach failure, never a crash.
public struct DomainIDAllocator: Sendable {
    /// The unit the DIDs belong to.
    public let unit: IOMMUUnitID
    /// The unit's DID space.
    public let space: DomainIDSpace
    private var words: [UInt64]
    /// No free DID lies below this one.
    private var lowestCandidate = Int(DomainID.firstAllocatable)
    /// DIDs currently handed out.
    public private(set) var allocatedCount = 0

    public init(unit: IOMMUUnitID, space: DomainIDSpace) {
        self.unit = unit
        self.space = space
        words = Array(repeating: 0, count: (space.count + 63) / 64)
        // DIDs 0 and 1 are never handed out.
        words[0] = 0b11
    }

    /// The lowest free DID, now marked in use.
    public mutating func allocate() throws(DomainIDError) -> DomainID {
        var wordIndex = lowestCandidate / 64
        while wordIndex < words.count {
            let free = ~words[wordIndex]
            if free != 0 {
                let bit = free.trailingZeroBitCount
                let value = wordIndex * 64 + bit
                guard value < space.count else { break }
                words[wordIndex] |= 1 << UInt64(bit)
                lowestCandidate = value + 1
                allocatedCount += 1
                return DomainID(UInt16(value))
            }
            wordIndex += 1
        }
        lowestCandidate = space.count
        throw DomainIDError.exhausted(unit: unit, space: space)
    }

    /// Returns `did` to the pool. Freeing a DID that is not allocated is a bookkeeping bug.
    public mutating func free(_ did: DomainID) {
        let value = Int(did.rawValue)
        precondition(value >= Int(DomainID.firstAllocatable) && value < space.count, "\(did) was never allocatable")
        let mask: UInt64 = 1 << UInt64(value % 64)
        precondition(words[value / 64] & mask != 0, "\(did) freed twice on \(unit)")
        words[value / 64] &= ~mask
        lowestCandidate = min(lowestCandidate, value)
        allocatedCount -= 1
    }

    /// Whether `did` is currently handed out.
    public func isAllocated(_ did: DomainID) -> Bool {
        let value = Int(did.rawValue)
        guard value >= Int(DomainID.firstAllocatable), value < space.count else { return false }
        return words[value / 64] & (1 << UInt64(value % 64)) != 0
    }
}

/// Why an attachment could not get a DID: countable, reported in one line.
public enum DomainIDError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every allocatable DID of the unit is in use.
    case exhausted(unit: IOMMUUnitID, space: DomainIDSpace)

    public var description: String {
        switch self {
        case let .exhausted(unit, space):
            "attach failed: DID space exhausted on iommu \(unit.rawValue) (\(space.allocatableCount) allocatable DIDs)"
        }
    }
}
