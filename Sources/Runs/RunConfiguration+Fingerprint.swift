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
        var workloads: [String] = []
        var points: [String: [String]] = [:]
        for point in self.points {
            if points[point.name] == nil { workloads.append(point.name) }
            points[point.name, default: []].append(point.parameters.joinedDescription)
            if let digest = point.inputDigest { settings["trace.\(point.name)"] = digest }
        }
        settings["workloads"] = workloads.joined(separator: ",")
        for (name, values) in points { settings["points.\(name)"] = values.joined(separator: "; ") }
        for (key, value) in costModel.values { settings["cost.\(key)"] = ReportNumber.format(value) }
        for (key, value) in hardwareSettings { settings["hw.\(key)"] = value }
        return RunFingerprint(digest: ContentDigest.of(RunFingerprint.canonicalText(settings)), settings: settings)
    }

    /// The modeled hardware as run.json records it: the profile's name and every key, `trace`
    /// for the keys a replayed trace decided.
    var hardwareSettings: [String: String] {
        Dictionary(
            uniqueKeysWithValues: [("profile", hardware.name)]
                + hardware.settings.map { ($0.key, hardwareFromTrace.contains($0.key) ? "trace" : $0.value) })
    }
}
