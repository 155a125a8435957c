import TestSupport
import Foundation
import Reports
import Testing

@Suite("AtomicFile and ReportDirectory")
struct AtomicFileTests {
    @Test("a write replaces the target whole and leaves no temporary file")
    func replaces() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("a.csv")
        try AtomicFile.write("old contents that are longer\n", to: url)
        try AtomicFile.write("new\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "new\n")
        #expect(try directory.contents() == ["a.csv"])
    }

    @Test("a failed rename leaves the target as it was and no temporary file")
    func failedRename() throws {
        let directory = try TemporaryDirectory()
        // The target is a non-empty directory: the temporary file is written, the rename fails.
        let target = directory.url.appendingPathComponent("busy.csv")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: target.appendingPathComponent("inside"))
        #expect(throws: ReportError.self) { try AtomicFile.write("data", to: target) }
        #expect(try directory.contents() == ["busy.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["inside"])
    }

    @Test("a missing directory fails with one line naming the file, creating nothing")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("missing/a.csv")
        do {
            try AtomicFile.write("x", to: url)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix(url.path + ": cannot create a temporary file"))
            #expect(!error.description.contains("\n"))
        }
        #expect(try directory.contents().isEmpty)
    }

    @Test("create makes parents, and refuses a path that is a file")
    func createDirectory() throws {
        let directory = try TemporaryDirectory()
        let nested = directory.url.appendingPathComponent("reports/run-1")
        let reports = try ReportDirectory.create(at: nested)
        #expect(FileManager.default.fileExists(atPath: nested.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: nested.path).isEmpty)
        #expect(reports.manifestURL.lastPathComponent == "run.json")

        let file = directory.url.appendingPathComponent("plain")
        try Data().write(to: file)
        do {
            try ReportDirectory.create(at: file)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix(file.path + ": cannot use as a report directory"))
        }
        let below = file.appendingPathComponent("sub")
        #expect(throws: ReportError.self) { try ReportDirectory.create(at: below) }
    }

    @Test("workload CSVs are listed sorted, without summary.csv and hidden files")
    func listing() throws {
        let directory = try TemporaryDirectory()
        for name in ["b.csv", "a.csv", "summary.csv", ".a.csv.tmp.1.csv", "run.json", "c.svg"] {
            try Data().write(to: directory.url.appendingPathComponent(name))
        }
        let names = try ReportDirectory(url: directory.url).workloadCSVURLs(manifest: nil).map(\.lastPathComponent)
        #expect(names == ["a.csv", "b.csv"])
    }
}
