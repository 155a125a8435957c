import Foundation
import Reports

/// libFuzzer entry point for reading a report directory's files back (docs/fuzzing.md): the same
/// bytes are decoded as a workload CSV (`ReportCSV.decode`, through `TidyTable` and
/// `CSVRecordReader`) and as `run.json` (`RunManifest.decode`). `compare`, `plot` and resumed
/// runs read both from disk, and a hand-edited or truncated file must be refused with its
/// location, never crash the reader.
///
/// A thrown `ReportError` is expected. A file that is accepted must survive being written back:
/// `encoded()` then `decode` gives the same report (and the same manifest), since resuming a
/// sweep rewrites what it read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // `ReportFileText.read` refuses a file that is not UTF-8 before the CSV reader sees it.
    if let text = String(validating: bytes, as: UTF8.self) { checkCSV(text) }
    checkManifest(Data(bytes))
    return 0
}

private func checkCSV(_ text: String) {
    guard let report = try? ReportCSV.decode(text, file: "fuzz.csv") else { return }
    let again: ReportCSV
    do {
        again = try ReportCSV.decode(report.encoded(), file: "fuzz.csv")
    } catch {
        preconditionFailure("an accepted report does not read back after encoding: \(error)")
    }
    // Field by field: where the first row sat in the original text is not part of the report.
    precondition(
        again.workload == report.workload && again.parameterNames == report.parameterNames && again.rows == report.rows
            && again.fingerprint == report.fingerprint,
        "an accepted report reads back different after encoding")
}

private func checkManifest(_ data: Data) {
    guard let manifest = try? RunManifest.decode(data, file: "run.json") else { return }
    let again: RunManifest
    do {
        again = try RunManifest.decode(manifest.encoded(), file: "run.json")
    } catch {
        preconditionFailure("an accepted run.json does not read back after encoding: \(error)")
    }
    precondition(again == manifest, "an accepted run.json reads back different after encoding")
}
