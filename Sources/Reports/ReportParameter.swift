/// One workload parameter of a report row, e.g. `children=16` or `mode=strict`.
///
/// Parameters are kept as ordered name/value string pairs rather than a dictionary because the
/// order is the order of the CSV columns, which a reader expects to match the command line
/// (`--vary children=…`). Values stay strings so that numeric sweeps (`16`) and categorical ones
/// (`strict`) travel through the same column without a type guess.
package struct ReportParameter: Hashable, Sendable, CustomStringConvertible {
    /// The parameter name; also the CSV column name.
    package var name: String
    /// The parameter value as written in the CSV cell.
    package var value: String

    /// Creates a parameter from its column name and cell value.
    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `name=value`, the spelling of the command line and of chart captions.
    package var description: String { "\(name)=\(value)" }
}

extension Array where Element == ReportParameter {
    /// The value of the parameter called `name`, or nil when the row has none.
    ///
    /// Linear on purpose: rows carry a handful of parameters, and keeping an array preserves
    /// the column order a dictionary would lose.
    package func value(named name: String) -> String? {
        first { $0.name == name }?.value
    }

    /// `a=1, b=2`: the spelling used in chart captions and error messages.
    package var joinedDescription: String {
        map(\.description).joined(separator: ", ")
    }
}
