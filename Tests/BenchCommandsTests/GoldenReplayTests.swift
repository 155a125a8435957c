import Foundation
import Reports
import TestSupport
import Testing

/// The golden vector (a real Linux 6.12 trace with its `qi_submit` lines) through the executable:
/// the replay must reproduce the kernel's descriptors call by call, and the same trace in the
/// newest text, `trace-cmd report` and `perf script` form must give the same modeled rows.
@Suite("Golden replay through the executable")
struct GoldenReplayTests {
    static let arguments = ["--scheme", "kernel", "--table", "kernel-list", "--quick", "--time-budget-ms", "1"]

    func replay(_ text: String, _ extra: [String] = []) throws -> (status: Int32, stderr: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachetag-golden-\(UUID())")
        let result = try ExecutableTests.run(
            ["replay", "-", "--out", directory.path] + Self.arguments + extra, input: text)
        return (result.status, result.stderr, directory)
    }

    @Test("--strict-match passes: every compared flush call equals the kernel's qi_submit words", .enabled(if: ExecutableTests.executable != nil))
    func strictMatch() throws {
        let (status, stderr, directory) = try replay(try goldenTrace().text, ["--strict-match", "--kernel", "6.12"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("1221/1221 flush calls exact (100.0%)"), "\(stderr)")
        #expect(stderr.contains("1 cut off by the end of the trace"), "\(stderr)")
        let rows = try ReportCSV.read(from: directory.appendingPathComponent("replay.csv")).rows
        func value(_ metric: String) -> Double? { rows.first { $0.metric == metric }?.value }
        #expect(value("replay.ops") == 1221 && value("replay.ops_exact") == 1221 && value("replay.ops_count_match") == 1221)
        #expect(value("replay.mismatch.missing") == 0)
    }

    @Test("without the unit capabilities the trace proves, --strict-match fails with one line", .enabled(if: ExecutableTests.executable != nil))
    func strictMatchFails() throws {
        // Drop the drain bits from a quarter of the kernel's page-selective iotlb_inv words: the
        // majority still says the unit drains, so exactly those calls differ, in the drain field.
        var lines = try goldenTraceLines()
        var flipped = 0
        for index in lines.indices where lines[index].contains("iotlb_inv dmar0: 0x500f2") && index % 4 == 0 {
            lines[index] = lines[index].replacingOccurrences(of: "0x500f2", with: "0x50032")
            flipped += 1
        }
        let (status, stderr, directory) = try replay(lines.joined(separator: "\n"), ["--strict-match"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(flipped > 100)
        #expect(status != 0)
        #expect(stderr.contains("--strict-match:") && stderr.contains("differ from the kernel's qi_submit descriptors"), "\(stderr)")
        #expect(stderr.contains("mismatches: drain"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("replay.csv").path))
    }

    @Test("the newest text, trace-cmd report and perf script forms give the golden trace's modeled rows", .enabled(if: ExecutableTests.executable != nil))
    func sameRowsInEveryForm() throws {
        let lines = try goldenTraceLines()
        let (status, stderr, reference) = try replay(lines.joined(separator: "\n"), ["--kernel", "6.12"])
        defer { try? FileManager.default.removeItem(at: reference) }
        #expect(status == 0, "\(stderr)")
        let expected = try ExecutableTests.modeledRows(in: reference)
        #expect(expected["replay.csv"]?.isEmpty == false)
        for rewritten in [
            TraceRewrite.withoutPages(lines), TraceRewrite.traceCmdReport(lines, flags: false), TraceRewrite.perfScript(lines),
        ] {
            let (status, stderr, directory) = try replay(rewritten.text, ["--kernel", "6.12", "--strict-match"])
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(status == 0, "\(stderr)")
            #expect(try ExecutableTests.modeledRows(in: directory) == expected)
        }
    }

    @Test("--descriptors-out writes every submission with its wait, in the documented columns", .enabled(if: ExecutableTests.executable != nil))
    func descriptorsOut() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cachetag-descriptors-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, stderr, directory) = try replay(try goldenTrace().text, ["--descriptors-out", file.path])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(status == 0, "\(stderr)")
        let rows = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "op,line,event,scheme,table,unit,submission,index,kind,qw0,qw1,qw2,qw3")
        // The boot attaches come first: legacy caching-mode set-up, a context-cache invalidation
        // (DID 0) and a domain-selective IOTLB one, each its own submission.
        #expect(rows.dropFirst().first?.hasPrefix(",,setup,kernel,kernel-list,dmar0,0,0,cc_inv,") == true)
        #expect(rows.dropFirst(3).first == ",,setup,kernel,kernel-list,dmar0,1,0,iotlb_inv,0x200e2,0x0,0x0,0x0")
        let first = try #require(rows.firstIndex { $0.hasPrefix("0,") })
        #expect(rows[first].hasSuffix(",flush_range_np,kernel,kernel-list,dmar0,14,0,iotlb_inv,0x500f2,0xffffe001,0x0,0x0"))
        #expect(rows[first + 1] == "0,56,flush_range_np,kernel,kernel-list,dmar0,14,1,wait,0x200000025,0x0,0x0,0x0")
        // 7 attaches × 2 set-up submissions, then 1,222 calls, one descriptor and one wait each.
        #expect(rows.count == 1 + 2 * 14 + 2 * 1222)
        #expect(rows.contains { $0.contains(",flush_range,") && $0.hasSuffix("iotlb_inv,0x500f2,0xffffa040,0x0,0x0") })
    }
}
