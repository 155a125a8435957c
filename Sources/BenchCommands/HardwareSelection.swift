import Foundation
import IOMMUModel

/// The modeled hardware as `--hw` and `--hw-file` choose it, applied in this order: one named
/// profile (the first `--hw` word, a file's `profile=NAME` line, or a `--vary hw.profile` point;
/// `server` when none, and naming two is an error), then the file's settings, then the
/// `--hw key=value` settings, then a point's `--vary hw.KEY` value.
struct HardwareSelection {
    /// `--hw` settings after the profile name, if one came first.
    private let settings: [String]
    /// The profile the first `--hw` argument names.
    private let argumentProfile: String?
    /// `--hw-file`'s path, its profile line's value and its other assignments.
    private var file: (path: String, profile: String?, assignments: [KeyValueAssignment])?

    /// The `server` profile, nothing overridden.
    init() {
        settings = []
        argumentProfile = nil
    }

    init(arguments: [String], file path: String?) throws {
        if let first = arguments.first, !first.contains("=") {
            argumentProfile = first
            settings = Array(arguments.dropFirst())
        } else {
            argumentProfile = nil
            settings = arguments
        }
        guard let path else { return }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CommandError("\(path): cannot read hardware file (\(error.localizedDescription))")
        }
        do {
            var assignments = try KeyValueText.assignments(fileText: text, file: path, malformed: HardwareProfileError.malformed)
            let profile = assignments.first { $0.key == "profile" }
            if let profile, assignments.filter({ $0.key == "profile" }).count > 1 || assignments.first?.key != "profile" {
                throw CommandError("\(profile.location): 'profile' must be the first setting, once")
            }
            assignments.removeAll { $0.key == "profile" }
            file = (path, profile?.value, assignments)
        } catch let error as HardwareProfileError {
            throw CommandError("\(error)")
        }
        _ = try resolve()
    }

    /// The keys set explicitly (file and `--hw`): a replayed trace's inferred capabilities yield
    /// to these only.
    var explicitKeys: Set<String> {
        var keys = Set(file?.assignments.map(\.key) ?? [])
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else { continue }
            keys.insert(setting[..<equals].trimmingCharacters(in: .whitespaces))
        }
        return keys
    }

    /// The hardware of a point: `profile` is a `--vary hw.profile` value, `point` its
    /// `--vary hw.KEY=value` settings.
    func resolve(profile: String? = nil, point: [String] = []) throws -> HardwareProfile {
        let named = [("--hw", argumentProfile), (file?.path ?? "", file?.profile), ("--vary hw.profile", profile)]
            .compactMap { source, name in name.map { (source, $0) } }
        guard named.count <= 1 else {
            throw CommandError(
                "hardware profile named twice: " + named.map { "\($0.0) '\($0.1)'" }.joined(separator: " and ") + "; give one")
        }
        do {
            var hardware = HardwareProfile.server
            if let (source, name) = named.first {
                guard let found = HardwareProfile.named(name) else {
                    throw HardwareProfileError.unknownProfile(name, location: source, known: HardwareProfile.all.map(\.name))
                }
                hardware = found
            }
            if let file { hardware = try hardware.applying(file.assignments) }
            hardware = try hardware.overriding(arguments: settings, source: "--hw")
            if !point.isEmpty { hardware = try hardware.overriding(arguments: point, source: "--vary") }
            return hardware
        } catch {
            throw CommandError("\(error)")
        }
    }
}
