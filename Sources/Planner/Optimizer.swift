// The optimizer: applies rewrite rules (one per file under Rules/) to the
// logical plan in a fixed order. Rules only ever preserve results.
// Order: simplify first (folded constants help every later rule); turn
// subqueries into joins (semi/anti for WHERE conjuncts, mark joins for the
// other EXISTS/IN, grouped left joins for scalar ones), and outer joins whose padding a filter discards
// into inner joins, before filters are pushed (so pushdown sees them);
// dates compared with constant timestamps compare as dates right after
// folding (so scans can check them against statistics); semi joins that
// filter one input of an inner join move onto it after filters are pushed,
// and ORs across join inputs leave each input the OR of its own parts;
// order inner joins once filters sit on their inputs (so estimates see
// them); hand filters to the scans they now sit on; prune columns last
// because it renumbers everything above each scan, then merge the
// projections pruning leaves stacked. Subquery plans inside expressions are
// optimised first, innermost out. Policy barriers (PolicyBarrier.swift) stop
// every rule that moves expressions; only leak-proof conjuncts on unmasked
// columns cross them, right after filters are pushed.

import Functions

public enum Optimizer {
    /// `context`: the statement's function context (time zone, statement time, settings);
    /// with it, session-dependent constants such as now() fold too.
    public static func optimize(_ plan: LogicalPlan, context: FunctionContext? = nil) -> LogicalPlan {
        // Decorrelation looks for correlated conjuncts where the binder put them, so it runs
        // on every (sub)query before any other rule moves them.
        let decorrelated = decorrelate(plan).mapExpressions { e in
            guard case .subquery(let s, let t) = e else { return e }
            return .subquery(BoundSubquery(plan: decorrelate(s.plan), kind: s.kind, isCorrelated: s.isCorrelated, level: s.level), t)
        }
        // The closure runs for every expression: capturing the context in a box (one reference)
        // instead of the struct keeps each visit from copying its dictionaries and existentials.
        let shared = SharedContext(context)
        let nested = decorrelated.mapExpressions { e in
            guard case .subquery(let s, let t) = e else { return e }
            let optimized = applyRules(s.plan, context: shared.context)
            return .subquery(BoundSubquery(plan: optimized, kind: s.kind, isCorrelated: s.isCorrelated, level: s.level), t)
        }
        return applyRules(nested, context: context)
    }

    static func decorrelate(_ plan: LogicalPlan) -> LogicalPlan {
        DecorrelateScalarSubqueries.apply(DecorrelateToMarkJoins.apply(DecorrelateSubqueries.apply(plan)))
    }

    static func applyRules(_ plan: LogicalPlan, context: FunctionContext?) -> LogicalPlan {
        // `SET lakesql.disabled_rules = 'ReorderJoins,PushSemiJoinsBelowJoins'` skips those rules (names
        // as the files under Rules/, any case): for comparing plans and timings with and without a rule.
        let disabled = Set((context?.settings["lakesql.disabled_rules"] ?? "").lowercased()
            .split(separator: ",").map { $0.filter { $0 != " " } })
        var plan = plan
        func run(_ name: String, _ rule: (LogicalPlan) -> LogicalPlan) {
            if !disabled.contains(name.lowercased()) { plan = rule(plan) }
        }
        run("ConstantFolding") { ConstantFolding.apply($0, context: context) }
        run("SimplifyDateTimestampComparisons", SimplifyDateTimestampComparisons.apply)
        plan = DecorrelateSubqueries.apply(plan)
        plan = DecorrelateToMarkJoins.apply(plan)
        plan = DecorrelateScalarSubqueries.apply(plan)
        run("SimplifyOuterJoins", SimplifyOuterJoins.apply)
        run("PushDownFilters", PushDownFilters.apply)
        plan = PushLeakproofPredicatesThroughBarriers.apply(plan)
        run("PushSemiJoinsBelowJoins", PushSemiJoinsBelowJoins.apply)
        run("PushDisjunctionsIntoJoinInputs", PushDisjunctionsIntoJoinInputs.apply)
        run("ReorderJoins", ReorderJoins.apply)
        let skipping = context.flatMap { ScanSkipping.parse($0.settings["lake_skipping"] ?? "on") } ?? .all
        run("PushPredicatesIntoScans") { PushPredicatesIntoScans.apply($0, skipping: skipping) }
        run("LimitPushdown", LimitPushdown.apply)
        run("PruneColumns", PruneColumns.apply)
        run("MergeProjections", MergeProjections.apply)
        return plan
    }
}

/// A statement's function context behind one reference, for closures that run per expression.
final class SharedContext {
    let context: FunctionContext?
    init(_ context: FunctionContext?) { self.context = context }
}
