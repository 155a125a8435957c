/// What the event driver itself counted (the directory and the observer count the rest).
package struct DriverCounters: Hashable, Sendable {
    /// Events handed to `apply`.
    package var events = 0
    /// Events skipped because they refer to an attachment that failed (DID exhaustion).
    package var skipped = 0
    /// Flush requests issued to the tables: range, all, and new-mapping flushes (including the
    /// one every `map` issues).
    package var flushes = 0
    /// Detach tear-downs (`intel_pasid_tear_down_entry`).
    package var teardowns = 0
    /// The work done, for per-unit-of-work figures (`work.*`): unmaps, attachments that got a
    /// DID, DMA accesses through a live attachment.
    package var unmaps = 0
    package var attachesSucceeded = 0
    package var accesses = 0
    /// Descriptors the flush walks emitted (waits not included), and the flushes that emitted any.
    package var flushDescriptors = 0
    package var nonEmptyFlushes = 0

    /// All zero.
    package init() {}
}
