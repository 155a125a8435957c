import TestSupport
import Foundation
import IOMMUModel
import Testing

@Suite("Cost model")
struct CostModelTests {
    @Test func defaultsMatchTheStatedSources() {
        let cost = CostModel.defaults
        // One IOTLB descriptor per submission: the 2 µs of the dmar_perf_latency example.
        #expect(abs(cost.submissionTime(descriptors: 1) - 2.0) < 1e-12)
        #expect(cost.deviceTLBInvalidationMicros == 5)
        #expect(abs(cost.pageWalkTime(nested: false) - 0.4) < 1e-12)
        #expect(abs(cost.pageWalkTime(nested: true) - 2.4) < 1e-12)
        #expect(CostModel.keys == cost.settings.map(\.key))
    }

    @Test func fileOverridesWithCommentsAndBlankLines() throws {
        let text = """
            # measured on a test box
            submission_us = 3.5   # with the wait

            devtlb_invalidation_us=12
            page_walk_levels=5
            """
        let cost = try CostModel.defaults.overriding(fileText: text, file: "costs.txt")
        #expect(cost.submissionMicros == 3.5)
        #expect(cost.deviceTLBInvalidationMicros == 12)
        #expect(cost.pageWalkLevels == 5)
        #expect(cost.descriptorMicros == CostModel.defaults.descriptorMicros)
    }

    @Test func assignmentOverrides() throws {
        let cost = try CostModel.defaults.overriding(assignments: ["descriptor_us=0", " page_walk_access_us = 0.25 "])
        #expect(cost.descriptorMicros == 0)
        #expect(cost.pageWalkAccessMicros == 0.25)
    }

    @Test func unknownKeyNamesTheKeyAndLine() {
        #expect(throws: CostModelError.self) {
            try CostModel.defaults.overriding(fileText: "submission_us=2\nsubmision_us=3\n", file: "costs.txt")
        }
        do {
            _ = try CostModel.defaults.overriding(fileText: "submission_us=2\nsubmision_us=3\n", file: "costs.txt")
        } catch {
            guard case let .unknownKey(key, location, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(key == "submision_us")
            #expect(location == "costs.txt:2")
            #expect(error.description.hasPrefix("costs.txt:2: unknown cost key 'submision_us'"))
        }
    }

    @Test func negativeValueIsRefused() {
        do {
            _ = try CostModel.defaults.overriding(assignments: ["devtlb_invalidation_us=-1"])
            Issue.record("negative value accepted")
        } catch {
            #expect(
                error
                    == .invalidValue(
                        key: "devtlb_invalidation_us", value: "-1", reason: "is negative",
                        location: "command line assignment 1"))
            #expect(error.description.contains("devtlb_invalidation_us"))
        }
    }

    @Test func nonNumbersNonFiniteAndMalformedAreRefused() {
        for bad in [
            "submission_us=fast", "submission_us=inf", "submission_us=nan", "submission_us=", "page_walk_levels=4.5",
            "page_walk_levels=0", "submission_us",
        ] {
            #expect(throws: CostModelError.self, "\(bad)") { try CostModel.defaults.overriding(assignments: [bad]) }
        }
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: CostModelError.self) {
            try CostModel.defaults.overriding(contentsOfFile: "/nonexistent/costs.txt")
        }
    }

    @Test func readsAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "costs-\(UInt64.random(in: 0...UInt64.max)).txt"
        ).path
        try "descriptor_us=0.5\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CostModel.defaults.overriding(contentsOfFile: path).descriptorMicros == 0.5)
    }
}
