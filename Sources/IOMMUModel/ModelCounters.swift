/// What the caches and the oracle saw in one run. Invalidation queue counts live in
/// `InvalidationQueueCounters`.
package struct ModelCounters: Hashable, Sendable {
    /// IOTLB lookups that hit (untranslated DMA and ATS translation requests).
    package var iotlbHits = 0
    /// Lookups that missed and walked the page table (faulting walks included).
    package var iotlbMisses = 0
    /// Entries an invalidation dropped that belonged to another domain than the one being
    /// flushed, or lay outside the range it asked for, by cause (`CollateralCause`).
    package var iotlbCollateral = CollateralCounts()
    /// Every cause's IOTLB collateral evictions.
    package var iotlbCollateralEvictions: Int { iotlbCollateral.total }
    /// Valid entries replaced by a fill (LRU).
    package var iotlbCapacityEvictions = 0
    /// Entries dropped by invalidations, collateral or not.
    package var iotlbInvalidated = 0
    /// Device-TLB lookups that hit.
    package var deviceTLBHits = 0
    /// Device-TLB lookups that missed (an ATS translation request followed).
    package var deviceTLBMisses = 0
    /// Device-TLB entries dropped that belonged to another domain or lay outside the flushed range,
    /// by cause.
    package var deviceTLBCollateral = CollateralCounts()
    /// Every cause's device-TLB collateral evictions.
    package var deviceTLBCollateralEvictions: Int { deviceTLBCollateral.total }
    /// Valid device-TLB entries replaced by a fill (LRU).
    package var deviceTLBCapacityEvictions = 0
    /// Device-TLB entries dropped by invalidations, collateral or not.
    package var deviceTLBInvalidated = 0
    /// DMA that found no attachment or no mapping (no entry is filled).
    package var dmaFaults = 0
    /// Page walks (one per IOTLB miss).
    package var pageWalks = 0
    /// Modeled page-walk time (µs).
    package var pageWalkMicros = 0.0
    /// Translations that survived the flush that should have removed them.
    package var staleTranslations = 0
    /// Lookups that hit an entry filled for another domain.
    package var crossDomainHits = 0
    /// Attachments made while another domain's live attachment on the same unit had the same
    /// IOTLB tag (DID, PASID-or-none): a structural alias, counted even if no lookup ever collides.
    package var aliasedAttachments = 0
    /// Descriptors the model could not decode.
    package var undecodedDescriptors = 0

    /// All zero.
    package init() {}

    /// Both oracle counts.
    package var violations: Int { staleTranslations + crossDomainHits + aliasedAttachments }
}
