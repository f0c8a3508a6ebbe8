// Orders rows by sort keys for ORDER BY, window ordering and ordered
// aggregates: PostgreSQL semantics — NULLS LAST for ASC and FIRST for DESC
// unless told otherwise, NaN greater than every number, text by bytes
// (C collation), intervals by their normalised length.

import Columnar
import Foundation
import Functions

struct SortColumn {
    let view: KeyView
    let ascending: Bool
    let nullsFirst: Bool
}

struct RowComparator {
    let columns: [SortColumn]

    init(vectors: [Vector], keys: [(ascending: Bool, nullsFirst: Bool)]) {
        columns = zip(vectors, keys).map { SortColumn(view: KeyView($0), ascending: $1.ascending, nullsFirst: $1.nullsFirst) }
    }

    /// Negative, zero or positive as row i sorts before, with, or after row j.
    func compare(_ i: Int, _ j: Int) -> Int {
        for c in columns {
            let ni = c.view.isNull(i), nj = c.view.isNull(j)
            if ni || nj {
                if ni && nj { continue }
                return ni == c.nullsFirst ? -1 : 1
            }
            let r = compareValues(c.view, i, j)
            if r != 0 { return c.ascending ? r : -r }
        }
        return 0
    }

    /// True when rows i and j are equal on every key (peers).
    func equal(_ i: Int, _ j: Int) -> Bool { compare(i, j) == 0 }

    /// A stable ordering of 0..<count.
    func sortedIndices(count: Int) -> [Int32] {
        var idx = (0..<Int32(count)).map { $0 }
        idx.sort { a, b in
            let r = compare(Int(a), Int(b))
            return r != 0 ? r < 0 : a < b
        }
        return idx
    }
}

func compareValues(_ v: KeyView, _ i: Int, _ j: Int) -> Int {
    switch v.physical {
    case .int64:
        let a = v.ints[i], b = v.ints[j]
        return a < b ? -1 : (a > b ? 1 : 0)
    case .float64:
        let a = v.doubles[i], b = v.doubles[j]
        if a.isNaN || b.isNaN { return a.isNaN == b.isNaN ? 0 : (a.isNaN ? 1 : -1) }
        return a < b ? -1 : (a > b ? 1 : 0)
    case .int128:
        let a = v.wides[i], b = v.wides[j]
        return a < b ? -1 : (a > b ? 1 : 0)
    case .bool:
        let a = v.bools[i], b = v.bools[j]
        return a == b ? 0 : (a ? 1 : -1)
    case .interval:
        let a = v.intervals[i].comparisonKey, b = v.intervals[j].comparisonKey
        return a < b ? -1 : (a > b ? 1 : 0)
    case .string, .list:
        let r1 = v.strings.range(i), r2 = v.strings.range(j)
        return v.strings.bytes.withUnsafeBufferPointer { p in
            // First bytes inline (most keys differ there), then memcmp over the common prefix.
            let n = min(r1.count, r2.count)
            if n > 0, let base = p.baseAddress {
                let a = base[r1.lowerBound], b = base[r2.lowerBound]
                if a != b { return a < b ? -1 : 1 }
                let c = memcmp(base + r1.lowerBound, base + r2.lowerBound, n)
                if c != 0 { return c < 0 ? -1 : 1 }
            }
            return r1.count == r2.count ? 0 : (r1.count < r2.count ? -1 : 1)
        }
    }
}
