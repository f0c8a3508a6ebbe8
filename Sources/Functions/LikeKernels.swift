// Vectorised LIKE / ILIKE for constant patterns. TPC-H (Q13's
// `NOT LIKE '%special%requests%'`, Q9's `'%green%'`, Q20's `'forest%'`, Q2's
// `'%BRASS'`) and the click-stream queries spend their filter time here, so the
// common shapes skip the general element-by-element matcher:
//  - a pattern whose pieces between % signs are all literal bytes (no `_`, no
//    dangling escape) becomes a LikeLiteralShape: exact = length + compare,
//    `prefix%` / `%suffix` = length check + compare, where the compare of a
//    piece of up to 16 bytes is two word loads against words taken from the
//    pattern once (a memcmp call per row was a fifth of click-stream m8's
//    `email LIKE '%77@example.com'`), and `%a%b%` = successive
//    searches (16 positions at a time for a piece's first and last bytes, then
//    memcmp), each from where the last ended (the leftmost match is always the
//    best for literal middles);
//  - ILIKE with an ASCII pattern folds each ASCII row into a reused buffer and
//    uses the same shape; rows with non-ASCII bytes take the general matcher,
//    because Unicode lower-casing may map them onto ASCII (e.g. KELVIN SIGN).
// Everything else (`_`, non-ASCII ILIKE patterns, varying patterns) keeps the
// general LikePattern matcher. The compiled pattern is cached per call site, so
// it is built once per query, not per batch. Escapes are resolved by
// LikePattern before the shape is derived, so ESCAPE behaves exactly as there.

import Columnar
import Foundation

/// A literal piece of a pattern, compared in place: pieces of up to 16 bytes by their first
/// and last word (8 bytes each, or 4 for pieces of 4–7 bytes; the two overlap when the piece
/// is shorter than two words), longer ones by those words and then the bytes between.
struct LiteralPiece: Sendable {
    let bytes: [UInt8]
    let count: Int
    private let head: UInt64
    private let tail: UInt64

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        count = bytes.count
        func word(_ at: Int, _ width: Int) -> UInt64 {
            (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }
        switch count {
        case 8...: (head, tail) = (word(0, 8), word(count - 8, 8))
        case 4..<8: (head, tail) = (word(0, 4), word(count - 4, 4))
        default: (head, tail) = (0, 0)
        }
    }

    /// Whether the `count` bytes at `s` are this piece's bytes (all of them must be readable).
    @inline(__always)
    func matches(at s: UnsafePointer<UInt8>) -> Bool {
        let raw = UnsafeRawPointer(s)
        if count >= 8 {
            guard UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) == head,
                  UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)) == tail else { return false }
            return count <= 16 || bytes.withUnsafeBufferPointer { memcmp(s + 8, $0.baseAddress! + 8, count &- 16) == 0 }
        }
        if count >= 4 {
            return UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))) == head
                && UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))) == tail
        }
        var k = 0
        while k < count {
            if s[k] != bytes[k] { return false }
            k &+= 1
        }
        return true
    }
}

/// A LIKE pattern made only of literal bytes and % signs.
struct LikeLiteralShape: Sendable {
    /// Text before the first % (the whole pattern when there is no %).
    let prefix: LiteralPiece
    /// Non-empty literal pieces between % signs, in order.
    let middles: [[UInt8]]
    /// Text after the last % (empty when there is no %).
    let suffix: LiteralPiece
    let hasPercent: Bool
    let minimumLength: Int

