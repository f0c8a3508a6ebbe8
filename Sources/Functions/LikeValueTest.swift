// `column [NOT] LIKE/ILIKE constant` as a StringValueTest, which a Parquet
// scan runs on the values where they lie in a decompressed PLAIN page
// (ScanRowFilter.valueTests), with the same answers as the ~~ operators:
// the pattern is compiled once (CompiledLike), `prefix%` / `%suffix` take
// the length check and two word compares in one loop with the walk of the
// page's value lengths, other literal shapes LikeLiteralShape.matches, and
// ILIKE or patterns with `_` the one-value matcher.

import Columnar

extension StringValueTest {
    /// The answers over any text vector (dictionary-coded, constant, NULL): its text tested as
    /// a column, NULL rows NULL, and false beneath (callers may read the truths before the
    /// validity).
    public func test(_ v: Vector) -> Vector {
        let n = v.count
        let validity = Kernels.combinedValidity([v], count: n)
        if validity?.allSatisfy({ !$0 }) ?? false { return Vector.nulls(type: .boolean, count: n) }
        var out = test(Kernels.strings(v), count: n)
        if let validity { for i in 0..<n where !validity[i] { out[i] = false } }
        return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
    }
}

public struct LikeValueTest: StringValueTest {
    let compiled: CompiledLike
    let negated: Bool

    /// `escape` nil: no escape character; LIKE's default is a backslash ([92]).
    public init(pattern: [UInt8], escape: [UInt8]?, caseInsensitive: Bool, negated: Bool) throws {
        compiled = try CompiledLike(pattern, escape: escape, caseInsensitive: caseInsensitive)
        self.negated = negated
    }

    public func test(_ texts: StringColumn, count: Int) -> ContiguousArray<Bool> {
        compiled.evaluate(texts, count: count, validity: nil, negated: negated)
    }

    public func testLengthPrefixed(_ page: UnsafeRawPointer, from start: Int, end: Int, count: Int,
                                   into out: inout ContiguousArray<Bool>) -> Int? {
        let negated = self.negated
        if let shape = compiled.literal, !compiled.general.caseInsensitive {
            guard shape.hasPercent && shape.middles.isEmpty else {
                return LengthPrefixedValues.test(page, from: start, end: end, count: count, into: &out) { s, len in
                    shape.matches(s, len) != negated
                }
            }
            let prefix = shape.prefix, suffix = shape.suffix
            let minimum = shape.minimumLength, suffixCount = suffix.count
            return LengthPrefixedValues.test(page, from: start, end: end, count: count, into: &out) { s, len in
                (len >= minimum && prefix.matches(at: s) && suffix.matches(at: s + (len &- suffixCount))) != negated
            }
        }
        var buffers = CompiledLike.Buffers()
        return LengthPrefixedValues.test(page, from: start, end: end, count: count, into: &out) { s, len in
            compiled.matches(s, len, &buffers) != negated
        }
    }
}
