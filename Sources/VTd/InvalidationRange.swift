/// The VT-d page size every invalidation address is expressed in (`VTD_PAGE_SHIFT` = 12).
public let pageShift = 12

/// 4 KiB.
public let pageSize: UInt64 = 1 << 12

/// The widest address mask an invalidation can carry: 64 − 12 bits of page frame number
/// (`MAX_AGAW_PFN_WIDTH` in the Linux driver). A mask this wide covers the whole address space.
public let maximumAddressMask = 64 - pageShift

/// A range of I/O virtual addresses as the unmap path hands it to the cache-tag layer:
/// `start` and `end` inclusive, in bytes (Linux `cache_tag_flush_range(domain, start, end, ih)`).
public struct IOVARange: Hashable, Sendable, CustomStringConvertible {
    /// First byte of the range.
    public let start: UInt64
    /// Last byte of the range (inclusive).
    public let end: UInt64

    /// Builds a range; `end` must not be below `start`.
    public init(start: UInt64, end: UInt64) throws(VTdError) {
        guard end >= start else {
            throw VTdError.outOfRange(field: "end", value: hex(end), allowed: ">= start \(hex(start))")
        }
        self.start = start
        self.end = end
    }

    /// The range of `count` 4 KiB pages starting at page frame `firstPage`.
    public init(firstPage: UInt64, pageCount: UInt64) {
        precondition(pageCount > 0, "an IOVA range holds at least one page")
        precondition(
            firstPage < 1 << 52 && pageCount <= (1 << 52) - firstPage, "an IOVA range ends inside the 64-bit space")
        start = firstPage << UInt64(pageShift)
        end = ((firstPage + pageCount) << UInt64(pageShift)) &- 1
    }

    /// The whole 64-bit address space.
    public static let everything = try! IOVARange(start: 0, end: .max)

    /// First page frame touched.
    @inlinable public var firstPage: UInt64 { start >> UInt64(pageShift) }
    /// Last page frame touched.
    @inlinable public var lastPage: UInt64 { end >> UInt64(pageShift) }
    /// Pages touched, counting partial pages at either end (Linux `aligned_nrpages`);
    /// 2^52 for the whole address space.
    @inlinable public var pageCount: UInt64 {
        let span = lastPage - firstPage
        return span == .max ? .max : span + 1
    }

    /// Pages one last-level page table maps (a 4 KiB table of 512 eight-byte entries).
    public static let pagesPerPageTable: UInt64 = 512

    /// Whether unmapping this range frees page-table pages in a 4-level table of 4 KiB mappings:
    /// the kernel frees a table whose whole span the unmap covers (`dma_pte_clear_level`), so
    /// this is "the range covers at least one aligned 512-page block". The kernel's flush after
    /// the unmap passes IH = 1 exactly when it freed none (`intel_iommu_tlb_sync`: the gather's
    /// freelist is empty; docs/vtd-facts.md §1), telling the IOMMU it may keep cached
    /// paging-structure entries.
    public var freesPageTablePages: Bool {
        let span = Self.pagesPerPageTable
        let firstWholeBlock = (firstPage + span - 1) / span * span
        return lastPage >= firstWholeBlock && lastPage - firstWholeBlock + 1 >= span
    }

    public var description: String { "[\(hex(start))-\(hex(end))]" }
}

/// A page-selective invalidation target: a 2^`mask`-page block aligned to its own size, the
/// only shape VT-d's address/mask fields can express (VT-d spec §6.5.2.3, "AM" field).
///
/// Built by `init(covering:)`, which follows the Linux driver's `calculate_psi_aligned_address`
/// in drivers/iommu/intel/cache.c: round the page count up to a power of two; if the start is
/// not aligned to that size the range straddles an alignment boundary, and the mask widens to
/// the lowest high-order bit that the first and last page frames share.
public struct AlignedInvalidation: Hashable, Sendable, CustomStringConvertible {
    /// Page-aligned base address of the block.
    public let address: UInt64
    /// log2 of the block's size in pages (0 … `maximumAddressMask`).
    public let mask: Int

    /// Builds a block directly; `address` must be aligned to 2^mask pages.
    public init(address: UInt64, mask: Int) throws(VTdError) {
        guard (0...maximumAddressMask).contains(mask) else {
            throw VTdError.outOfRange(field: "mask", value: "\(mask)", allowed: "0...\(maximumAddressMask)")
        }
        let alignment = AlignedInvalidation.byteMask(mask)
        guard address & alignment == 0 else {
            throw VTdError.outOfRange(
                field: "address", value: hex(address), allowed: "aligned to \(1 << mask) pages")
        }
        self.address = address
        self.mask = mask
    }

    /// The smallest aligned block that covers every page of `range`.
    @inlinable
    public init(covering range: IOVARange) {
        let pages = range.pageCount
        let firstPage = range.firstPage
        // Round the page count up to a power of two; a count above 2^63 can only be the whole space.
        var mask = pages <= 1 ? 0 : 64 - (pages - 1).leadingZeroBitCount
        if mask >= maximumAddressMask {
            self.address = 0
            self.mask = maximumAddressMask
            return
        }
        let blockMask: UInt64 = (1 << UInt64(mask)) - 1
        if firstPage & blockMask != 0 {
            // The range straddles a 2^mask boundary. Above `blockMask` the first and last frames
            // can differ only through a carry, so the lowest bit they agree on (above the block)
            // is where a single aligned block covering both starts.
            let lastPage = range.lastPage
            let sharedHighBits = ~(firstPage ^ lastPage) & ~blockMask
            mask = sharedHighBits == 0 ? maximumAddressMask : sharedHighBits.trailingZeroBitCount
            mask = min(mask, maximumAddressMask)
        }
        self.mask = mask
        self.address = mask >= maximumAddressMask ? 0 : (range.start & ~AlignedInvalidation.byteMask(mask))
    }

    /// Pages in the block (`1 << mask`); 2^52 for the whole address space.
    @inlinable public var pageCount: UInt64 { mask >= 63 ? .max : 1 << UInt64(mask) }

    /// Whether the block is the whole address space.
    @inlinable public var isWholeAddressSpace: Bool { mask >= maximumAddressMask }

    /// Whether page frame `page` lies inside the block.
    @inlinable
    public func contains(page: UInt64) -> Bool {
        if isWholeAddressSpace { return true }
        return page >> UInt64(mask) == (address >> UInt64(pageShift)) >> UInt64(mask)
    }

    /// Byte-address bits below a 2^mask-page block.
    @inlinable
    static func byteMask(_ mask: Int) -> UInt64 {
        let shift = mask + pageShift
        return shift >= 64 ? .max : (1 << UInt64(shift)) - 1
    }

    /// The whole address space as one block.
    public static let wholeAddressSpace = try! AlignedInvalidation(address: 0, mask: maximumAddressMask)

    public var description: String { "addr \(hex(address)) mask \(mask)" }
}

/// Lower-case hexadecimal with a `0x` prefix, as the kernel's trace events print addresses.
public func hex<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }
