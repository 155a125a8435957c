import Foundation
import IOMMUModel

/// The modeled hardware as `--hw` and `--hw-file` choose it, applied in this order: one named
/// profile (the first `--hw` word, a file's `profile=NAME` line, or a `--vary hw.profile` point;
/// `server` when none, and naming two is an error), then the file's settings, then the
/// `--hw key=value` settings, then a point's `--vary hw.KEY` value.
struct HardwareSelection {
    /// Where a profile was named, with its name.
    private var profiles: [KeyValueAssignment] = []
    /// The file's settings, then `--hw`'s, each with its location.
    private var settings: [KeyValueAssignment] = []

    /// The `server` profile, nothing overridden.
    init() {}

    init(arguments: [String], file path: String?) throws {
        do {
            if let path {
                let text: String
                do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw CommandError("\(path): cannot read hardware file (\(error.localizedDescription))")
                }
                let (profile, settings) = try HardwareProfile.fileSettings(text, file: path)
                profiles += profile.map { [$0] } ?? []
                self.settings += settings
            }
            let (profile, settings) = try HardwareProfile.argumentSettings(arguments)
            profiles += profile.map { [$0] } ?? []
            self.settings += settings
        } catch let error as HardwareProfileError {
            throw CommandError("\(error)")
        }
        _ = try resolve()
    }

    /// The keys set explicitly (file and `--hw`): a replayed trace's inferred capabilities yield
    /// to these only.
    var explicitKeys: Set<String> { Set(settings.map(\.key)) }

    /// The hardware of a point: `profile` is a `--vary hw.profile` value, `point` its
    /// `--vary hw.KEY=value` settings.
    func resolve(profile: String? = nil, point: [String] = []) throws -> HardwareProfile {
        let named = profiles + (profile.map { [KeyValueAssignment(key: "profile", value: $0, location: "--vary hw.profile")] } ?? [])
        guard named.count <= 1 else {
            throw CommandError(
                "hardware profile named twice: " + named.map { "\($0.location) '\($0.value)'" }.joined(separator: " and ")
                    + "; give one")
        }
        do {
            var hardware = HardwareProfile.server
            if let name = named.first {
                guard let found = HardwareProfile.named(name.value) else {
                    throw HardwareProfileError.unknownProfile(name.value, location: name.location, known: HardwareProfile.all.map(\.name))
                }
                hardware = found
            }
            hardware = try hardware.applying(settings)
            if !point.isEmpty { hardware = try hardware.overriding(arguments: point, source: "--vary") }
            return hardware
        } catch let error as HardwareProfileError {
            throw CommandError("\(error)")
        }
    }
}
