import VTd

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Modeled hardware time (µs): what invalidations and misses would cost on a real IOMMU.
/// Deterministic: the same counts give the same times on any machine (docs/design.md §4).
///
/// - A submission (`qi_submit_sync`: descriptors + wait, spinning on the status write) costs
///   `submission_us` + `descriptor_us` × descriptors. The defaults add up to 2 µs for a one-descriptor
///   IOTLB submission, the Linux debugfs `dmar_perf_latency` example (Kaby Lake, 18 samples,
///   min = max = avg = 2 µs; docs/vtd-facts.md §6). The split between fixed and per-descriptor
///   parts is an assumption: the wait round trip dominates.
/// - Device-TLB invalidations wait for the endpoint's completion (ATS round trip),
///   `devtlb_invalidation_us` each. Within one submission, invalidations to different devices
///   overlap and those to one device serialize, so a submission adds the largest per-device
///   count × the round trip (assumption: the IOMMU issues them without waiting between devices).
/// - An IOTLB miss walks the page table: `page_walk_levels` memory references of
///   `page_walk_access_us` each; a nested walk is two-dimensional, (levels + 1)² − 1 references
///   (24 for 4-level over 4-level; Bhargava et al., ASPLOS 2008).
package struct CostModel: Hashable, Sendable {
    /// Fixed part of one synchronous submission, wait descriptor and status spin included.
    package var submissionMicros: Double = 1.9
    /// Each non-wait descriptor of a submission.
    package var descriptorMicros: Double = 0.1
    /// One device-TLB invalidation's completion (ATS round trip).
    package var deviceTLBInvalidationMicros: Double = 5
    /// Levels of a page walk (4-level paging; 5 with LA57).
    package var pageWalkLevels: Int = 4
    /// One memory reference of a page walk.
    package var pageWalkAccessMicros: Double = 0.1

    /// The defaults (see each property and `parameters`).
    package init() {}

    /// The defaults above.
    package static let defaults = CostModel()

    /// Every parameter, in the order files and `list` show them.
    package static let parameters: [CostParameter] = [
        CostParameter(
            key: "submission_us", defaultValue: 1.9, unit: "us", isInteger: false,
            meaning: "fixed cost of one synchronous submission, wait descriptor and status spin included",
            source: "docs/vtd-facts.md §6: dmar_perf_latency example, 2 us per one-descriptor submission (minus descriptor_us)"),
        CostParameter(
            key: "descriptor_us", defaultValue: 0.1, unit: "us", isInteger: false,
            meaning: "each non-wait descriptor in a submission",
            source: "assumption: small next to the wait round trip"),
        CostParameter(
            key: "devtlb_invalidation_us", defaultValue: 5, unit: "us", isInteger: false,
            meaning: "completion of one device-TLB (ATS) invalidation; overlaps across devices within a submission",
            source: "assumption: no package measurement (docs/vtd-facts.md §6); PCIe round trip, sweep it"),
        CostParameter(
            key: "page_walk_levels", defaultValue: 4, unit: "levels", isInteger: true,
            meaning: "page-table levels walked on an IOTLB miss ((levels+1)^2-1 references when nested)",
            source: "4-level paging (48-bit IOVA)"),
        CostParameter(
            key: "page_walk_access_us", defaultValue: 0.1, unit: "us", isInteger: false,
            meaning: "one memory reference of a page walk",
            source: "assumption: ~100 ns DRAM access, no paging-structure cache hits"),
    ]

    /// The keys, in order.
    package static var keys: [String] { parameters.map(\.key) }

    /// The current value of `key` (nil for an unknown key).
    package func value(of key: String) -> Double? {
        switch key {
        case "submission_us": submissionMicros
        case "descriptor_us": descriptorMicros
        case "devtlb_invalidation_us": deviceTLBInvalidationMicros
        case "page_walk_levels": Double(pageWalkLevels)
        case "page_walk_access_us": pageWalkAccessMicros
        default: nil
        }
    }

    /// Every parameter with its current value, in order: for run.json and `list`.
    package var settings: [(key: String, value: Double, unit: String)] {
        Self.parameters.map { ($0.key, value(of: $0.key)!, $0.unit) }
    }

    /// Sets `key` from text, refusing unknown keys, non-numbers, non-finite and negative values,
    /// and non-integers for integer parameters. `location` names where the value came from.
    package mutating func set(_ key: String, to text: String, location: String) throws(CostModelError) {
        guard let parameter = Self.parameters.first(where: { $0.key == key }) else {
            throw .unknownKey(key, location: location, known: Self.keys)
        }
        // Decimal only: `Double(_:)` would read `0x10` as 16 and `nan` as a number.
        guard let number = DecimalNumber.real(text) else {
            throw .invalidValue(key: key, value: text, reason: "is not a decimal number", location: location)
        }
        guard number >= 0 else {
            throw .invalidValue(key: key, value: text, reason: "is negative", location: location)
        }
        if parameter.isInteger {
            guard number == number.rounded(), (1...5).contains(number) else {
                throw .invalidValue(key: key, value: text, reason: "is not an integer in 1...5", location: location)
            }
        }
        switch key {
        case "submission_us": submissionMicros = number
        case "descriptor_us": descriptorMicros = number
        case "devtlb_invalidation_us": deviceTLBInvalidationMicros = number
        case "page_walk_levels": pageWalkLevels = Int(number)
        case "page_walk_access_us": pageWalkAccessMicros = number
        default: preconditionFailure("cost parameter \(key) has no storage")
        }
    }

    /// A copy with `key=value` assignments applied in order (`--cost` arguments). `source` names
    /// them in errors, followed by the assignment's position.
    package func overriding(assignments: [String], source: String = "command line") throws(CostModelError) -> CostModel {
        try applying(KeyValueText.assignments(assignments, source: source, malformed: CostModelError.malformed))
    }

    /// A copy with the overrides of a file's text (`KeyValueText`). Errors carry `file:line`.
    package func overriding(fileText: String, file: String) throws(CostModelError) -> CostModel {
        try applying(KeyValueText.assignments(fileText: fileText, file: file, malformed: CostModelError.malformed))
    }

    private func applying(_ assignments: [KeyValueAssignment]) throws(CostModelError) -> CostModel {
        var result = self
        for assignment in assignments { try result.set(assignment.key, to: assignment.value, location: assignment.location) }
        return result
    }

    /// A copy with the overrides of the file at `path`.
    package func overriding(contentsOfFile path: String) throws(CostModelError) -> CostModel {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: "\(error)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, reason: "not UTF-8 text")
        }
        return try overriding(fileText: text, file: path)
    }

    /// Modeled time of one submission of `descriptors` non-wait descriptors.
    @inlinable
    package func submissionTime(descriptors: Int) -> Double {
        submissionMicros + descriptorMicros * Double(descriptors)
    }

    /// Modeled time of one page walk; nested walks are two-dimensional.
    @inlinable
    package func pageWalkTime(nested: Bool) -> Double {
        let levels = pageWalkLevels
        let references = nested ? (levels + 1) * (levels + 1) - 1 : levels
        return Double(references) * pageWalkAccessMicros
    }
}
