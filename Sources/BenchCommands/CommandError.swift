/// A failure the command line reports in one line (`Error: ...`) with a non-zero exit status.
/// Everything that can go wrong with the user's input ends up here, named precisely.
public struct CommandError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
