// `column = constant`, `column <> constant` and `column [NOT] IN (constants)`
// over text as a StringValueTest (ScanRowFilter.valueTests): byte-wise
// equality, as the comparison operators compare text (the C collation).
// A Parquet reader answers it per dictionary entry, then per code as it
// decodes a page, or on the values where a PLAIN page holds them.

import Columnar
import Foundation

public struct TextMembershipTest: StringValueTest {
    /// The constants' bytes, by length, so a value is compared only with those of its length.
    private let byLength: [Int: [[UInt8]]]
    private let negated: Bool

    /// `negated`: the answer is whether the value is none of `values` (`<>`, NOT IN).
    public init(values: [[UInt8]], negated: Bool) {
        byLength = Dictionary(grouping: Array(Set(values)), by: \.count)
        self.negated = negated
    }

    @inline(__always)
    private func contains(_ s: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        guard let candidates = byLength[len] else { return false }
        for c in candidates where c.withUnsafeBufferPointer({ memcmp($0.baseAddress ?? s, s, len) == 0 }) { return true }
        return false
    }

    public func test(_ texts: StringColumn, count: Int) -> ContiguousArray<Bool> {
        var out = ContiguousArray<Bool>(repeating: false, count: count)
        texts.bytes.withUnsafeBufferPointer { bytes in
            texts.offsets.withUnsafeBufferPointer { offsets in
                let empty: UInt8 = 0
                withUnsafePointer(to: empty) { emptyPointer in
                    let base = bytes.baseAddress ?? emptyPointer
                    for i in 0..<count {
                        let start = Int(offsets[i])
                        out[i] = contains(base + start, Int(offsets[i + 1]) - start) != negated
                    }
                }
            }
        }
        return out
    }

    public func testLengthPrefixed(_ page: UnsafeRawPointer, from start: Int, end: Int, count: Int,
                                   into out: inout ContiguousArray<Bool>) -> Int? {
        let negated = self.negated
        return LengthPrefixedValues.test(page, from: start, end: end, count: count, into: &out) { s, len in
            contains(s, len) != negated
        }
    }
}
