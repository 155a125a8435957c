import Reports
import Testing

/// The headline's readings come from the numbers, the unsafe control is marked, and no line is
/// wider than the width asked for.
@Suite("Headline")
struct SchemeHeadlineTests {
    /// One modeled row per (scheme, table, metric) of workload `w`.
    static func rows(_ values: [(scheme: String, table: String, metric: String, value: Double)]) -> [ReportRow] {
        values.map {
            ReportRow(workload: "w", scheme: $0.scheme, table: $0.table, parameters: [ReportParameter(name: "x", value: "1")],
                      metric: $0.metric, stat: "value", value: $0.value, unit: "count")
        }
    }

    func render(_ values: [(scheme: String, table: String, metric: String, value: Double)], width: Int = 120) throws -> String {
        let comparison = try SchemeComparison(reports: [ReportCSV(workload: "w", rows: Self.rows(values))], baseline: "kernel")
        var headline = SchemeHeadline()
        headline.width = width
        return headline.render(comparison)
    }

    /// The text with its wrapping undone (runs of blanks and line breaks as one blank).
    func flat(_ text: String) -> String { text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }

    @Test("a saving only the DID tag rule brings is read as such")
    func needsTheRule() throws {
        var values: [(scheme: String, table: String, metric: String, value: Double)] = []
        for scheme in ["kernel", "shared-pasid", "per-domain", "shared-all"] {
            values.append((scheme, "kernel-list", "hw.descriptors_per_unmap", 4))
            values.append((scheme, "kernel-list+did-match", "hw.descriptors_per_unmap", scheme == "shared-pasid" ? 3 : 4))
            values.append((scheme, "kernel-list", "hw.dids_in_use", scheme == "kernel" ? 10 : 2))
            values.append((scheme, "kernel-list", "oracle.stale", scheme == "shared-all" ? 7 : 0))
        }
        let text = try render(values)
        #expect(flat(text).contains("−25.0%, only with the DID tag rule (0% with today's tags)"))
        #expect(text.contains("−80.0%"))
        #expect(flat(text).contains("shared-all (UNSAFE control, not a candidate): 7 oracle violations, caught"))
        #expect(text.contains("none: both safe here"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    @Test("identical everywhere says nothing is newly shared; narrow widths wrap, never overflow")
    func identical() throws {
        var values: [(scheme: String, table: String, metric: String, value: Double)] = []
        for scheme in ["kernel", "shared-pasid"] {
            values.append((scheme, "kernel-list", "hw.dids_in_use", 5))
            values.append((scheme, "kernel-list", "hw.descriptors_per_unmap", 2.5))
            values.append((scheme, "kernel-list", "hw.iotlb.collateral_evictions", 1000))
        }
        let text = try render(values, width: 80)
        #expect(flat(text).contains("identical on every figure (3 figures): nothing here is newly shared"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("fewer refused attaches are named with the cost per attach")
    func differentWork() throws {
        var values: [(scheme: String, table: String, metric: String, value: Double)] = []
        for (scheme, failures, perUnmap, perAttach) in [("kernel", 100.0, 2.0, 10.0), ("shared-pasid", 0, 3, 9.9)] {
            values.append((scheme, "kernel-list", "hw.attach_failures", failures))
            values.append((scheme, "kernel-list", "hw.descriptors_per_unmap", perUnmap))
            values.append((scheme, "kernel-list", "hw.descriptors_per_attach", perAttach))
        }
        let text = try render(values)
        #expect(flat(text).contains("100 fewer attaches refused"))
        #expect(flat(text).contains("+50.0%, with 100 fewer attaches refused: per attach 0.990×"))
    }

    @Test("a difference the interval does not support is n.s., and never credited to the tag rule")
    func notSignificant() throws {
        let rows: [ReportRow] = ["kernel", "shared-pasid"].flatMap { scheme in
            ["kernel-list", "kernel-list+did-match"].flatMap { table in
                (1...3).map { seed -> ReportRow in
                    let value = table == "kernel-list" || scheme == "kernel" ? 4.0 : [3.0, 5.0, 4.2][seed - 1]
                    return ReportRow(workload: "w", scheme: scheme, table: table, parameters: [], metric: "hw.descriptors_per_unmap",
                                     stat: "seed=\(seed)", value: value, unit: "ratio")
                } + [ReportRow(workload: "w", scheme: scheme, table: table, parameters: [], metric: "hw.descriptors_per_unmap",
                               stat: "value", value: table == "kernel-list" || scheme == "kernel" ? 4 : 4.0667, unit: "ratio")]
            }
        }
        let comparison = try SchemeComparison(reports: [ReportCSV(workload: "w", rows: rows)], baseline: "kernel")
        let raw = SchemeHeadline().render(comparison)
        let text = flat(raw)
        #expect(text.contains("+1.7% (n.s.)"))
        #expect(!text.contains("only with the DID tag rule"))
        #expect(raw.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    @Test("no headline without the proposal")
    func absent() throws {
        #expect(try render([("kernel", "kernel-list", "hw.dids_in_use", 1), ("per-domain", "kernel-list", "hw.dids_in_use", 1)]).isEmpty)
    }
}
