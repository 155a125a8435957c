import Engine
import Histogram
import Metrics
import Reports

extension DriverOperation {
    /// The report metric a timed operation is written as, e.g. `sw.flush_range_ns`.
    package var metric: Metric {
        switch self {
        case .assign: .swAttachNanos
        case .unassign: .swDetachNanos
        case .flushRange: .swFlushRangeNanos
        case .flushAll: .swFlushAllNanos
        case .flushRangeForNewMappings: .swFlushRangeNPNanos
        }
    }
}

/// Latency histograms (HdrHistogram, 3 significant digits) of each timed operation, with
/// the totals needed for nanoseconds per descriptor.
package struct OperationTimings: Sendable {
    private var histograms: [DriverOperation: Histogram<UInt64>] = [:]
    /// Nanoseconds spent in flush operations of every kind, after clock-overhead correction.
    package private(set) var flushNanoseconds: UInt64 = 0
    /// Descriptors those flushes emitted.
    package private(set) var flushDescriptors: UInt64 = 0

    package init() {}

    /// Records one operation that took `nanoseconds` and, for flushes, emitted `descriptors`.
    package mutating func record(_ operation: DriverOperation, nanoseconds: UInt64, descriptors: Int = 0) {
        if histograms[operation] == nil {
            histograms[operation] = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        }
        _ = histograms[operation]!.record(max(nanoseconds, 1))
        if operation.isFlush {
            flushNanoseconds &+= nanoseconds
            flushDescriptors &+= UInt64(descriptors)
        }
    }

    /// Operations recorded of `operation`.
    package func count(of operation: DriverOperation) -> UInt64 { histograms[operation]?.totalCount ?? 0 }

    /// Report rows: p10, p50, p90, p99, max, mean and count per operation with samples, then
    /// `sw.ns_per_descriptor` when flushes emitted anything.
    package func rows(_ row: (String, String, Double, String) -> ReportRow) -> [ReportRow] {
        var rows: [ReportRow] = []
        for operation in DriverOperation.allCases {
            guard let histogram = histograms[operation], histogram.totalCount > 0 else { continue }
            let name = operation.metric.name
            for (stat, percentile) in [("p10", 10.0), ("p50", 50.0), ("p90", 90.0), ("p99", 99.0)] {
                rows.append(row(name, stat, Double(histogram.valueAtPercentile(percentile)), "ns"))
            }
            // The slowest single operation: the tail a p99 still averages away.
            rows.append(row(name, ReportStat.max, Double(histogram.max), "ns"))
            rows.append(row(name, "mean", histogram.mean, "ns"))
            rows.append(row(name, "count", Double(histogram.totalCount), "count"))
        }
        if flushDescriptors > 0 {
            rows.append(row(Metric.swNanosPerDescriptor.name, "mean", Double(flushNanoseconds) / Double(flushDescriptors), "ns"))
        }
        return rows
    }
}
