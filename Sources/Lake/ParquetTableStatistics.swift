// Statistics a Parquet table gives the planner for join ordering, from the
// footer and dictionary page headers only (never a scan of the data):
// - the fraction of rows a range filter keeps, row group by row group, from
//   each chunk's min/max (a date range covering 2 of 7 years keeps about 2/7,
//   not a flat third; a row group outside the range keeps none), and exactly
//   from partition values for partition columns;
// - distinct counts: partition values; for integer and date columns the width
//   of the min…max range; for any flat column whose chunks are fully
//   dictionary encoded, the dictionary sizes (exactly, as the union of the
//   dictionaries, when they are small: TPC-H p_type has 150 values, where a
//   guess said ten). Whatever is known caps the estimate, and so does the row
//   count.
// Dictionary headers are one small read per chunk, cached per file version
// (path, size, modification time) for the life of the process, and only the
// columns the planner asks about are read, within a byte budget per column.

import Columnar
import Formats
import Planner

/// Per-table memo of computed statistics (the planner asks for the same column many times).
final class ParquetStatisticsMemo: @unchecked Sendable {
    private let mutex = LakeMutex()
    private var distinct: [Int: Double?] = [:]
    func distinctCount(_ column: Int, _ compute: () -> Double?) -> Double? {
        if let hit = mutex.withLock({ distinct[column] }) { return hit }
        let value = compute()
        mutex.withLock { distinct[column] = .some(value) }
        return value
    }
}

/// Process-wide cache of dictionary sizes (and, for small dictionaries, their values) per column chunk.
final class ParquetDictionaryCache: @unchecked Sendable {
    static let shared = ParquetDictionaryCache()
    struct Key: Hashable { var path: String; var size: Int64; var modified: Int64; var rowGroup: Int; var leaf: Int }
    /// nil entries: the chunk has no usable dictionary.
    struct Entry { var entries: Int; var values: Set<Value>? }
    private let mutex = LakeMutex()
    private var entries: [Key: Entry?] = [:]
    static let capacity = 65_536
    /// Dictionaries up to this many entries are decoded, so that row groups and files combine exactly.
    static let smallDictionary = 1_024

    func entry(_ key: Key, _ compute: () -> Entry?) -> Entry? {
        if let hit = mutex.withLock({ entries[key] }) { return hit }
        let value = compute()
        mutex.withLock {
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = .some(value)
        }
        return value
    }
}

extension ParquetTableSource {
    /// Bytes of dictionary page headers and small dictionaries read for one column's distinct count.
    static let dictionaryBudgetBytes: Int64 = 8 << 20

    /// Distinct non-NULL values of a column, from what the footer and dictionary headers tell
    /// (nil when nothing does); never more than the row count.
    public func distinctCount(column: Int) -> Double? {
        guard column >= 0, column < fields.count else { return nil }
        return statisticsMemo.distinctCount(column) { computeDistinctCount(column) }
    }

    private func computeDistinctCount(_ column: Int) -> Double? {
        let rows = Double(estimatedRowCount ?? 0)
        if column >= fileColumnCount {
            return Double(Set(partitionValues.map { $0[column - fileColumnCount] }.filter { !$0.isNull }).count)
        }
        let width = rangeWidth(column)
        let dictionary = dictionaryDistinctCount(column)
        let known = [width, dictionary].compactMap { $0 }
        guard let best = known.min() else { return nil }
        return max(1, min(best, rows))
    }

    /// For integer and date columns: the width of the min…max range over all row groups.
    private func rangeWidth(_ column: Int) -> Double? {
        guard fields[column].type.isInteger || fields[column].type == .date else { return nil }
        var low = Int64.max, high = Int64.min
        for fi in opened.indices {
            for g in 0..<opened[fi].rowGroupCount {
                let s = chunkStatistics(file: fi, rowGroup: g, column: column)
                if s.nullCount == s.rowCount { continue }
                guard case .int(let mn)? = s.min, case .int(let mx)? = s.max else { return nil }
                low = min(low, mn); high = max(high, mx)
            }
        }
        guard low <= high else { return nil }
        return Double(high) - Double(low) + 1
    }

    /// Distinct values from the chunks' dictionaries: exact (their union) when all are small;
    /// otherwise each chunk's count, summed where the chunks' value ranges do not overlap
    /// (sorted or clustered columns) and, where they do, adding of the other chunks' counts only
    /// the share of new values the largest chunk shows (its count per row). Nil when a chunk has
    /// no usable dictionary (values stored PLAIN, absent column, nested column) or the budget runs out.
    private func dictionaryDistinctCount(_ column: Int) -> Double? {
        var counts: [(entries: Int, rows: Int64, min: Value?, max: Value?)] = []
        var union = Set<Value>()
        var exact = true
        var budget = Self.dictionaryBudgetBytes
        for fi in opened.indices {
            let pf = opened[fi]
            guard let fc = columnMap[fi][column] else {
                // A file without the column contributes only NULLs.
                continue
            }
            let root = pf.roots[fc]
            guard let leaf = root.leafIndex, root.repetition != .repeated else { return nil }
            let file = files[fi]
            for g in 0..<pf.rowGroupCount {
                let rows = pf.metadata.rowGroups[g].numRows
                if rows == 0 { continue }
                let key = ParquetDictionaryCache.Key(path: file.path, size: file.size, modified: file.modified, rowGroup: g, leaf: leaf)
                var spent: Int64 = 0
                let entry = ParquetDictionaryCache.shared.entry(key) {
                    guard let header = try? pf.dictionaryEntryCount(rowGroup: g, leaf: leaf) else { return nil }
                    spent += header.bytesRead
                    var values: Set<Value>? = nil
                    if header.entries <= ParquetDictionaryCache.smallDictionary, let d = try? pf.dictionaryValues(rowGroup: g, leaf: leaf) {
                        spent += d.bytesRead
                        values = Set((0..<d.values.count).map { d.values.value(at: $0) })
                    }
                    return ParquetDictionaryCache.Entry(entries: header.entries, values: values)
                }
                budget -= spent
                guard let entry, budget >= 0 else { return nil }
                if exact, let values = entry.values { union.formUnion(values) } else { exact = false }
                let s = chunkStatistics(file: fi, rowGroup: g, column: column)
                counts.append((entry.entries, rows, s.min, s.max))
            }
        }
        guard !counts.isEmpty else { return nil }
        if exact { return Double(union.count) }
        return Self.combine(counts)
    }

