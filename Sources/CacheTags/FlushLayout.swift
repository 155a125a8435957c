import VTd

// The one flush walk of the grouped tables, over the one representation they flush from.
//
// A *flush layout* holds what a flush reads and nothing else: per unit, in unit order, the
// quadword-0 templates of each kind (IOTLB kinds before device-TLB kinds) with a repeat bit per
// template (devices with the extra-invalidation quirk are invalidated twice), all in one
// contiguous allocation owned by a `FlushLayout` object. `GroupedArrayTable` edits its layout in
// place (its index says where each template is); `ConcurrentGroupedTable` is that table in
// copy-on-write mode — every change of the templates builds a new layout, which it publishes to
// lock-free readers — so both walk exactly the same memory with exactly the same code.

/// Where a tag's descriptor family lives in a flush layout group.
enum TemplateKind: Int, CaseIterable {
    /// DID-based IOTLB (second-stage domains, NESTING_IOTLB on parents).
    case domainIOTLB
    /// PASID-based IOTLB (the first-stage domain's own IOTLB tags).
    case pasidIOTLB
    /// Device TLB, flushed over the range (DEVTLB).
    case rangeDeviceTLB
    /// Device TLB, always flushed whole (NESTING_DEVTLB).
    case wholeDeviceTLB
}

/// One kind's templates in a group: `count` of `capacity` quadword-0 slots at element `offset` of
/// the layout, followed by `capacity` repeat bits (rounded up to whole words).
struct FlushRun {
    var offset: Int32 = 0
    var count: Int32 = 0
    var capacity: Int32 = 0
    /// PASID-based device-TLB templates (type 8) among them: while there are none (or only those),
    /// a device-TLB loop uses one quadword 1 for the whole run.
    var pasidTemplates: Int32 = 0

    /// Words the run occupies: templates, then repeat bits.
    static func elements(capacity: Int) -> Int { capacity + (capacity + 63) / 64 }

    @inline(__always)
    static func isPASIDDeviceTLB(_ word0: UInt64) -> Bool { word0 & 0xf == DescriptorType.pasidDeviceTLB.rawValue }
}

/// One unit's part of a flush layout.
struct FlushGroup {
    let unit: IOMMUUnitID
    let capabilities: IOMMUCapabilities
    var runs = (FlushRun(), FlushRun(), FlushRun(), FlushRun())
    /// Templates with the repeat bit set: while there are none, the device-TLB loops need not
    /// look at the bits.
    var repeatingTemplates = 0

    init(unit: IOMMUUnitID, capabilities: IOMMUCapabilities) {
        self.unit = unit
        self.capabilities = capabilities
    }

    subscript(kind: TemplateKind) -> FlushRun {
        get {
            switch kind {
            case .domainIOTLB: runs.0
            case .pasidIOTLB: runs.1
            case .rangeDeviceTLB: runs.2
            case .wholeDeviceTLB: runs.3
            }
        }
        _modify {
            switch kind {
            case .domainIOTLB: yield &runs.0
            case .pasidIOTLB: yield &runs.1
            case .rangeDeviceTLB: yield &runs.2
            case .wholeDeviceTLB: yield &runs.3
            }
        }
    }

    var isEmpty: Bool { runs.0.count == 0 && runs.1.count == 0 && runs.2.count == 0 && runs.3.count == 0 }
}

/// A flush layout's storage, owned by one `FlushLayout`: `[groupCount, elementsOffset]`, the
/// groups, then the runs' template words and repeat bits (64-bit elements). Stays valid exactly
/// as long as its owner; copies of the view do not own anything.
struct FlushLayoutView {
    let raw: UnsafeMutableRawPointer

    static let headerBytes = 2 * MemoryLayout<Int>.stride
    static func elementsOffset(groupCapacity: Int) -> Int {
        (headerBytes + groupCapacity * MemoryLayout<FlushGroup>.stride + 7) & ~7
    }

    var groupCount: Int {
        @inline(__always) get { raw.load(as: Int.self) }
        nonmutating set { raw.storeBytes(of: newValue, as: Int.self) }
    }
    /// Byte offset of the 64-bit elements (after the groups).
    var elementsOffset: Int { @inline(__always) get { raw.load(fromByteOffset: MemoryLayout<Int>.stride, as: Int.self) } }
    var groups: UnsafeMutablePointer<FlushGroup> {
        @inline(__always) get { (raw + Self.headerBytes).assumingMemoryBound(to: FlushGroup.self) }
    }
    var elements: UnsafeMutablePointer<UInt64> {
        @inline(__always) get {
            (raw + elementsOffset).assumingMemoryBound(to: UInt64.self)
        }
    }

    /// The templates of `run`.
    @inline(__always)
    func words(_ run: FlushRun) -> UnsafeMutablePointer<UInt64> { elements + Int(run.offset) }

