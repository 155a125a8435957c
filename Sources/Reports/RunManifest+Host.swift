import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension RunManifest {
    /// Facts about the machine that produced the measured (`sw.*`) numbers.
    ///
    /// Measured times are only comparable on the same CPU; recording the model, core count and
    /// OS in `run.json` is what lets a reader notice when two reports are not.
    package struct HostFacts: Hashable, Sendable {
        /// CPU model name.
        package var cpu: String
        /// Logical CPUs available.
        package var cores: Int
        /// Distribution and kernel.
        package var os: String

        /// Creates facts from known values (tests, or a caller that knows better).
        package init(cpu: String, cores: Int, os: String) {
            self.cpu = cpu
            self.cores = cores
            self.os = os
        }

        /// This machine: `/proc/cpuinfo` "model name" and `/etc/os-release` on Linux, with
        /// `uname` fallbacks elsewhere; never fails (unknown parts read `unknown`).
        package static func current() -> HostFacts {
            HostFacts(
                cpu: cpuModel() ?? machine() ?? "unknown",
                cores: ProcessInfo.processInfo.activeProcessorCount,
                os: operatingSystem())
        }

        /// The first "model name" of `/proc/cpuinfo` text (exposed for tests).
        package static func cpuModel(fromCPUInfo text: String) -> String? {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2,
                    parts[0].trimmingCharacters(in: .whitespaces) == "model name"
                else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
            return nil
        }

        private static func cpuModel() -> String? {
            guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
            return cpuModel(fromCPUInfo: text)
        }

        private static func unameField(_ pick: (inout utsname) -> String) -> String? {
            var names = utsname()
            guard uname(&names) == 0 else { return nil }
            let value = pick(&names)
            return value.isEmpty ? nil : value
        }

        private static func machine() -> String? {
            unameField { names in
                withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
        }

        private static func operatingSystem() -> String {
            let release = unameField { names in
                withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
            let system = unameField { names in
                withUnsafeBytes(of: &names.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            } ?? "unknown"
            let kernel = [system, release].compactMap { $0 }.joined(separator: " ")
            if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
                for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                    let name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    if !name.isEmpty { return "\(name) (\(kernel))" }
                }
            }
            return kernel
        }
    }

    /// `git rev-parse HEAD` in `directory` (default: the current directory), or `unknown` when
    /// git is missing or the directory is not a checkout: a report must still be written.
    package static func gitCommit(in directory: URL? = nil) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["git"]
        if let directory { arguments += ["-C", directory.path] }
        process.arguments = arguments + ["rev-parse", "HEAD"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "unknown"
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let isHash = text.count >= 7 && text.allSatisfy { $0.isHexDigit }
        return process.terminationStatus == 0 && isHash ? text : "unknown"
    }
}
