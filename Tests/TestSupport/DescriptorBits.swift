import VTd
import Workloads

/// Draws for the property tests, on the project's seeded generator (`Workloads.SplitMix64`), so
/// every property test replays the same inputs on every machine.
extension SplitMix64 {
    /// A value uniform in `0 ..< bound` (bound > 0).
    package mutating func below(_ bound: UInt64) -> UInt64 { UInt64.random(in: 0..<bound, using: &self) }

    package mutating func bool() -> Bool { next() & 1 == 1 }
}

/// Page frames a 64-bit address space holds: 2^52 (4 KiB pages).
package let pageFrameCount: UInt64 = 1 << 52
/// The last page frame of the address space.
package let lastPageFrame: UInt64 = pageFrameCount - 1

extension VTdError {
    /// The field the error names.
    package var field: String {
        switch self {
        case let .outOfRange(field, _, _): field
        }
    }
}

/// `value` placed at bits `high:low`, refusing a value that does not fit, so expected
/// descriptor words are written field by field from the spec tables.
package func field(_ value: UInt64, _ high: Int, _ low: Int) -> UInt64 {
    let width = high - low + 1
    precondition(width == 64 || value < (1 << UInt64(width)), "value \(value) does not fit bits \(high):\(low)")
    return value << UInt64(low)
}

/// Bits `high:low` of `word`.
package func bits(_ word: UInt64, _ high: Int, _ low: Int) -> UInt64 {
    let width = high - low + 1
    let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
    return (word >> UInt64(low)) & mask
}

/// A random aligned block: mask uniform in 0...52, base uniform over the aligned slots.
package func randomBlock(_ rng: inout SplitMix64, mask: Int? = nil) -> AlignedInvalidation {
    let mask = mask ?? Int(rng.below(53))
    let slots = pageFrameCount >> UInt64(mask)
    let firstPage = rng.below(slots) << UInt64(mask)
    return try! AlignedInvalidation(address: firstPage << 12, mask: mask)
}

/// A block the test knows is valid.
package func aligned(_ address: UInt64, _ mask: Int) -> AlignedInvalidation {
    try! AlignedInvalidation(address: address, mask: mask)
}
