/// A 64-bit FNV-1a digest of bytes, written as 16 hex digits: how a run fingerprint names a
/// replayed trace's content and the settings of a run (`RunFingerprint`, docs/design.md §5).
///
/// It only has to tell two inputs apart when a user resumes a report with a different trace or
/// settings, not resist an adversary, so a few lines of arithmetic that give the same digest on
/// every machine and in every process beat a cryptographic hash the toolchain does not ship on
/// Linux (Swift's `Hasher` is seeded per process and cannot be used).
package struct ContentDigest: Sendable {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    package init() {}

    /// Mixes in `bytes`.
    package mutating func update(_ bytes: some Sequence<UInt8>) {
        var state = self.state
        for byte in bytes {
            state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        self.state = state
    }

    /// The digest so far: 16 lowercase hex digits.
    package var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The digest of one string's UTF-8 bytes.
    package static func of(_ text: String) -> String {
        var digest = ContentDigest()
        digest.update(text.utf8)
        return digest.hex
    }
}
