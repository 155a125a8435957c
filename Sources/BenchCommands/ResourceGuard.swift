import Runs
import Workloads

/// Refuses, before anything runs, points whose estimated size (`WorkloadEstimate`) is beyond the
/// documented bound (README "Resource guard"), so no in-range parameters can silently take the
/// machine's memory or an afternoon; `--force` runs them anyway.
package enum ResourceGuard {
    /// Throws for the first point beyond the bound, naming the workload, the parameters set away
    /// from their defaults (the ones to lower), the estimate and the way out.
    package static func check(_ points: [PreparedWorkload], force: Bool) throws {
        guard !force else { return }
        for point in points {
            guard let estimate = point.estimate, let excess = estimate.excess else { continue }
            let defaults = (try? WorkloadCatalog.type(named: point.name))?.parameters ?? []
            let set = point.parameters.filter { parameter in
                defaults.first { $0.name == parameter.name }?.defaultValue != parameter.value
            }
            let named = set.isEmpty ? "its defaults" : set.joinedDescription
            throw CommandError(
                "\(point.name) with \(named): estimated \(excess) for one point, beyond the resource guard's bound; "
                    + "lower those parameters, or pass --force to run it anyway")
        }
    }
}
