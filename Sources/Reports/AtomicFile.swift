import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file writes that never leave a half-written report behind.
///
/// A sweep can run for minutes and be interrupted at any moment (Ctrl-C, OOM, a crash); since
/// `--resume` trusts what is on disk, a truncated CSV would be read as "those points are done".
/// So every report file is written to a hidden temporary file in the same directory
/// (`.name.tmp.<pid>.<random>`), flushed to disk, and renamed over the target: rename within one
/// file system is atomic, so readers see the old file or the new one, never a mix. On any error
/// the temporary file is removed and the target is untouched.
package enum AtomicFile {
    /// Writes `data` to `url` atomically. The directory must exist (see `ReportDirectory.create`).
    package static func write(_ data: Data, to url: URL) throws(ReportError) {
        let targetPath = url.path
        let display = ReportFileText.displayPath(url)
        let directory = url.deletingLastPathComponent()
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let temporaryPath = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp.\(getpid()).\(suffix)"
        ).path

        func failure(_ what: String, _ code: Int32) -> ReportError {
            ReportError(file: display, message: "\(what): \(ReportFileText.strerrorText(code) ?? "error \(code)")")
        }

        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw failure("cannot create a temporary file next to it", errno)
        }
        var committed = false
        var isOpen = true
        defer {
            if isOpen { close(descriptor) }
            if !committed { unlink(temporaryPath) }
        }

        var writeError: Int32 = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = posixWrite(descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    writeError = errno
                    return
                }
                remaining -= written
                pointer += written
            }
        }
        if writeError != 0 { throw failure("cannot write", writeError) }
        if fsync(descriptor) != 0 { throw failure("cannot flush to disk", errno) }
        isOpen = false
        if close(descriptor) != 0 { throw failure("cannot close", errno) }
        if rename(temporaryPath, targetPath) != 0 { throw failure("cannot replace", errno) }
        committed = true
        syncDirectory(directory.path)
    }

    /// Writes UTF-8 `text` to `url` atomically.
    package static func write(_ text: String, to url: URL) throws(ReportError) {
        try write(Data(text.utf8), to: url)
    }

    /// Makes the rename itself durable; best effort (some file systems refuse to fsync a directory).
    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// POSIX `write(2)`, named apart from this type's `write` methods.
    private static func posixWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
            return Darwin.write(descriptor, pointer, count)
        #elseif canImport(Musl)
            return Musl.write(descriptor, pointer, count)
        #else
            return Glibc.write(descriptor, pointer, count)
        #endif
    }
}
