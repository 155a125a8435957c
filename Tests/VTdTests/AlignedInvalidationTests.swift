import TestSupport
import Testing
import VTd
import Workloads

// MARK: - Independent references

/// Brute force: the smallest 2^mask-page block, aligned to its size, that holds both the first and
/// the last page of the range (an aligned block holding both holds every page between them).
/// Tries every mask from 0 up; written without the bit tricks the implementation uses.
func bruteForceBlock(firstPage: UInt64, lastPage: UInt64) -> (address: UInt64, mask: Int) {
    for mask in 0...52 where firstPage >> UInt64(mask) == lastPage >> UInt64(mask) {
        return (((firstPage >> UInt64(mask)) << UInt64(mask)) << 12, mask)
    }
    preconditionFailure("page frames are 52 bits wide, so mask 52 always fits")
}

/// A line-by-line port of the kernel's `calculate_psi_aligned_address` (drivers/iommu/intel/cache.c,
/// Linux 6.12, with the "Limit max address mask to MAX_AGAW_PFN_WIDTH" fix) in 64-bit
/// `unsigned long` arithmetic that wraps like C, plus the `start == 0 && end == ULONG_MAX` case that
/// `cache_tag_flush_range` handles before calling it. Returns nil where the C is undefined:
/// `aligned_nrpages` wraps to 0 pages (see `kernelUndefinedEdge`), and `__roundup_pow_of_two(0)`
/// shifts by 64.
func kernelPSI(start: UInt64, end: UInt64) -> (address: UInt64, mask: Int)? {
    if start == 0 && end == .max { return (0, 52) }
    // aligned_nrpages(start, end - start + 1): PAGE_ALIGN((start & ~PAGE_MASK) + size) >> 12.
    let size = end &- start &+ 1
    let pages = (((start & 0xfff) &+ size &+ 0xfff) & ~UInt64(0xfff)) >> 12
    guard pages != 0 else { return nil }
    // __roundup_pow_of_two(pages) = 1UL << fls_long(pages - 1).
    let alignedPages: UInt64 = pages == 1 ? 1 : 1 << UInt64(64 - (pages - 1).leadingZeroBitCount)
    let bitmask = alignedPages &- 1
    var mask = alignedPages.trailingZeroBitCount  // ilog2
    let pfn = start >> 12
    if bitmask & pfn != 0 {
        let endPfn = pfn &+ pages &- 1
        let sharedBits = ~(pfn ^ endPfn) & ~bitmask
        mask = sharedBits != 0 ? sharedBits.trailingZeroBitCount : 52  // __ffs / MAX_AGAW_PFN_WIDTH
    }
    // ALIGN_DOWN(start, VTD_PAGE_SIZE << mask); 4096 << 52 wraps to 0 and aligns everything to 0.
    let alignment: UInt64 = 4096 << UInt64(mask)
    return (start & ~(alignment &- 1), mask)
}

/// The one family of ranges where the kernel's C is undefined: the range runs from page 0 to the
/// last page of the 64-bit space but is not exactly `0 ... ULONG_MAX`, so
/// `(start & ~PAGE_MASK) + (end - start + 1)` rounds up past 2^64 and `aligned_nrpages` returns 0.
/// No IOVA allocator produces such a range; the model answers with the whole-space block, the only
/// block that covers it.
func kernelUndefinedEdge(_ range: IOVARange) -> Bool {
    range.firstPage == 0 && range.lastPage == lastPageFrame && !(range.start == 0 && range.end == .max)
}