    /// Run `kind` of group `group`, in place (no accessor coroutine on the assign/unassign path).
    @inline(__always)
    func run(_ group: Int, _ kind: TemplateKind) -> UnsafeMutablePointer<FlushRun> {
        (UnsafeMutableRawPointer(groups + group) + Self.runsOffset + kind.rawValue * MemoryLayout<FlushRun>.stride)
            .assumingMemoryBound(to: FlushRun.self)
    }

    /// Where `FlushGroup.runs` (four `FlushRun`s in a row) starts in a group.
    private static let runsOffset = MemoryLayout<FlushGroup>.offset(of: \FlushGroup.runs)!

    /// Whether template `position` of `run` is emitted twice.
    @inline(__always)
    func repeats(_ run: FlushRun, _ position: Int) -> Bool {
        elements[Int(run.offset) + Int(run.capacity) + position >> 6] >> UInt64(position & 63) & 1 != 0
    }

    @inline(__always)
    private func setRepeats(_ run: FlushRun, _ position: Int, _ value: Bool) {
        let word = elements + Int(run.offset) + Int(run.capacity) + position >> 6
        let bit: UInt64 = 1 << UInt64(position & 63)
        word.pointee = value ? word.pointee | bit : word.pointee & ~bit
    }

    /// The index of `unit`'s group, or nil.
    func groupIndex(of unit: IOMMUUnitID) -> Int? {
        for index in 0..<groupCount where groups[index].unit == unit { return index }
        return nil
    }

    // MARK: In-place edits (only of a layout no reader can see)

    /// Appends `word0` to run `kind` of group `group`, which must have room. Returns its position.
    @discardableResult
    @inline(__always)
    func append(_ word0: UInt64, repeats: Bool, group: Int, kind: TemplateKind) -> Int {
        let run = self.run(group, kind)
        precondition(run.pointee.count < run.pointee.capacity, "flush layout run full")
        let position = Int(run.pointee.count)
        words(run.pointee)[position] = word0
        setRepeats(run.pointee, position, repeats)
        run.pointee.count += 1
        if FlushRun.isPASIDDeviceTLB(word0) { run.pointee.pasidTemplates += 1 }
        if repeats { groups[group].repeatingTemplates += 1 }
        return position
    }

    /// Swap-removes template `position` of run `kind` of group `group`: the last template moves
    /// into its place.
    @inline(__always)
    func remove(at position: Int, group: Int, kind: TemplateKind) {
        let run = self.run(group, kind)
        let words = self.words(run.pointee)
        if FlushRun.isPASIDDeviceTLB(words[position]) { run.pointee.pasidTemplates -= 1 }
        if repeats(run.pointee, position) { groups[group].repeatingTemplates -= 1 }
        let last = Int(run.pointee.count) - 1
        if position != last {
            words[position] = words[last]
            setRepeats(run.pointee, position, repeats(run.pointee, last))
        }
        run.pointee.count -= 1
    }

    // MARK: The walk

    /// `AlignedInvalidation.wholeAddressSpace`; range flushes of DEVTLB runs do not read it (a
    /// global of another module costs a lazy-initialization check per read).
    private static let wholeAddressSpace = AlignedInvalidation.wholeAddressSpace

