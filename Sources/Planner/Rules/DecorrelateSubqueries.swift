// Optimizer rule: turn WHERE-clause subqueries that would run once per
// outer row into joins that run once.
//   EXISTS (SELECT … FROM t WHERE t.x = outer.y AND p)  → semi join on x = y over t filtered by p
//   NOT EXISTS (…)                                    → anti join, same shape
//   x IN (SELECT y FROM t WHERE t.z = outer.w AND p)   → semi join on x = y AND z = w
//   x IN (uncorrelated SELECT y …)                    → semi join on x = y
//   x = ANY (…)                                       → as x IN (…)
//   x NOT IN (uncorrelated SELECT y …)                → anti join, only when neither x nor y can be
//                                                        NULL (a NULL would make NOT IN unknown)
// A correlated subquery qualifies only when its plan is filters and
// projections over a subtree that references nothing outside it, and at
// least one conjunct mentioning the outer row is an equality between an
// outer-only and an inner-only expression (the hash key); other correlated
// conjuncts become the join's residual condition. Anything else keeps the
// per-row evaluation.

import Columnar
import Functions

public enum DecorrelateSubqueries {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        guard case .filter(let input, let predicate) = plan else { return plan }
        var current = input
        var remaining: [BoundExpr] = []
        for c in PushDownFilters.conjuncts(predicate) {
            // A semi or anti join outputs exactly its left input's columns, so the
            // conjuncts that stay (and any correlated subqueries in them) read the same row.
            if let joined = decorrelate(c, over: current) { current = joined } else { remaining.append(c) }
        }
        guard let rest = PushDownFilters.conjunction(remaining) else { return current }
        return .filter(current, rest)
    }

    private static func decorrelate(_ conjunct: BoundExpr, over input: LogicalPlan) -> LogicalPlan? {
        switch conjunct {
        case .subquery(let s, _):
            switch s.kind {
            case .exists:
                return s.isCorrelated ? correlatedJoin(s, probe: nil, input, type: .semi) : nil
            case .inList(let x, let negated):
                if s.isCorrelated { return negated ? nil : correlatedJoin(s, probe: x, input, type: .semi) }
                return uncorrelatedIn(s, probe: x, negated: negated, input)
            case .quantified(let x, let f, all: false) where f.name == "=":
                // x = ANY (subquery) is x IN (subquery).
                if s.isCorrelated { return correlatedJoin(s, probe: x, input, type: .semi) }
                return uncorrelatedIn(s, probe: x, negated: false, input)
            default:
                return nil
            }
        case .not(.subquery(let s, _)):
            if case .exists = s.kind, s.isCorrelated { return correlatedJoin(s, probe: nil, input, type: .anti) }
            return nil
        default:
            return nil
        }
    }

    // MARK: Uncorrelated IN

    private static func uncorrelatedIn(_ s: BoundSubquery, probe x: BoundExpr, negated: Bool, _ input: LogicalPlan) -> LogicalPlan? {
        let fields = s.plan.fields
        guard fields.count == 1, readsOnlyInput(x), x.type == fields[0].type, let eq = equality(x.type) else { return nil }
        if negated {
            guard case .column(let i, _) = x, cannotBeNull(input, i), cannotBeNull(s.plan, 0) else { return nil }
        }
        let nl = input.fields.count
        let condition = BoundExpr.call(eq, [x, .column(nl, fields[0].type)])
        return .join(input, s.plan, negated ? .anti : .semi, condition: condition)
    }

    /// True when column `i` of the plan's output is provably never NULL: a NOT NULL table
    /// column passed up unchanged (projections record every output as nullable).
    static func cannotBeNull(_ plan: LogicalPlan, _ i: Int) -> Bool {
        let fields = plan.fields
        guard i >= 0, i < fields.count else { return false }
        if !fields[i].nullable { return true }
        switch plan {
        case .project(let input, let exprs, _):
            if i < exprs.count, case .column(let j, _) = exprs[i] { return cannotBeNull(input, j) }
            return false
        case .filter(let input, _), .sort(let input, _), .limit(let input, _, _), .distinct(let input), .distinctOn(let input, _):
            return cannotBeNull(input, i)
        case .join(let l, _, .inner, _), .join(let l, _, .semi, _), .join(let l, _, .anti, _), .join(let l, _, .left, _):
            return i < l.fields.count && cannotBeNull(l, i)
        default:
            return false
        }
    }

    // MARK: Correlated EXISTS / IN

    private static func correlatedJoin(_ s: BoundSubquery, probe: BoundExpr?, _ input: LogicalPlan, type: JoinType) -> LogicalPlan? {
        let nl = input.fields.count
        guard let c = correlation(membershipPlan(s.plan, exists: probe == nil), level: s.level, leftWidth: nl) else { return nil }
        // Without an equality the join could not hash, and would be no faster than the subquery.
        guard !c.keys.isEmpty else { return nil }
        var conditions = c.keys + c.residual
        if let probe {
            guard c.outputs.count == 1, readsOnlyInput(probe), probe.type == c.outputs[0].type,
                  let eq = equality(probe.type) else { return nil }
            conditions.insert(.call(eq, [probe, PushDownFilters.shift(c.outputs[0], nl)]), at: 0)
        }
        return .join(input, c.right, type, condition: PushDownFilters.conjunction(conditions))
    }

    /// The subquery plan without what cannot change whether a row exists or matches:
    /// DISTINCT, and for EXISTS a LIMIT of at least one row.
    static func membershipPlan(_ plan: LogicalPlan, exists: Bool) -> LogicalPlan {
        var plan = plan
        while true {
            if case .distinct(let p) = plan { plan = p; continue }
            if exists, case .limit(let p, let limit, 0) = plan, limit.map({ $0 > 0 }) ?? true { plan = p; continue }
            return plan
        }
    }

    /// A correlated subquery re-expressed as the right input of a join with the rows it is
    /// evaluated for (`leftWidth` columns wide).
    struct Correlation {
        /// The subquery's self-contained base, filtered by its uncorrelated conjuncts.
        var right: LogicalPlan
        /// `outer = inner` conjuncts over the joined row (left columns, then `right`'s): hash keys.
        var keys: [BoundExpr]
        /// The other correlated conjuncts, over the joined row.
        var residual: [BoundExpr]
        /// The subquery's output expressions over `right`.
        var outputs: [BoundExpr]
    }

    static func correlation(_ plan: LogicalPlan, level: Int, leftWidth nl: Int) -> Correlation? {
        guard let peeled = peel(plan) else { return nil }
        var keys: [BoundExpr] = []
        var residual: [BoundExpr] = []
        var innerConjuncts: [BoundExpr] = []
        for c in peeled.conjuncts {
            if !c.contains(where: isOuter) { innerConjuncts.append(c); continue }
            if case .call(let f, let args) = c, f.name == "=", args.count == 2, args[0].type == args[1].type {
                var sides: (outer: BoundExpr, inner: BoundExpr)? = nil
                if isOuterOnly(args[0], level: level), readsOnlyInput(args[1]) { sides = (args[0], args[1]) }
                else if isOuterOnly(args[1], level: level), readsOnlyInput(args[0]) { sides = (args[1], args[0]) }
                if let sides, let left = outerToInput(sides.outer, width: nl) {
                    keys.append(.call(f, [left, PushDownFilters.shift(sides.inner, nl)]))
                    continue
                }
            }
            // Any other correlated conjunct (o.x <> outer.y) is checked on the matching pairs.
            guard !c.contains(where: { isSubquery($0) || isVolatile($0) }), readsOnlyLevel(c, level),
                  let pairCondition = outerToInput(PushDownFilters.shift(c, nl), width: nl) else { return nil }
            residual.append(pairCondition)
        }
        var right = peeled.base
        if let p = PushDownFilters.conjunction(innerConjuncts) { right = .filter(right, p) }
        return Correlation(right: right, keys: keys, residual: residual, outputs: peeled.outputs)
    }

    /// A subquery plan as filter conjuncts and output expressions over a self-contained base.
    struct Peeled {
        var base: LogicalPlan
        var conjuncts: [BoundExpr]
        var outputs: [BoundExpr]
    }

    static func peel(_ plan: LogicalPlan) -> Peeled? {
        switch plan {
        case .project(let input, let exprs, _):
            guard var p = peel(input) else { return nil }
            for e in exprs where e.contains(where: { isOuter($0) || isSubquery($0) || isVolatile($0) }) { return nil }
            p.outputs = exprs.map { PushDownFilters.substitute($0, p.outputs) }
            return p
        case .filter(let input, let predicate):
            guard var p = peel(input) else { return nil }
            if predicate.contains(where: isSubquery) { return nil }
            p.conjuncts += PushDownFilters.conjuncts(predicate).map { PushDownFilters.substitute($0, p.outputs) }
            return p
        default:
            guard isSelfContained(plan) else { return nil }
            return Peeled(base: plan, conjuncts: [], outputs: plan.fields.enumerated().map { .column($0.offset, $0.element.type) })
        }
    }

    /// No outer references, subqueries or per-row re-evaluation anywhere in the subtree.
    private static func isSelfContained(_ plan: LogicalPlan) -> Bool {
        switch plan {
        case .dependentJoin, .recursiveCTE, .workTable: return false
        default: break
        }
        for e in plan.ownExpressions where e.contains(where: { isOuter($0) || isSubquery($0) }) { return false }
        return plan.inputs.allSatisfy(isSelfContained)
    }

    static func isOuter(_ e: BoundExpr) -> Bool {
        if case .outerColumn = e { return true }
        return false
    }

    static func isSubquery(_ e: BoundExpr) -> Bool {
        if case .subquery = e { return true }
        return false
    }

    static func isVolatile(_ e: BoundExpr) -> Bool {
        if case .call(let f, _) = e { return f.resolution.isVolatile }
        return false
    }

    /// Reads the operator's own input only (no outer row, no subquery).
    static func readsOnlyInput(_ e: BoundExpr) -> Bool {
        !e.contains { isOuter($0) || isSubquery($0) }
    }

    /// Reads only the outer row at `level`, and does read it.
    static func isOuterOnly(_ e: BoundExpr, level: Int) -> Bool {
        var readsOuter = false, other = false
        e.forEach {
            switch $0 {
            case .outerColumn(let l, _, _): if l == level { readsOuter = true } else { other = true }
            case .column, .subquery, .aggregate, .window, .grouping: other = true
            case .call(let f, _): if f.resolution.isVolatile { other = true }
            default: break
            }
        }
        return readsOuter && !other
    }

    /// Every outer reference in `e` is to the row at `level`.
    private static func readsOnlyLevel(_ e: BoundExpr, _ level: Int) -> Bool {
        !e.contains { if case .outerColumn(let l, _, _) = $0 { return l != level }; return false }
    }

    /// The outer-row expression re-expressed over the join's left input.
    static func outerToInput(_ e: BoundExpr, width: Int) -> BoundExpr? {
        var ok = true
        func convert(_ e: BoundExpr) -> BoundExpr {
            if case .outerColumn(_, let i, let t) = e {
                if i < 0 || i >= width { ok = false }
                return .column(i, t)
            }
            return e.mapChildren(convert)
        }
        let converted = convert(e)
        return ok ? converted : nil
    }

    /// The `=` operator for two values of one type, when it takes them without casts.
    static func equality(_ type: DataType) -> BoundFunction? {
        guard let fn = FunctionRegistry.shared.scalar("="),
              let resolution = try? fn.resolve([type, type], [false, false]),
              resolution.argumentTypes == [type, type] else { return nil }
        return BoundFunction(name: "=", resolution: resolution)
    }
}
