// Optimizer rule: hand the simple conjuncts of a filter sitting directly on a
// scan to the scan as `ScanPredicate`s (column vs literal comparisons, IN
// lists of literals, IS [NOT] NULL; BETWEEN arrives as two comparisons), so
// the lake layer can prune partitions, files and row groups by statistics.
// The filter stays: scan predicates only skip data, they never decide rows.
// Runs after PushDownFilters, which has already moved filters onto scans.
// The `lake_skipping` setting says which kinds of skipping the scan may use;
// `off` pushes nothing (so results can be compared with and without skipping).
// Any setting but the default reaches every scan, filtered or not, because
// runtime join filters skip pages of scans without a filter of their own.

import Columnar

public enum PushPredicatesIntoScans {
    public static func apply(_ plan: LogicalPlan, skipping: ScanSkipping = .all) -> LogicalPlan {
        if skipping == .all { return rewrite(plan, skipping) }
        // Fewer kinds reach every scan, pushed predicates or not: runtime join filters skip pages
        // of scans without a filter of their own, and must leave them when pages are not allowed.
        return limited(rewrite(plan, skipping), skipping)
    }

    private static func limited(_ plan: LogicalPlan, _ skipping: ScanSkipping) -> LogicalPlan {
        if case .scan(let scan) = plan {
            if scan.statistics.allowedSkipping == skipping { return plan }
            let limited = ScanNode(source: scan.source, tableName: scan.tableName, columns: scan.columns, predicates: scan.predicates)
            limited.statistics.allowedSkipping = skipping
            return .scan(limited)
        }
        return plan.mapInputs { limited($0, skipping) }
    }

    private static func rewrite(_ plan: LogicalPlan, _ skipping: ScanSkipping) -> LogicalPlan {
        if case .filter(.scan(let scan), let predicate) = plan, !skipping.isEmpty {
            let found = PushDownFilters.conjuncts(predicate).compactMap { translate($0, scan) }
            guard !found.isEmpty else { return plan }
            var predicates = scan.predicates
            var seen = Set(predicates.map(\.description))
            for p in found where seen.insert(p.description).inserted { predicates.append(p) }
            let pushed = ScanNode(source: scan.source, tableName: scan.tableName, columns: scan.columns, predicates: predicates)
            pushed.statistics.allowedSkipping = skipping
            return .filter(.scan(pushed), predicate)
        }
        return plan.mapInputs { rewrite($0, skipping) }
    }

    private static let comparisons: [String: ScanPredicate.ComparisonOp] = ["=": .eq, "<": .lt, "<=": .le, ">": .gt, ">=": .ge]
    /// The same comparison with its operands swapped (5 < x is x > 5).
    private static let flipped: [ScanPredicate.ComparisonOp: ScanPredicate.ComparisonOp] = [.eq: .eq, .lt: .gt, .le: .ge, .gt: .lt, .ge: .le]

    static func translate(_ e: BoundExpr, _ scan: ScanNode) -> ScanPredicate? {
        switch e {
        case .call(let f, let args) where args.count == 2:
            guard let op = comparisons[f.name] else { return nil }
            if let c = tableColumn(args[0], scan), let v = literal(args[1], of: c.type) {
                return .compare(column: c.index, op: op, value: v)
            }
            if let c = tableColumn(args[1], scan), let v = literal(args[0], of: c.type), let op = flipped[op] {
                return .compare(column: c.index, op: op, value: v)
            }
            return nil
        case .inList(let x, let items, _, let negated):
            guard !negated, let c = tableColumn(x, scan) else { return nil }
            var values: [Value] = []
            for item in items {
                // A NULL item never matches, so it can be left out of the list.
                if case .literal(let v, _) = item, v.isNull { continue }
                guard let v = literal(item, of: c.type) else { return nil }
                values.append(v)
            }
            return .inList(column: c.index, values: values)
        case .isNull(let x, let negated):
            guard let c = tableColumn(x, scan) else { return nil }
            return .isNull(column: c.index, negated: negated)
        default:
            return nil
        }
    }

    /// A plain input column of the scan, as the table column it reads.
    private static func tableColumn(_ e: BoundExpr, _ scan: ScanNode) -> (index: Int, type: DataType)? {
        guard case .column(let i, let t) = e, i >= 0, i < scan.columns.count else { return nil }
        let tableIndex = scan.columns[i]
        guard tableIndex >= 0, tableIndex < scan.source.fields.count, scan.source.fields[tableIndex].type == t else { return nil }
        return (tableIndex, t)
    }

    /// A non-NULL literal of the column's type, an integer literal compared with an integer or
    /// float column, or a decimal literal with no more fractional digits than a decimal column
    /// (rescaled to the column's scale); each of these compares exactly. No other conversion is assumed.
    private static func literal(_ e: BoundExpr, of type: DataType) -> Value? {
        guard case .literal(let v, let t) = e, !v.isNull else { return nil }
        if t == type { return v }
        if case .decimal(_, let columnScale) = type, case .decimal(let unscaled) = v, case .decimal(_, let literalScale) = t,
           literalScale <= columnScale, columnScale - literalScale <= 38 {
            var r = unscaled
            for _ in 0..<(columnScale - literalScale) {
                let (m, o) = r.multipliedReportingOverflow(by: 10)
                if o { return nil }
                r = m
            }
            return .decimal(r)
        }
        guard t.isInteger, case .int(let i) = v else { return nil }
        if type.isInteger { return v }
        if type.isFloat, let d = Double(exactly: i) { return .double(d) }
        return nil
    }
}