    /// `cache_tag_flush_range` / `cache_tag_flush_all`: per group, per kind, the templates with
    /// the scope's quadword 1 (and granularity, for IOTLB kinds) computed once per run. Inlined
    /// into each table's flush, as a walk private to one table would be.
    @inline(__always)
    func walk<Sink: InvalidationSink>(scope: FlushScope, into sink: inout Sink) -> Int {
        let count = groupCount
        let groups = self.groups
        let elements = self.elements
        return withInvalidationBatch(into: &sink) { batch, sink in
            for index in 0..<count {
                // Through the pointer: the walk reads a few words of each group.
                let group = UnsafePointer(groups + index)
                batch.enter(group.pointee.unit, into: &sink)
                if group.pointee.runs.0.count > 0 {
                    let shape = scope.iotlbDescriptor(domainID: DomainID(0), capabilities: group.pointee.capabilities)
                    let run = group.pointee.runs.0
                    Self.emitIOTLB(elements + Int(run.offset), Int(run.count), shape, &batch, &sink)
                }
                if group.pointee.runs.1.count > 0 {
                    let shape = scope.pasidIOTLBDescriptor(domainID: DomainID(0), pasid: PASID(unchecked: 0))
                    let run = group.pointee.runs.1
                    Self.emitIOTLB(elements + Int(run.offset), Int(run.count), shape, &batch, &sink)
                }
                // Device-TLB runs: the common case (no quirky device, one descriptor type in the
                // run) stays inline, a store loop with one quadword 1; the rest is out of line.
                let repeating = group.pointee.repeatingTemplates > 0
                let range = group.pointee.runs.2
                if range.count > 0 {
                    let block = if case let .range(flushed, _) = scope { flushed } else { Self.wholeAddressSpace }
                    if !repeating && (range.pasidTemplates == 0 || range.pasidTemplates == range.count) {
                        let word1 = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: range.pasidTemplates == 0 ? 0 : 11)
                        batch.append(words: elements + Int(range.offset), count: Int(range.count), word1: word1, into: &sink)
                    } else {
                        emitDeviceTLB(range, block, repeating, &batch, &sink)
                    }
                }
                let whole = group.pointee.runs.3
                if whole.count > 0 {
                    if !repeating && (whole.pasidTemplates == 0 || whole.pasidTemplates == whole.count) {
                        let word1 = InvalidationDescriptor.sizeEncodedAddress(
                            Self.wholeAddressSpace, sizeBit: whole.pasidTemplates == 0 ? 0 : 11)
                        batch.append(words: elements + Int(whole.offset), count: Int(whole.count), word1: word1, into: &sink)
                    } else {
                        emitDeviceTLB(whole, Self.wholeAddressSpace, repeating, &batch, &sink)
                    }
                }
            }
        }
    }

    /// `cache_tag_flush_range_np`: units not in caching mode (every unit, for first-stage
    /// domains) get one write-buffer flush; the others the DID-based IOTLB templates.
    @inline(__always)
    func walkNewMappings<Sink: InvalidationSink>(
        _ range: IOVARange, domainUsesFirstStage: Bool, into sink: inout Sink
    ) -> Int {
        let scope = FlushScope.range(AlignedInvalidation(covering: range), invalidationHint: false)
        let count = groupCount
        let groups = self.groups
        let elements = self.elements
        return withInvalidationBatch(into: &sink) { batch, sink in
            for index in 0..<count {
                let group = UnsafePointer(groups + index)
                guard group.pointee.capabilities.cachingMode, !domainUsesFirstStage else {
                    sink.flushWriteBuffer(of: group.pointee.unit)
                    continue
                }
                let run = group.pointee.runs.0
                guard run.count > 0 else { continue }
                let shape = scope.iotlbDescriptor(domainID: .reserved, capabilities: group.pointee.capabilities)
                batch.enter(group.pointee.unit, into: &sink)
                Self.emitIOTLB(elements + Int(run.offset), Int(run.count), shape, &batch, &sink)
            }
        }
    }

    /// One IOTLB kind of a group: each template's word 0 with the shape's granularity and word 1.
    @inline(__always)
    private static func emitIOTLB<Sink: InvalidationSink>(
        _ base: UnsafeMutablePointer<UInt64>, _ count: Int, _ shape: InvalidationDescriptor,
        _ batch: inout InvalidationBatch, _ sink: inout Sink
    ) {
        let word0 = shape.quadword0
        let word1 = shape.quadword1
        batch.append(count: count, into: &sink) { InvalidationDescriptor(base[$0] | word0, word1) }
    }

    /// One device-TLB kind of a group over `block` with both descriptor types or quirky devices
    /// (a template with the repeat bit twice in a row); the uniform case is inline in `walk`.
    @inline(never)
    private func emitDeviceTLB<Sink: InvalidationSink>(
        _ run: FlushRun, _ block: AlignedInvalidation, _ repeating: Bool, _ batch: inout InvalidationBatch,
        _ sink: inout Sink
    ) {
        let plainWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 0)
        let pasidWord = InvalidationDescriptor.sizeEncodedAddress(block, sizeBit: 11)
        let base = words(run)
        let count = Int(run.count)
        guard repeating else {
            batch.append(count: count, into: &sink) {
                let word0 = base[$0]
                return InvalidationDescriptor(word0, FlushRun.isPASIDDeviceTLB(word0) ? pasidWord : plainWord)
            }
            return
        }
        for position in 0..<count {
            let word0 = base[position]
            let descriptor = InvalidationDescriptor(word0, FlushRun.isPASIDDeviceTLB(word0) ? pasidWord : plainWord)
            batch.append(count: repeats(run, position) ? 2 : 1, into: &sink) { _ in descriptor }
        }
    }
}

/// A flush layout: one object whose tail allocation is a `FlushLayoutView`'s memory (a single
/// heap allocation, freed with the object).
///
/// Built only by `empty()` and `rebuilt(...)` (from another layout, with the room per run the
/// caller asks for); edited in place only while no reader can see it. The concurrent table
/// publishes it through hazard pointers (by address) or swift-atomics' `ManagedAtomic`.
final class FlushLayout: ManagedBuffer<FlushLayout.Header, UInt64> {
    struct Header {
        /// Bytes of the view's memory.
        let byteCount: Int
    }

