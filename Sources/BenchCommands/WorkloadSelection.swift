import Foundation
import Runs
import Reports
import Workloads

/// Turns `--workload`, `--param` and `--vary` into the points of a run, validating every value
/// before anything is written.
struct WorkloadSelection {
    /// The `operations` value `--quick` gives every workload: enough to touch every event kind.
    static let quickOperations = 400

    /// `--param` pairs: `name=value` applies to every selected workload that declares `name`;
    /// `workload.name=value` to that workload only.
    static func points(
        workloads names: [String], parameters: [String], vary: String?, quick: Bool
    ) throws -> (points: [PreparedWorkload], varied: [String: String]) {
        let types = try names.map { name throws -> any Workload.Type in
            do { return try WorkloadCatalog.type(named: name) } catch { throw CommandError("--workload: \(error)") }
        }
        var given: [String: [String: String]] = [:]
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
            for type in declaring { given[type.name, default: [:]][name] = value }
        }
        var variedName: String?
        var variedValues: [String] = []
        if let vary {
            let (name, values) = try split(vary, option: "--vary")
            variedName = name
            variedValues = values.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !variedValues.contains(where: \.isEmpty) else { throw CommandError("--vary: empty value in '\(vary)'") }
            guard types.contains(where: { $0.parameters.contains { $0.name == name } }) else {
                throw CommandError("--vary: no selected workload has a parameter '\(name)'")
            }
        }

        var points: [PreparedWorkload] = []
        var varied: [String: String] = [:]
        for type in types {
            // --quick shrinks every workload through its size knob; explicit --param still wins.
            var base: [String: String] = quick && type.parameters.contains { $0.name == "operations" } ? ["operations": "\(quickOperations)"] : [:]
            base.merge(given[type.name] ?? [:]) { _, new in new }
            let sweeps = variedName.map { name in type.parameters.contains { $0.name == name } } ?? false
            let values: [String?] = sweeps ? variedValues : [nil]
            if sweeps { varied[type.name] = variedName }
            for value in values {
                var point = base
                if let value, let variedName { point[variedName] = value }
                do {
                    points.append(try prepare(type, point))
                } catch {
                    throw CommandError("\(error)")
                }
            }
        }
        return (points, varied)
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
