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
    /// anywhere but its boolean result.
    public static func isLeakproof(_ e: BoundExpr) -> Bool {
        switch e {
        case .column, .literal, .unknownLiteral, .parameter: return true
        case .isNull(let x, _), .not(let x): return isLeakproof(x)
        case .and(let xs), .or(let xs): return xs.allSatisfy(isLeakproof)
        case .call(let f, let args): return f.resolution.isLeakproof && args.allSatisfy(isLeakproof)
        case .inList(let x, let items, let eq, _): return eq.resolution.isLeakproof && isLeakproof(x) && items.allSatisfy(isLeakproof)
        case .cast(let x, let t, _): return isWidening(from: x.type, to: t) && isLeakproof(x)
        default: return false
        }
    }

    /// Conversions that cannot fail for any value.
    static func isWidening(from: DataType, to: DataType) -> Bool {
        switch (from, to) {
        case (.int16, .int32), (.int16, .int64), (.int32, .int64), (.float32, .float64),
             (.int16, .float64), (.int32, .float64), (.int64, .float64), (.int16, .float32), (.int32, .float32),
             (.varchar, .text), (.char, .text), (.text, .varchar(nil)):
            return true
        case (.int16, .decimal(let p, let s)): return p - s >= 5
        case (.int32, .decimal(let p, let s)): return p - s >= 10
        case (.int64, .decimal(let p, let s)): return p - s >= 19
        default: return false
        }
    }
}
