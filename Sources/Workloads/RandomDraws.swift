/// Draws the generators use, written out here (rather than `Int.random(in:using:)`) so a stream
/// depends only on SplitMix64 and this file, never on the standard library's sampling algorithm.
extension SplitMix64 {
    /// A uniform integer in `0 ..< bound` (`bound` > 0), Lemire's multiply-shift with rejection.
    @inlinable
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniform integer in `range`.
    @inlinable
    mutating func within(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// A uniform real in [0, 1), 53 bits.
    @inlinable
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `probability`.
    @inlinable
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// A page count from a bounded Pareto distribution on [1, `maximum`] with tail index `alpha`:
    /// most draws are small, a few are as large as `maximum` (heavy-tailed unmap sizes).
    mutating func boundedPareto(maximum: Int, alpha: Double) -> Int {
        let low = 1.0
        let high = Double(maximum) + 1  // so `maximum` itself is reachable after truncation
        let u = unit()
        let ratio = pow(low / high, alpha)
        let x = low / pow(1 - u * (1 - ratio), 1 / alpha)
        return min(maximum, max(1, Int(x)))
    }

    /// Shuffles `array` in place (Fisher–Yates), deterministically.
    mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(index, below(index + 1))
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