/// Checks one range against both references and the block invariants; returns a failure text or nil.
func checkCovering(_ range: IOVARange) -> String? {
    let block = AlignedInvalidation(covering: range)
    guard (0...52).contains(block.mask) else { return "\(range): mask \(block.mask) out of 0...52" }
    // Aligned to its own size (2^(mask+12) bytes); the whole-space block sits at 0.
    let alignmentBytes: UInt64 = block.mask == 52 ? 0 : 1 << UInt64(block.mask + 12)
    if block.mask == 52 ? block.address != 0 : block.address % alignmentBytes != 0 {
        return "\(range): \(block) not aligned"
    }
    // Covers every page: the block spans [blockFirst, blockLast] ⊇ [firstPage, lastPage].
    let blockFirst = block.address >> 12
    let blockLast = blockFirst + ((1 << UInt64(block.mask)) - 1)
    guard blockFirst <= range.firstPage, range.lastPage <= blockLast else { return "\(range): \(block) misses pages" }
    guard block.contains(page: range.firstPage), block.contains(page: range.lastPage) else {
        return "\(range): contains(page:) disagrees"
    }
    // Minimal. The kernel's result is always the minimum: with m = ceil(log2(pages)), an aligned
    // start gives the 2^m block and no smaller block can hold `pages` pages; an unaligned start means
    // last = first + (pages - 1) with pages - 1 < 2^m, so above bit m-1 the frames differ only by a
    // carry, which flips bits m...k for the first zero bit k of `first` at or above m; the lowest
    // shared bit is then k + 1 (or m when no carry happens), exactly the width of first ^ last, which is
    // what the brute force finds. No counterexample exists, so minimality is asserted everywhere.
    let reference = bruteForceBlock(firstPage: range.firstPage, lastPage: range.lastPage)
    guard block.address == reference.address, block.mask == reference.mask else {
        return "\(range): \(block) but brute force gives addr \(hex(reference.address)) mask \(reference.mask)"
    }
    // Kernel-faithful wherever the kernel's C is defined.
    if let kernel = kernelPSI(start: range.start, end: range.end) {
        guard block.address == kernel.address, block.mask == kernel.mask else {
            return "\(range): \(block) but the kernel gives addr \(hex(kernel.address)) mask \(kernel.mask)"
        }
    } else if !kernelUndefinedEdge(range) {
        return "\(range): kernel port undefined outside the known edge"
    }
    return nil
}

/// A seeded mix of range shapes: small anywhere, log-uniform sizes, ranges straddling a power-of-two
/// boundary, ranges hugging the top of the space; byte offsets inside the first and last page at random.
func randomRange(_ rng: inout SplitMix64) -> IOVARange {
    var first: UInt64
    var last: UInt64
    switch rng.below(4) {
    case 0:
        first = rng.below(pageFrameCount)
        last = first + rng.below(64)
    case 1:
        first = rng.below(pageFrameCount)
        last = first &+ rng.below(1 << rng.below(53))
    case 2:
        let bit = rng.below(52) + 1
        let boundary = (rng.below(pageFrameCount >> bit) | 1) << bit
        first = boundary - 1 - rng.below(min(boundary, 1 << rng.below(bit + 1)))
        last = boundary + rng.below(1 << rng.below(bit + 1))
    default:
        last = lastPageFrame - rng.below(1 << rng.below(20))
        first = last - rng.below(min(last + 1, 1 << rng.below(53)))
    }
    last = min(max(last, first), lastPageFrame)
    var start = first << 12 | rng.below(4096)
    var end = last << 12 | rng.below(4096)
    if start > end { swap(&start, &end) }
    return try! IOVARange(start: start, end: end)
}

// MARK: - Tests

@Suite struct AlignedInvalidationTests {
    static func covering(_ start: UInt64, _ end: UInt64) -> AlignedInvalidation {
        AlignedInvalidation(covering: try! IOVARange(start: start, end: end))
    }

    @Test func singlePage() {
        #expect(Self.covering(0x5000, 0x5fff) == aligned(0x5000, 0))
        #expect(Self.covering(0x5123, 0x5abc) == aligned(0x5000, 0))
        #expect(Self.covering(0, 0) == aligned(0, 0))
        #expect(Self.covering(.max, .max) == aligned(.max - 0xfff, 0))
    }

    @Test(arguments: 0..<52)
    func exactAlignedPowerOfTwoRanges(mask: Int) throws {
        let size = UInt64(1) << UInt64(mask)
        for slot in [0, 1, 3, (pageFrameCount >> UInt64(mask)) - 1] where slot < pageFrameCount >> UInt64(mask) {
            let block = AlignedInvalidation(covering: IOVARange(firstPage: slot * size, pageCount: size))
            #expect(block.mask == mask)
            #expect(block.address == (slot * size) << 12)
            #expect(block.pageCount == size)
        }
    }

