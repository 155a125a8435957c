import IOMMUModel
import Testing

/// What the `FuzzSettingsFile` target (docs/fuzzing.md) feeds `--cost-file` and `--hw-file`,
/// kept here so CI runs it without libFuzzer: inputs the fuzzer found or explores, each with the
/// error (and its `file:line`) or the settings it must give.
@Suite("Fuzz regressions: settings files")
struct SettingsFileFuzzRegressionTests {
    func costError(_ text: String) -> CostModelError? {
        do {
            _ = try CostModel.defaults.overriding(fileText: text, file: "cost.txt")
            return nil
        } catch {
            return error
        }
    }

    /// The key, value and location of a refused value (the reason's wording is the message's).
    func refusedValue(_ text: String) -> (key: String, value: String, location: String)? {
        guard case let .invalidValue(key, value, _, location) = costError(text) else { return nil }
        return (key, value, location)
    }

    func hardware(_ text: String) throws(HardwareProfileError) -> HardwareProfile {
        let (profile, settings) = try HardwareProfile.fileSettings(text, file: "hw.txt")
        let base = profile.flatMap { HardwareProfile.named($0.value) } ?? .server
        return try base.applying(settings)
    }

    func hardwareError(_ text: String) -> HardwareProfileError? {
        do {
            _ = try hardware(text)
            return nil
        } catch {
            return error
        }
    }

    /// `Double(_:)` stops at a NUL as C's `strtod` does, so `submission_us=2\0junk` once set 2 and
    /// dropped the rest of the value without a word (found writing the fuzz target's checks).
    @Test("a NUL inside a cost value is refused, not cut off")
    func nulInsideCostValue() throws {
        let refused = try #require(refusedValue("descriptor_us=0.5\nsubmission_us=2\u{0}junk\n"))
        #expect(refused.key == "submission_us" && refused.value == "2\u{0}junk" && refused.location == "cost.txt:2")
        #expect(refusedValue("submission_us=\u{0}2") != nil && refusedValue("submission_us=2\u{0}") != nil)
    }

    @Test("lines that are not key=value name their line", arguments: ["=", "=3", "  = 3  ", "submission_us"])
    func malformedCostLines(line: String) {
        #expect(costError("# costs\n\(line)\n") == .malformed(text: line.trimmingSpaces, location: "cost.txt:2"))
    }

    @Test("numbers past Double's range and odd spellings of numbers are refused or read exactly")
    func costNumbers() throws {
        let huge = String(repeating: "9", count: 400)
        #expect(refusedValue("submission_us=\(huge)")?.value == huge)
        #expect(refusedValue("submission_us==3")?.value == "=3")
        #expect(refusedValue("submission_us=1e400")?.location == "cost.txt:1")
        #expect(costError("page_walk_levels=6") != nil && costError("page_walk_levels=0.5") != nil)
        let cost = try CostModel.defaults.overriding(fileText: "page_walk_levels=5.0\r\ndescriptor_us=1e-3\rsubmission_us=0", file: "cost.txt")
        #expect(cost.pageWalkLevels == 5 && cost.descriptorMicros == 0.001 && cost.submissionMicros == 0)
    }

    @Test("an empty or comment-only file changes nothing", arguments: ["", "\n\n", "#", "# a=b\r\n\r\n", " \t "])
    func emptyCostFile(text: String) throws {
        #expect(try CostModel.defaults.overriding(fileText: text, file: "cost.txt") == CostModel.defaults)
        #expect(try hardware(text) == HardwareProfile.server)
    }

    @Test("hardware integers are ASCII decimal digits in range")
    func hardwareIntegers() {
        for value in ["0x40", "+64", "64.0", "\u{0661}\u{0666}", "99999999999999999999999", "-1", "6 4"] {
            #expect(
                hardwareError("iotlb_entries=\(value)")
                    == .invalidValue(key: "iotlb_entries", value: value, allowed: "1...1048576", location: "hw.txt:1"),
                "\(value)")
        }
    }

    @Test("a profile line that is not first, or comes twice, is refused with its line")
    func profileLine() {
        guard case let .malformed(_, location) = hardwareError("psi=off\nprofile=qemu") else {
            Issue.record("profile after a setting accepted")
            return
        }
        #expect(location == "hw.txt:2")
        guard case .malformed = hardwareError("profile=qemu\nprofile=qemu") else {
            Issue.record("two profile lines accepted")
            return
        }
        #expect(hardwareError("profile=qemu\r\nscalable=off") == nil)
    }

    @Test("ways that do not divide the entries, and DID spaces that do not exist, are refused")
    func inconsistentGeometry() {
        guard case .inconsistent = hardwareError("iotlb_entries=96\niotlb_ways=64") else {
            Issue.record("iotlb_ways 64 of 96 entries accepted")
            return
        }
        #expect(hardwareError("ndoms=17") != nil && hardwareError("ndoms=32") != nil)
        #expect(hardwareError("ndoms=workload\nndoms=4096") == nil)
    }
}

extension String {
    /// Without leading and trailing blanks, as `KeyValueText` reports a malformed line.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
