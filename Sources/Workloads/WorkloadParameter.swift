import VTd

/// A named, documented, validated workload parameter.
package struct WorkloadParameter: Sendable {
    /// What values the parameter takes.
    package enum Domain: Sendable {
        /// An integer in a closed range.
        case integer(ClosedRange<Int>)
        /// A real number in a closed range.
        case real(ClosedRange<Double>)
        /// One of a fixed set of words.
        case choice([String])

        /// The allowed values, for errors and `list`.
        package var allowed: String {
            switch self {
            case let .integer(range): "\(range.lowerBound)...\(range.upperBound)"
            case let .real(range): "\(range.lowerBound)...\(range.upperBound)"
            case let .choice(words): words.joined(separator: "|")
            }
        }
    }

    package let name: String
    package let defaultValue: String
    package let domain: Domain
    /// What the parameter means, one line.
    package let meaning: String

    package init(_ name: String, default defaultValue: String, _ domain: Domain, _ meaning: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.domain = domain
        self.meaning = meaning
    }
}

/// Parameter values given to a workload, checked against its declared parameters. Values not
/// given take their defaults; `values` lists every parameter in declaration order, numbers in
/// their canonical decimal spelling (`DecimalNumber`).
package struct WorkloadParameters: Hashable, Sendable {
    /// Every parameter's value, in the workload's declaration order.
    package let values: [(name: String, value: String)]

    package static func == (lhs: WorkloadParameters, rhs: WorkloadParameters) -> Bool {
        lhs.values.elementsEqual(rhs.values) { $0.name == $1.name && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        for (name, value) in values {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    /// Validates `given` against `declared` for `workload`: unknown names and out-of-range values throw.
    package init(workload: String, declared: [WorkloadParameter], given: [String: String]) throws(WorkloadError) {
        for name in given.keys.sorted() where !declared.contains(where: { $0.name == name }) {
            throw .unknownParameter(workload: workload, name: name, known: declared.map(\.name))
        }
        var values: [(name: String, value: String)] = []
        for parameter in declared {
            var value = given[parameter.name] ?? parameter.defaultValue
            // Decimal only, and one spelling per value (`DecimalNumber`): `01` and `1` are one point.
            switch parameter.domain {
            case let .integer(range):
                guard let number = DecimalNumber.integer(value), range.contains(number) else {
                    throw .invalidValue(
                        workload: workload, name: parameter.name, value: value, allowed: parameter.domain.allowed)
                }
                value = DecimalNumber.canonical(number)
            case let .real(range):
                guard let number = DecimalNumber.real(value), range.contains(number) else {
                    throw .invalidValue(
                        workload: workload, name: parameter.name, value: value, allowed: parameter.domain.allowed)
                }
                value = DecimalNumber.canonical(number)
            case let .choice(words):
                guard words.contains(value) else {
                    throw .invalidValue(
                        workload: workload, name: parameter.name, value: value, allowed: parameter.domain.allowed)
                }
            }
            values.append((parameter.name, value))
        }
        self.values = values
    }

    /// The value of `name` (validated at init).
    package subscript(name: String) -> String {
        guard let value = values.first(where: { $0.name == name })?.value else {
            preconditionFailure("parameter \(name) was not declared")
        }
        return value
    }

    /// The integer value of `name`.
    package func integer(_ name: String) -> Int { Int(self[name])! }
    /// The real value of `name`.
    package func real(_ name: String) -> Double { Double(self[name])! }
}

extension WorkloadParameter {
    /// The DID-space knob every workload has: `cap_ndoms` of every unit, 2^(4 + 2·ND) for the
    /// CAP.ND field (VT-d spec §11.4.2). Servers and QEMU's unit have all 16 bits (65,536, the
    /// default); smaller spaces are where DID sharing can matter (docs/vtd-facts.md §3).
    package static func domainIDSpace(default domainCount: Int = 65536) -> WorkloadParameter {
        WorkloadParameter(
            "ndoms", default: "\(domainCount)", .choice(["16", "64", "256", "1024", "4096", "16384", "65536"]),
            "cap_ndoms of every unit: DIDs 0..ndoms-1, 0 and 1 reserved (65536 on servers and QEMU)")
    }
}
