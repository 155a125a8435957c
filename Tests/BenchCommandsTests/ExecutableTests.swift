import TestSupport
import Foundation
import Reports
import Testing

/// The built executable, run as a process: exit status, stderr, and the jemalloc path (which
/// needs a fresh process, see `Jemalloc.reexecuteWithStaticTLSRoomIfNeeded`).
@Suite("Executable", .serialized)
struct ExecutableTests {
    /// `cachetag-bench` next to the test bundle in the build directory, if it was built.
    static let executable: URL? = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("cachetag-bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// Runs the executable with `arguments`; `input`, if given, is its standard input.
    static func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try #require(executable, "cachetag-bench was not built next to the tests")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        if input != nil { process.standardInput = inPipe }
        try process.run()
        if let input {
            // The replay reads all of standard input before it writes anything.
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test(.enabled(if: executable != nil))
    func badInputExitsNonZeroWithOneLineOnStderr() throws {
        let result = try Self.run(["run", "--workload", "nested-s2", "--param", "children=0", "--out", "/tmp/never-written-\(UUID())"])
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("children"))
        #expect(result.stdout.isEmpty)
    }

    @Test(.enabled(if: executable != nil))
    func jemallocAxisWhenInstalledAndANoteWhenNot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachetag-bench-jemalloc-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run([
            "run", "--workload", "sva-munmap", "--scheme", "kernel", "--table", "kernel-list", "--allocator", "system,jemalloc",
            "--quick", "--out", directory.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try ReportCSV.read(from: directory.appendingPathComponent("sva-munmap.csv"))
        let tables = Set(report.rows.map(\.table))
        let installed = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
            .contains { FileManager.default.fileExists(atPath: "\($0)/libjemalloc.so.2") }
        if installed {
            #expect(tables == ["kernel-list", "kernel-list+jemalloc"])
            let heap = report.rows.filter { $0.table == "kernel-list+jemalloc" && $0.metric == "sw.heap_bytes" }
            #expect(heap.count == 1 && heap[0].value > 0)
        } else {
            #expect(tables == ["kernel-list"])
            #expect(result.stderr.contains("jemalloc not available"))
        }
    }

    /// `replay -` reads the trace from standard input, and names it `<stdin>` in notes and errors.
    @Test(.enabled(if: executable != nil))
    func replayReadsStandardInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachetag-bench-stdin-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["replay", "-", "--scheme", "kernel", "--table", "kernel-list", "--quick", "--out", directory.path]
        let result = try Self.run(arguments, input: try sampleTrace().text)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("<stdin>: 60 lines read"), "\(result.stderr)")
        let notes = try RunManifest.read(from: directory.appendingPathComponent("run.json")).notes
        #expect(notes.contains { $0.hasPrefix("replayed <stdin>: 2 unit(s)") }, "\(notes)")

        let line14 = "  NetworkManager-700     [001] d..1.     3.000000: cache_tag_assign: dmar0/dmar0 type iotlb did x3 pasid 0 ref 1"
        let broken = try Self.run(arguments, input: try sampleTrace(replacing: [14: line14]))
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("<stdin>:14: field 'did'"), "\(broken.stderr)")
    }

    /// Modeled rows (everything but `sw.*`) of every CSV in `directory`, by file.
    static func modeledRows(in directory: URL) throws -> [String: [ReportRow]] {
        var rows: [String: [ReportRow]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
        where name.hasSuffix(".csv") && name != "summary.csv" {
            rows[name] = try ReportCSV.read(from: directory.appendingPathComponent(name)).rows.filter {
                !$0.metric.hasPrefix("sw.")
            }
        }
        return rows
    }

    /// Same seed, same numbers, across processes: each process seeds Swift's hashing anew, so a
    /// result that depended on dictionary or set order would differ here (it cannot within one).
    @Test(.enabled(if: executable != nil), arguments: [
        ["run", "--workload", "all", "--scheme", "all", "--table", "all", "--quick", "--seed", "5"],
        ["replay", sampleTracePath(), "--scheme", "all", "--table", "all", "--quick"],
    ])
    func twoProcessesGiveIdenticalModeledRows(arguments: [String]) throws {
        var reports: [[String: [ReportRow]]] = []
        for _ in 0..<2 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachetag-bench-det-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Self.run(arguments + ["--out", directory.path])
            #expect(result.status == 0, "\(result.stderr)")
            reports.append(try Self.modeledRows(in: directory))
        }
        #expect(!reports[0].isEmpty && reports[0].values.allSatisfy { !$0.isEmpty })
        #expect(reports[0] == reports[1])
    }
}

/// The sample trace's path, for the executable.
private func sampleTracePath() -> String { sampleTraceURL?.path ?? "missing-sample-trace" }
