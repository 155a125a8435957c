import VTd

/// A vIOMMU guest's RAM as its nested workloads use it (`nested-s2`, `nested-churn`): the parent
/// maps it in 2 MiB blocks that parent steps unplug and replug (balloon / virtio-mem style), and
/// children map IOVA = GPA inside 16-page slots of plugged blocks, so a child's page `p`
/// translates through the parent's page `p`. Children never touch pages of unplugged blocks.
struct GuestMemory {
    /// Pages of a 2 MiB block, the parent's unplug unit.
    static let blockPages = 512
    /// Pages of one child mapping slot.
    static let slotPages = 16

    /// One child's mappings and the slots they hold.
    struct Mappings {
        var list: [(firstPage: UInt64, pages: Int, slot: Int)] = []
        var usedSlots: Set<Int> = []
        var isEmpty: Bool { list.isEmpty }
        var count: Int { list.count }
    }

    let ramPages: Int
    private let blockCount: Int
    private let slotCount: Int
    private var plugged: [Bool]
    private var unplugged: [Int] = []

    init(ramPages: Int) {
        self.ramPages = ramPages
        blockCount = ramPages / Self.blockPages
        slotCount = ramPages / Self.slotPages
        plugged = Array(repeating: true, count: blockCount)
    }

    /// Whether `page` lies in a plugged block.
    func isPlugged(page: Int) -> Bool { plugged[page / Self.blockPages] }

    /// Maps a new mapping of 1…`maxPages` pages for `domain` in a free slot of a plugged block;
    /// gives up after a few tries (rare).
    func mapNew(
        _ domain: IOMMUDomainID, into mappings: inout Mappings, maxPages: Int, rng: inout SplitMix64,
        out: inout EventRecorder
    ) {
        for _ in 0..<64 {
            let slot = rng.below(slotCount)
            guard isPlugged(page: slot * Self.slotPages), !mappings.usedSlots.contains(slot) else { continue }
            let pages = maxPages == 1 ? 1 : rng.within(1...maxPages)
            let firstPage = UInt64(slot * Self.slotPages + rng.below(Self.slotPages - pages + 1))
            mappings.usedSlots.insert(slot)
            mappings.list.append((firstPage, pages, slot))
            out.emit(.map(domain, firstPage: firstPage, pageCount: UInt64(pages)))
            return
        }
    }

    /// Unmaps a random mapping of `domain` (no flush); returns its range.
    @discardableResult
    func unmapOne(_ domain: IOMMUDomainID, from mappings: inout Mappings, rng: inout SplitMix64, out: inout EventRecorder)
        -> IOVARange
    {
        let victim = mappings.list.remove(at: rng.below(mappings.list.count))
        mappings.usedSlots.remove(victim.slot)
        out.emit(.unmap(domain, firstPage: victim.firstPage, pageCount: UInt64(victim.pages)))
        return IOVARange(firstPage: victim.firstPage, pageCount: UInt64(victim.pages))
    }

    /// One parent step: unplug a random block (`unmap` + flush on the parent) while at most a
    /// quarter are out, else replug one (`map`).
    mutating func parentStep(_ parent: IOMMUDomainID, rng: inout SplitMix64, out: inout EventRecorder) {
        if unplugged.count < blockCount / 4, unplugged.isEmpty || rng.chance(0.5) {
            let block = rng.below(blockCount)
            guard plugged[block] else { return }
            plugged[block] = false
            unplugged.append(block)
            let range = IOVARange(firstPage: UInt64(block * Self.blockPages), pageCount: UInt64(Self.blockPages))
            out.emit(.unmap(parent, firstPage: range.firstPage, pageCount: range.pageCount))
            out.emit(.flushAfterUnmap(parent, range))
        } else if !unplugged.isEmpty {
            let block = unplugged.remove(at: rng.below(unplugged.count))
            plugged[block] = true
            out.emit(.map(parent, firstPage: UInt64(block * Self.blockPages), pageCount: UInt64(Self.blockPages)))
        }
    }

    /// `count` DMA accesses through (device, PASID) to random pages of `mappings` in plugged blocks.
    func access(
        _ mappings: Mappings, device: DeviceID, pasid: PASID, count: Int, rng: inout SplitMix64, out: inout EventRecorder
    ) {
        guard !mappings.isEmpty else { return }
        for _ in 0..<count {
            let mapping = mappings.list[rng.below(mappings.list.count)]
            guard plugged[mapping.slot * Self.slotPages / Self.blockPages] else { continue }
            out.emit(.access(device: device, pasid: pasid, page: mapping.firstPage + UInt64(rng.below(mapping.pages))))
        }
    }
}