    @Test func crossingAnAlignmentBoundaryWidensTheMask() throws {
        // Pages 3..4: two pages, but 3 and 4 first share bit 3, so the block is pages 0..7.
        #expect(AlignedInvalidation(covering: IOVARange(firstPage: 3, pageCount: 2)) == aligned(0, 3))
        // Pages 0x1ff..0x200: the carry into bit 9 makes the block 1024 pages at 0.
        #expect(AlignedInvalidation(covering: IOVARange(firstPage: 0x1ff, pageCount: 2)) == aligned(0, 10))
        // Pages 0x3ff..0x400: the carry flips bits 0...10, so the block is 2048 pages at 0.
        #expect(AlignedInvalidation(covering: IOVARange(firstPage: 0x3ff, pageCount: 2)).mask == 11)
        // Pages 5..6 (0b101, 0b110) differ in bits 0...1: the block is pages 4...7.
        #expect(AlignedInvalidation(covering: IOVARange(firstPage: 5, pageCount: 2)) == aligned(0x4000, 2))
        // Three pages 1..3 round up to 4 pages at 0.
        #expect(AlignedInvalidation(covering: IOVARange(firstPage: 1, pageCount: 3)) == aligned(0, 2))
        // Pages 2^51 - 1 ... 2^51: the carry reaches bit 51, so only the whole space covers them.
        let middle = AlignedInvalidation(covering: IOVARange(firstPage: (1 << 51) - 1, pageCount: 2))
        #expect(middle == .wholeAddressSpace)
    }

    @Test func unalignedByteStartAndEnd() throws {
        // Bytes 0x1fff..0x2000 touch pages 1 and 2: block 0..3.
        #expect(Self.covering(0x1fff, 0x2000) == aligned(0, 2))
        // Bytes 0x2001..0x3ffe stay in pages 2..3: block 2..3, address rounded down to the page.
        #expect(Self.covering(0x2001, 0x3ffe) == aligned(0x2000, 1))
        // One byte past a 4-page aligned run adds a page and crosses into the next block.
        #expect(Self.covering(0x4000, 0x8000) == aligned(0, 4))
        // A 2-page run of bytes starting mid-page touches 3 pages.
        #expect(Self.covering(0x10800, 0x127ff) == aligned(0x10000, 2))
    }

    @Test func wholeAddressSpace() {
        let block = AlignedInvalidation(covering: .everything)
        #expect(block.address == 0)
        #expect(block.mask == 52)
        #expect(block == .wholeAddressSpace)
        #expect(block.isWholeAddressSpace)
        #expect(block.pageCount == pageFrameCount)
        #expect(block.description == "addr 0x0 mask 52")
    }

    @Test func hugeRangesNearTheTop() throws {
        // The top half: 2^51 pages, aligned.
        #expect(Self.covering(1 << 63, .max) == aligned(1 << 63, 51))
        // One page below the top half: straddles bit 51, whole space.
        #expect(Self.covering((1 << 63) - 0x1000, .max) == .wholeAddressSpace)
        // The top half minus its first page stays in the top half.
        #expect(Self.covering((1 << 63) + 0x1000, .max) == aligned(1 << 63, 51))
        // The last page, the last 2^32 pages and the last 2^40 pages.
        #expect(Self.covering(.max - 0xfff, .max) == aligned(.max - 0xfff, 0))
        #expect(Self.covering(0xFFFF_F000_0000_0000, .max) == aligned(0xFFFF_F000_0000_0000, 32))
        #expect(Self.covering(0xFFF0_0000_0000_0000, .max) == aligned(0xFFF0_0000_0000_0000, 40))
        // Everything but the first page, and everything but the last: whole space.
        #expect(Self.covering(0x1000, .max) == .wholeAddressSpace)
        #expect(Self.covering(0, .max - 0x1000) == .wholeAddressSpace)
        // The lower half exactly.
        #expect(Self.covering(0, (1 << 63) - 1) == aligned(0, 51))
    }

    @Test func kernelPortAgreesOnTheNamedCases() {
        // The port itself, checked on the examples above so the random test compares to something real.
        #expect(kernelPSI(start: 0x3000, end: 0x4fff)! == (0, 3))
        #expect(kernelPSI(start: 0x1ff000, end: 0x200fff)! == (0, 10))
        #expect(kernelPSI(start: 0x2001, end: 0x3ffe)! == (0x2000, 1))
        #expect(kernelPSI(start: 1 << 63, end: .max)! == (1 << 63, 51))
        #expect(kernelPSI(start: 0, end: .max)! == (0, 52))
    }

    @Test func kernelIsUndefinedOnlyWhereTheRangeSpansFirstToLastPage() throws {
        // The documented divergence: the C wraps aligned_nrpages to 0; the model gives the whole space.
        for (start, end) in [(UInt64(1), UInt64.max), (0x800, .max), (0, .max - 1), (0xfff, .max - 0xfff)] {
            let range = try IOVARange(start: start, end: end)
            #expect(kernelUndefinedEdge(range))
            #expect(kernelPSI(start: start, end: end) == nil)
            #expect(AlignedInvalidation(covering: range) == .wholeAddressSpace)
        }
        // One page short at either end is defined again (and still the whole space).
        #expect(kernelPSI(start: 0x1000, end: .max)! == (0, 52))
        #expect(kernelPSI(start: 0x800, end: .max - 0x1000)! == (0, 52))
    }

