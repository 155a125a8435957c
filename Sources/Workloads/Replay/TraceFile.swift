#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a trace from a file or, for the path `-`, from standard input (so a trace can be piped
/// straight from `cat /sys/kernel/tracing/trace`, `trace-cmd report` or `perf script`).
enum TraceFile {
    /// The path that means standard input.
    static let standardInputPath = "-"

    /// How errors name the trace at `path`: the path itself, `<stdin>` for `-`.
    static func name(of path: String) -> String { path == standardInputPath ? "<stdin>" : path }

    /// Reads a whole file (standard input for `-`) as UTF-8. Invalid bytes become U+FFFD, so a
    /// damaged trace still lexes line by line and its errors name the damaged lines instead of
    /// refusing the file. Errors name the file as `name(of:)` does.
    static func contents(of path: String) throws(WorkloadError) -> String {
        if path == standardInputPath { return try contents(ofDescriptor: STDIN_FILENO, name: name(of: path)) }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        return try contents(ofDescriptor: descriptor, name: path)
    }

    /// Reads `descriptor` to its end (a file, a pipe, a terminal) as UTF-8, without closing it;
    /// `name` names it in errors.
    static func contents(ofDescriptor descriptor: Int32, name: String) throws(WorkloadError) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: name, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
