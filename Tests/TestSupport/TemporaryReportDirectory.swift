import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()`.
package struct TemporaryReportDirectory {
    package let url: URL

    package init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cachetag-bench-tests-\(safe)-\(UUID().uuidString)")
    }

    package var path: String { url.path }

    package func child(_ name: String) -> URL { url.appendingPathComponent(name) }

    package func remove() { try? FileManager.default.removeItem(at: url) }

    /// Files in the directory (names), sorted; empty when it does not exist.
    package func files(in directory: URL? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: (directory ?? url).path)) ?? []).sorted()
    }
}
