// Optimizer rule: EXISTS / IN / NOT IN / = ANY / <> ALL subqueries that are
// not plain conjuncts of a WHERE (those become semi and anti joins in
// DecorrelateSubqueries) — under OR or NOT, inside CASE, as select-list
// values — become mark joins, so the subquery runs once instead of once per
// row:
//   SELECT x IN (SELECT y FROM t WHERE t.k = outer.k) FROM o
//   → Project #mark  over  Mark Join mark x IN y on outer.k = t.k
//   WHERE EXISTS (… t.k = outer.k …) OR b > 3
//   → Filter (#mark OR b > 3)  over  Mark Join on outer.k = t.k
// The mark column is appended after the input's columns, so the other
// expressions (and correlated subqueries left in them) read the same row;
// a projection drops it again above a filter. IN keeps its three-valued
// answer in the mark (NULL when nothing matches but a comparison was
// NULL), so NOT IN is NOT mark and x <> ALL (…) is NOT (x = ANY (…)).
// Correlation must take the shape DecorrelateSubqueries accepts (filters
// and projections over a self-contained subtree, correlated conjuncts of
// the current row only); a correlated EXISTS needs an outer = inner
// equality to hash on. Uncorrelated EXISTS is computed once already and is
// left alone.

import Columnar

public enum DecorrelateToMarkJoins {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        switch plan {
        case .filter(let input, let predicate):
            // Each conjunct on its own: those without subqueries are pushed below the join, so a probe
            // never sees the rows an earlier conjunct (a <> 0 AND 10 / a IN …) rejects.
            var current = input
            let replaced = replaceSubqueries(in: PushDownFilters.conjuncts(predicate), over: &current)
            guard current.fields.count > input.fields.count, let rest = PushDownFilters.conjunction(replaced) else { return plan }
            let keep: [BoundExpr] = input.fields.enumerated().map { .column($0.offset, $0.element.type) }
            return .project(.filter(current, rest), keep, fields: input.fields)
        case .project(let input, let exprs, let fields):
            var current = input
            let replaced = replaceSubqueries(in: exprs, over: &current)
            guard current.fields.count > input.fields.count else { return plan }
            return .project(current, replaced, fields: fields)
        default:
            return plan
        }
    }

    /// Replaces each qualifying subquery by its mark (or NOT mark) over a mark join appended to `current`.
    /// A mark join evaluates the IN probe for every row. Where the expression evaluates it only for some
    /// rows (a CASE branch, a later COALESCE/AND/OR operand), a probe that could fail (10 / a) would raise
    /// an error the rows skipping it never would: there only a column or a constant may be the probe.
    private static func replaceSubqueries(in exprs: [BoundExpr], over current: inout LogicalPlan) -> [BoundExpr] {
        var done: [ObjectIdentifier: BoundExpr] = [:]
        func visit(_ e: BoundExpr, _ conditional: Bool) -> BoundExpr {
            switch e {
            case .subquery(let s, _):
                if let value = done[ObjectIdentifier(s)] { return value }
                if !conditional || probeCannotFail(s), let (joined, value) = markJoin(s, over: current) {
                    current = joined
                    done[ObjectIdentifier(s)] = value
                    return value
                }
                return e.mapChildren { visit($0, conditional) }
            case .caseWhen(let whens, let otherwise, let t):
                let mapped = whens.enumerated().map { i, w in (visit(w.0, conditional || i > 0), visit(w.1, true)) }
                return .caseWhen(mapped, elseResult: otherwise.map { visit($0, true) }, t)
            case .coalesce(let args, let t):
                return .coalesce(args.enumerated().map { visit($1, conditional || $0 > 0) }, t)
            case .and(let terms):
                return .and(terms.enumerated().map { visit($1, conditional || $0 > 0) })
            case .or(let terms):
                return .or(terms.enumerated().map { visit($1, conditional || $0 > 0) })
            default:
                return e.mapChildren { visit($0, conditional) }
            }
        }
        return exprs.map { visit($0, false) }
    }

    private static func probeCannotFail(_ s: BoundSubquery) -> Bool {
        func simple(_ x: BoundExpr) -> Bool {
            switch x {
            case .column, .literal: return true
            default: return false
            }
        }
        switch s.kind {
        case .exists: return true
        case .inList(let x, _), .quantified(let x, _, _): return simple(x)
        default: return false
        }
    }

    /// The mark join and the expression over its output that stands for the subquery.
    private static func markJoin(_ s: BoundSubquery, over input: LogicalPlan) -> (LogicalPlan, BoundExpr)? {
        let mark = BoundExpr.column(input.fields.count, .boolean)
        switch s.kind {
        case .exists:
            guard s.isCorrelated, let joined = join(s, probe: nil, over: input) else { return nil }
            return (joined, mark)
        case .inList(let x, let negated):
            guard let joined = join(s, probe: x, over: input) else { return nil }
            return (joined, negated ? .not(mark) : mark)
        case .quantified(let x, let f, let all):
            // x = ANY is IN; x <> ALL is NOT (x = ANY), NULLs included.
            guard (f.name == "=" && !all) || (f.name == "<>" && all), let joined = join(s, probe: x, over: input) else { return nil }
            return (joined, all ? .not(mark) : mark)
        default:
            return nil
        }
    }

    private static func join(_ s: BoundSubquery, probe: BoundExpr?, over input: LogicalPlan) -> LogicalPlan? {
        let nl = input.fields.count
        let plan = DecorrelateSubqueries.membershipPlan(s.plan, exists: probe == nil)
        var right = plan
        var condition: BoundExpr? = nil
        var output: BoundExpr? = plan.fields.count == 1 ? .column(0, plan.fields[0].type) : nil
        if s.isCorrelated {
            guard let c = DecorrelateSubqueries.correlation(plan, level: s.level, leftWidth: nl) else { return nil }
            // A correlated EXISTS without an equality could not hash.
            if probe == nil, c.keys.isEmpty { return nil }
            right = c.right
            condition = PushDownFilters.conjunction(c.keys + c.residual)
            output = c.outputs.count == 1 ? c.outputs[0] : nil
        }
        guard let probe else { return .markJoin(input, right, condition: condition, test: nil) }
        guard let output, DecorrelateSubqueries.readsOnlyInput(probe), probe.type == output.type,
              DecorrelateSubqueries.equality(probe.type) != nil else { return nil }
        return .markJoin(input, right, condition: condition, test: MarkTest(probe: probe, build: output))
    }
}
