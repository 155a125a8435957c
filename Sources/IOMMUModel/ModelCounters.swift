/// What the caches and the oracle saw in one run. Invalidation queue counts live in
/// `InvalidationQueueCounters`.
public struct ModelCounters: Hashable, Sendable {
    /// IOTLB lookups that hit (untranslated DMA and ATS translation requests).
    public var iotlbHits = 0
    /// Lookups that missed and walked the page table (faulting walks included).
    public var iotlbMisses = 0
    /// Entries an invalidation dropped that belonged to another domain than the one being
    /// flushed, or lay outside the range it asked for (alignment widening, domain-selective
    /// fallback, DID sharing).
    public var iotlbCollateralEvictions = 0
    /// Valid entries replaced by a fill (LRU).
    public var iotlbCapacityEvictions = 0
    /// Entries dropped by invalidations, collateral or not.
    public var iotlbInvalidated = 0
    /// Device-TLB lookups that hit.
    public var deviceTLBHits = 0
    /// Device-TLB lookups that missed (an ATS translation request followed).
    public var deviceTLBMisses = 0
    /// Device-TLB entries dropped that belonged to another domain or lay outside the flushed range.
    public var deviceTLBCollateralEvictions = 0
    /// Valid device-TLB entries replaced by a fill (LRU).
    public var deviceTLBCapacityEvictions = 0
    /// Device-TLB entries dropped by invalidations, collateral or not.
    public var deviceTLBInvalidated = 0
    /// DMA that found no attachment or no mapping (no entry is filled).
    public var dmaFaults = 0
    /// Page walks (one per IOTLB miss).
    public var pageWalks = 0
    /// Modeled page-walk time (µs).
    public var pageWalkMicros = 0.0
    /// Translations that survived the flush that should have removed them.
    public var staleTranslations = 0
    /// Lookups that hit an entry filled for another domain.
    public var crossDomainHits = 0
    /// Attachments made while another domain's live attachment on the same unit had the same
    /// IOTLB tag (DID, PASID-or-none): a structural alias, counted even if no lookup ever collides.
    public var aliasedAttachments = 0
    /// Descriptors the model could not decode.
    public var undecodedDescriptors = 0

    /// All zero.
    public init() {}

    /// Both oracle counts.
    public var violations: Int { staleTranslations + crossDomainHits + aliasedAttachments }
}