    @Test func exhaustiveSmallRangesMatchBothReferences() {
        var failures: [String] = []
        for first in UInt64(0)..<256 {
            for last in first..<(first + 300) {
                let range = IOVARange(firstPage: first, pageCount: last - first + 1)
                if let failure = checkCovering(range) { failures.append(failure) }
            }
        }
        // And every short range hugging the top of the space.
        for first in (pageFrameCount - 200)..<pageFrameCount {
            for last in first...lastPageFrame {
                if let failure = checkCovering(IOVARange(firstPage: first, pageCount: last - first + 1)) {
                    failures.append(failure)
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test(arguments: [UInt64(0x5EED), 0xC0FFEE, 0xDEAD_BEEF_CAFE])
    func seededRandomRangesAreAlignedCoveringAndMinimal(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var failures: [String] = []
        var straddling = 0
        for _ in 0..<4000 {
            let range = randomRange(&rng)
            if let failure = checkCovering(range) { failures.append(failure) }
            // Count the interesting case so the generator provably exercises it.
            let pages = range.pageCount
            let roundedMask = pages <= 1 ? 0 : 64 - (pages - 1).leadingZeroBitCount
            if AlignedInvalidation(covering: range).mask > roundedMask { straddling += 1 }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(straddling > 400, "the generator should produce many boundary-straddling ranges")
    }

    @Test func splitMix64IsTheReferenceGenerator() {
        // First outputs of SplitMix64 seeded with 0 (the published reference sequence).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}

@Suite struct AlignedInvalidationBlockTests {
    @Test func directConstructionValidatesMaskAndAlignment() throws {
        #expect(try AlignedInvalidation(address: 0x8000, mask: 3).pageCount == 8)
        for badMask in [-1, 53, 64, Int.max] {
            let error = #expect(throws: VTdError.self) { try AlignedInvalidation(address: 0, mask: badMask) }
            #expect(error?.field == "mask")
        }
        for (address, mask) in [(UInt64(0x4000), 3), (0x1234, 0), (0x1000, 1), (1 << 63, 52), (0x1000, 52)] {
            let error = #expect(throws: VTdError.self) { try AlignedInvalidation(address: address, mask: mask) }
            #expect(error?.field == "address")
        }
    }

    @Test(arguments: 0...52)
    func pageCountAndWholeSpace(mask: Int) throws {
        let block = try AlignedInvalidation(address: 0, mask: mask)
        #expect(block.pageCount == UInt64(1) << UInt64(mask))
        #expect(block.isWholeAddressSpace == (mask == 52))
    }

    @Test func containsPage() throws {
        let block = try AlignedInvalidation(address: 0x8000, mask: 3)  // pages 8...15
        #expect((8...15).allSatisfy { block.contains(page: $0) })
        #expect(!block.contains(page: 7))
        #expect(!block.contains(page: 16))
        #expect(!block.contains(page: 0))
        let single = try AlignedInvalidation(address: 0xFFFF_FFFF_FFFF_F000, mask: 0)
        #expect(single.contains(page: lastPageFrame))
        #expect(!single.contains(page: lastPageFrame - 1))
        let upperHalf = try AlignedInvalidation(address: 1 << 63, mask: 51)
        #expect(upperHalf.contains(page: 1 << 51))
        #expect(upperHalf.contains(page: lastPageFrame))
        #expect(!upperHalf.contains(page: (1 << 51) - 1))
        #expect(AlignedInvalidation.wholeAddressSpace.contains(page: 0))
        #expect(AlignedInvalidation.wholeAddressSpace.contains(page: lastPageFrame))
    }

    @Test func containsMatchesIntervalOnRandomBlocks() {
        var rng = SplitMix64(seed: 42)
        var failures = 0
        for _ in 0..<2000 {
            let block = randomBlock(&rng)
            let first = block.address >> 12
            let last = first + (block.pageCount - 1)
            let probes = [first, last, first &- 1, last &+ 1, first + rng.below(block.pageCount), rng.below(pageFrameCount)]
            for page in probes where page < pageFrameCount {
                if block.contains(page: page) != (first...last).contains(page) { failures += 1 }
            }
        }
        #expect(failures == 0)
    }
}
