// A blocked bloom filter over join-key row hashes (the hashes `hashRows`
// gives, so a probe row's hash is the one its partner's build row had):
// each key sets four bits in one 64-bit word, so a check is one load. A
// runtime join filter (RuntimeJoinFilter.swift) asks it before the pipeline's
// other joins; at 16 bits per key about 1% of absent keys pass, and a key
// that is present always passes.

final class JoinKeyBloomFilter: @unchecked Sendable {
    private(set) var words: ContiguousArray<UInt64>
    /// 64 - log2(word count): the top bits of a hash pick the word.
    let shift: UInt64

    /// Bits per key: 16 keeps false positives near 1% with four bits set per key.
    static let bitsPerKey = 16

    init(expectedKeys: Int) {
        var count = 1, log = 0
        while count * 64 < max(1, expectedKeys) * Self.bitsPerKey { count <<= 1; log += 1 }
        words = ContiguousArray(repeating: 0, count: count)
        shift = UInt64(64 - log)
    }

    var byteCount: Int { words.count * 8 }

    /// The word a hash lands in and the bits it sets there (the hot loops in RuntimeJoinFilter
    /// inline this over the word buffer).
    @inline(__always) static func slot(_ h: UInt64, shift: UInt64) -> (word: Int, mask: UInt64) {
        // shift == 64 (one word) would be an overflowing shift: the word is 0 then.
        let word = shift >= 64 ? 0 : Int(truncatingIfNeeded: h >> shift)
        let mask = (1 as UInt64) << (h & 63) | (1 as UInt64) << ((h >> 6) & 63)
            | (1 as UInt64) << ((h >> 12) & 63) | (1 as UInt64) << ((h >> 18) & 63)
        return (word, mask)
    }

    func insert(_ h: UInt64) {
        let (w, m) = Self.slot(h, shift: shift)
        words[w] |= m
    }

    @inline(__always) func mayContain(_ h: UInt64) -> Bool {
        let (w, m) = Self.slot(h, shift: shift)
        return words.withUnsafeBufferPointer { $0[w] & m == m }
    }
}
