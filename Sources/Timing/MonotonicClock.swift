#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds from `CLOCK_MONOTONIC`: never steps backwards, unaffected by wall-clock changes.
/// Read directly rather than through `ContinuousClock` so one reading costs a vDSO call and nothing else.
package enum MonotonicClock {
    /// Now, in nanoseconds since an arbitrary origin.
    @inline(__always)
    package static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// The median cost of one timed interval with nothing inside it: subtracted from every
    /// sample so per-operation figures measure the operation, not the clock.
    package static func calibratedOverhead(samples: Int = 20_001) -> UInt64 {
        var deltas = [UInt64](repeating: 0, count: samples)
        for index in 0..<samples {
            let start = now()
            let end = now()
            deltas[index] = end &- start
        }
        deltas.sort()
        return deltas[samples / 2]
    }
}
