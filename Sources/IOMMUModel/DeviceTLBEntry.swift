import VTd

/// One valid device-TLB (ATS translation cache) entry: tagged by the PASID the translation was
/// requested with (`PASID.none` for requests without a PASID prefix) and the 4 KiB page.
package struct DeviceTLBEntry: Hashable, Sendable, CustomStringConvertible {
    /// `PASID.none` for translations requested without a PASID.
    package var pasid: PASID
    /// The 4 KiB page frame of the untranslated address.
    package var page: UInt64
    /// The domain and mapping generation the IOMMU answered with.
    package var origin: TranslationOrigin

    /// An entry for hand-built caches and fills.
    package init(pasid: PASID, page: UInt64, origin: TranslationOrigin) {
        self.pasid = pasid
        self.page = page
        self.origin = origin
    }

    /// PASID and page, for violation messages.
    package var description: String { "\(pasid) page \(hex(page))" }
}
