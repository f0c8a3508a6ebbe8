// Optimizer rule: turn correlated scalar subqueries that aggregate into a
// grouped left join computed once, instead of one subquery run per row.
//   WHERE x < (SELECT 0.2 * avg(q) FROM t WHERE t.k = outer.k AND p)
//   → left join (SELECT k, avg(q) FROM t WHERE p GROUP BY k) ON outer.k = k,
//     the subquery replaced by 0.2 * the joined column (a projection drops it after).
// Grouping by the correlation keys gives each outer row at most one match,
// so the join neither duplicates nor drops rows. An outer row without a
// match sees NULL aggregates, which is what the subquery computes over no
// rows for sum, avg, min and max; count becomes COALESCE(count, 0); other
// aggregates keep the per-row evaluation. The subquery's expression over
// its aggregates is evaluated above the join for the same reason. Applies
// to filters and to projections (select lists); every correlated conjunct
// must be an equality between an outer-only and an inner-only expression.

import Columnar

public enum DecorrelateScalarSubqueries {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    /// Aggregates whose value over no rows is NULL.
    private static let nullOnEmpty: Set<String> = ["sum", "avg", "min", "max"]

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        switch plan {
        case .filter(let input, let predicate):
            var current = input
            let replaced = replaceSubqueries(in: [predicate], over: &current)
            guard current.fields.count > input.fields.count else { return plan }
            // The appended columns are dropped again so the filter's output is unchanged.
            let keep: [BoundExpr] = input.fields.enumerated().map { .column($0.offset, $0.element.type) }
            return .project(.filter(current, replaced[0]), keep, fields: input.fields)
        case .project(let input, let exprs, let fields):
            var current = input
            let replaced = replaceSubqueries(in: exprs, over: &current)
            guard current.fields.count > input.fields.count else { return plan }
            return .project(current, replaced, fields: fields)
        default:
            return plan
        }
    }

    /// Replaces each qualifying subquery by an expression over a left join appended to
    /// `current`. Columns of `current` keep their positions, so other correlated
    /// subqueries still read the same outer row.
    private static func replaceSubqueries(in exprs: [BoundExpr], over current: inout LogicalPlan) -> [BoundExpr] {
        var done: [ObjectIdentifier: BoundExpr] = [:]
        func visit(_ e: BoundExpr) -> BoundExpr {
            if case .subquery(let s, let type) = e, case .scalar = s.kind, s.isCorrelated {
                if let value = done[ObjectIdentifier(s)] { return value }
                if let (joined, value) = groupedJoin(s, type: type, over: current) {
                    current = joined
                    done[ObjectIdentifier(s)] = value
                    return value
                }
                return e
            }
            return e.mapChildren(visit)
        }
        return exprs.map(visit)
    }

    /// The join and the expression over its output that stands for the subquery's value.
    private static func groupedJoin(_ s: BoundSubquery, type: DataType, over input: LogicalPlan) -> (LogicalPlan, BoundExpr)? {
        // Projections over the aggregate compose into one list of expressions over its output.
        var plan = s.plan
        var top: [BoundExpr] = plan.fields.enumerated().map { .column($0.offset, $0.element.type) }
        while case .project(let below, let exprs, _) = plan {
            top = top.map { PushDownFilters.substitute($0, exprs) }
            plan = below
        }
        guard top.count == 1, top[0].type == type,
              !top[0].contains(where: { DecorrelateSubqueries.isOuter($0) || DecorrelateSubqueries.isSubquery($0) || DecorrelateSubqueries.isVolatile($0) }),
              case .aggregate(let agg) = plan, agg.groupKeys.isEmpty, agg.groupingSets == nil,
              !agg.aggregates.isEmpty, agg.aggregates.allSatisfy({ nullOnEmpty.contains($0.name) || isCount($0) }),
              let peeled = DecorrelateSubqueries.peel(agg.input) else { return nil }

        let nl = input.fields.count
        var outerKeys: [(BoundFunction, BoundExpr)] = []
        var innerKeys: [BoundExpr] = []
        var innerConjuncts: [BoundExpr] = []
        for c in peeled.conjuncts {
            if !c.contains(where: DecorrelateSubqueries.isOuter) { innerConjuncts.append(c); continue }
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2, args[0].type == args[1].type else { return nil }
            let outerSide: BoundExpr, innerSide: BoundExpr
            if DecorrelateSubqueries.isOuterOnly(args[0], level: s.level), DecorrelateSubqueries.readsOnlyInput(args[1]) {
                (outerSide, innerSide) = (args[0], args[1])
            } else if DecorrelateSubqueries.isOuterOnly(args[1], level: s.level), DecorrelateSubqueries.readsOnlyInput(args[0]) {
                (outerSide, innerSide) = (args[1], args[0])
            } else { return nil }
            guard let left = DecorrelateSubqueries.outerToInput(outerSide, width: nl) else { return nil }
            outerKeys.append((f, left))
            innerKeys.append(innerSide)
        }
        guard !innerKeys.isEmpty else { return nil }
        // Aggregate arguments read the aggregate's input; restate them over the peeled base.
        func overBase(_ e: BoundExpr) -> BoundExpr { PushDownFilters.substitute(e, peeled.outputs) }
        for a in agg.aggregates {
            for e in a.arguments + (a.filter.map { [$0] } ?? []) + a.orderBy.map(\.expr)
            where overBase(e).contains(where: { DecorrelateSubqueries.isOuter($0) || DecorrelateSubqueries.isSubquery($0) }) { return nil }
        }
        let aggregates = agg.aggregates.map { a in
            BoundAggregate(name: a.name, resolution: a.resolution, arguments: a.arguments.map(overBase), distinct: a.distinct,
                           filter: a.filter.map(overBase),
                           orderBy: a.orderBy.map { SortKey(expr: overBase($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) },
                           isStar: a.isStar)
        }
        var base = peeled.base
        if let p = PushDownFilters.conjunction(innerConjuncts) { base = .filter(base, p) }
        let k = innerKeys.count
        let grouped = AggregateNode(input: base, groupKeys: innerKeys, groupingSets: nil, aggregates: aggregates,
                                    fields: innerKeys.map { Field(name: "key", type: $0.type) } + agg.fields)
        let right = LogicalPlan.aggregate(grouped)
        let condition = outerKeys.enumerated().map { i, key in
            BoundExpr.call(key.0, [key.1, .column(nl + i, innerKeys[i].type)])
        }
        guard let joinCondition = PushDownFilters.conjunction(condition) else { return nil }
        // The subquery's own expression over its aggregates is evaluated above the join, so an
        // unmatched row computes it from NULL aggregates exactly as the subquery would over no
        // rows (where count gives 0).
        let aggregateColumns: [BoundExpr] = agg.aggregates.enumerated().map { i, a in
            let column = BoundExpr.column(nl + k + i, a.returnType)
            return isCount(a) ? .coalesce([column, .literal(.int(0), a.returnType)], a.returnType) : column
        }
        return (.join(input, right, .left, condition: joinCondition), PushDownFilters.substitute(top[0], aggregateColumns))
    }

    private static func isCount(_ a: BoundAggregate) -> Bool {
        a.name == "count" && a.returnType == .int64
    }
}
