import VTd

/// What the model knows of one (device, PASID) attachment: the path a DMA resolves through
/// (PASID-table entry → DID, translation type, page tables).
package struct ModeledAttachment: Hashable, Sendable {
    /// The attached domain.
    package let domain: IOMMUDomainID
    /// The domain's incarnation in the model.
    package let serial: DomainSerial
    /// The translation type of the PASID-table entry (from the domain's kind).
    package let kind: TranslationKind
    /// The requester.
    package let device: DeviceID
    /// The PASID of the attachment (`PASID.none` for the RID).
    package let pasid: PASID
    /// The PASID its first-stage and nested IOTLB entries carry (`Device.taggedPASID`).
    package let taggedPASID: PASID
    /// The DID the scheme gave the attachment.
    package let domainID: DomainID
    /// The unit behind which the device sits: whose IOTLB serves it.
    package let unit: IOMMUUnitID

    /// The IOTLB tag's PASID-or-none: the PASID for first-stage and nested translations, none for
    /// second-stage ones even when attached through a PASID.
    package var iotlbPASID: PASID? { kind.isPASIDTagged ? taggedPASID : nil }
}
