// The optimizer: applies rewrite rules (one per file under Rules/) to the
// logical plan in a fixed order. Rules only ever preserve results.
// Order: simplify first (folded constants help every later rule); turn
// subqueries into joins (semi/anti for WHERE conjuncts, mark joins for the
// other EXISTS/IN, window aggregates for scalar ones over the outer query's
// own join or, in HAVING, over the rows it groups, grouped left joins for
// other scalar ones), and outer joins whose padding a filter discards
// into inner joins, and outer/semi/anti join conditions on the looked-up
// side into filters on it, before filters are pushed (so pushdown sees
// them); mark joins filtered on their mark become semi/anti joins once
// pushdown has put that filter right above them;
// dates compared with constant timestamps compare as dates right after
// folding (so scans can check them against statistics); semi joins that
// filter one input of an inner join move onto it after filters are pushed,
// and ORs across join inputs leave each input the OR of its own parts;
// order inner joins once filters sit on their inputs (so estimates see
// them), and turn outer joins around to build on their smaller input;
// split aggregates with DISTINCT calls into two groupings (the first
// runs in parallel); hand filters to the scans they now sit on; prune columns last
// because it renumbers everything above each scan, then merge the
// projections pruning leaves stacked. Subquery plans inside expressions are
// optimised first, innermost out. Policy barriers (PolicyBarrier.swift) stop
// every rule that moves expressions; only leak-proof conjuncts on unmasked
// columns cross them, right after filters are pushed.

import Functions

public enum Optimizer {
    /// `context`: the statement's function context (time zone, statement time, settings);
    /// with it, session-dependent constants such as now() fold too.
    /// `skippingInapplicableRules`: false runs every rule whatever the plan holds (tests compare both).
    /// `foldingSessionConstants`: false folds no constants at all, for plans kept and run again
    /// (plan caches): a constant folded now may depend on the statement time, the session or the
    /// catalog (now(), current_user, regclass output, pg_get_userbyid) in ways that evaluating it
    /// under two made-up contexts cannot see; it is evaluated when the plan runs instead. The other
    /// rules still see `context` (disabled rules, lake_skipping).
    public static func optimize(_ plan: LogicalPlan, context: FunctionContext? = nil,
                                skippingInapplicableRules: Bool = true, foldingSessionConstants: Bool = true) -> LogicalPlan {
        // Materialised CTEs (MaterializedCTE.swift) are optimised once each, as standalone plans whose
        // every column is kept, whichever references (in the plan, its subqueries or other CTEs) read
        // them; first, so that join ordering estimates a reference from its optimised definition.
        for cte in plan.materializedCTEs where cte.optimized == nil {
            cte.optimized = optimize(cte.plan, context: context, skippingInapplicableRules: skippingInapplicableRules,
                                     foldingSessionConstants: foldingSessionConstants)
        }
        return optimizeQuery(plan, context: context, skippingInapplicableRules: skippingInapplicableRules,
                             foldingSessionConstants: foldingSessionConstants)
    }

    private static func optimizeQuery(_ plan: LogicalPlan, context: FunctionContext?,
                                      skippingInapplicableRules: Bool, foldingSessionConstants: Bool) -> LogicalPlan {
        let folding = FoldingChoice(sessionConstants: foldingSessionConstants)
        // A plan without subqueries has nothing to decorrelate or optimise inside expressions:
        // the rules then run only where the plan has what they act on (PlanShape.swift).
        if skippingInapplicableRules {
            let shape = PlanShape(plan)
            if !shape.mayNeedDecorrelation { return applyRules(plan, context: context, shape: shape, folding: folding) }
        }
        // Decorrelation looks for correlated conjuncts where the binder put them, so it runs
        // on every (sub)query before any other rule moves them.
        let decorrelated = decorrelate(plan, context: context).mapExpressions { e in
            guard case .subquery(let s, let t) = e else { return e }
            return .subquery(BoundSubquery(plan: decorrelate(s.plan, context: context), kind: s.kind, isCorrelated: s.isCorrelated, level: s.level), t)
        }
        // The closure runs for every expression: capturing the context in a box (one reference)
        // instead of the struct keeps each visit from copying its dictionaries and existentials.
        let shared = SharedContext(context)
        let nested = decorrelated.mapExpressions { e in
            guard case .subquery(let s, let t) = e else { return e }
            let optimized = applyRules(s.plan, context: shared.context, folding: folding)
            return .subquery(BoundSubquery(plan: optimized, kind: s.kind, isCorrelated: s.isCorrelated, level: s.level), t)
        }
        return applyRules(nested, context: context, folding: folding)
    }

