// An exact set of one integer join key's build values, as a bit per value
// of their min…max range. Surrogate keys (part, order, customer numbers)
// are dense, so a runtime join filter (RuntimeJoinFilter.swift) over them
// is smaller and cheaper to ask than a bloom filter — a subtraction, a load
// and a bit test per row, no hashing — and it has no false positives. Made
// only when the range is narrow enough to stay in cache (or to take no more
// memory than the bloom filter it replaces would).

final class JoinKeyBitmap: @unchecked Sendable {
    let low: Int64, high: Int64
    let words: ContiguousArray<UInt64>

    /// Ranges up to this many values always qualify (512 KB of bits, half a core's L2 here):
    /// TPC-H Q2's 7,854 filtered parts over 2M part keys at SF10 then get a bitmap. Its probes
    /// (a load and a bit test) took 2.8 ns a row against 11 ns for the bloom filter's hash
    /// and test, and the query 0.26 s against 0.35 s.
    static let smallRangeBits: Int64 = 1 << 22
    /// Wider ranges qualify up to this many bits per build key (a bloom filter takes 16) …
    /// Eight times the bloom filter's memory still paid: TPC-H Q4's 57K orders over 6M order
    /// keys (a 750 KB bitmap against a 128 KB bloom filter) ran 17% faster at SF1 and 20% at
    /// SF10 (574K orders, 7.5 MB), Q3 16% and Q21 7% faster at SF10 — no hashing, no false
    /// positives, and keys probed in order (line items sorted by order) read it sequentially.
    /// Sixteen times still paid: at SF10 Q5's 457K line items' orders and Q12's 311K (a 7.3 MB
    /// bitmap for a 1 MB bloom filter, 130–190 bits a key) ran 23% and 6% faster.
    static let bitsPerKey: Int64 = 256
    /// … and this many bits in all (8 MB).
    static let maximumBits: Int64 = 1 << 26

    private init(low: Int64, high: Int64, words: ContiguousArray<UInt64>) {
        self.low = low; self.high = high; self.words = words
    }

    /// The bitmap of `key`'s non-NULL values (`linked` of the `n` rows), or nil when their
    /// range is too wide for one.
    static func make(_ key: KeyView, rows n: Int, linked: Int, range: ClosedRange<Int64>?, nulls: ContiguousArray<Bool>?) -> JoinKeyBitmap? {
        guard key.physical == .int64, key.ints.count >= n, let range else { return nil }
        let width = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        guard !width.overflow, width.partialValue < maximumBits,
              width.partialValue < max(smallRangeBits, bitsPerKey * Int64(max(linked, 1))) else { return nil }
        let low = range.lowerBound
        var words = ContiguousArray<UInt64>(repeating: 0, count: Int(width.partialValue >> 6) + 1)
        words.withUnsafeMutableBufferPointer { w in
            key.ints.withUnsafeBufferPointer { xs in
                for i in 0..<n where !(nulls?[i] ?? false) {
                    let o = Int(truncatingIfNeeded: xs[i] &- low)
                    w[o >> 6] |= 1 << UInt64(o & 63)
                }
            }
        }
        return JoinKeyBitmap(low: low, high: range.upperBound, words: words)
    }

    var byteCount: Int { words.count * 8 }
    /// Values in the range, and how many of them the build holds.
    var width: Int { Int(truncatingIfNeeded: high &- low) + 1 }
    var setBits: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    @inline(__always) static func contains(_ x: Int64, low: Int64, high: Int64, words: UnsafeBufferPointer<UInt64>) -> Bool {
        guard x >= low && x <= high else { return false }
        let o = Int(truncatingIfNeeded: x &- low)
        return (words[o >> 6] >> UInt64(o & 63)) & 1 == 1
    }
}
