/// A failure the command line reports in one line (`Error: ...`) with a non-zero exit status.
/// Everything that can go wrong with the user's input ends up here, named precisely.
package struct CommandError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
