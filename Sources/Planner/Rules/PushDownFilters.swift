// Optimizer rule: push filter conjuncts as close to the data as they can go.
// Through projections (by substituting the projected expressions), into
// both sides of inner joins and into the preserved side of left/right
// joins, and into inner-join conditions when they reference both sides —
// which turns `FROM a, b WHERE a.x = b.y` into a hash join instead of a
// filtered cross product. Conjuncts holding subqueries stay where they are:
// their correlated references are positions in the current input row.

import Columnar

public enum PushDownFilters {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(let input, let predicate):
            return push(conjuncts(predicate), into: rewrite(input))
        case .join(let l, let r, let type, let condition):
            let left = rewrite(l), right = rewrite(r)
            guard type == .inner, let condition else { return .join(left, right, type, condition: condition) }
            // Single-side conjuncts of an inner join's ON clause filter that side first.
            return pushIntoInnerJoin(conjuncts(condition), left, right)
        default:
            return plan.mapInputs(rewrite)
        }
    }

    static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let terms) = e { return terms.flatMap(conjuncts) }
        if case .literal(.bool(true), _) = e { return [] }
        if case .or = e { return factorOr(e) }
        return [e]
    }

    /// `(a AND b) OR (a AND c)` is `a AND (b OR c)`: conjuncts common to every
    /// branch of an OR come out of it, so a join key repeated in each branch
    /// (TPC-H Q19) can drive a hash join.
    static func factorOr(_ e: BoundExpr) -> [BoundExpr] {
        guard case .or(let branches) = e, branches.count > 1 else { return [e] }
        let branchTerms = branches.map { b -> [BoundExpr] in
            if case .and(let ts) = b { return ts.flatMap(conjuncts) }
            return [b]
        }
        let first = branchTerms[0]
        let common = first.filter { c in
            let fp = c.fingerprint
            return branchTerms.dropFirst().allSatisfy { ts in ts.contains { $0.fingerprint == fp } }
        }
        guard !common.isEmpty else { return [e] }
        let commonFPs = Set(common.map(\.fingerprint))
        var rests: [BoundExpr] = []
        for ts in branchTerms {
            let rest = ts.filter { !commonFPs.contains($0.fingerprint) }
            // A branch left with nothing is TRUE, and so is the whole OR.
            guard let r = conjunction(rest) else { return common }
            rests.append(r)
        }
        return common + [.or(rests)]
    }

    static func conjunction(_ es: [BoundExpr]) -> BoundExpr? {
        es.isEmpty ? nil : (es.count == 1 ? es[0] : .and(es))
    }

    private static func movable(_ e: BoundExpr) -> Bool {
        !e.contains {
            switch $0 {
            case .subquery, .aggregate, .window, .grouping: return true
            case .call(let f, _): return f.resolution.isVolatile
            default: return false
            }
        }
    }

    private static func filtered(_ plan: LogicalPlan, _ es: [BoundExpr]) -> LogicalPlan {
        guard let c = conjunction(es) else { return plan }
        return .filter(plan, c)
    }

    private static func push(_ es: [BoundExpr], into plan: LogicalPlan) -> LogicalPlan {
        if es.isEmpty { return plan }
        let fixed = es.filter { !movable($0) }
        let free = es.filter(movable)
        if free.isEmpty { return filtered(plan, es) }
        switch plan {
        case .filter(let input, let p):
            return push(es + conjuncts(p), into: input)
        case .project(let input, let exprs, let fields):
            let substituted = free.map { substitute($0, exprs) }
            let below = push(substituted, into: input)
            return filtered(.project(below, exprs, fields: fields), fixed)
        case .join(let l, let r, let type, let condition):
            let nl = l.fields.count
            switch type {
            case .inner:
                return filtered(pushIntoInnerJoin(free + (condition.map(conjuncts) ?? []), l, r), fixed)
            case .left, .semi, .anti:
                let (leftOnly, rest) = split(free) { cols in cols.allSatisfy { $0 < nl } }
                return filtered(.join(push(leftOnly, into: l), r, type, condition: condition), fixed + rest)
            case .right:
                let (rightOnly, rest) = split(free) { cols in !cols.isEmpty && cols.allSatisfy { $0 >= nl } }
                return filtered(.join(l, push(rightOnly.map { shift($0, -nl) }, into: r), type, condition: condition), fixed + rest)
            case .full:
                return filtered(plan, es)
            }
        case .markJoin(let l, let r, let condition, let test):
            // The left rows pass through one for one; only a test of the mark itself must wait for the join.
            let nl = l.fields.count
            let (leftOnly, rest) = split(free) { cols in cols.allSatisfy { $0 < nl } }
            return filtered(.markJoin(push(leftOnly, into: l), r, condition: condition, test: test), fixed + rest)
        default:
            return filtered(plan, es)
        }
    }

    private static func pushIntoInnerJoin(_ es: [BoundExpr], _ l: LogicalPlan, _ r: LogicalPlan) -> LogicalPlan {
        let nl = l.fields.count
        var leftOnly: [BoundExpr] = [], rightOnly: [BoundExpr] = [], both: [BoundExpr] = []
        for e in es {
            let cols = e.referencedColumns
            if !movable(e) { both.append(e); continue }
            if cols.allSatisfy({ $0 < nl }) { leftOnly.append(e) }
            else if cols.allSatisfy({ $0 >= nl }) { rightOnly.append(shift(e, -nl)) }
            else { both.append(e) }
        }
        return .join(push(leftOnly, into: l), push(rightOnly, into: r), .inner, condition: conjunction(both))
    }

    private static func split(_ es: [BoundExpr], _ pred: (Set<Int>) -> Bool) -> ([BoundExpr], [BoundExpr]) {
        var yes: [BoundExpr] = [], no: [BoundExpr] = []
        for e in es { if pred(e.referencedColumns) { yes.append(e) } else { no.append(e) } }
        return (yes, no)
    }

    static func shift(_ e: BoundExpr, _ delta: Int) -> BoundExpr {
        if case .column(let i, let t) = e { return .column(i + delta, t) }
        return e.mapChildren { shift($0, delta) }
    }

    static func substitute(_ e: BoundExpr, _ exprs: [BoundExpr]) -> BoundExpr {
        if case .column(let i, _) = e, i < exprs.count { return exprs[i] }
        return e.mapChildren { substitute($0, exprs) }
    }
}

