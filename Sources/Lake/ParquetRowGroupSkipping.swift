// Skipping inside a row group that survived partition pruning and min/max
// statistics, decided when its morsel runs (so the extra reads happen in
// parallel): a bloom filter or a dictionary proving that no value of an
// equality / IN (or, for dictionaries, any comparison) predicate is present
// skips the row group; otherwise the page index (ColumnIndex min/max and
// null flags per page, OffsetIndex row positions) narrows the rows to read
// to the pages that may match every predicate. Each test is conservative:
// a missing index, an unusable statistic or a value that cannot be mapped
// to the file's encoding keeps the data.

import Columnar
import Formats
import Planner

/// Why a row group was skipped after planning.
enum RowGroupSkipCause { case bloomFilter, dictionary, pageIndex }

/// What the in-row-group skipping decided for one row group.
struct RowGroupPlan {
    var skipped: RowGroupSkipCause?
    /// Rows to read (nil: all of them).
    var selection: RowSelection?
    /// Bytes fetched to decide (dictionary pages, bloom filters).
    var bytesRead: Int64 = 0
}

extension ParquetTableSource {
    /// The flat leaf holding table column `column` in file `fi`, if any.
    func flatLeaf(file fi: Int, column: Int) -> Int? {
        guard column < fileColumnCount, let fc = columnMap[fi][column] else { return nil }
        let root = opened[fi].roots[fc]
        guard let l = root.leafIndex, root.repetition != .repeated, opened[fi].leaves[l].maxRep == 0 else { return nil }
        return l
    }

    func planRowGroup(file fi: Int, rowGroup g: Int, predicates: [ScanPredicate], allowed: ScanSkipping,
                      pageIndexPredicates: [ScanPredicate] = []) throws -> RowGroupPlan {
        var plan = RowGroupPlan()
        let pf = opened[fi]
        let onLeaves: [(predicate: ScanPredicate, leaf: Int)] = predicates.compactMap { p in
            flatLeaf(file: fi, column: p.column).map { (p, $0) }
        }
        let pageOnlyLeaves: [(predicate: ScanPredicate, leaf: Int)] = pageIndexPredicates.compactMap { p in
            flatLeaf(file: fi, column: p.column).map { (p, $0) }
        }
        if onLeaves.isEmpty && pageOnlyLeaves.isEmpty { return plan }
        if allowed.contains(.bloomFilter) {
            // Only types whose equality is equality of the stored bytes (not json, for one).
            for (p, l) in onLeaves where Self.dictionaryCanDecide(p, type: fields[p.column].type) {
                let values: [Value]
                switch p {
                case let .compare(_, .eq, v): values = [v]
                case let .inList(_, vs) where !vs.isEmpty: values = vs
                default: continue
                }
                guard let (filter, bytes) = try pf.bloomFilter(rowGroup: g, leaf: l) else { continue }
                plan.bytesRead += bytes
                if !filter.mightContainAny(values, leaf: pf.leaves[l]) {
                    plan.skipped = .bloomFilter
                    return plan
                }
            }
        }
        if allowed.contains(.dictionary) {
            var dictionaries: [Int: Vector?] = [:]
            for (p, l) in onLeaves where Self.dictionaryCanDecide(p, type: fields[p.column].type) {
                if dictionaries[l] == nil {
                    let d = try pf.dictionaryValues(rowGroup: g, leaf: l)
                    plan.bytesRead += d?.bytesRead ?? 0
                    dictionaries[l] = .some(d?.values)
                }
                guard let dict = dictionaries[l] ?? nil else { continue }
                if !Self.anyValueMaySatisfy(p, dict) {
                    plan.skipped = .dictionary
                    return plan
                }
            }
        }
        if allowed.contains(.pageIndex) {
            let rows = pf.metadata.rowGroups[g].numRows
            var selection = RowSelection.all(rows)
            var used = false
            for (p, l) in onLeaves + pageOnlyLeaves {
                guard let pages = try pf.pageStatistics(rowGroup: g, leaf: l) else { continue }
                used = true
                let type = fields[p.column].type
                let keep = pages.filter { page in
                    guard let s = page.statistics else { return true }
                    let stats = ChunkStatistics(min: s.min, max: s.max, nullCount: s.nullCount, rowCount: Int64(page.rows.count))
                    return !ScanPruning.cannotMatch(p, stats: stats, type: type)
                }
                selection = selection.intersection(RowSelection(keep.map(\.rows)))
                if selection.isEmpty { break }
            }
            if used {
                if selection.isEmpty {
                    plan.skipped = .pageIndex
                } else if !selection.isAll(rows: rows) {
                    plan.selection = selection
                }
            }
        }
        return plan
    }

    /// Predicates a dictionary can refute: comparisons and IN lists on types whose values compare exactly.
    static func dictionaryCanDecide(_ p: ScanPredicate, type: DataType) -> Bool {
        switch p {
        case .compare, .inList: break
        case .isNull: return false
        }
        switch type {
        case .bytea, .uuid: if case .compare(_, .eq, _) = p { return true }; if case .inList = p { return true }; return false
        default: return ScanPruning.rangeComparable(type)
        }
    }

    /// False only when no dictionary value satisfies the predicate for certain (an uncomparable pair counts as "may").
    static func anyValueMaySatisfy(_ p: ScanPredicate, _ dict: Vector) -> Bool {
        func may(_ v: Value, _ op: ScanPredicate.ComparisonOp, _ literal: Value) -> Bool {
            if literal.isNull { return false }
            guard let c = ScanPruning.compare(v, literal) else { return true }
            switch op {
            case .eq: return c == 0
            case .lt: return c < 0
            case .le: return c <= 0
            case .gt: return c > 0
            case .ge: return c >= 0
            }
        }
        for i in 0..<dict.count {
            let v = dict.value(at: i)
            if v.isNull { continue }
            switch p {
            case let .compare(_, op, literal): if may(v, op, literal) { return true }
            case let .inList(_, literals): if literals.contains(where: { may(v, .eq, $0) }) { return true }
            case .isNull: return true
            }
        }
        return false
    }
}
