import CacheTags

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// jemalloc, loaded at run time when `libjemalloc.so.2` is installed (Debian `libjemalloc2`,
/// pulled in by `libjemalloc-dev`), so the kernel-list table's per-tag allocations can be
/// measured on a second allocator without linking against it.
///
/// Only the handful of symbols the harness needs are looked up: `malloc`/`free` for tag nodes
/// (jemalloc's Debian build exports them unprefixed from the library handle) and `mallctl` to
/// read `stats.allocated` for heap bytes.
package struct Jemalloc: @unchecked Sendable {
    /// The shared object name looked up with `dlopen`.
    package static let libraryName = "libjemalloc.so.2"

    private typealias MallocFunction = @convention(c) (Int) -> UnsafeMutableRawPointer?
    private typealias FreeFunction = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias MallctlFunction = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32

    private let mallctl: MallctlFunction
    /// Tag nodes from jemalloc's `malloc` and `free`.
    package let allocator: TagAllocator

    /// Loads jemalloc, or returns nil with the reason when it is not installed.
    package static func load() -> Result<Jemalloc, LoadError> {
        guard let handle = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(LoadError(reason: String(cString: dlerror())))
        }
        guard let malloc = dlsym(handle, "malloc"), let free = dlsym(handle, "free"),
            let mallctl = dlsym(handle, "mallctl")
        else {
            return .failure(LoadError(reason: "\(libraryName) lacks malloc, free or mallctl"))
        }
        // jemalloc's own usable size (its size classes), for honest bytes per tag.
        let usable = dlsym(handle, "malloc_usable_size").map {
            unsafeBitCast($0, to: (@convention(c) (UnsafeMutableRawPointer?) -> Int).self)
        }
        return .success(
            Jemalloc(
                mallctl: unsafeBitCast(mallctl, to: MallctlFunction.self),
                allocator: TagAllocator(
                    name: "jemalloc", allocate: unsafeBitCast(malloc, to: MallocFunction.self),
                    deallocate: unsafeBitCast(free, to: FreeFunction.self), usableSize: usable)))
    }

    /// Why jemalloc could not be used, said once by the caller.
    package struct LoadError: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { "jemalloc not available (\(reason)); the allocator axis uses the system allocator only" }
    }

    /// jemalloc keeps thread-locals in the static TLS block, which glibc sizes at start-up; a
    /// `dlopen` later fails with "cannot allocate memory in static TLS block" unless the process
    /// started with room to spare. When a run asks for jemalloc, the executable re-executes itself
    /// once with `GLIBC_TUNABLES=glibc.rtld.optional_static_tls=...` set; nothing else changes.
    /// Returns only when no re-exec was needed or possible.
    package static func reexecuteWithStaticTLSRoomIfNeeded(arguments: [String]) {
        guard requested(by: arguments) else { return }
        let tunables = ProcessInfoLite.environment("GLIBC_TUNABLES") ?? ""
        guard !tunables.contains("optional_static_tls") else { return }
        let setting = (tunables.isEmpty ? "" : tunables + ":") + "glibc.rtld.optional_static_tls=65536"
        setenv("GLIBC_TUNABLES", setting, 1)
        var argv = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv returned: carry on without the room; the load will fail and say so.
    }

    /// Whether `arguments` ask for jemalloc: an `--allocator` option (`--allocator L` or
    /// `--allocator=L`) whose comma-separated list names it. Any other argument that happens to
    /// contain the word (a trace file, an `--out` directory) does not.
    package static func requested(by arguments: [String]) -> Bool {
        var lists: [Substring] = []
        for (index, argument) in arguments.enumerated() {
            if argument == "--allocator", index + 1 < arguments.count {
                lists.append(Substring(arguments[index + 1]))
            } else if argument.hasPrefix("--allocator=") {
                lists.append(argument.dropFirst("--allocator=".count))
            }
        }
        return lists.contains { $0.split(separator: ",").contains { $0.filter { $0 != " " } == "jemalloc" } }
    }

    /// Bytes currently allocated through jemalloc (`stats.allocated`, refreshed by writing `epoch`).
    /// The thread's cache is flushed first: objects it holds count as allocated until then, which
    /// would hide the nodes of a run that reuses them.
    package func allocatedBytes() -> Int? {
        _ = "thread.tcache.flush".withCString { mallctl($0, nil, nil, nil, 0) }
        var epoch: UInt64 = 1
        _ = "epoch".withCString { mallctl($0, nil, nil, &epoch, MemoryLayout<UInt64>.size) }
        var allocated = 0
        var size = MemoryLayout<Int>.size
        let status = "stats.allocated".withCString { mallctl($0, &allocated, &size, nil, 0) }
        return status == 0 ? allocated : nil
    }
}

/// Environment access without Foundation.
enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