extension LogicalPlan {
    /// The same node over rewritten inputs.
    public func mapInputs(_ f: (LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        switch self {
        case .scan, .values, .workTable, .cteScan: return self
        case .filter(let p, let e): return .filter(f(p), e)
        case .project(let p, let es, let fs): return .project(f(p), es, fields: fs)
        case .aggregate(let a):
            return .aggregate(AggregateNode(input: f(a.input), groupKeys: a.groupKeys, groupingSets: a.groupingSets,
                                            aggregates: a.aggregates, fields: a.fields))
        case .join(let l, let r, let t, let c): return .join(f(l), f(r), t, condition: c)
        case .dependentJoin(let l, let r, let t, let c, let level): return .dependentJoin(f(l), r, t, condition: c, level: level)
        case .markJoin(let l, let r, let c, let test): return .markJoin(f(l), f(r), condition: c, test: test)
        case .sort(let p, let k): return .sort(f(p), k)
        case .limit(let p, let l, let o): return .limit(f(p), limit: l, offset: o)
        case .distinct(let p): return .distinct(f(p))
        case .distinctOn(let p, let k): return .distinctOn(f(p), keys: k)
        case .window(let p, let fns): return .window(f(p), fns)
        case .setOperation(let op, let all, let l, let r, let fs): return .setOperation(op, all: all, f(l), f(r), fields: fs)
        case .recursiveCTE(let id, let a, let r, let all, let fs): return .recursiveCTE(id: id, anchor: f(a), recursive: f(r), unionAll: all, fields: fs)
        case .barrier(let p, let b): return .barrier(f(p), b)
        }
    }
}
