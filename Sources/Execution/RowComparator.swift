// Orders rows by sort keys for ORDER BY, window ordering, top-N and ordered
// aggregates: PostgreSQL semantics — NULLS LAST for ASC and FIRST for DESC
// unless told otherwise, NaN greater than every number, text by bytes
// (C collation), intervals by their normalised length. The keys are copied
// into memory the comparator owns and read through plain pointers; a sort
// orders (64-bit prefix of the first key, row) pairs and compares the keys
// themselves only where prefixes are equal.

import Columnar
import Foundation
import Functions

/// One sort key column, copied into memory the comparator owns and read through plain
/// pointers: the comparison loop neither counts references nor switches over an enum with
/// payloads (reading a KeyView's arrays retained and released them on every comparison,
/// most of an 18K-row ORDER BY's time in TPC-H Q16). Intervals are kept as their
/// normalised lengths (Int128), lists as their text, like KeyView.
private struct RawSortColumn {
    enum Kind { case int64, float64, int128, bool, string }
    let kind: Kind
    let ascending: Bool, nullsFirst: Bool
    /// true = NULL; nil when the column has none.
    let nulls: UnsafeMutablePointer<Bool>?
    /// Int64, Double, Int128 or Bool values, by kind (strings: nil).
    let values: UnsafeMutableRawPointer?
    /// Strings: count + 1 offsets into `bytes`.
    let offsets: UnsafeMutablePointer<Int32>?
    let bytes: UnsafeMutablePointer<UInt8>?

    init(_ view: KeyView, ascending: Bool, nullsFirst: Bool) {
        self.ascending = ascending; self.nullsFirst = nullsFirst
        func copy<T>(_ a: ContiguousArray<T>) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
            a.withUnsafeBufferPointer { if let b = $0.baseAddress { p.initialize(from: b, count: $0.count) } }
            return p
        }
        nulls = view.nulls.map(copy)
        var offsets: UnsafeMutablePointer<Int32>?, bytes: UnsafeMutablePointer<UInt8>?
        switch view.physical {
        case .int64: kind = .int64; values = UnsafeMutableRawPointer(copy(view.ints))
        case .float64: kind = .float64; values = UnsafeMutableRawPointer(copy(view.doubles))
        case .int128: kind = .int128; values = UnsafeMutableRawPointer(copy(view.wides))
        case .interval: kind = .int128; values = UnsafeMutableRawPointer(copy(ContiguousArray(view.intervals.map(\.comparisonKey))))
        case .bool: kind = .bool; values = UnsafeMutableRawPointer(copy(view.bools))
        case .string, .list:
            kind = .string; values = nil
            offsets = copy(view.strings.offsets)
            bytes = copy(view.strings.bytes)
        }
        self.offsets = offsets; self.bytes = bytes
    }

    func deallocate() {
        nulls?.deallocate(); values?.deallocate(); offsets?.deallocate(); bytes?.deallocate()
    }

    @inline(__always) func isNull(_ i: Int) -> Bool { nulls?[i] ?? false }

    /// Negative, zero or positive as the non-NULL value of row i sorts before, with or after
    /// row j's, ascending.
    @inline(__always) func compareValues(_ i: Int, _ j: Int) -> Int {
        switch kind {
        case .int64: return order(Int64.self, i, j)
        case .float64:
            let v = values.unsafelyUnwrapped.assumingMemoryBound(to: Double.self)
            let a = v[i], b = v[j]
            if a.isNaN || b.isNaN { return a.isNaN == b.isNaN ? 0 : (a.isNaN ? 1 : -1) }
            return a < b ? -1 : (a > b ? 1 : 0)
        case .int128: return order(Int128.self, i, j)
        case .bool:
            let v = values.unsafelyUnwrapped.assumingMemoryBound(to: Bool.self)
            let a = v[i], b = v[j]
            return a == b ? 0 : (a ? 1 : -1)
        case .string:
            let o = offsets.unsafelyUnwrapped, base = UnsafeRawPointer(bytes.unsafelyUnwrapped)
            let s1 = Int(o[i]), n1 = Int(o[i + 1]) - s1, s2 = Int(o[j]), n2 = Int(o[j + 1]) - s2
            let n = Swift.min(n1, n2)
            // Eight bytes at a time as big-endian words: the first differing word orders them.
            var k = 0
            while k + 8 <= n {
                let a = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: s1 &+ k, as: UInt64.self))
                let b = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: s2 &+ k, as: UInt64.self))
                if a != b { return a < b ? -1 : 1 }
                k &+= 8
            }
            while k < n {
                let a = base.load(fromByteOffset: s1 &+ k, as: UInt8.self), b = base.load(fromByteOffset: s2 &+ k, as: UInt8.self)
                if a != b { return a < b ? -1 : 1 }
                k &+= 1
            }
            return n1 == n2 ? 0 : (n1 < n2 ? -1 : 1)
        }
    }

    @inline(__always) private func order<T: Comparable>(_: T.Type, _ i: Int, _ j: Int) -> Int {
        let v = values.unsafelyUnwrapped.assumingMemoryBound(to: T.self)
        let a = v[i], b = v[j]
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    /// An order-preserving 64-bit summary of row i's position under this column's ordering
    /// (NULL placement and direction included): a smaller prefix sorts first, equal prefixes
    /// need the full comparison. `exact`: equal prefixes mean equal values.
    func prefix(_ i: Int) -> UInt64 {
        var u: UInt64
        switch kind {
        case .int64:
            u = UInt64(bitPattern: values.unsafelyUnwrapped.assumingMemoryBound(to: Int64.self)[i]) ^ (1 << 63)
        case .float64:
            var d = values.unsafelyUnwrapped.assumingMemoryBound(to: Double.self)[i]
            if d == 0 { d = 0 }                                  // -0 sorts with 0
            if d.isNaN { u = UInt64.max } else {
                let bits = d.bitPattern
                u = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
            }
        case .int128:
            let x = values.unsafelyUnwrapped.assumingMemoryBound(to: Int128.self)[i]
            u = UInt64(truncatingIfNeeded: x >> 64) ^ (1 << 63)
        case .bool:
            u = values.unsafelyUnwrapped.assumingMemoryBound(to: Bool.self)[i] ? 1 : 0
        case .string:
            let o = offsets.unsafelyUnwrapped, base = bytes.unsafelyUnwrapped
            let s = Int(o[i]), n = Swift.min(8, Int(o[i + 1]) - s)
            u = 0
            for k in 0..<n { u |= UInt64(base[s + k]) << (56 - 8 * UInt64(k)) }
        }
        if !ascending { u = ~u }
        guard let nulls else { return u }
        // NULLs take the two ends; values keep their order in between, one bit coarser.
        if nulls[i] { return nullsFirst ? 0 : UInt64.max }
        return (u >> 1) &+ 1
    }

    /// Whether equal prefixes imply equal values.
    var exactPrefix: Bool { nulls == nil && (kind == .int64 || kind == .bool || kind == .float64) }
}

