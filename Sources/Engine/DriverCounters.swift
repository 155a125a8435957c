/// What the event driver itself counted (the directory and the observer count the rest).
public struct DriverCounters: Hashable, Sendable {
    /// Events handed to `apply`.
    public var events = 0
    /// Events skipped because they refer to an attachment that failed (DID exhaustion).
    public var skipped = 0
    /// Events the stream could not justify, skipped under `ErrorPolicy.skipAndCount`.
    public var rejected = 0
    /// Flush requests issued to the tables: range, all, and new-mapping flushes (including the
    /// one every `map` issues).
    public var flushes = 0
    /// Detach tear-downs (`intel_pasid_tear_down_entry`).
    public var teardowns = 0

    /// All zero.
    public init() {}
}