    /// nil when some piece holds `_` or an unmatchable trailing escape, or a middle
    /// piece starts inside a UTF-8 character (a byte search could then match
    /// mid-character, which the character-stepping matcher never does).
    init?(_ pattern: LikePattern) {
        var pieces: [[UInt8]] = []
        for seg in pattern.segments {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(seg.count)
            for e in seg {
                guard case .byte(let b) = e else { return nil }
                bytes.append(b)
            }
            pieces.append(bytes)
        }
        guard let first = pieces.first else { return nil }
        hasPercent = pattern.hasPercent
        prefix = LiteralPiece(first)
        if hasPercent, pieces.count >= 2 {
            suffix = LiteralPiece(pieces[pieces.count - 1])
            middles = pieces[1..<(pieces.count - 1)].filter { !$0.isEmpty }
        } else {
            suffix = LiteralPiece([]); middles = []
        }
        for m in middles where m[0] & 0xC0 == 0x80 { return nil }
        minimumLength = prefix.count + suffix.count + middles.reduce(0) { $0 + $1.count }
    }

    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
        guard n > 0, let b else { return true }
        return memcmp(a, b, n) == 0
    }

    /// Position just past the leftmost occurrence of `needle` in s[from..<end], or nil.
    /// Needles of two bytes or more test 16 candidate positions at once for their first and
    /// last bytes and compare the rest only where both match: searching for the first byte
    /// alone stopped at every `s` of an order comment for `special` (memchr called a few
    /// times per row on a handful of bytes, and a memcmp per stop: 15% of TPC-H Q13).
    @inline(__always)
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in s: UnsafePointer<UInt8>, from: Int, end: Int) -> Int? {
        let n = needle.count
        guard let np = needle.baseAddress else { return from }
        var at = from
        if n >= 2 {
            let first = SIMD16<UInt8>(repeating: np[0]), last = SIMD16<UInt8>(repeating: np[n - 1])
            // Both loads of a block stay inside s[..<end]: the second ends at at + n - 1 + 16.
            while end - at >= n + 15 {
                let heads = UnsafeRawPointer(s + at).loadUnaligned(as: SIMD16<UInt8>.self)
                let tails = UnsafeRawPointer(s + at + n - 1).loadUnaligned(as: SIMD16<UInt8>.self)
                let candidates = (heads .== first) .& (tails .== last)
                if any(candidates) {
                    for k in 0..<16 where candidates[k] && equal(s + at + k + 1, np + 1, n - 2) { return at + k + n }
                }
                at += 16
            }
        }
        let firstByte = Int32(np[0])
        while end - at >= n {
            guard let hit = memchr(s + at, firstByte, end - at - n + 1) else { return nil }
            let k = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - s
            if equal(s + k + 1, np + 1, n - 1) { return k + n }
            at = k + 1
        }
        return nil
    }

    func matches(_ s: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        if !hasPercent { return len == prefix.count && prefix.matches(at: s) }
        if len < minimumLength || !prefix.matches(at: s) { return false }
        var pos = prefix.count
        for m in middles {
            guard let end = m.withUnsafeBufferPointer({ LikeLiteralShape.find($0, in: s, from: pos, end: len) }) else { return false }
            pos = end
        }
        let start = len - suffix.count
        return start >= pos && suffix.matches(at: s + start)
    }
}

/// A constant LIKE pattern compiled once: the general matcher plus, when the
/// pattern allows it, the literal fast path.
struct CompiledLike: Sendable {
    let general: LikePattern
    let literal: LikeLiteralShape?

    init(_ pattern: [UInt8], escape: [UInt8]?, caseInsensitive: Bool) throws {
        general = try LikePattern(pattern, escape: escape, caseInsensitive: caseInsensitive)
        // ILIKE takes the literal path only when the folded pattern is ASCII.
        if caseInsensitive, general.segments.contains(where: { $0.contains { if case .byte(let b) = $0 { return b >= 0x80 } else { return false } } }) {
            literal = nil
        } else {
            literal = LikeLiteralShape(general)
        }
    }

    /// Matches every row of `texts` where `validity` allows; `negated` flips the answer.
    func evaluate(_ texts: StringColumn, count n: Int, validity: ContiguousArray<Bool>?, negated: Bool) -> ContiguousArray<Bool> {
        var out = ContiguousArray<Bool>(repeating: false, count: n)
        guard let literal else {
            var scratch: [UInt8] = []
            texts.bytes.withUnsafeBufferPointer { tb in
                texts.offsets.withUnsafeBufferPointer { off in
                    for i in 0..<n where validity?[i] ?? true {
                        let s = UnsafeBufferPointer(rebasing: tb[Int(off[i])..<Int(off[i + 1])])
                        out[i] = general.matches(s, scratch: &scratch) != negated
                    }
                }
            }
            return out
        }
        let caseInsensitive = general.caseInsensitive
        if !caseInsensitive && literal.hasPercent && literal.middles.isEmpty {
            return Self.evaluateEnds(literal, texts, count: n, validity: validity, negated: negated)
        }
        var buffers = Buffers()
        Self.withRows(texts, &out) { base, off, o in
            for i in 0..<n {
                if let validity, !validity[i] { continue }
                let start = Int(off[i]), len = Int(off[i + 1]) - start
                let s = base + start
                if !caseInsensitive {
                    o[i] = literal.matches(s, len) != negated
                    continue
                }
                o[i] = matches(s, len, &buffers) != negated
            }
        }
        return out
    }

