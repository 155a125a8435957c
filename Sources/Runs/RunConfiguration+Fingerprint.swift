import Reports
import Workloads

extension RunConfiguration {
    /// Everything of this run that decides its numbers (docs/design.md §5): the tool version, the
    /// workloads and every point's parameters, the seeds, schemes, tables, kernel profile, cost
    /// model, hardware, replayed traces' content, and the timing budget. Not `--jobs` (modeled
    /// passes give the same numbers however many run at once) nor where the report goes.
    package var fingerprint: RunFingerprint {
        var settings: [String: String] = [
            "tool_version": BenchmarkRunner.toolVersion,
            "seed": String(seed),
            "seeds": String(max(seedCount, 1)),
            "schemes": schemes.map(\.name).joined(separator: ","),
            "tables": tables.map(\.label).joined(separator: ","),
            "kernel": tables.first.map { $0.kernel.name } ?? "",
            "quick": String(quick),
            "timing_budget":
                "warm_up=\(budget.warmUpPasses) min=\(budget.minimumPasses) max=\(budget.maximumPasses) ns=\(budget.nanoseconds)",
        ]
        // Per workload, each parameter's values in run order (`param.nested-s2.children` = `1,4,16`)
        // and the number of points: a sweep is the grid of its values, so these name its points,
        // and a refused resume can say which parameter changed instead of quoting whole points.
        var workloads: [String] = []
        var values: [String: [String]] = [:]
        var counts: [String: Int] = [:]
        for point in self.points {
            if counts[point.name] == nil { workloads.append(point.name) }
            counts[point.name, default: 0] += 1
            for parameter in point.parameters {
                let key = "param.\(point.name).\(parameter.name)"
                if values[key]?.contains(parameter.value) != true { values[key, default: []].append(parameter.value) }
            }
            if let digest = point.inputDigest { settings["trace.\(point.name)"] = digest }
        }
        settings["workloads"] = workloads.joined(separator: ",")
        for (name, count) in counts { settings["points.\(name)"] = String(count) }
        for (key, list) in values { settings[key] = list.joined(separator: ",") }
        for (key, value) in costModel.values { settings["cost.\(key)"] = ReportNumber.format(value) }
        for (key, value) in hardwareSettings { settings["hw.\(key)"] = value }
        return RunFingerprint(settings: settings)
    }

    /// The modeled hardware as run.json records it: the profile's name and every key, `trace`
    /// for the keys a replayed trace decided.
    var hardwareSettings: [String: String] {
        Dictionary(
            uniqueKeysWithValues: [("profile", hardware.name)]
                + hardware.settings.map { ($0.key, hardwareFromTrace.contains($0.key) ? "trace" : $0.value) })
    }
}

extension RunFingerprint {
    /// The fingerprint of `settings`: its digest is `ContentDigest` of `canonicalText(settings)`,
    /// the one way every writer (a run, `perf`) computes it.
    package init(settings: [String: String]) {
        self.init(digest: ContentDigest.of(Self.canonicalText(settings)), settings: settings)
    }
}
