import Foundation
import Reports
import Runs
import TestSupport
import Testing
import Workloads

@testable import BenchCommands

/// Options that conflict, numbers that are not decimal, values that name one point twice,
/// oversized points, and errors that must read as sentences (issue 16).
@Suite("Option trust", .serialized)
struct OptionTrustTests {
    static func message(_ arguments: [String]) -> String? {
        CommandLineTests.invoke(arguments).map { CommandLineTests.failure($0).message }
    }

    static let nested = ["run", "--workload", "nested-s2", "--scheme", "kernel", "--table", "grouped-array", "--quick"]

    @Test(
        "conflicting or non-decimal options are one-line errors naming the option",
        arguments: [
            (["--param", "children=4", "--param", "children=8"], "'children' of nested-s2 is given twice"),
            (["--param", "children=4", "--vary", "children=1,2"], "also set by --param"),
            (["--vary", "children=1,01"], "two values name the same point of nested-s2 (children=1)"),
            (["--param", "children=0x10"], "children"),
            (["--param", "ats=0x0.8"], "ats"),
            (["--param", "ats=nan"], "ats"),
            (["--cost", "submission_us=0x10"], "is not a decimal number"),
        ])
    func refused(extra: [String], expected: String) {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let message = Self.message(Self.nested + extra + ["--out", directory.path])
        #expect(message?.contains(expected) == true, "\(String(describing: message))")
        #expect(message?.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("a value is normalized before it names a point: children=016 is children=16")
    func normalized() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        #expect(Self.message(Self.nested + ["--param", "children=016", "--param", "ats=.50", "--out", directory.path]) == nil)
        let report = try ReportCSV.read(from: directory.child("nested-s2.csv"))
        #expect(Set(report.rows.map { $0.parameters.value(named: "children") }) == ["16"])
        #expect(Set(report.rows.map { $0.parameters.value(named: "ats") }) == ["0.5"])
    }

    @Test("an oversized combination is refused before anything is written, naming its parameters")
    func oversized() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let message = try #require(Self.message([
            "run", "--workload", "sva-munmap", "--param", "processes=4096", "--param", "devices=1024", "--param",
            "binds=1024", "--quick", "--out", directory.path,
        ]))
        #expect(message.contains("processes=4096, devices=1024, binds=1024"), "\(message)")
        #expect(message.contains("--force"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        // --force lets it through the guard (not run here: it is the point of the guard).
        let point = PreparedWorkload(try SVAMunmapWorkload.make(["processes": "4096", "devices": "1024", "binds": "1024"]))
        #expect(throws: CommandError.self) { try ResourceGuard.check([point], force: false) }
        try ResourceGuard.check([point], force: true)
    }

    @Test("a report directory under a file is a sentence naming the file")
    func outUnderAFile() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try "x".write(to: directory.child("afile"), atomically: true, encoding: .utf8)
        let message = try #require(Self.message(Self.nested + ["--out", directory.child("afile/sub").path]))
        #expect(message.contains("afile is a file, not a directory"), "\(message)")
        #expect(!message.contains("NSCocoaErrorDomain"))
    }

    @Test("--strict-oracle's error names the workload point, scheme and table")
    func strictOracleNamesTheRun() throws {
        let directory = TemporaryReportDirectory()
        defer { directory.remove() }
        let message = try #require(Self.message([
            "run", "--workload", "nested-s2", "--scheme", "shared-all", "--table", "kernel-list", "--quick", "--strict-oracle",
            "--out", directory.path,
        ]))
        #expect(message.contains("--strict-oracle: nested-s2 ("), "\(message)")
        #expect(message.contains("scheme shared-all, table kernel-list"), "\(message)")
        #expect(message.contains("oracle violation"), "\(message)")
    }
}
