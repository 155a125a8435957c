import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()`.
public struct TemporaryReportDirectory {
    public let url: URL

    public init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cachetag-bench-tests-\(safe)-\(UUID().uuidString)")
    }

    public var path: String { url.path }

    public func child(_ name: String) -> URL { url.appendingPathComponent(name) }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// Files in the directory (names), sorted; empty when it does not exist.
    public func files(in directory: URL? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: (directory ?? url).path)) ?? []).sorted()
    }
}
