// The optimizer: applies rewrite rules (one per file under Rules/) to the
// logical plan in a fixed order. Rules only ever preserve results.

public enum Optimizer {
    public static func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        PushDownFilters.apply(DecorrelateScalarSubqueries.apply(plan))
    }
}
