// Optimizer rule: a semi or anti join is a filter on its left rows, so when
// its condition reads the left side's columns from one input of an inner
// join only, it can run on that input before the join: fewer rows go into
// the join. TPC-H Q18's `o_orderkey IN (SELECT l_orderkey … HAVING
// sum(l_quantity) > 300)` keeps 57 of 1.5M orders; run above the join, it
// probes 6M joined lineitem rows, run on orders, 1.5M, and the joins after
// it see 57 orders.
//
// Legal into either input of an inner join, into the preserved side of a
// left/right join (a padded row's columns would be NULL below the join),
// and through filters (a semi join keeps the left columns where they are).
// Only a condition without subqueries, outer references or volatile calls
// moves.
//
// Useful only when the semi join removes rows; on an input the join
// itself shrinks, a semi join that keeps most rows probes more rows below
// the join than above it. So it moves when its estimated kept fraction is
// at most one half: for each equality `left column = right column`, the
// right side's distinct keys over the left input's (ReorderJoins'
// estimates); an anti join keeps the rest. A condition with anything else
// across the two sides (Q21's `l_suppkey <> …`) has no estimate and stays.
// Runs after PushDownFilters (filters already sit on the join inputs) and
// before ReorderJoins, which then orders the smaller input. Policy barriers
// are not entered.

import Columnar

public enum PushSemiJoinsBelowJoins {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    static let maximumKeptFraction = 0.5

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        if case .barrier = plan { return plan }
        let plan = plan.mapInputs(rewrite)
        guard case .join(let left, let right, let type, let condition?) = plan, type == .semi || type == .anti,
              !condition.contains(where: isUnmovable) else { return plan }
        return moved(left, right, type, condition) ?? plan
    }

    /// The semi/anti join of `left` and `right`, moved into `left` as far as it pays; nil when it
    /// stays where it is (it then stays above filters too, which shrink its input first).
    private static func moved(_ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType, _ condition: BoundExpr) -> LogicalPlan? {
        func placed(_ left: LogicalPlan, _ condition: BoundExpr) -> LogicalPlan {
            moved(left, right, type, condition) ?? .join(left, right, type, condition: condition)
        }
        let nl = left.fields.count
        let leftColumns = condition.referencedColumns.filter { $0 < nl }
        guard !leftColumns.isEmpty else { return nil }
        switch left {
        case .filter(let input, let predicate) where !predicate.contains(where: isUnmovable):
            return moved(input, right, type, condition).map { .filter($0, predicate) }
        case .join(let a, let b, let joinType, let joinCondition):
            let na = a.fields.count, nb = b.fields.count
            if leftColumns.allSatisfy({ $0 < na }), joinType == .inner || joinType == .left {
                // The right side's columns follow a's now, not a's and b's.
                let shifted = shiftColumns(condition, from: nl, by: -nb)
                guard pays(a, right, type, shifted) else { return nil }
                return .join(placed(a, shifted), b, joinType, condition: joinCondition)
            }
            if leftColumns.allSatisfy({ $0 >= na }), joinType == .inner || joinType == .right {
                let shifted = PushDownFilters.shift(condition, -na)
                guard pays(b, right, type, shifted) else { return nil }
                return .join(a, placed(b, shifted), joinType, condition: joinCondition)
            }
            return nil
        default:
            return nil
        }
    }

    private static func pays(_ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType, _ condition: BoundExpr) -> Bool {
        guard let kept = keptFraction(left, right, condition) else { return false }
        return (type == .semi ? kept : 1 - kept) <= maximumKeptFraction
    }

    /// The estimated fraction of `left`'s rows with a match: nil unless every conjunct reading
    /// the left side is an equality between a left and a right column.
    static func keptFraction(_ left: LogicalPlan, _ right: LogicalPlan, _ condition: BoundExpr) -> Double? {
        let nl = left.fields.count
        let leftRows = max(ReorderJoins.estimate(left), 1), rightRows = ReorderJoins.estimate(right)
        var fraction: Double?
        for c in PushDownFilters.conjuncts(condition) {
            let columns = c.referencedColumns
            if !columns.isEmpty, columns.allSatisfy({ $0 >= nl }) { continue }
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2,
                  case .column(let x, _) = args[0], case .column(let y, _) = args[1] else { return nil }
            let (l, r) = x < nl ? (x, y) : (y, x)
            guard l < nl, r >= nl else { return nil }
            let leftKeys = min(ReorderJoins.distinct(left, l) ?? leftRows, leftRows)
            let rightKeys = min(ReorderJoins.distinct(right, r - nl) ?? rightRows, rightRows)
            fraction = min(fraction ?? 1, rightKeys / max(leftKeys, 1))
        }
        return fraction.map { min($0, 1) }
    }

    /// Column references at or after `from` moved by `delta`.
    private static func shiftColumns(_ e: BoundExpr, from: Int, by delta: Int) -> BoundExpr {
        if case .column(let i, let t) = e { return i >= from ? .column(i + delta, t) : e }
        return e.mapChildren { shiftColumns($0, from: from, by: delta) }
    }

    private static func isUnmovable(_ e: BoundExpr) -> Bool {
        switch e {
        case .subquery, .outerColumn, .grouping, .aggregate, .window: return true
        case .call(let f, _): return f.resolution.isVolatile
        default: return false
        }
    }
}
