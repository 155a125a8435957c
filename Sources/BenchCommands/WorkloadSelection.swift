import Foundation
import IOMMUModel
import Runs
import Reports
import VTd
import Workloads

/// Turns `--workload`, `--param` and `--vary` into the points of a run, validating every value
/// before anything is written.
struct WorkloadSelection {
    /// The `operations` value `--quick` gives every workload: enough to touch every event kind.
    static let quickOperations = 400

    /// `--param` pairs: `name=value` applies to every selected workload that declares `name`;
    /// `workload.name=value` to that workload only.
    ///
    /// `--vary name=v1,v2,...` (repeatable) sweeps a parameter; several make a grid of every
    /// combination, the first one the charts' x axis. `cost.KEY` sweeps a cost-model key (`list`
    /// shows them): each point runs under that override, recorded as its `cost.KEY` parameter.
    /// A name given to both `--param` and `--vary` is an error.
    ///
    /// `hardware` is the run's (`--hw`, `--hw-file`): a profile that sets the DID space writes it
    /// into every workload's `ndoms` (so reports name it), and `--param`/`--vary ndoms` with it is
    /// an error. `hw.KEY` sweeps a hardware key and `hw.profile` the named profile.
    static func points(
        workloads names: [String], parameters: [String], vary: [String], quick: Bool,
        hardware: HardwareSelection = HardwareSelection()
    ) throws -> (points: [PreparedWorkload], varied: [String: String]) {
        let types = try names.map { name throws -> any Workload.Type in
            do { return try WorkloadCatalog.type(named: name) } catch { throw CommandError("--workload: \(error)") }
        }
        var given: [String: [String: String]] = [:]
        var givenNames: Set<String> = []
        for pair in parameters {
            let (key, value) = try split(pair, option: "--param")
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            let targets = parts.count == 2 ? types.filter { $0.name == parts[0] } : types
            let name = parts.count == 2 ? parts[1] : key
            let declaring = targets.filter { $0.parameters.contains { $0.name == name } }
            guard !declaring.isEmpty else {
                let known = Set(types.flatMap { $0.parameters.map(\.name) }).sorted().joined(separator: ", ")
                throw CommandError("--param: no selected workload has a parameter '\(name)' (known: \(known))")
            }
            givenNames.insert(name)
            for type in declaring {
                // Two values for one parameter is a conflict, not "the last one wins".
                if let earlier = given[type.name]?[name], earlier != value {
                    throw CommandError("--param: '\(name)' of \(type.name) is given twice (\(earlier) and \(value)); give it once")
                }
                given[type.name, default: [:]][name] = value
            }
        }
        var sweeps: [(name: String, values: [String])] = []
        for text in vary {
            let (name, values) = try split(text, option: "--vary")
            let list = values.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !list.contains(where: \.isEmpty) else { throw CommandError("--vary: empty value in '\(text)'") }
            guard !sweeps.contains(where: { $0.name == name }) else { throw CommandError("--vary: '\(name)' given twice") }
            guard !givenNames.contains(name) else {
                throw CommandError("--vary: '\(name)' is also set by --param; give it one value or sweep it, not both")
            }
            if let key = hardwareKey(name) {
                guard key == "profile" || HardwareProfile.keyNames.contains(key) else {
                    throw CommandError(
                        "--vary: unknown hardware key '\(key)' (known: profile, \(HardwareProfile.keyNames.joined(separator: ", ")))")
                }
                guard key != "ndoms" else { throw CommandError("--vary hw.ndoms: sweep the DID space with --vary ndoms=...") }
                for value in list {
                    _ = key == "profile" ? try hardware.resolve(profile: value) : try hardware.resolve(point: ["\(key)=\(value)"])
                }
            } else if let key = costKey(name) {
                guard CostModel.keys.contains(key) else {
                    throw CommandError("--vary: unknown cost key '\(key)' (known: \(CostModel.keys.joined(separator: ", ")))")
                }
                for value in list {
                    do { _ = try CostModel.defaults.overriding(assignments: ["\(key)=\(value)"], source: "--vary") } catch {
                        throw CommandError("\(error)")
                    }
                }
            } else if !types.contains(where: { $0.parameters.contains { $0.name == name } }) {
                throw CommandError("--vary: no selected workload has a parameter '\(name)'")
            }
            sweeps.append((name, list))
        }

        var points: [PreparedWorkload] = []
        var varied: [String: String] = [:]
        for type in types {
            // --quick shrinks every workload through its size knob; explicit --param still wins.
            var base: [String: String] = quick && type.parameters.contains { $0.name == "operations" } ? ["operations": "\(quickOperations)"] : [:]
            base.merge(given[type.name] ?? [:]) { _, new in new }
            let applicable = sweeps.filter { sweep in
                costKey(sweep.name) != nil || hardwareKey(sweep.name) != nil || type.parameters.contains { $0.name == sweep.name }
            }
            if let first = applicable.first { varied[type.name] = first.name }
            for combination in grid(applicable) {
                var point = base
                var costs: [String] = []
                var hardwareSettings: [String] = []
                var profile: String?
                for (name, value) in combination {
                    if let key = costKey(name) {
                        costs.append("\(key)=\(value)")
                    } else if let key = hardwareKey(name) {
                        if key == "profile" { profile = value } else { hardwareSettings.append("\(key)=\(value)") }
                    } else {
                        point[name] = value
                    }
                }
                let pointHardware = try hardware.resolve(profile: profile, point: hardwareSettings)
                // A profile that fixes the DID space names it in every workload's ndoms, so the
                // reports say what ran; setting it twice is refused.
                if let domainCount = pointHardware.domainCount, type.parameters.contains(where: { $0.name == "ndoms" }) {
                    guard !givenNames.contains("ndoms"), !sweeps.contains(where: { $0.name == "ndoms" }) else {
                        throw CommandError(
                            "hardware profile \(pointHardware.name) sets ndoms=\(domainCount), and --param/--vary ndoms sets it too; give one")
                    }
                    point["ndoms"] = "\(domainCount)"
                }
                do {
                    var prepared = try prepare(type, point)
                    prepared.apply(hardware: pointHardware)
                    prepared.costOverrides = costs
                    prepared.hardwareOverrides = hardwareSettings
                    prepared.parameters += combination.filter { costKey($0.0) != nil || hardwareKey($0.0) != nil }
                        .map { ReportParameter(name: $0.0, value: DecimalNumber.real($0.1).map(DecimalNumber.canonical) ?? $0.1) }
                    // Values are normalized (`01` is `1`): two sweep values naming one point are an error.
                    if points.contains(where: { $0.name == prepared.name && $0.parameters == prepared.parameters }) {
                        let shown = prepared.parameters.filter { name in applicable.contains { $0.name == name.name } }
                        throw CommandError(
                            "--vary: two values name the same point of \(type.name) (\(shown.joinedDescription)); give each value once")
                    }
                    points.append(prepared)
                } catch {
                    throw CommandError("\(error)")
                }
            }
        }
        return (points, varied)
    }

    /// The hardware key (or `profile`) a `hw.KEY` sweep names.
    static func hardwareKey(_ name: String) -> String? { name.hasPrefix("hw.") ? String(name.dropFirst(3)) : nil }

    /// The cost-model key a `cost.KEY` sweep names.
    static func costKey(_ name: String) -> String? { name.hasPrefix("cost.") ? String(name.dropFirst(5)) : nil }

    /// Every combination of the sweeps' values, the first sweep varying slowest; one empty
    /// combination when there is no sweep.
    static func grid(_ sweeps: [(name: String, values: [String])]) -> [[(String, String)]] {
        var combinations: [[(String, String)]] = [[]]
        for sweep in sweeps {
            combinations = combinations.flatMap { prefix in sweep.values.map { prefix + [(sweep.name, $0)] } }
        }
        return combinations
    }

    private static func prepare<W: Workload>(_ type: W.Type, _ given: [String: String]) throws -> PreparedWorkload {
        PreparedWorkload(try type.make(given))
    }

    static func split(_ pair: String, option: String) throws -> (String, String) {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw CommandError("\(option): '\(pair)' is not name=value")
        }
        return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
    }
}
