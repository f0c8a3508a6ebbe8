// Optimizer rule: a conjunct of an outer, semi or anti join's ON condition
// that reads only the side whose rows are merely looked up (the right side of
// a LEFT, semi or anti join; the left side of a RIGHT join) filters that side
// before the join. A row of that side failing the conjunct can never be a
// partner, and no row of it is ever output unpaired, so dropping it early
// changes nothing — but the join then hashes fewer rows and the columns only
// the conjunct read need not reach the join (TPC-H Q13: `o_comment NOT LIKE
// …` in a LEFT JOIN's ON clause filters orders in the scan, and o_comment is
// no longer gathered into every candidate pair). Conjuncts over the preserved
// side stay: they decide which rows are padded, not which rows exist. Inner
// joins are PushDownFilters' business; full joins preserve both sides.
// Runs before PushDownFilters, which then pushes the new filters further down.

public enum PushOuterJoinConditionsIntoInputs {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(apply)
        guard case .join(let l, let r, let type, let condition?) = plan else { return plan }
        let nl = l.fields.count
        let terms = PushDownFilters.conjuncts(condition)
        var moved: [BoundExpr] = [], kept: [BoundExpr] = []
        for t in terms {
            let cols = t.referencedColumns
            let lookupSideOnly: Bool
            switch type {
            case .left, .semi, .anti: lookupSideOnly = !cols.isEmpty && cols.allSatisfy { $0 >= nl }
            case .right: lookupSideOnly = !cols.isEmpty && cols.allSatisfy { $0 < nl }
            case .inner, .full: lookupSideOnly = false
            }
            if lookupSideOnly && movable(t) { moved.append(t) } else { kept.append(t) }
        }
        guard !moved.isEmpty else { return plan }
        let rest = PushDownFilters.conjunction(kept)
        if type == .right {
            return .join(filtered(l, moved), r, type, condition: rest)
        }
        return .join(l, filtered(r, moved.map { PushDownFilters.shift($0, -nl) }), type, condition: rest)
    }

    private static func filtered(_ plan: LogicalPlan, _ es: [BoundExpr]) -> LogicalPlan {
        guard let c = PushDownFilters.conjunction(es) else { return plan }
        return .filter(plan, c)
    }

    /// Conjuncts safe to evaluate on another node: no subqueries (their correlated references
    /// are positions in the join's row), aggregates, windows or volatile functions (which would
    /// then run for rows the join never paired).
    private static func movable(_ e: BoundExpr) -> Bool {
        !e.contains {
            switch $0 {
            case .subquery, .aggregate, .window, .grouping, .outerColumn: return true
            case .call(let f, _): return f.resolution.isVolatile
            default: return false
            }
        }
    }
}
