// The optimizer: applies rewrite rules (one per file under Rules/) to the
// logical plan in a fixed order. Rules only ever preserve results.

public enum Optimizer {
    public static func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        // Subquery plans inside expressions are optimised too (innermost first).
        let nested = plan.mapExpressions { e in
            guard case .subquery(let s, let t) = e else { return e }
            let optimized = applyRules(s.plan)
            return .subquery(BoundSubquery(plan: optimized, kind: s.kind, isCorrelated: s.isCorrelated, level: s.level), t)
        }
        return applyRules(nested)
    }

    static func applyRules(_ plan: LogicalPlan) -> LogicalPlan {
        PushDownFilters.apply(DecorrelateScalarSubqueries.apply(plan))
    }
}