    /// Scratch space of the one-value matcher, reused from value to value.
    struct Buffers {
        var folded = [UInt8](repeating: 0, count: 64)
        var scratch: [UInt8] = []
    }

    /// Whether the `len` bytes at `s` match, by the literal shape when the pattern has one (an
    /// ILIKE folds an ASCII value first) and by the general matcher otherwise.
    func matches(_ s: UnsafePointer<UInt8>, _ len: Int, _ buffers: inout Buffers) -> Bool {
        guard let literal else { return general.matches(UnsafeBufferPointer(start: s, count: len), scratch: &buffers.scratch) }
        if !general.caseInsensitive { return literal.matches(s, len) }
        var ascii = true
        for k in 0..<len where s[k] >= 0x80 { ascii = false; break }
        if !ascii { return general.matches(UnsafeBufferPointer(start: s, count: len), scratch: &buffers.scratch) }
        if buffers.folded.count < len { buffers.folded = [UInt8](repeating: 0, count: len * 2) }
        return buffers.folded.withUnsafeMutableBufferPointer { f -> Bool in
            for k in 0..<len {
                let c = s[k]
                f[k] = c &- 65 < 26 ? c | 0x20 : c
            }
            return literal.matches(UnsafePointer(f.baseAddress!), len)
        }
    }

    /// Runs `body` over the column's bytes, its offsets and the answers. An empty column has no
    /// base address (every row is then empty): `body` gets a valid pointer to read nothing from.
    @inline(__always)
    static func withRows(_ texts: StringColumn, _ out: inout ContiguousArray<Bool>,
                         _ body: (UnsafePointer<UInt8>, UnsafeBufferPointer<Int32>, UnsafeMutableBufferPointer<Bool>) -> Void) {
        texts.bytes.withUnsafeBufferPointer { tb in
            texts.offsets.withUnsafeBufferPointer { off in
                out.withUnsafeMutableBufferPointer { o in
                    let empty: UInt8 = 0
                    withUnsafePointer(to: empty) { emptyPointer in body(tb.baseAddress ?? emptyPointer, off, o) }
                }
            }
        }
    }
}

extension CompiledLike {
    /// `prefix%` and `%suffix` (and `prefix%suffix`), case-sensitive: the length check and the
    /// two pieces' word compares in one loop over the rows, with the pieces in locals. Through
    /// LikeLiteralShape.matches, a call per row that reloads the shape and walks its (empty)
    /// middle pieces, `email LIKE '%77@example.com'` cost about 12 ns a row (a quarter of
    /// click-stream m8).
    static func evaluateEnds(_ shape: LikeLiteralShape, _ texts: StringColumn, count n: Int,
                             validity: ContiguousArray<Bool>?, negated: Bool) -> ContiguousArray<Bool> {
        var out = ContiguousArray<Bool>(repeating: false, count: n)
        let prefix = shape.prefix, suffix = shape.suffix
        let minimum = shape.minimumLength, suffixCount = suffix.count
        withRows(texts, &out) { base, off, o in
            for i in 0..<n {
                let start = Int(off[i]), end = Int(off[i + 1])
                let matched = end - start >= minimum
                    && prefix.matches(at: base + start) && suffix.matches(at: base + (end - suffixCount))
                o[i] = matched != negated
            }
        }
        // Rows the validity excludes stay false, as in the general loop.
        if let validity {
            for i in 0..<n where !validity[i] { out[i] = false }
        }
        return out
    }
}

/// Per-call-site cache of the last compiled constant pattern, so a query compiles
/// its pattern once however many batches (and threads) evaluate it.
final class LikePatternCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key: (pattern: [UInt8], escape: [UInt8]?)? = nil
    private var value: CompiledLike? = nil

    func compiled(_ pattern: [UInt8], escape: [UInt8]?, caseInsensitive: Bool) throws -> CompiledLike {
        lock.lock()
        if let key, let value, key.pattern == pattern, key.escape == escape { lock.unlock(); return value }
        lock.unlock()
        let made = try CompiledLike(pattern, escape: escape, caseInsensitive: caseInsensitive)
        lock.lock()
        key = (pattern, escape); value = made
        lock.unlock()
        return made
    }
}
