// Optimizer rule: an OR across the inputs of an inner join still filters
// each input on its own. TPC-H Q7 joins on
//   (n1.name = 'FRANCE' AND n2.name = 'GERMANY') OR (n1.name = 'GERMANY' AND n2.name = 'FRANCE');
// no branch can move, but every branch says something about n1 alone, so
// `n1.name = 'FRANCE' OR n1.name = 'GERMANY'` holds for every joined row and
// can filter n1 before the join (and n2 likewise) — 2 of 25 nations, so the
// suppliers and customers joined to them shrink too. Q19's three-branch OR
// filters part and lineitem the same way.
//
// For each input of the join: when every branch has conjuncts that read only
// that input (and can move: no subqueries, volatile calls, aggregates), the
// OR of those per-branch conjunctions is implied by the condition; it
// sinks into the input through inner joins to the input it reads, after the
// filters already there, and the original condition stays on the join,
// which still needs it. Runs after PushDownFilters (the
// ORs then sit on the joins that see all their columns) and before
// ReorderJoins (the filtered inputs estimate smaller). A derived filter
// stops above a policy barrier, and the rule does not look below one.

public enum PushDisjunctionsIntoJoinInputs {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        if case .barrier = plan { return plan }
        let plan = plan.mapInputs(rewrite)
        guard case .join(let l, let r, .inner, let condition?) = plan else { return plan }
        let nl = l.fields.count, width = nl + r.fields.count
        var leftDerived: [BoundExpr] = [], rightDerived: [BoundExpr] = []
        for c in PushDownFilters.conjuncts(condition) {
            guard case .or(let branches) = c else { continue }
            if let d = implied(branches, { $0.allSatisfy { $0 < nl } }) { leftDerived.append(d) }
            if let d = implied(branches, { $0.allSatisfy { $0 >= nl && $0 < width } }) { rightDerived.append(PushDownFilters.shift(d, -nl)) }
        }
        if leftDerived.isEmpty && rightDerived.isEmpty { return plan }
        return .join(leftDerived.reduce(l, sink), rightDerived.reduce(r, sink), .inner, condition: condition)
    }

    /// `plan` filtered by `e` as deep as the inputs of inner joins go. A derived OR removes
    /// fewer rows than the filters written on the input, so it is evaluated after them: AND
    /// evaluates later terms only on the rows earlier ones kept (Q19's lineitem filter).
    static func sink(_ plan: LogicalPlan, _ e: BoundExpr) -> LogicalPlan {
        switch plan {
        case .join(let l, let r, .inner, let c):
            let nl = l.fields.count, columns = e.referencedColumns
            if columns.allSatisfy({ $0 < nl }) { return .join(sink(l, e), r, .inner, condition: c) }
            if columns.allSatisfy({ $0 >= nl }) { return .join(l, sink(r, PushDownFilters.shift(e, -nl)), .inner, condition: c) }
            return .filter(plan, e)
        case .filter(let input, let p):
            if case .join(_, _, .inner, _) = input { return .filter(sink(input, e), p) }
            return .filter(input, .and(PushDownFilters.conjuncts(p) + [e]))
        default:
            return .filter(plan, e)
        }
    }

    /// The OR over branches of each branch's conjuncts whose columns satisfy `side`; nil when a
    /// branch has none (the OR then says nothing about that side alone).
    static func implied(_ branches: [BoundExpr], _ side: (Set<Int>) -> Bool) -> BoundExpr? {
        var parts: [BoundExpr] = []
        for branch in branches {
            let mine = PushDownFilters.conjuncts(branch).filter { c in
                let columns = c.referencedColumns
                return !columns.isEmpty && side(columns) && !c.contains(where: isUnmovable)
            }
            guard let part = PushDownFilters.conjunction(mine) else { return nil }
            parts.append(part)
        }
        return parts.count > 1 ? .or(parts) : parts.first
    }

    private static func isUnmovable(_ e: BoundExpr) -> Bool {
        switch e {
        case .subquery, .outerColumn, .grouping, .aggregate, .window: return true
        case .call(let f, _): return f.resolution.isVolatile
        default: return false
        }
    }
}
