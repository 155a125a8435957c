/// Everything that decides a report's numbers, and its digest: what `--resume` compares before
/// it merges new points into old ones, and what every row of a workload CSV carries (the
/// `fingerprint` column) so a file of another run is never read as this one's.
///
/// `settings` is flat (`seed`, `schemes`, `cost.submission_us`, `hw.profile`, `trace.replay`,
/// `param.nested-s2.children`, ...) so a refused resume can name exactly the settings that differ. The
/// digest is computed by the writer (`BenchmarkRunner`) from the sorted `key=value` lines; readers
/// only compare digests, and `--resume` compares settings.
package struct RunFingerprint: Codable, Hashable, Sendable {
    /// 16 hex digits naming `settings`.
    package var digest: String
    /// Setting name → canonical value.
    package var settings: [String: String]

    /// A fingerprint as the writer computed it (`digest` over `canonicalText(settings)`) or as read.
    package init(digest: String, settings: [String: String]) {
        self.digest = digest
        self.settings = settings
    }

    /// The canonical text the digest is taken over: one `key=value` line per setting, sorted.
    package static func canonicalText(_ settings: [String: String]) -> String {
        settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
    }

    /// The settings whose values differ between `self` (the report on disk) and `other` (the
    /// run asking to resume it), one `name (report: X, this run: Y)` each, sorted by name;
    /// empty when the two runs would write the same numbers.
    package func differences(from other: RunFingerprint) -> [String] {
        let names = Set(settings.keys).union(other.settings.keys).sorted()
        return names.compactMap { name in
            let old = settings[name]
            let new = other.settings[name]
            guard old != new else { return nil }
            func shown(_ value: String?) -> String { value.map { ReportError.quoted($0, limit: 48) } ?? "unset" }
            return "\(name) (report: \(shown(old)), this run: \(shown(new)))"
        }
    }
}
