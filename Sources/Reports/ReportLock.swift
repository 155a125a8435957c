import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One writer per report directory: an exclusive `flock` on `<dir>/.cachetag-bench.lock`, held
/// for a whole run. A second run into the same `--out` fails at once, naming the holder's pid,
/// instead of both exiting 0 with their points lost and mixed. The lock dies with its process
/// (the kernel releases it), so a killed run never blocks the next (it leaves the file, which the
/// next writer reuses; a finished one removes it); taking it also removes the temporary files
/// (`.name.tmp.<pid>.<random>`, `AtomicFile`) that dead processes left.
package final class ReportLock {
    package static let fileName = ".cachetag-bench.lock"

    private let descriptor: Int32
    private let path: String

    /// Takes the lock of `directory` (which must exist), or throws naming who holds it.
    package init(directory: ReportDirectory) throws(ReportError) {
        let path = directory.url.appendingPathComponent(Self.fileName).path
        let display = ReportFileText.displayPath(directory.url)
        // The holder removes the file when it lets go, so the file a process locked may be gone
        // (or replaced by a newer one) by the time its flock returns: it retries until the locked
        // file is the one at the path, which is what makes removing it safe.
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ReportError(file: display, message: "cannot create the lock file \(Self.fileName): \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                var buffer = [UInt8](repeating: 0, count: 32)
                let count = pread(descriptor, &buffer, buffer.count, 0)
                let holder = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
                close(descriptor)
                throw ReportError(
                    file: display,
                    message: "another cachetag-bench (pid \(holder)) is writing this report directory; wait for it or use another --out")
            }
            var locked = stat()
            var current = stat()
            guard fstat(descriptor, &locked) == 0, stat(path, &current) == 0, locked.st_ino == current.st_ino,
                locked.st_dev == current.st_dev
            else {
                close(descriptor)
                continue
            }
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = pwrite(descriptor, pid, pid.count, 0)
            self.descriptor = descriptor
            self.path = path
            break
        }
        Self.removeDeadTemporaries(in: directory.url)
    }

    /// Removes the lock file while still holding the lock (a process waiting on the old file
    /// sees it gone and retries), then lets go: a finished run leaves nothing behind.
    deinit {
        unlink(path)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Removes `.name.tmp.<pid>.<random>` files whose process is gone (under the lock, no live
    /// writer of this directory can own one except this process).
    static func removeDeadTemporaries(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") && name.contains(".tmp.") {
            let parts = name.components(separatedBy: ".tmp.")
            guard let tail = parts.last, let pid = Int32(tail.split(separator: ".").first ?? ""), pid > 0 else { continue }
            if pid == getpid() { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
