import TestSupport
import Foundation
import Reports
import Testing

@Suite("RunManifest")
struct RunManifestTests {
    static let manifest = RunManifest(
        toolVersion: "0.1.0", gitCommit: "0123456789abcdef0123456789abcdef01234567",
        date: RunManifest.timestamp(Date(timeIntervalSince1970: 1_700_000_000)),
        host: .init(cpu: "Test CPU @ 3.0GHz", cores: 8, os: "Linux 6.8"),
        swiftVersion: "Swift version 6.3.1", seed: 42,
        costModel: ["iotlb_descriptor_ns": 120, "wait_ns": 850.5],
        commandLine: ["cachetag-bench", "run", "--workload", "nested-s2", "--note", "it's here"],
        workloads: [.init(name: "nested-s2", parameters: ["children": "1,4,16"], varied: "children"),
                    .init(name: "sva-munmap")],
        schemes: ["per-domain", "shared-pasid"], tables: ["kernel-list", "grouped-array"],
        quick: true, allocator: "glibc", notes: ["quick mode"])

    @Test("round trip through run.json")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("run.json")
        try Self.manifest.write(to: url)
        #expect(try RunManifest.read(from: url) == Self.manifest)
        #expect(try ReportDirectory(url: directory.url).readManifest() == Self.manifest)
    }

    @Test("keys are snake_case, sorted, pretty-printed")
    func layout() throws {
        let text = String(decoding: Self.manifest.encoded(), as: UTF8.self)
        for key in ["tool_version", "git_commit", "date", "host_cpu", "host_cores", "os", "swift_version", "seed",
                    "cost_model", "command_line", "reproduce", "workloads", "schemes", "tables", "quick",
                    "allocator", "notes", "varied"] {
            #expect(text.contains("\"\(key)\" : "), "missing \(key)")
        }
        #expect(text.range(of: "\"allocator\"")!.lowerBound < text.range(of: "\"workloads\"")!.lowerBound)
        #expect(text.contains("\"date\" : \"2023-11-14T22:13:20Z\""))
        #expect(text.hasSuffix("}\n"))
    }

    @Test("reproduce is shell-quoted")
    func reproduce() {
        #expect(Self.manifest.reproduce == "cachetag-bench run --workload nested-s2 --note 'it'\\''s here'")
        #expect(ShellQuoting.quote("") == "''")
        #expect(ShellQuoting.quote("children=1,4,16") == "children=1,4,16")
        #expect(ShellQuoting.quote("a b") == "'a b'")
    }

    @Test("a missing key is named")
    func missingKey() throws {
        var object = try #require(JSONSerialization.jsonObject(with: Self.manifest.encoded()) as? [String: Any])
        object.removeValue(forKey: "seed")
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try RunManifest.decode(data, file: "r/run.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "r/run.json: key 'seed': missing")
        }
    }

    @Test("host facts are filled")
    func host() {
        let facts = RunManifest.HostFacts.current()
        #expect(facts.cores >= 1)
        #expect(!facts.cpu.isEmpty)
        #expect(!facts.os.isEmpty)
        #expect(RunManifest.HostFacts.cpuModel(fromCPUInfo: "processor\t: 0\nmodel name\t: Fancy CPU\n") == "Fancy CPU")
        let commit = RunManifest.gitCommit(in: URL(fileURLWithPath: "/"))
        #expect(commit == "unknown" || commit.count >= 7)
    }
}
