/// Why `plot` produced nothing, beyond a damaged report (which is a `ReportError` with its
/// file, line and column).
///
/// Every case reads as one line that says what to change on the command line.
package struct PlotError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The one-line explanation.
    package var message: String

    /// Creates an error with its one-line explanation.
    package init(_ message: String) {
        self.message = message
    }

    /// The explanation itself.
    package var description: String { message }
}
