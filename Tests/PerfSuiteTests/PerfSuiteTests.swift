import CacheTags
import PerfSuite
import Testing
import VTd

/// The perf suite takes its table variants from the registry and its baselines are faithful:
/// a tiny run (a second or less, in debug builds too) yields every registry perf variant; the C
/// list emits exactly what the kernel list emits; the ring entry points do what the protocol does.
@Suite("Perf suite")
struct PerfSuiteTests {
    /// Two tag counts, one repetition, 2 µs samples, no concurrency run.
    static let tiny = PerfSuite.Configuration(
        tagCounts: [1, 17], repetitions: 1, sampleNanoseconds: 2_000, concurrency: nil)

    static var registryVariants: [CacheTagTableDescriptor] { CacheTagTables.all.filter(\.isPerfVariant) }

    @Test("variants: c-list, the registry's perf variants in registry order, write-floor")
    func variantsFromTheRegistry() {
        let names = PerfSuite.Variant.allCases.map(\.rawValue)
        #expect(names == ["c-list"] + Self.registryVariants.map(\.name) + ["write-floor"])
        // The names perf.csv and the thresholds use today.
        #expect(
            names == [
                "c-list", "kernel-list", "kernel-list+did-match", "grouped-array", "smmu-invs", "concurrent-grouped", "write-floor",
            ])
        #expect(PerfSuite.Variant.kernelList.table == CacheTagTables.kernel)
        #expect(PerfSuite.Variant.cList.table == nil && PerfSuite.Variant.writeFloor.table == nil)
    }

    @Test("a tiny run measures every operation of every variant at every tag count")
    func tinyRunCoversEveryVariant() {
        let result = PerfSuite.run(Self.tiny)
        let flushes: [PerfSuite.Operation] = [.flushRange, .flushRange2M, .flushAll]
        for tags in Self.tiny.tagCounts {
            for table in Self.registryVariants {
                let variant = PerfSuite.Variant(table: table)
                var operations = flushes + [.assign, .unassign]
                if table.traits.contains(.runnable) { operations.append(.flushRangeGeneric) }
                for operation in operations {
                    #expect(result.median(variant, operation, tags: tags) != nil, "\(variant) \(operation) \(tags)")
                }
                #expect(result.bytesPerTag.keys.contains { $0.variant == variant && $0.tags == tags })
            }
            for operation in flushes + [.assign, .unassign] {
                #expect(result.median(.cList, operation, tags: tags) != nil, "c-list \(operation) \(tags)")
            }
            #expect(result.median(.writeFloor, .write, tags: tags) != nil)
            #expect(result.descriptorsPerFlush[tags] == tags)
            #expect(result.submissionsPerFlush[tags] == (tags + 15) / 16)
        }
        // Every variant is a table of perf.csv.
        let tables = Set(PerfReport.rows(result).map(\.table))
        for variant in PerfSuite.Variant.allCases { #expect(tables.contains(variant.rawValue), "\(variant)") }
    }

    @Test("the C baseline emits exactly the kernel list's submissions", arguments: [1, 4, 16, 17, 64])
    func cBaselineMatchesTheKernelList(tags: Int) {
        let scenario = PerfScenario(tagCount: tags)
        let c = scenario.makeCBaseline()
        let list = scenario.makeKernelList()
        for range in [PerfScenario.smallRange, PerfScenario.largeRange, IOVARange(firstPage: 0, pageCount: 1 << 20)] {
            for hint in [false, true] {
                var fromC = RecordingSink()
                var fromList = RecordingSink()
                let emittedByC = c.flushRange(range, invalidationHint: hint, into: &fromC)
                let emittedByList = list.flushRange(range, invalidationHint: hint, into: &fromList)
                #expect(emittedByC == emittedByList && emittedByC == tags)
                #expect(fromC.submissions == fromList.submissions, "\(range) hint \(hint)")
            }
        }
        var fromC = RecordingSink()
        var fromList = RecordingSink()
        #expect(c.flushAll(into: &fromC) == list.flushAll(into: &fromList))
        #expect(fromC.submissions == fromList.submissions)
        // Assign/unassign of the spares keep them in step.
        for tag in scenario.spareTags { c.assign(tag) }
        for tag in scenario.spareTags { list.assign(tag) }
        #expect(c.tagCount == list.tagCount && c.tagCount == tags + scenario.spareTags.count)
        fromC.removeAll()
        fromList.removeAll()
        c.flushRange(PerfScenario.smallRange, into: &fromC)
        list.flushRange(PerfScenario.smallRange, invalidationHint: false, into: &fromList)
        #expect(fromC.submissions == fromList.submissions)
        for tag in scenario.spareTags { c.unassign(tag) }
        #expect(c.tagCount == tags)
    }

    @Test("ring entry points do what the protocol does, for every registry table")
    func ringEntryPoints() throws {
        let scenario = PerfScenario(tagCount: 20)
        for entry in CacheTagTables.all {
            let viaRing = scenario.makeTable(entry)
            let viaProtocol = scenario.makeTable(entry)
            let ring = entry.ring
            var sink = DescriptorBufferSink()
            var reference = DescriptorBufferSink()
            for range in [PerfScenario.smallRange, PerfScenario.largeRange] {
                let emitted = ring.flushRange(viaRing as AnyObject, range, false, &sink)
                #expect(emitted == viaProtocol.flushRange(range, invalidationHint: false, into: &reference))
            }
            #expect(ring.flushAll(viaRing as AnyObject, &sink) == viaProtocol.flushAll(into: &reference))
            #expect(sink.checksum == reference.checksum && sink.submissions == reference.submissions)
            scenario.spareTags.withUnsafeBufferPointer { ring.assign(viaRing as AnyObject, $0) }
            #expect(viaRing.tagCount == 20 + scenario.spareTags.count, "\(entry)")
            try scenario.spareTags.withUnsafeBufferPointer { try ring.unassign(viaRing as AnyObject, $0) }
            #expect(viaRing.tagCount == 20, "\(entry)")
            let unknown = scenario.spareTags[0]
            #expect(throws: CacheTagError.self) {
                try withUnsafePointer(to: unknown) { try ring.unassign(viaRing as AnyObject, UnsafeBufferPointer(start: $0, count: 1)) }
            }
        }
    }

    @Test("concurrency variants come from the registry's traits; no torn flush in a short run")
    func concurrencyVariants() {
        let variants = PerfConcurrency.Variant.allCases
        #expect(variants.map(\.rawValue) == ["concurrent-grouped", "concurrent-grouped+atomic-ref", "locked-grouped"])
        #expect(PerfConcurrency.Variant.lockFree?.rawValue == "concurrent-grouped")
        #expect(PerfConcurrency.Variant.locked?.rawValue == "locked-grouped")
        let result = PerfConcurrency.run(.init(tagCount: 16, milliseconds: 5, repetitions: 1))
        for variant in variants {
            #expect(result.rounds[variant]?.count == 1, "\(variant)")
            #expect(result.badFlushes(variant) == 0, "\(variant)")
            #expect((result.medianFlushesPerSecond(variant) ?? 0) > 0, "\(variant)")
        }
    }
}
