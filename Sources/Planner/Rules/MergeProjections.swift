// Optimizer rule: collapse a projection directly over another projection
// into one by substituting the inner expressions into the outer ones (the
// binder stacks them for subqueries in FROM, join ordering adds one to
// restore column order). Skipped when that would evaluate a non-trivial
// inner expression more than once, or when an outer expression reads its
// input row by position (a correlated subquery, GROUPING()).

public enum MergeProjections {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        guard case .project(.project(let input, let inner, _), let outer, let fields) = plan,
              !outer.contains(where: PruneColumns.pinsInput) else { return plan }
        var uses = [Int](repeating: 0, count: inner.count)
        for e in outer {
            e.forEach { if case .column(let i, _) = $0, i >= 0, i < uses.count { uses[i] += 1 } }
        }
        for (i, e) in inner.enumerated() where uses[i] > 1 {
            switch e {
            case .column, .literal: continue
            default: return plan
            }
        }
        return .project(input, outer.map { PushDownFilters.substitute($0, inner) }, fields: fields)
    }
}
