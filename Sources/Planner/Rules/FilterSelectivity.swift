// Estimated fraction of rows a filter keeps, for the cardinality estimates
// of the join-ordering and reduction rules. One fixed fraction per filter
// (what ReorderJoins used before) made TPC-H Q12's lineitem, filtered by five
// conjuncts down to 0.5% of its rows, look as large as all of orders, so the
// 1.5M orders rows were hashed and lineitem probed. The usual guesses for a
// planner without histograms (as PostgreSQL's selectivity defaults) tell such
// inputs apart: an equality with a constant keeps 1/ndv of the rows when
// statistics give the column's distinct count (dictionary sizes for strings),
// else a tenth; a range (one or both bounds on a column) keeps the share of
// the column's row-group min…max ranges it covers when the table has such
// statistics, else a third; LIKE a tenth; IN a tenth per item; conjunctions
// multiply, OR adds. Only the ranking of inputs matters, so the guesses are coarse.

import Columnar

enum FilterSelectivity {
    static let equalityWithoutStatistics = 0.1
    static let range = 1.0 / 3.0
    static let pattern = 0.1
    static let nullTest = 0.1
    static let otherwise = 0.25
    /// A floor, so that a long conjunction never estimates an input as empty.
    static let minimum = 1e-4

    /// Fraction of `input`'s rows kept by `predicate` (written over `input`'s columns).
    static func of(_ predicate: BoundExpr, over input: LogicalPlan) -> Double {
        max(minimum, min(1, fraction(predicate, input)))
    }

    private static func fraction(_ e: BoundExpr, _ input: LogicalPlan) -> Double {
        switch e {
        case .and(let terms): return conjunction(terms, input)
        case .or(let terms):
            return min(1, terms.reduce(0) { acc, t in let s = fraction(t, input); return acc + s - acc * s })
        case .not(let inner): return 1 - fraction(inner, input)
        case .isNull(_, let negated): return negated ? 1 - nullTest : nullTest
        case .inList(let x, let items, _, let negated):
            let s = min(1, Double(items.count) * equality(x, input))
            return negated ? 1 - s : s
        case .literal(.bool(true), _): return 1
        case .literal(.bool(false), _), .literal(.null, _): return 0
        case .call(let f, let args) where args.count == 2:
            switch f.name {
            case "=":
                if isConstant(args[1]) { return equality(args[0], input) }
                if isConstant(args[0]) { return equality(args[1], input) }
                return otherwise
            case "<>", "!=": return 1 - equality(isConstant(args[1]) ? args[0] : args[1], input)
            case "<", "<=", ">", ">=": return boundedColumn(e) == nil ? range : conjunction([e], input)
            case "~~", "~~*": return pattern
            case "!~~", "!~~*": return 1 - pattern
            default: return otherwise
            }
        default: return otherwise
        }
    }

    /// Conjuncts multiply, but the bounds on one column form one range (`d >= a AND d < b`), whose
    /// fraction the table's statistics give (row-group min/max: TableSource.fraction) or, without
    /// them, a third in all, not a ninth, since ranges on dates and keys are mostly wide.
    private static func conjunction(_ terms: [BoundExpr], _ input: LogicalPlan) -> Double {
        var bounded: [Int: [BoundExpr]] = [:]
        var columns: [Int] = []
        var product = 1.0
        for t in terms {
            if let c = boundedColumn(t) {
                if bounded[c] == nil { columns.append(c) }
                bounded[c, default: []].append(t)
            } else {
                product *= fraction(t, input)
            }
        }
        for c in columns { product *= rangeFraction(bounded[c] ?? [], column: c, input) ?? range }
        return product
    }

    /// The fraction of rows the comparisons of one column with constants keep, from the statistics of
    /// the table the column is read from; nil when the column is computed or a bound is not a plain constant.
    static func rangeFraction(_ comparisons: [BoundExpr], column: Int, _ input: LogicalPlan) -> Double? {
        guard let (scan, index) = scanColumn(input, column) else { return nil }
        var predicates: [ScanPredicate] = []
        for c in comparisons {
            let onScan = PushDownFilters.shift(c, index - column)
            guard let p = PushPredicatesIntoScans.translate(onScan, scan) else { return nil }
            predicates.append(p)
        }
        return scan.source.fraction(column: scan.columns[index], satisfying: predicates)
    }

    /// The scan, and its output column, that output column `column` of `plan` passes through unchanged.
    static func scanColumn(_ plan: LogicalPlan, _ column: Int) -> (ScanNode, Int)? {
        switch plan {
        case .scan(let s): return column >= 0 && column < s.columns.count ? (s, column) : nil
        case .filter(let p, _), .sort(let p, _), .limit(let p, _, _): return scanColumn(p, column)
        case .project(let p, let exprs, _):
            guard column >= 0, column < exprs.count, case .column(let c, _) = exprs[column] else { return nil }
            return scanColumn(p, c)
        default: return nil
        }
    }

    /// Fraction of rows equal to one constant: 1/ndv from statistics, else a fixed guess.
    private static func equality(_ e: BoundExpr, _ input: LogicalPlan) -> Double {
        var expr = e
        while case .cast(let inner, _, _) = expr { expr = inner }
        if case .column(let c, _) = expr, let ndv = ReorderJoins.distinct(input, c), ndv >= 1 {
            return 1 / ndv
        }
        return equalityWithoutStatistics
    }

    /// The column of a comparison `column <op> constant` (either way round) with a range operator.
    private static func boundedColumn(_ e: BoundExpr) -> Int? {
        guard case .call(let f, let args) = e, args.count == 2, ["<", "<=", ">", ">="].contains(f.name) else { return nil }
        func column(_ x: BoundExpr) -> Int? {
            var x = x
            while case .cast(let inner, _, _) = x { x = inner }
            if case .column(let c, _) = x { return c }
            return nil
        }
        if isConstant(args[1]) { return column(args[0]) }
        if isConstant(args[0]) { return column(args[1]) }
        return nil
    }

    private static func isConstant(_ e: BoundExpr) -> Bool {
        switch e {
        case .literal, .unknownLiteral, .parameter: return true
        case .cast(let inner, _, _): return isConstant(inner)
        default: return false
        }
    }
}