    /// Distinct values over chunks with known per-chunk distinct counts and value ranges.
    static func combine(_ chunks: [(entries: Int, rows: Int64, min: Value?, max: Value?)]) -> Double {
        let total = chunks.reduce(0.0) { $0 + Double($1.entries) }
        guard let largest = chunks.max(by: { $0.entries < $1.entries }) else { return 0 }
        // Ranges pairwise disjoint (in min order each starts after the previous ends): no value is in two chunks.
        let ranged = chunks.compactMap { c -> (Value, Value)? in
            guard let lo = c.min, let hi = c.max else { return nil }
            return (lo, hi)
        }
        if ranged.count == chunks.count {
            let sorted = ranged.sorted { (ScanPruning.compare($0.0, $1.0) ?? 0) < 0 }
            let disjoint = zip(sorted, sorted.dropFirst()).allSatisfy { (a, b) in (ScanPruning.compare(a.1, b.0) ?? 1) < 0 }
            if disjoint { return total }
        }
        let newShare = min(1, Double(largest.entries) / Double(max(1, largest.rows)))
        return Double(largest.entries) + (total - Double(largest.entries)) * newShare
    }

    /// Fraction of the table's rows whose column satisfies every predicate (comparisons with
    /// constants): per row group, none when its statistics rule the group out, else the share of
    /// its min…max range the bounds cover (numbers, dates and timestamps; the non-NULL rows);
    /// per file exactly for a partition column. Nil when a row group has no usable statistics.
    public func fraction(column: Int, satisfying predicates: [ScanPredicate]) -> Double? {
        guard column >= 0, column < fields.count, !predicates.isEmpty else { return nil }
        let type = fields[column].type
        var bounds = Bounds()
        for p in predicates {
            guard case .compare(let c, let op, let v) = p, c == column else { return nil }
            if column < fileColumnCount, !bounds.add(op, v) { return nil }
        }
        var kept = 0.0, total = 0.0
        for fi in opened.indices {
            let pf = opened[fi]
            for g in 0..<pf.rowGroupCount {
                let rows = Double(pf.metadata.rowGroups[g].numRows)
                total += rows
                if column >= fileColumnCount {
                    let value = partitionValues[fi][column - fileColumnCount]
                    if !predicates.contains(where: { ScanPruning.constantFails($0, value: value) }) { kept += rows }
                    continue
                }
                let s = chunkStatistics(file: fi, rowGroup: g, column: column)
                if predicates.contains(where: { ScanPruning.cannotMatch($0, stats: s, type: type) }) { continue }
                guard let lo = s.min.flatMap(Bounds.number), let hi = s.max.flatMap(Bounds.number) else { return nil }
                let nonNull = max(0, rows - Double(s.nullCount ?? 0))
                kept += nonNull * bounds.share(of: lo, hi, integral: s.min.map(Bounds.isIntegral) ?? false)
            }
        }
        guard total > 0 else { return nil }
        return kept / total
    }
}

/// The interval a conjunction of comparisons with constants allows, as numbers.
struct Bounds {
    var lower: (value: Double, inclusive: Bool)? = nil
    var upper: (value: Double, inclusive: Bool)? = nil

    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let x): return Double(x)
        case .decimal(let x): return Double(x)
        case .double(let x): return x.isNaN ? nil : x
        default: return nil
        }
    }

    /// Integers, dates, timestamps and decimal mantissas count whole values.
    static func isIntegral(_ v: Value) -> Bool {
        switch v { case .int, .decimal: return true; default: return false }
    }

    /// Narrows by one comparison; false when the constant is not a number.
    mutating func add(_ op: ScanPredicate.ComparisonOp, _ v: Value) -> Bool {
        guard let x = Self.number(v) else { return false }
        switch op {
        case .eq: raiseFloor(x, true); lowerCeiling(x, true)
        case .gt: raiseFloor(x, false)
        case .ge: raiseFloor(x, true)
        case .lt: lowerCeiling(x, false)
        case .le: lowerCeiling(x, true)
        }
        return true
    }

    private mutating func raiseFloor(_ x: Double, _ inclusive: Bool) {
        if let l = lower, l.value > x || (l.value == x && !l.inclusive) { return }
        lower = (x, inclusive)
    }

    private mutating func lowerCeiling(_ x: Double, _ inclusive: Bool) {
        if let u = upper, u.value < x || (u.value == x && !u.inclusive) { return }
        upper = (x, inclusive)
    }

    /// Share of a chunk's [lo, hi] that the bounds cover, assuming values spread evenly.
    func share(of lo: Double, _ hi: Double, integral: Bool) -> Double {
        let unit = integral ? 1.0 : 0.0
        var from = lo, to = hi
        if let l = lower { from = max(from, l.inclusive ? l.value : l.value + unit) }
        if let u = upper { to = min(to, u.inclusive ? u.value : u.value - unit) }
        let width = hi - lo + unit
        guard width > 0 else { return from <= to ? 1 : 0 }
        return max(0, min(1, (to - from + unit) / width))
    }
}
