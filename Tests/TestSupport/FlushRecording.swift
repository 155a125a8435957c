import CacheTags
import Testing
import VTd
import Workloads

/// Draws for the random tests, on the project's seeded generator (`Workloads.SplitMix64`), so
/// every random test replays the same inputs on every machine.
extension SplitMix64 {
    /// Uniform in `0 ..< bound` (bound > 0).
    package mutating func below(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }

    /// True with probability `percent`/100.
    package mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// One element of a non-empty collection.
    package mutating func pick<C: RandomAccessCollection>(_ elements: C) -> C.Element where C.Index == Int {
        elements[elements.startIndex + below(elements.count)]
    }
}

// MARK: - Topology builders

/// A unit with the given capabilities (defaults: a server unit); `Fixtures.unit` in the
/// spelling the table tests use.
package func makeUnit(
    _ id: Int, ndoms: Int = 65536, psi: Bool = true, mamv: Int = 18, cachingMode: Bool = false
) -> IOMMUUnit {
    Fixtures.unit(id, domainCount: ndoms, pageSelective: psi, mamv: mamv, cachingMode: cachingMode)
}

/// A device behind `unit`, SID 00:(id/8).(id%8) + bus `unit.id + 1` unless given.
package func makeDevice(
    _ id: Int, on unit: IOMMUUnit, ats: Bool = false, extraInvalidation: Bool = false, queueDepth: Int = 32,
    source: SourceID? = nil, physicalFunctionSource: SourceID? = nil
) -> Device {
    let sid = source ?? SourceID(rawValue: UInt16((unit.id.rawValue + 1) << 8 | (id & 0xff)))
    return try! Device(
        id: DeviceID(id), iommu: unit.id, source: sid, physicalFunctionSource: physicalFunctionSource, hasATS: ats,
        queueDepth: queueDepth, needsExtraInvalidation: extraInvalidation)
}

package func makeTag(_ type: CacheTagType, _ unit: IOMMUUnit, _ device: Device, did: UInt16, pasid: UInt32 = 0) -> CacheTag {
    CacheTag(type: type, unit: unit, device: device, domainID: DomainID(did), pasid: PASID(unchecked: pasid))
}

package func pasid(_ value: UInt32) -> PASID { PASID(unchecked: value) }

/// A range of `count` pages from page frame `first`.
package func pages(_ first: UInt64, _ count: UInt64) -> IOVARange { IOVARange(firstPage: first, pageCount: count) }

// MARK: - Flushing through any table

/// One recorded submission, comparable across the Swift sinks and the C baseline.
package struct Submission: Equatable, CustomStringConvertible {
    package let unit: Int
    package let descriptors: [InvalidationDescriptor]
    package var description: String { "dmar\(unit): \(descriptors.map { $0.decoded?.description ?? "?" })" }

    package init(unit: Int, descriptors: [InvalidationDescriptor]) {
        self.unit = unit
        self.descriptors = descriptors
    }
}

/// What one flush produced.
package struct FlushResult {
    package var submissions: [Submission] = []
    package var writeBufferFlushes: [Int] = []
    package var returned = 0
    package var descriptors: [InvalidationDescriptor] { submissions.flatMap(\.descriptors) }
    package var sizes: [Int] { submissions.map(\.descriptors.count) }

    package init(submissions: [Submission] = [], writeBufferFlushes: [Int] = [], returned: Int = 0) {
        self.submissions = submissions
        self.writeBufferFlushes = writeBufferFlushes
        self.returned = returned
    }
}

extension FlushResult {
    package init(_ sink: RecordingSink, returned: Int) {
        submissions = sink.submissions.map { Submission(unit: $0.unit.rawValue, descriptors: $0.descriptors) }
        writeBufferFlushes = sink.writeBufferFlushes.map(\.rawValue)
        self.returned = returned
    }
}

package enum FlushOperation {
    case range(IOVARange, hint: Bool)
    case all
    case newMappings(IOVARange)
}

package func flush(_ table: some CacheTagTable, _ operation: FlushOperation) -> FlushResult {
    var sink = RecordingSink()
    let returned: Int
    switch operation {
    case let .range(range, hint): returned = table.flushRange(range, invalidationHint: hint, into: &sink)
    case .all: returned = table.flushAll(into: &sink)
    case let .newMappings(range): returned = table.flushRangeForNewMappings(range, into: &sink)
    }
    return FlushResult(sink, returned: returned)
}

package func flushRange(_ table: some CacheTagTable, _ range: IOVARange, hint: Bool = false) -> FlushResult {
    flush(table, .range(range, hint: hint))
}

package func flushAll(_ table: some CacheTagTable) -> FlushResult { flush(table, .all) }

package func flushNewMappings(_ table: some CacheTagTable, _ range: IOVARange) -> FlushResult {
    flush(table, .newMappings(range))
}

/// Counts of each descriptor.
package func multiset(_ descriptors: [InvalidationDescriptor]) -> [InvalidationDescriptor: Int] {
    descriptors.reduce(into: [:]) { $0[$1, default: 0] += 1 }
}

/// The table of `kind` for a domain.
package func makeTable(_ kind: CacheTagTableDescriptor, firstStage: Bool) -> any CacheTagTable {
    // The shared behaviour checks hold every table to the minimal set: kernel-list without the
    // NESTING_DEVTLB widening (which `KernelProfileTests` checks on its own).
    kind.make(domainUsesFirstStage: firstStage, kernel: KernelProfile.latest.unwidened)
}

extension InvalidationDescriptor {
    /// Whether the descriptor targets a device TLB (types 3 and 8).
    package var isDeviceTLB: Bool {
        typeCode == DescriptorType.deviceTLB.rawValue || typeCode == DescriptorType.pasidDeviceTLB.rawValue
    }
    /// Whether the descriptor targets an IOTLB (types 2 and 6).
    package var isIOTLB: Bool { typeCode == DescriptorType.iotlb.rawValue || typeCode == DescriptorType.pasidIOTLB.rawValue }
}

extension CacheTagTableDescriptor: CustomTestStringConvertible {
    /// The registry name, as test output shows it.
    public var testDescription: String { name }
}

extension CacheTagTableDescriptor {
    /// The registry's kernel list, for tests that name it.
    package static var kernelList: CacheTagTableDescriptor { CacheTagTables.named("kernel-list")! }
    /// The registry's grouped array, for tests that name it.
    package static var groupedArray: CacheTagTableDescriptor { CacheTagTables.named("grouped-array")! }
}
