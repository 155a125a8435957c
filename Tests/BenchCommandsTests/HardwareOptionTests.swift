import Foundation
import Reports
import TestSupport
import Testing

@testable import BenchCommands

/// `--hw`, `--hw-file` and `--vary hw.KEY` on the command line.
@Suite("Hardware options")
struct HardwareOptionTests {
    @Test("a hardware key sweeps like a cost key: each point names it and runs under it")
    func hardwareSweep() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(
            CommandLineTests.invoke([
                "run", "--workload", "pasid-fs", "--hw", "adversarial", "--vary", "hw.pasid_selective=exact,did-wide",
                "--scheme", "shared-pasid", "--table", "kernel-list", "--quick", "--time-budget-ms", "1", "--out", directory.path,
            ]) == nil)
        let rows = try ReportCSV.read(from: directory.url.appendingPathComponent("pasid-fs.csv")).rows
        func sharedDID(_ value: String) -> Double? {
            rows.first {
                $0.metric == "hw.iotlb.collateral.shared_did"
                    && $0.parameters.contains(ReportParameter(name: "hw.pasid_selective", value: value))
            }?.value
        }
        #expect(try #require(sharedDID("exact")) == 0)
        #expect(try #require(sharedDID("did-wide")) > 0)
        let manifest = try String(contentsOf: directory.url.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(manifest.contains("\"set_index\" : \"did-hash\""))
    }

    @Test("a profile that sets the DID space writes it into every workload's ndoms")
    func profileDomainSpace() throws {
        let (points, _) = try WorkloadSelection.points(
            workloads: ["attach-churn", "pasid-fs"], parameters: [], vary: [], quick: true,
            hardware: try HardwareSelection(arguments: ["client"], file: nil))
        #expect(points.allSatisfy { point in point.parameters.contains { $0.name == "ndoms" && $0.value == "256" } })
        #expect(points.allSatisfy { $0.topology.units.allSatisfy { $0.capabilities.domainIDs.count == 256 } })
        #expect(throws: CommandError.self) {
            try WorkloadSelection.points(
                workloads: ["pasid-fs"], parameters: ["ndoms=64"], vary: [], quick: true,
                hardware: try HardwareSelection(arguments: ["ndoms=16"], file: nil))
        }
        // A swept profile names its DID space in its own points only.
        let (swept, _) = try WorkloadSelection.points(
            workloads: ["pasid-fs"], parameters: [], vary: ["hw.profile=server,client"], quick: true)
        #expect(swept.map { $0.parameters.first { $0.name == "ndoms" }?.value } == ["65536", "256"])
        #expect(throws: CommandError.self) {
            try WorkloadSelection.points(
                workloads: ["pasid-fs"], parameters: ["ndoms=64"], vary: ["hw.profile=server,client"], quick: true)
        }
        #expect(throws: CommandError.self) { try HardwareSelection(arguments: ["adversarial", "client"], file: nil) }
    }

    @Test("a CR-LF hardware file works; bad settings fail in one line before anything is written")
    func fileAndErrors() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("hw.txt")
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try "profile=qemu\r\niotlb_ways=8\r\n".write(to: file, atomically: true, encoding: .utf8)
        let selection = try HardwareSelection(arguments: ["psi=off"], file: file.path)
        let hardware = try selection.resolve()
        #expect(hardware.name == "qemu" && hardware.iotlbWays == 8 && !hardware.pageSelectiveInvalidation)
        #expect(selection.explicitKeys == ["iotlb_ways", "psi"])
        #expect(throws: CommandError.self) { try HardwareSelection(arguments: ["server"], file: file.path).resolve() }

        for arguments in [["--hw", "colour=red"], ["--hw", "mamv=99"], ["--vary", "hw.ndoms=16,64"], ["--vary", "hw.nope=1"]] {
            let out = directory.url.appendingPathComponent("bad").path
            let error = CommandLineTests.invoke(["run", "--workload", "pasid-fs", "--quick", "--out", out] + arguments)
            #expect(error != nil, "\(arguments) was accepted")
            let (message, code) = CommandLineTests.failure(error)
            #expect(code != 0 && !message.isEmpty && !message.contains("\n"), "\(message)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(arguments) wrote a report")
        }
    }
}
