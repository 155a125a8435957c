import VTd

/// What an IOTLB entry is looked up by: DID, PASID-or-none, page (VT-d spec §6.2.1: IOTLB entries
/// are tagged by domain, and first-stage/nested ones also by PASID).
///
/// There is no source-ID in the tag: two devices whose attachments resolve to the same DID (and,
/// for PASID-tagged entries, the same PASID) share entries. That is correct for one domain and an
/// alias for two, which is exactly what the oracle's cross-domain check exists to catch.
/// Only 4 KiB pages are modeled (no superpage entries).
package struct IOTLBTag: Hashable, Sendable, CustomStringConvertible {
    /// The DID of the attachment the entry was filled through.
    package var domainID: DomainID
    /// The attachment's PASID for first-stage and nested entries; nil for second-stage entries,
    /// which carry no PASID even when the attachment is through one.
    package var pasid: PASID?
    /// The 4 KiB page frame of the input address.
    package var page: UInt64

    /// A tag; pass nil (not `PASID.none`) for a second-stage entry.
    package init(domainID: DomainID, pasid: PASID?, page: UInt64) {
        self.domainID = domainID
        self.pasid = pasid
        self.page = page
    }

    /// `did D pasid P page 0x..`, for violation messages.
    package var description: String {
        "did \(domainID.rawValue) \(pasid.map(\.description) ?? "no pasid") page \(hex(page))"
    }
}
