// Where to cut a row group that is read as several parts (ParquetTableSource.morsels).
// A part that starts or ends inside a page must fetch, decompress and decode
// that whole page to reach its rows, so a page cut by a boundary is decoded
// twice. Columns page at different rows, so no cut avoids every column's
// pages; each boundary is moved, within a quarter of a part from the even
// split, to the page start that leaves the fewest compressed bytes cut in two
// (a proxy for the decoding done twice). With pages of 20K rows and parts of
// 64K, moving the cut to the widest column's page start keeps that column's
// decoding at exactly one pass.

import Formats

enum RowGroupSplit {
    /// The `parts - 1` inner boundaries (strictly increasing row numbers in `1..<rows`) of a row
    /// group of `rows` rows whose requested columns have the page layouts `pages`.
    static func boundaries(rows: Int64, parts: Int, pages: [[ParquetPageLocation]]) -> [Int64] {
        guard parts > 1, rows >= Int64(parts) else { return [] }
        let part = rows / Int64(parts)
        let slack = part / 4
        var starts: [Int64] = []
        for column in pages { for p in column where p.rows.lowerBound > 0 && p.rows.lowerBound < rows { starts.append(p.rows.lowerBound) } }
        starts.sort()
        var out: [Int64] = []
        for k in 1..<parts {
            let even = rows * Int64(k) / Int64(parts)
            let window = (even - slack)...(even + slack)
            var best = even, bestCost = cutBytes(at: even, pages: pages)
            var i = lowerBound(of: window.lowerBound, in: starts)
            while i < starts.count, starts[i] <= window.upperBound {
                let r = starts[i]
                i += 1
                if r == best { continue }
                let cost = cutBytes(at: r, pages: pages)
                if cost < bestCost || (cost == bestCost && abs(r - even) < abs(best - even)) { best = r; bestCost = cost }
            }
            // Windows of neighbouring boundaries are a part apart and only a quarter wide, so
            // boundaries increase; the guard keeps that true for degenerate inputs too.
            if let last = out.last, best <= last { best = max(even, last + 1) }
            guard best < rows else { break }
            out.append(best)
        }
        return out
    }

    /// Compressed bytes of the pages that a cut before row `row` splits in two.
    static func cutBytes(at row: Int64, pages: [[ParquetPageLocation]]) -> Int64 {
        var total: Int64 = 0
        for column in pages {
            // Pages are in row order: find the one holding `row` by binary search.
            var lo = 0, hi = column.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if column[mid].rows.upperBound <= row { lo = mid + 1 } else { hi = mid }
            }
            if lo < column.count, column[lo].rows.lowerBound < row, row < column[lo].rows.upperBound {
                total += column[lo].compressedSize
            }
        }
        return total
    }

    private static func lowerBound(of value: Int64, in sorted: [Int64]) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
