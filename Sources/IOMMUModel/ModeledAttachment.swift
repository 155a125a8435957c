import VTd

/// What the model knows of one (device, PASID) attachment: the path a DMA resolves through
/// (PASID-table entry → DID, translation type, page tables).
public struct ModeledAttachment: Hashable, Sendable {
    /// The attached domain.
    public let domain: IOMMUDomainID
    /// The domain's incarnation in the model.
    public let serial: DomainSerial
    /// The translation type of the PASID-table entry (from the domain's kind).
    public let kind: TranslationKind
    /// The requester.
    public let device: DeviceID
    /// The PASID of the attachment (`PASID.none` for the RID).
    public let pasid: PASID
    /// The DID the scheme gave the attachment.
    public let domainID: DomainID
    /// The unit behind which the device sits: whose IOTLB serves it.
    public let unit: IOMMUUnitID

    /// The IOTLB tag's PASID-or-none: the PASID for first-stage and nested translations, none for
    /// second-stage ones even when attached through a PASID.
    public var iotlbPASID: PASID? { kind.isPASIDTagged ? pasid : nil }
}
