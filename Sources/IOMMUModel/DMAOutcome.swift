/// How the model served one DMA access.
package enum DMAOutcome: Hashable, Sendable {
    /// The device's ATS translation cache had it.
    case deviceTLBHit
    /// The IOTLB had it.
    case iotlbHit
    /// A page walk translated it and filled the IOTLB (and the device TLB for ATS devices).
    case pageWalk
    /// The walk found no mapping: a translation fault, nothing filled.
    case translationFault
    /// No domain is attached on (device, PASID): a fault.
    case noAttachment
}
