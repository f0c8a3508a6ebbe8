// Optimizer rule: an uncorrelated scalar subquery in HAVING that aggregates,
// without GROUP BY, the same rows the query groups becomes a window over the
// groups, so those rows are read and joined once.
//   SELECT ps_partkey, sum(ps_supplycost * ps_availqty) FROM partsupp, supplier, nation
//   WHERE <German suppliers> GROUP BY ps_partkey
//   HAVING sum(ps_supplycost * ps_availqty) > (SELECT sum(ps_supplycost * ps_availqty) * 0.0001
//                                              FROM partsupp, supplier, nation WHERE <German suppliers>)
//   → the groups with sum(#sum) OVER () appended, filtered on #sum > that * 0.0001      (TPC-H Q11)
// The subquery's relations must be the grouped query's, table for table (each
// read once on each side), under exactly the same conditions; then its rows
// are the grouped rows, and each of its aggregates follows from the groups'
// own: a total sum of exact numbers is the sum of the groups' sums, a count
// the sum of their counts, a min/max the min/max of theirs. Every group of
// a non-empty input exists (NULL keys form one), and an empty input leaves
// no group for HAVING to test, so the subquery's value over no rows never
// matters. Sums of floats (their rounding depends on the order of
// additions), other aggregates, DISTINCT, FILTER, grouping sets, barriers,
// outer or semi joins and pushed scan predicates keep the subquery.

import Columnar
import Functions

public enum GroupTotalsToWindows {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(apply)
        guard case .filter(let input, let predicate) = plan, case .aggregate(let grouped) = input,
              !grouped.groupKeys.isEmpty, grouped.groupingSets == nil else { return plan }
        var subqueries: [BoundSubquery] = []
        predicate.forEach { e in
            if case .subquery(let s, _) = e, case .scalar = s.kind, !s.isCorrelated, !subqueries.contains(where: { $0 === s }) {
                subqueries.append(s)
            }
        }
        for s in subqueries {
            if let rewritten = windowed(s, grouped: grouped, predicate: predicate) { return rewritten }
        }
        return plan
    }

    private static func windowed(_ s: BoundSubquery, grouped: AggregateNode, predicate: BoundExpr) -> LogicalPlan? {
        var plan = s.plan
        var top: [BoundExpr] = plan.fields.enumerated().map { .column($0.offset, $0.element.type) }
        while case .project(let below, let exprs, _) = plan {
            top = top.map { PushDownFilters.substitute($0, exprs) }
            plan = below
        }
        guard top.count == 1, AggregateSubqueriesToWindows.clean(top[0]),
              case .aggregate(let total) = plan, total.groupKeys.isEmpty, total.groupingSets == nil, !total.aggregates.isEmpty,
              let innerPeeled = DecorrelateSubqueries.peel(total.input), let outerPeeled = DecorrelateSubqueries.peel(grouped.input),
              let inner = AggregateSubqueriesToWindows.FlatJoin(innerPeeled.base),
              let outer = AggregateSubqueriesToWindows.FlatJoin(outerPeeled.base),
              inner.leaves.count == outer.leaves.count,
              let (columnMap, _) = AggregateSubqueriesToWindows.mapping(inner: inner, outer: outer) else { return nil }
        func toOuter(_ e: BoundExpr) -> BoundExpr { PushDownFilters.substitute(e, columnMap) }

        // The same conditions on both sides.
        let innerConjuncts = inner.conjuncts + innerPeeled.conjuncts
        let outerConjuncts = outer.conjuncts + outerPeeled.conjuncts
        guard (innerConjuncts + outerConjuncts).allSatisfy(AggregateSubqueriesToWindows.clean),
              Set(innerConjuncts.map { AggregateSubqueriesToWindows.identity(toOuter($0)) })
                == Set(outerConjuncts.map(AggregateSubqueriesToWindows.identity)) else { return nil }

        // Each total from one of the groups' aggregates, over its output column.
        let keyCount = grouped.groupKeys.count
        func call(_ a: BoundAggregate, _ restate: (BoundExpr) -> BoundExpr) -> String? {
            guard a.filter == nil, a.orderBy.isEmpty, !a.distinct else { return nil }
            let arguments = a.arguments.map(restate)
            guard arguments.allSatisfy(AggregateSubqueriesToWindows.clean) else { return nil }
            return "\(a.name)(\(a.isStar ? "*" : arguments.map(\.fingerprint).joined(separator: ",")))"
        }
        let groupCalls = grouped.aggregates.map { call($0) { PushDownFilters.substitute($0, outerPeeled.outputs) } }
        var functions: [BoundWindowFunction] = []
        for a in total.aggregates {
            guard let wanted = call(a, { toOuter(PushDownFilters.substitute($0, innerPeeled.outputs)) }),
                  let k = groupCalls.firstIndex(where: { $0 == wanted }) else { return nil }
            let partial = grouped.aggregates[k]
            let column = BoundExpr.column(keyCount + k, partial.returnType)
            let resolution: AggregateResolution
            switch a.name {
            case "count":
                resolution = PartialCounts.sumResolution
            case "sum":
                guard partial.arguments.count == 1, !partial.arguments[0].type.isFloat, !partial.returnType.isFloat,
                      let r = try? FunctionRegistry.shared.aggregate("sum")?.resolve([partial.returnType], []) else { return nil }
                resolution = r
            case "min", "max":
                guard let r = try? FunctionRegistry.shared.aggregate(a.name)?.resolve([partial.returnType], []) else { return nil }
                resolution = r
            default:
                return nil
            }
            guard resolution.returnType == a.returnType else { return nil }
            let over = BoundAggregate(name: a.name == "count" ? "sum_of_counts" : a.name, resolution: resolution, arguments: [column],
                                      distinct: false, filter: nil, orderBy: [], isStar: false)
            functions.append(BoundWindowFunction(name: over.name, kind: .aggregate(over), arguments: [column], partitionBy: [],
                                                 orderBy: [], frame: nil, ignoreNulls: false, returnType: a.returnType,
                                                 keepsInputOrder: true))
        }
        let width = grouped.fields.count
        let value = PushDownFilters.substitute(top[0], functions.enumerated().map { .column(width + $0.offset, $0.element.returnType) })
        func replaced(_ e: BoundExpr) -> BoundExpr {
            if case .subquery(let t, _) = e, t === s { return value }
            return e.mapChildren(replaced)
        }
        let filtered = LogicalPlan.filter(.window(.aggregate(grouped), functions), replaced(predicate))
        return .project(filtered, grouped.fields.enumerated().map { .column($0.offset, $0.element.type) }, fields: grouped.fields)
    }
}
