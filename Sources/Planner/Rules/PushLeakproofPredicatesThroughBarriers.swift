// Optimizer rule: move the leak-proof conjuncts of a filter sitting on a
// policy barrier below it, so that they reach the scan (and its statistics-
// based skipping) even though the barrier stops every other rule.
//
// Before:  Filter (#0 = 7 AND (#1 || 'x') = 'yx')     After:  Filter ((#1 || 'x') = 'yx')
//            Barrier                                            Barrier
//              Project #0, mask(#1)                               Project #0, mask(#1)
//                Filter policy(#2)                                  Filter (#0 = 7 AND policy(#2))
//                  Scan                                               Scan
//
// A conjunct moves only when it can neither raise an error nor echo a value
// (comparisons, IS NULL, AND/OR/NOT over them, non-failing widening casts,
// literals) — it then runs on rows the row policy will hide, which reveals
// nothing — and when it reads only columns the barrier passes through
// unmasked: a predicate on a masked column must see the masked value, and
// a scan predicate on it would skip by the raw value's statistics.
// Runs after PushDownFilters, which has put user filters on the barriers.

import Columnar

public enum PushLeakproofPredicatesThroughBarriers {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        guard case .filter(.barrier(let input, let barrier), let predicate) = plan else { return plan.mapInputs(rewrite) }
        let unmasked = passThrough(input)
        var moved: [BoundExpr] = [], kept: [BoundExpr] = []
        for c in PushDownFilters.conjuncts(predicate) {
            if isLeakproof(c), c.referencedColumns.allSatisfy({ unmasked[$0] != nil }) { moved.append(c) } else { kept.append(c) }
        }
        guard !moved.isEmpty else { return plan.mapInputs(rewrite) }
        let below: LogicalPlan
        if case .project(let source, let exprs, let fields) = input {
            let restated = moved.map { PushDownFilters.substitute($0, exprs) }
            below = .project(PushDownFilters.apply(.filter(source, conjunction(restated))), exprs, fields: fields)
        } else {
            below = PushDownFilters.apply(.filter(input, conjunction(moved)))
        }
        let secured = LogicalPlan.barrier(rewrite(below), barrier)
        return kept.isEmpty ? secured : .filter(secured, conjunction(kept))
    }

    private static func conjunction(_ es: [BoundExpr]) -> BoundExpr { es.count == 1 ? es[0] : .and(es) }

    /// For each output column of the barrier's input, the column below the masks it passes
    /// through unchanged (nil: masked or computed).
    static func passThrough(_ input: LogicalPlan) -> [Int: Int] {
        var map: [Int: Int] = [:]
        if case .project(_, let exprs, _) = input {
            for (i, e) in exprs.enumerated() { if case .column(let j, _) = e { map[i] = j } }
        } else {
            for i in input.fields.indices { map[i] = i }
        }
        return map
    }

    /// True when evaluating `e` on any row can neither raise an error nor put a value
    /// anywhere but its boolean result (the shared classification in ErrorFreeExpressions).
    public static func isLeakproof(_ e: BoundExpr) -> Bool {
        ErrorFreeExpressions.isErrorFree(e, mode: .leakproof)
    }
}