    /// The layout's memory (valid while the object lives).
    var view: FlushLayoutView {
        @inline(__always) get { withUnsafeMutablePointerToElements { FlushLayoutView(raw: UnsafeMutableRawPointer($0)) } }
    }
    /// Bytes of the layout's memory (the object header not included).
    var byteCount: Int { header.byteCount }

    private static func make(groupCapacity: Int, elementCount: Int) -> Unmanaged<FlushLayout> {
        precondition(_isPOD(FlushGroup.self) && MemoryLayout<FlushGroup>.alignment <= 8)
        let elementsOffset = FlushLayoutView.elementsOffset(groupCapacity: groupCapacity)
        let byteCount = elementsOffset + elementCount * MemoryLayout<UInt64>.stride
        let buffer = create(minimumCapacity: byteCount / 8) { _ in Header(byteCount: byteCount) }
        // The one reference, handed to the caller unmanaged: its owner keeps and releases it
        // itself, so moving a layout between owners costs no reference counting.
        let layout = Unmanaged.passRetained(unsafeDowncast(buffer, to: FlushLayout.self))
        let raw = layout._withUnsafeGuaranteedRef { $0.view.raw }
        raw.storeBytes(of: 0, as: Int.self)
        raw.storeBytes(of: elementsOffset, toByteOffset: MemoryLayout<Int>.stride, as: Int.self)
        // The tail is raw storage here: groups, then 64-bit elements (all trivial types).
        (raw + FlushLayoutView.headerBytes).bindMemory(to: FlushGroup.self, capacity: groupCapacity)
        (raw + elementsOffset).bindMemory(to: UInt64.self, capacity: elementCount)
            .initialize(repeating: 0, count: elementCount)
        return layout
    }

    /// An empty layout (a reference the caller owns).
    static func empty() -> Unmanaged<FlushLayout> { make(groupCapacity: 0, elementCount: 0) }

    /// A new layout with `source`'s groups in order, a new empty group for `inserting` at its
    /// index and without group `removing` (an index of `source`), each run holding `source`'s
    /// templates and repeat bits with room for `capacity(group, kind, count, oldCapacity)` (at
    /// least its count; `group` is an index of the new layout). `capacity` is called twice per
    /// run and must answer the same both times. Returns a reference the caller owns.
    static func rebuilt(
        from source: FlushLayoutView, inserting: (index: Int, unit: IOMMUUnit)? = nil, removing: Int? = nil,
        capacity: (_ group: Int, _ kind: TemplateKind, _ count: Int, _ oldCapacity: Int) -> Int
    ) -> Unmanaged<FlushLayout> {
        let groupCount = source.groupCount + (inserting == nil ? 0 : 1) - (removing == nil ? 0 : 1)
        /// The source group of new group `index`, nil for the inserted one.
        func origin(_ index: Int) -> Int? {
            var from = index
            if let inserting {
                if index == inserting.index { return nil }
                if index > inserting.index { from -= 1 }
            }
            if let removing, from >= removing { from += 1 }
            return from
        }
        func room(_ index: Int, _ kind: TemplateKind) -> (FlushRun, Int) {
            let old = origin(index).map { source.groups[$0][kind] } ?? FlushRun()
            return (old, max(Int(old.count), capacity(index, kind, Int(old.count), Int(old.capacity))))
        }
        var elementCount = 0
        for index in 0..<groupCount {
            for kind in TemplateKind.allCases { elementCount += FlushRun.elements(capacity: room(index, kind).1) }
        }
        let layout = make(groupCapacity: groupCount, elementCount: elementCount)
        let target = layout._withUnsafeGuaranteedRef { $0.view }
        var offset = 0
        for index in 0..<groupCount {
            var group: FlushGroup
            if let from = origin(index) {
                group = source.groups[from]
            } else {
                group = FlushGroup(unit: inserting!.unit.id, capabilities: inserting!.unit.capabilities)
            }
            for kind in TemplateKind.allCases {
                let (old, room) = room(index, kind)
                var new = old
                new.offset = Int32(offset)
                new.capacity = Int32(room)
                if old.count > 0 {
                    (target.elements + offset).update(from: source.words(old), count: Int(old.count))
                    let bits = target.elements + offset + room
                    let oldBits = source.elements + Int(old.offset) + Int(old.capacity)
                    bits.update(from: oldBits, count: (Int(old.count) + 63) / 64)
                    // Bits past the count are not meaningful in the source: clear them.
                    let tail = Int(old.count) & 63
                    if tail != 0 { bits[Int(old.count) >> 6] &= (1 << UInt64(tail)) - 1 }
                }
                group[kind] = new
                offset += FlushRun.elements(capacity: room)
            }
            (target.groups + index).initialize(to: group)
        }
        target.groupCount = groupCount
        return layout
    }
}
