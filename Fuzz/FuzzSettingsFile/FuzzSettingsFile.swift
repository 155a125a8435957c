import IOMMUModel
import VTd

/// libFuzzer entry point for the `key=value` settings files (docs/fuzzing.md): the same text is
/// read as a `--cost-file` and as a `--hw-file`, since both go through `KeyValueText` and differ
/// only in the keys and values they accept.
///
/// Bytes that are not UTF-8 return early: both options refuse such a file before parsing
/// (`CostModel.overriding(contentsOfFile:)`, `HardwareSelection`), so no user can reach the parsers
/// with them. Thrown `CostModelError`/`HardwareProfileError` values are expected; what is checked
/// beyond "does not crash" is what the rest of the tool relies on after a file was accepted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    checkCostFile(text)
    checkHardwareFile(text)
    return 0
}

/// A cost file that is accepted yields finite, non-negative costs and a level count the page
/// walk can use, and writing its settings back reads the same model again (run.json and
/// `list` print `settings`).
private func checkCostFile(_ text: String) {
    guard let cost = try? CostModel.defaults.overriding(fileText: text, file: "cost.txt") else { return }
    for (key, value, _) in cost.settings {
        precondition(value.isFinite && value >= 0, "cost \(key) accepted as \(value)")
    }
    precondition((1...5).contains(cost.pageWalkLevels), "page_walk_levels accepted as \(cost.pageWalkLevels)")
    _ = cost.pageWalkTime(nested: true)
    let written = cost.settings.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    precondition((try? CostModel.defaults.overriding(fileText: written, file: "written.txt")) == cost, "settings do not round-trip")
}

/// A hardware file is resolved as `HardwareSelection` resolves `--hw-file` alone (its profile,
/// then its settings); an accepted profile builds a model configuration and unit capabilities,
/// and its `--hw` spelling (`value(of:)`) reads back to the same profile.
private func checkHardwareFile(_ text: String) {
    guard let (profile, settings) = try? HardwareProfile.fileSettings(text, file: "hw.txt") else { return }
    var base = HardwareProfile.server
    if let profile {
        guard let named = HardwareProfile.named(profile.value) else { return }
        base = named
    }
    guard let hardware = try? base.applying(settings) else { return }
    _ = hardware.configuration()
    _ = hardware.capabilities(over: .server)
    let arguments = [hardware.name] + hardware.settings.map { "\($0.key)=\($0.value)" }
    precondition((try? HardwareProfile.server.overriding(arguments: arguments)) == hardware, "profile does not round-trip")
}
