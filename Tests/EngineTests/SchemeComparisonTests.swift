import TestSupport
import CacheTags
import Engine
import Foundation
import IOMMUModel
import Metrics
import Testing
import Workloads

/// Every scheme on one fixed seed, side by side: the table quoted in the hand-off.
/// Reproduce with `swift test --filter SchemeComparison` (prints the table).
@Suite("Scheme comparison", .tags(.slow))
struct SchemeComparisonTests {
    static let columns = [
        "hw.descriptors.iotlb", "hw.descriptors.pasid_iotlb", "hw.descriptors.devtlb", "hw.descriptors.pasid_devtlb",
        "hw.descriptors.total", "hw.submissions", "hw.dids_in_use", "hw.attach_failures", "hw.sharing_fallbacks",
        "hw.iotlb.hits", "hw.iotlb.collateral_evictions", "hw.devtlb.collateral_evictions", "model.total_us",
        "oracle.stale", "oracle.cross_domain", "oracle.aliased_attachments",
    ]

    /// One table is enough: both emit the same effects, so cache and oracle counts are identical;
    /// only descriptor counts differ (the grouped array drops exact duplicates).
    @Test func everySchemeOnTheSameSeed() throws {
        let table = CacheTagTables.named("grouped-array")!
        var rows: [(String, [MetricValue])] = []
        for scheme in DomainIDSchemes.all {
            let metrics = try modeledRun(
                table, topology: PropertyTests.topology, scheme: scheme, events: PropertyTests.events
            ).metrics
            rows.append((scheme.name, metrics))
            let violations =
                Fixtures.metric("oracle.stale", in: metrics)
                + Fixtures.metric("oracle.cross_domain", in: metrics)
                + Fixtures.metric("oracle.aliased_attachments", in: metrics)
            #expect(scheme.isSafe == (violations == 0), "\(scheme.name): \(violations) violations")
        }
        var lines = [
            "| metric | " + rows.map(\.0).joined(separator: " | ") + " |", "|---|" + rows.map { _ in "---:|" }.joined(),
        ]
        for name in Self.columns {
            let values = rows.map { row in
                let value = Fixtures.metric(name, in: row.1)
                return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
            }
            lines.append("| \(name) | " + values.joined(separator: " | ") + " |")
        }
        let title =
            "\(table.name), seed \(PropertyTests.seed), \(PropertyTests.operations) operations, \(PropertyTests.events.count) events"
        print(([title] + lines).joined(separator: "\n"))
    }
}
