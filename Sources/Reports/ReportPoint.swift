/// The identity of one finished measurement point: (workload, scheme, table, parameters).
///
/// A sweep writes every point as soon as it finishes, and `--resume` skips the points already in
/// the file; this is the key both sides agree on. Parameters compare as a set of name/value
/// pairs (their order does not matter, and a parameter with an empty value counts as absent),
/// because the harness and the CSV reader may list columns in different orders.
package struct ReportPoint: Hashable, Sendable, CustomStringConvertible {
    /// Workload name.
    package var workload: String
    /// Domain-ID scheme.
    package var scheme: String
    /// Cache-tag table implementation.
    package var table: String
    /// Workload parameters as given (see the type's note on comparison).
    package var parameters: [ReportParameter]

    /// Creates a point from its four coordinates.
    package init(workload: String, scheme: String, table: String, parameters: [ReportParameter]) {
        self.workload = workload
        self.scheme = scheme
        self.table = table
        self.parameters = parameters
    }

    /// Parameters sorted by name, empty values dropped: the canonical form used for equality.
    package var canonicalParameters: [ReportParameter] {
        parameters.filter { !$0.value.isEmpty }.sorted { $0.name < $1.name }
    }

    /// Points are equal when their workload, scheme, table and canonical parameters are.
    package static func == (lhs: ReportPoint, rhs: ReportPoint) -> Bool {
        lhs.workload == rhs.workload && lhs.scheme == rhs.scheme && lhs.table == rhs.table
            && lhs.canonicalParameters == rhs.canonicalParameters
    }

    /// Hashes the same fields `==` compares.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(workload)
        hasher.combine(scheme)
        hasher.combine(table)
        hasher.combine(canonicalParameters)
    }

    /// `workload scheme/table a=1, b=2`, for progress lines and messages.
    package var description: String {
        let parameterText = parameters.isEmpty ? "" : " " + parameters.joinedDescription
        return "\(workload) \(scheme)/\(table)\(parameterText)"
    }
}