/// Orders row indexes by sort keys (see the file's header for the semantics).
final class RowComparator {
    private let columns: UnsafeMutableBufferPointer<RawSortColumn>

    init(vectors: [Vector], keys: [(ascending: Bool, nullsFirst: Bool)]) {
        let pairs = Array(zip(vectors, keys))
        columns = .allocate(capacity: pairs.count)
        for (c, (v, k)) in pairs.enumerated() {
            (columns.baseAddress! + c).initialize(to: RawSortColumn(KeyView(v), ascending: k.ascending, nullsFirst: k.nullsFirst))
        }
    }

    deinit {
        for c in columns { c.deallocate() }
        columns.deallocate()
    }

    /// Negative, zero or positive as row i sorts before, with, or after row j.
    func compare(_ i: Int, _ j: Int) -> Int { compare(i, j, from: 0) }

    @inline(__always) private func compare(_ i: Int, _ j: Int, from first: Int) -> Int {
        var c = first
        while c < columns.count {
            let column = columns[c]
            if column.nulls != nil {
                let ni = column.isNull(i), nj = column.isNull(j)
                if ni || nj {
                    if ni && nj { c += 1; continue }
                    return ni == column.nullsFirst ? -1 : 1
                }
            }
            let r = column.compareValues(i, j)
            if r != 0 { return column.ascending ? r : -r }
            c += 1
        }
        return 0
    }

    /// True when rows i and j are equal on every key (peers).
    func equal(_ i: Int, _ j: Int) -> Bool { compare(i, j) == 0 }

    /// A stable ordering of 0..<count: rows sorted by the first key's 64-bit prefix, the full
    /// comparison only between equal prefixes, ties by row number.
    func sortedIndices(count: Int) -> [Int32] {
        guard let first = columns.first, count > 1 else { return (0..<Int32(count)).map { $0 } }
        struct Entry { var prefix: UInt64; var row: Int32 }
        var entries = (0..<count).map { Entry(prefix: first.prefix($0), row: Int32($0)) }
        let rest = first.exactPrefix ? 1 : 0
        entries.sort { a, b in
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            let r = compare(Int(a.row), Int(b.row), from: rest)
            return r != 0 ? r < 0 : a.row < b.row
        }
        return entries.map(\.row)
    }
}
