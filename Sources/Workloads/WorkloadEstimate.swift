/// What one point of a workload will cost, estimated from its parameters alone, before any
/// event is generated: the resource guard's input (issue 16; README "Resource guard").
///
/// Several parameters are individually in range but multiply: `nested-s2 children=4096
/// working_set=4096` is 33 M events and 16 M live mappings, gigabytes before the first result.
/// The estimate is the sum of what the generator emits in set-up (one term per attachment and
/// per working-set mapping) and the expected events per step, and the memory those events, the
/// live mappings and the attachments take in the stream, the modeled IOMMU and the tables
/// (the bytes per item were measured: README "Resource guard"). It is
/// an estimate of the expected size, not a bound: `WorkloadEstimateTests` keeps it within a
/// factor of two of the events really generated for every workload.
package struct WorkloadEstimate: Hashable, Sendable {
    /// Events the generator emits.
    package var events: Int
    /// Mappings live at once at most (the modeled page tables hold one run of pages per mapping).
    package var mappings: Int
    /// Attachments live at once at most (each a few cache tags in every table, context state in the model).
    package var attachments: Int

    package init(events: Int, mappings: Int, attachments: Int) {
        self.events = events
        self.mappings = mappings
        self.attachments = attachments
    }

    /// Bytes per event: the timed and the plain copy of the stream a point holds (40 + 32 bytes)
    /// plus the model's per-event state.
    package static let bytesPerEvent = 96
    /// Bytes per live mapping: a run in the modeled page table and the generator's record of it.
    package static let bytesPerMapping = 64
    /// Bytes per attachment: cache tags in the table under test and the reference, model state.
    package static let bytesPerAttachment = 1024

    /// The estimated peak memory of running the point.
    package var bytes: Int {
        events.multipliedSaturating(by: Self.bytesPerEvent)
            .addingSaturating(mappings.multipliedSaturating(by: Self.bytesPerMapping))
            .addingSaturating(attachments.multipliedSaturating(by: Self.bytesPerAttachment))
    }

    /// The most events one point may generate without `--force`.
    package static let maximumEvents = 20_000_000
    /// The most memory one point may take without `--force` (2 GiB).
    package static let maximumBytes = 2 << 30

    /// Why the point is beyond the bound, or nil when it is within it.
    package var excess: String? {
        var reasons: [String] = []
        if events > Self.maximumEvents { reasons.append("\(Self.millions(events)) events (bound \(Self.millions(Self.maximumEvents)))") }
        if bytes > Self.maximumBytes {
            reasons.append("\(Self.gibibytes(bytes)) GiB of memory (bound \(Self.gibibytes(Self.maximumBytes)) GiB)")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: " and ")
    }

    /// The estimate in words: `1.2 M events, 0.05 GiB`.
    package var summary: String { "\(Self.millions(events)) events, \(Self.gibibytes(bytes)) GiB" }

    static func millions(_ count: Int) -> String {
        let tenths = count / 100_000
        return "\(tenths / 10).\(tenths % 10) M"
    }

    static func gibibytes(_ bytes: Int) -> String {
        let hundredths = bytes / (1 << 30 / 100)
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

extension Int {
    /// `self * other`, or `Int.max` on overflow: an estimate of absurd parameters must still compare.
    func multipliedSaturating(by other: Int) -> Int {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : result
    }

    /// `self + other`, or `Int.max` on overflow.
    func addingSaturating(_ other: Int) -> Int {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? .max : result
    }
}
