/// A Process Address Space ID: 20 bits (PCIe PASID TLP prefix; VT-d spec §3.4).
///
/// First-stage and nested IOTLB entries are tagged by (DID, PASID), which is what lets domains
/// with distinct PASIDs share one DID safely. PASID 0 stands for "no PASID": the Linux driver's
/// `IOMMU_NO_PASID`, which scalable mode maps to RID_PASID for requests without a PASID.
public struct PASID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 20-bit value.
    public let rawValue: UInt32

    /// The largest PASID the 20-bit field can carry.
    public static let maximum: UInt32 = (1 << 20) - 1

    /// `IOMMU_NO_PASID`: requests without a PASID prefix (the RID attachment).
    public static let none = PASID(unchecked: 0)

    /// Builds a PASID, refusing values wider than 20 bits.
    public init(_ rawValue: UInt32) throws(VTdError) {
        guard rawValue <= PASID.maximum else {
            throw VTdError.outOfRange(field: "pasid", value: "\(rawValue)", allowed: "0...\(PASID.maximum)")
        }
        self.rawValue = rawValue
    }

    /// Builds a PASID the caller already knows fits (masked to 20 bits).
    @inlinable
    public init(unchecked rawValue: UInt32) { self.rawValue = rawValue & PASID.maximum }

    /// Whether this is the no-PASID (RID) attachment.
    @inlinable
    public var isNone: Bool { rawValue == 0 }

    @inlinable
    public static func < (lhs: PASID, rhs: PASID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { isNone ? "pasid none" : "pasid \(rawValue)" }
}
