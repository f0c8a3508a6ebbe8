// Optimizer rule: a filter that keeps only the rows whose mark is TRUE
// (the mark itself is one of its conjuncts) makes a mark join a semi join:
// the rows kept are exactly those with a right row that satisfies the
// condition and, for IN, holds an equal non-NULL value — a semi join on
// `condition AND probe = value`. For EXISTS marks (never NULL), a conjunct
// `NOT mark` makes it an anti join. The semi/anti join never builds the
// mark column nor the second table an IN mark needs for its NULL answers,
// can build on the smaller side and can be moved by the later join rules.
// The mark stays visible above as the constant TRUE (FALSE under NOT), so
// the positions of the columns above do not change; pruning drops it.
// Typical source (TPC-H Q20): an uncorrelated IN inside a subquery that
// itself became a semi join's right side is only reached by the mark-join
// rule, and the filter on its mark lands right above it after pushdown.
// `NOT mark` of an IN is left alone: NULLs make NOT IN differ from an anti
// join.

import Columnar

public enum MarkJoinsFilteredOnTheMarkToSemiJoins {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(apply)
        guard case .filter(.markJoin(let l, let r, let condition, let test), let predicate) = plan else { return plan }
        let nl = l.fields.count
        let mark = nl
        let terms = PushDownFilters.conjuncts(predicate)
        var type: JoinType? = nil
        var markValue = true
        var rest: [BoundExpr] = []
        for t in terms {
            if type == nil, case .column(mark, _) = t { type = .semi; continue }
            if type == nil, test == nil, case .not(.column(mark, _)) = t { type = .anti; markValue = false; continue }
            rest.append(t)
        }
        // Other conjuncts must not read the row by position (correlated subqueries), since the
        // mark column leaves the filter's input.
        guard let type, !rest.contains(where: { $0.contains { if case .subquery = $0 { return true }; return false } }) else { return plan }
        var conditionTerms = condition.map(PushDownFilters.conjuncts) ?? []
        if let test {
            guard let eq = DecorrelateSubqueries.equality(test.probe.type), test.probe.type == test.build.type else { return plan }
            conditionTerms.append(.call(eq, [test.probe, PushDownFilters.shift(test.build, nl)]))
        }
        let joined = LogicalPlan.join(l, r, type, condition: PushDownFilters.conjunction(conditionTerms))
        let constant = BoundExpr.literal(.bool(markValue), .boolean)
        let filtered: LogicalPlan = PushDownFilters.conjunction(rest.map { replacing(mark, by: constant, in: $0) })
            .map { .filter(joined, $0) } ?? joined
        let exprs: [BoundExpr] = l.fields.enumerated().map { .column($0.offset, $0.element.type) } + [constant]
        return .project(filtered, exprs, fields: plan.fields)
    }

    private static func replacing(_ column: Int, by value: BoundExpr, in e: BoundExpr) -> BoundExpr {
        if case .column(column, _) = e { return value }
        return e.mapChildren { replacing(column, by: value, in: $0) }
    }
}
