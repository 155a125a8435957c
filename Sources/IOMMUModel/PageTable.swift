/// What a domain maps now: 4 KiB pages, each with the generation of the `map` that created it.
///
/// This is not a radix tree like the real page table (`dma_pte` levels in the Linux driver); it is
/// the oracle's ground truth: "is page p mapped, and by which map call". Stored as sorted,
/// non-overlapping runs of pages that share a generation, so mapping a whole guest (millions of
/// pages) costs one run; lookups are a binary search.
///
/// Mapping a page that is already mapped leaves it alone, as the Linux IOMMU core refuses to
/// overwrite a present entry; a remap needs an unmap (and its flush) first.
package struct PageTable: Sendable {
    /// Pages [first, first + count) mapped by the map call of `generation`.
    struct Run: Equatable, Sendable {
        var first: UInt64
        var count: UInt64
        var generation: UInt64
        var end: UInt64 { first + count }
    }

    private(set) var runs: [Run] = []
    /// Pages mapped now.
    package private(set) var mappedPages: UInt64 = 0

    /// An empty page table.
    package init() {}

    /// Index of the first run that ends after `page`.
    private func firstRun(endingAfter page: UInt64) -> Int {
        var low = 0
        var high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].end <= page { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The generation of `page`'s mapping, or nil when it is not mapped.
    package func generation(of page: UInt64) -> UInt64? {
        let index = firstRun(endingAfter: page)
        guard index < runs.count, runs[index].first <= page else { return nil }
        return runs[index].generation
    }

    /// Maps the unmapped pages of [firstPage, firstPage + pageCount) with `generation`.
    /// Returns how many pages became mapped.
    @discardableResult
    package mutating func map(firstPage: UInt64, pageCount: UInt64, generation: UInt64) -> UInt64 {
        guard pageCount > 0 else { return 0 }
        let end = firstPage &+ pageCount < firstPage ? UInt64.max : firstPage + pageCount
        var index = firstRun(endingAfter: firstPage)
        var cursor = firstPage
        var added: UInt64 = 0
        while cursor < end {
            if index < runs.count, runs[index].first <= cursor {
                cursor = runs[index].end
                index += 1
                continue
            }
            let gapEnd = index < runs.count ? min(end, runs[index].first) : end
            runs.insert(Run(first: cursor, count: gapEnd - cursor, generation: generation), at: index)
            added += gapEnd - cursor
            cursor = gapEnd
            index += 1
        }
        mappedPages += added
        return added
    }

    /// Unmaps [firstPage, firstPage + pageCount). Returns how many pages were mapped.
    @discardableResult
    package mutating func unmap(firstPage: UInt64, pageCount: UInt64) -> UInt64 {
        guard pageCount > 0 else { return 0 }
        let end = firstPage &+ pageCount < firstPage ? UInt64.max : firstPage + pageCount
        let start = firstRun(endingAfter: firstPage)
        var stop = start
        var kept: [Run] = []
        var removed: UInt64 = 0
        while stop < runs.count, runs[stop].first < end {
            let run = runs[stop]
            if run.first < firstPage {
                kept.append(Run(first: run.first, count: firstPage - run.first, generation: run.generation))
            }
            if run.end > end {
                kept.append(Run(first: end, count: run.end - end, generation: run.generation))
            }
            removed += min(run.end, end) - max(run.first, firstPage)
            stop += 1
        }
        runs.replaceSubrange(start..<stop, with: kept)
        mappedPages -= removed
        return removed
    }
}
