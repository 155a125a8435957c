import VTd

extension DecodedDescriptor {
    /// The aligned block a page-selective IOTLB descriptor or a device-TLB descriptor names; nil
    /// for global, domain-selective and PASID-selective ones (they name no address). Collateral
    /// evictions inside it are range rounding (`CollateralCause`).
    var block: AlignedInvalidation? {
        switch self {
        case let .iotlb(_, _, block, _), let .pasidIOTLB(_, _, _, block, _): block
        case let .deviceTLB(_, block, _), let .pasidDeviceTLB(_, _, block, _): block
        case .wait: nil
        }
    }
}
