/// One 256-bit scalable-mode invalidation descriptor as the IOMMU reads it from the
/// invalidation queue (VT-d spec §6.5.2): four quadwords, type in bits 3:0 (and 11:9) of the first.
///
/// The stored form *is* the encoding, so a table can keep precomputed templates and a sink can
/// copy descriptors with no translation step; `decoded` gives the typed view the modeled IOMMU
/// consumes. Equality is bitwise, which is what "exact duplicate" means when a table removes
/// descriptors that would repeat within one flush.
@frozen
public struct InvalidationDescriptor: Hashable, Sendable, CustomStringConvertible {
    public var quadword0: UInt64
    public var quadword1: UInt64
    public var quadword2: UInt64
    public var quadword3: UInt64

    @inlinable
    public init(_ quadword0: UInt64, _ quadword1: UInt64, _ quadword2: UInt64 = 0, _ quadword3: UInt64 = 0) {
        self.quadword0 = quadword0
        self.quadword1 = quadword1
        self.quadword2 = quadword2
        self.quadword3 = quadword3
    }

    /// The descriptor type field (bits 3:0 with 11:9 as the high bits), e.g. 2 for IOTLB.
    @inlinable
    public var typeCode: UInt64 { (quadword0 & 0xf) | ((quadword0 >> 5) & 0x70) }

    /// The four quadwords in `0x`-prefixed lowercase hex, space-separated, as `qi_submit` prints them.
    public var hexWords: String { [quadword0, quadword1, quadword2, quadword3].map { hex($0) }.joined(separator: " ") }

    public var description: String { "\(decoded?.description ?? "unknown") [\(hexWords)]" }
}

/// Descriptor type codes (VT-d spec Table "Invalidation Descriptor Types"; Linux `QI_*_TYPE`).
public enum DescriptorType: UInt64, CaseIterable, Sendable, CustomStringConvertible {
    case contextCache = 0x1
    case iotlb = 0x2
    case deviceTLB = 0x3
    case interruptEntryCache = 0x4
    case wait = 0x5
    case pasidIOTLB = 0x6
    case pasidCache = 0x7
    case pasidDeviceTLB = 0x8

    /// The names the kernel's `qi_submit` trace event prints.
    public var description: String {
        switch self {
        case .contextCache: "cc_inv"
        case .iotlb: "iotlb_inv"
        case .deviceTLB: "dev_tlb_inv"
        case .interruptEntryCache: "iec_inv"
        case .wait: "inv_wait"
        case .pasidIOTLB: "p_iotlb_inv"
        case .pasidCache: "pc_inv"
        case .pasidDeviceTLB: "p_dev_tlb_inv"
        }
    }
}

/// Granularity of an IOTLB invalidation (the IIRG/G field, bits 5:4 of quadword 0).
public enum IOTLBGranularity: UInt64, Sendable, CaseIterable {
    /// Every entry of every domain.
    case global = 1
    /// Every entry tagged with the DID, all PASIDs (VT-d spec §6.5.2.3).
    case domainSelective = 2
    /// Entries of the DID within the aligned address/mask block, all PASIDs.
    case pageSelective = 3
}

/// Granularity of a PASID-based IOTLB invalidation (bits 5:4 of quadword 0).
public enum PASIDIOTLBGranularity: UInt64, Sendable, CaseIterable {
    /// Every non-global entry of (DID, PASID) (Linux `QI_GRAN_NONG_PASID`).
    case pasidSelective = 2
    /// Entries of (DID, PASID) within the aligned block (Linux `QI_GRAN_PSI_PASID`).
    case pageSelectiveWithinPASID = 3
}

/// The typed view of a descriptor: what the modeled IOMMU acts on.
public enum DecodedDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// IOTLB invalidation by DID (second-stage and nested entries of every PASID of the DID).
    case iotlb(granularity: IOTLBGranularity, domainID: DomainID, block: AlignedInvalidation?, invalidationHint: Bool)
    /// PASID-based IOTLB invalidation (first-stage / nested entries of one PASID of the DID).
    case pasidIOTLB(
        granularity: PASIDIOTLBGranularity, domainID: DomainID, pasid: PASID, block: AlignedInvalidation?,
        invalidationHint: Bool)
    /// Device-TLB (ATS) invalidation for requests without PASID.
    case deviceTLB(source: SourceID, block: AlignedInvalidation, queueDepth: Int)
    /// PASID-based device-TLB invalidation.
    case pasidDeviceTLB(source: SourceID, pasid: PASID, block: AlignedInvalidation, queueDepth: Int)
    /// Invalidation wait: completes once every earlier descriptor has.
    case wait(statusWrite: Bool, statusData: UInt32)

    public var type: DescriptorType {
        switch self {
        case .iotlb: .iotlb
        case .pasidIOTLB: .pasidIOTLB
        case .deviceTLB: .deviceTLB
        case .pasidDeviceTLB: .pasidDeviceTLB
        case .wait: .wait
        }
    }

    public var description: String {
        switch self {
        case let .iotlb(granularity, did, block, _):
            return "iotlb \(granularity) \(did)\(block.map { " \($0)" } ?? "")"
        case let .pasidIOTLB(granularity, did, pasid, block, _):
            return "p_iotlb \(granularity) \(did) \(pasid)\(block.map { " \($0)" } ?? "")"
        case let .deviceTLB(source, block, _):
            return "dev_tlb \(source) \(block)"
        case let .pasidDeviceTLB(source, pasid, block, _):
            return "p_dev_tlb \(source) \(pasid) \(block)"
        case let .wait(statusWrite, data):
            return "wait sw=\(statusWrite) data=\(data)"
        }
    }
}
