/// A failure of one measured (point, scheme, table), located: which workload point, scheme,
/// table and seed it happened in, then what happened (e.g. `--strict-oracle`'s first violation).
package struct RunError: Error, CustomStringConvertible, Sendable {
    package let description: String

    package init(_ description: String) { self.description = description }
}
