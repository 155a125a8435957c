extension RunManifest {
    /// One workload as run: its parameters and, for a sweep, which one was varied.
    ///
    /// Lets `plot` and a reader of `run.json` know which column is the x axis without guessing
    /// from the data, and records the fixed values of the others.
    package struct Workload: Codable, Hashable, Sendable {
        /// Workload name (matches the CSV's `workload` column).
        package var name: String
        /// Parameter values; a swept parameter lists its values comma-separated.
        package var parameters: [String: String]
        /// The swept parameter, or nil for a single-point run.
        package var varied: String?

        /// Creates an entry.
        package init(name: String, parameters: [String: String] = [:], varied: String? = nil) {
            self.name = name
            self.parameters = parameters
            self.varied = varied
        }
    }
}
