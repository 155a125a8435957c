import Foundation
import Testing

/// The house rules a newcomer relies on, checked on the checkout itself: no symlinks, sources
/// small enough to read in one sitting, and citations that stay inside the repository.
@Suite("Repository layout")
struct RepositoryLayoutTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every file under `folders` (relative to the root), recursively, with its URL.
    static func files(under folders: [String]) -> [URL] {
        folders.flatMap { folder -> [URL] in
            let enumerator = FileManager.default.enumerator(
                at: root.appendingPathComponent(folder), includingPropertiesForKeys: [.isSymbolicLinkKey])
            return (enumerator?.allObjects as? [URL]) ?? []
        }
    }

    static let trackedFolders = ["Sources", "Tests", "Benchmarks", "docs"]

    @Test("no symlink anywhere in the tree")
    func noSymlinks() throws {
        let files = Self.files(under: Self.trackedFolders)
        #expect(files.count > 100)
        for url in files {
            let isLink = try url.resourceValues(forKeys: [.isSymbolicLinkKey]).isSymbolicLink ?? false
            #expect(!isLink, "\(url.path) is a symlink")
        }
    }

    @Test("no Swift source over 400 lines")
    func sourcesAreSmall() throws {
        for url in Self.files(under: ["Sources"]) where url.pathExtension == "swift" {
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count <= 400, "\(url.lastPathComponent): \(lines.count) lines")
        }
    }

    @Test("code cites facts inside the repository (docs/), never files outside it")
    func citationsStayInside() throws {
        let outside = ["VTD-FACTS.md", "DESIGN.md", "DESIGN §", "/work/shared", "../shared"]
        for url in Self.files(under: ["Sources", "Benchmarks"]) where ["swift", "c", "h"].contains(url.pathExtension) {
            let text = try String(contentsOf: url, encoding: .utf8)
            for needle in outside {
                #expect(!text.contains(needle), "\(url.lastPathComponent) cites \(needle)")
            }
        }
        for document in ["docs/vtd-facts.md", "docs/design.md"] {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(document).path), "\(document)")
        }
    }
}