    static func decorrelate(_ plan: LogicalPlan, context: FunctionContext? = nil) -> LogicalPlan {
        let marked = DecorrelateToMarkJoins.apply(DecorrelateSubqueries.apply(plan))
        let disabled = disabledRules(context)
        var windowed = disabled.contains("aggregatesubqueriestowindows") ? marked : AggregateSubqueriesToWindows.apply(marked)
        if !disabled.contains("grouptotalstowindows") { windowed = GroupTotalsToWindows.apply(windowed) }
        return DecorrelateScalarSubqueries.apply(windowed)
    }

    /// `shape`: what the plan holds (nil: unknown, every rule runs). No rule here adds a join,
    /// filter, limit or scan to a plan without subqueries, so a shape taken before the first
    /// rule stays true enough to skip the rules that would find nothing to do.
    /// `SET lakesql.disabled_rules = 'ReorderJoins,PushSemiJoinsBelowJoins'` skips those rules (names
    /// as the files under Rules/, any case): for comparing plans and timings with and without a rule.
    static func disabledRules(_ context: FunctionContext?) -> Set<String> {
        context?.settings["lakesql.disabled_rules"].map { list in
            Set(list.lowercased().split(separator: ",").map { $0.filter { $0 != " " } })
        } ?? []
    }

    static func applyRules(_ plan: LogicalPlan, context: FunctionContext?, shape: PlanShape? = nil,
                           folding: FoldingChoice = FoldingChoice(sessionConstants: true)) -> LogicalPlan {
        let disabled = disabledRules(context)
        let joins = shape?.hasJoin ?? true, filters = shape?.hasFilter ?? true
        let decorrelation = shape?.mayNeedDecorrelation ?? true
        var plan = plan
        func run(_ name: String, when applicable: Bool = true, _ rule: (LogicalPlan) -> LogicalPlan) {
            if applicable && (disabled.isEmpty || !disabled.contains(name.lowercased())) { plan = rule(plan) }
        }
        run("ConstantFolding", when: folding.sessionConstants) { ConstantFolding.apply($0, context: context) }
        run("SimplifyDateTimestampComparisons", SimplifyDateTimestampComparisons.apply)
        if decorrelation {
            plan = DecorrelateSubqueries.apply(plan)
            plan = DecorrelateToMarkJoins.apply(plan)
            run("AggregateSubqueriesToWindows", AggregateSubqueriesToWindows.apply)
            run("GroupTotalsToWindows", GroupTotalsToWindows.apply)
            plan = DecorrelateScalarSubqueries.apply(plan)
        }
        run("SimplifyOuterJoins", when: joins, SimplifyOuterJoins.apply)
        run("PushOuterJoinConditionsIntoInputs", when: joins, PushOuterJoinConditionsIntoInputs.apply)
        run("PushDownFilters", when: joins || filters, PushDownFilters.apply)
        if joins || filters || shape == nil { plan = PushLeakproofPredicatesThroughBarriers.apply(plan) }
        run("MarkJoinsFilteredOnTheMarkToSemiJoins", when: decorrelation, MarkJoinsFilteredOnTheMarkToSemiJoins.apply)
        run("PushSemiJoinsBelowJoins", when: joins, PushSemiJoinsBelowJoins.apply)
        run("PushDisjunctionsIntoJoinInputs", when: joins, PushDisjunctionsIntoJoinInputs.apply)
        run("ReorderJoins", when: joins, ReorderJoins.apply)
        run("BuildOuterJoinsOnTheSmallerSide", when: joins, BuildOuterJoinsOnTheSmallerSide.apply)
        run("ReduceAggregateInputs", when: joins, ReduceAggregateInputs.apply)
        run("SplitDistinctAggregates", SplitDistinctAggregates.apply)
        if shape?.hasScan ?? true {
            let skipping = context.flatMap { ScanSkipping.parse($0.settings["lake_skipping"] ?? "on") } ?? .all
            run("PushPredicatesIntoScans") { PushPredicatesIntoScans.apply($0, skipping: skipping) }
        }
        run("LimitPushdown", when: shape?.hasLimit ?? true, LimitPushdown.apply)
        run("PruneColumns", PruneColumns.apply)
        run("MergeProjections", MergeProjections.apply)
        return plan
    }
}

/// Whether ConstantFolding may fold under the statement's context (see `optimize`).
struct FoldingChoice {
    let sessionConstants: Bool
}

/// A statement's function context behind one reference, for closures that run per expression.
final class SharedContext {
    let context: FunctionContext?
    init(_ context: FunctionContext?) { self.context = context }
}
