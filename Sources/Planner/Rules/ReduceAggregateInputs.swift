// Optimizer rule: semi-join reduction of a grouped aggregate's input. A
// decorrelated aggregate subquery groups its WHOLE inner table and only then
// meets the few outer rows: TPC-H Q17 averages l_quantity for all 200k parts
// of 6M lineitem rows and keeps the ~2k groups of the parts that pass
// `p_brand = … AND p_container = …`. When a join's condition has a conjunct
// `X.c = A.k` (A an aggregate, possibly under projections and HAVING
// filters, k one of its GROUP BY keys), an input row of A whose key occurs
// in no row of X can only make a group the join discards; so A's input I
// may become `I ⋉ S` on `key(I) = S.c`, where S is any plan yielding a
// superset of X's non-NULL c values. S is the smallest subtree of X that
// still carries c and still holds what makes X selective (a filter, a semi
// join): c traced down through projections, inner joins and the preserved
// side of semi/outer/mark joins. That subtree runs twice (once in X, once as
// S), so the rule only applies when S is selective and smaller than I by the
// planner's estimates. The semi join then moves down I's inner joins onto
// the input supplying the key (Q2: onto the partsupp scan), above its filters.
//
// Legal where the join drops A's rows without a partner: inner joins, the
// padded side of a left/right join, either side of a semi join (X on the
// right then filters the left). Never for the preserved side of an outer
// join, anti or mark joins (a NULL or missing partner shows in their
// output), never for an aggregate without GROUP BY (it yields a row for an
// empty input) or with grouping sets. Equality never matches NULL, so
// dropping NULL-key input rows is exact here. Skipped when S or I holds a
// policy barrier, a subquery, an outer reference or a volatile call (S
// evaluated twice must yield the same rows), or when key types differ.

import Columnar

public enum ReduceAggregateInputs {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    /// S must be estimated at most this fraction of I's rows.
    static let maximumSourceFraction = 0.5

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        if case .barrier = plan { return plan }
        let plan = plan.mapInputs(rewrite)
        guard case .join(let left, let right, let type, let condition?) = plan else { return plan }
        let nl = left.fields.count
        if type == .inner || type == .left || type == .semi,
           let reduced = reduced(aggregateSide: right, offset: nl, other: left, otherOffset: 0, condition) {
            return .join(left, reduced, type, condition: condition)
        }
        if type == .inner || type == .right || type == .semi,
           let reduced = reduced(aggregateSide: left, offset: 0, other: right, otherOffset: nl, condition) {
            return .join(reduced, right, type, condition: condition)
        }
        return plan
    }

    /// One equality of the join condition: column `aggregate` of the aggregate side equals column
    /// `other` of the other side; `equals` is its resolved `=`.
    private struct KeyPair {
        var aggregate: Int
        var other: Int
        var equals: BoundExpr
    }

    private static func reduced(aggregateSide: LogicalPlan, offset: Int, other: LogicalPlan, otherOffset: Int,
                                _ condition: BoundExpr) -> LogicalPlan? {
        let na = aggregateSide.fields.count, no = other.fields.count
        var pairs: [KeyPair] = []
        for c in PushDownFilters.conjuncts(condition) {
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2,
                  case .column(let x, _) = args[0], case .column(let y, _) = args[1] else { continue }
            for (a, o) in [(x, y), (y, x)] where a >= offset && a < offset + na && o >= otherOffset && o < otherOffset + no {
                let pair = KeyPair(aggregate: a - offset, other: o - otherOffset, equals: c)
                guard aggregateSide.fields[pair.aggregate].type == other.fields[pair.other].type else { continue }
                pairs.append(pair)
            }
        }
        guard !pairs.isEmpty else { return nil }
        return throughAggregate(aggregateSide, pairs, other: other)
    }

    /// Finds the aggregate below projections and filters of `plan` and reduces its input; nil
    /// when there is none or nothing pays.
    private static func throughAggregate(_ plan: LogicalPlan, _ pairs: [KeyPair], other: LogicalPlan) -> LogicalPlan? {
        switch plan {
        case .project(let input, let exprs, let fields):
            let mapped: [KeyPair] = pairs.compactMap { p in
                guard case .column(let c, _) = exprs[p.aggregate] else { return nil }
                return KeyPair(aggregate: c, other: p.other, equals: p.equals)
            }
            guard !mapped.isEmpty, let reduced = throughAggregate(input, mapped, other: other) else { return nil }
            return .project(reduced, exprs, fields: fields)
        case .filter(let input, let predicate):
            guard isStable(predicate), let reduced = throughAggregate(input, pairs, other: other) else { return nil }
            return .filter(reduced, predicate)
        case .aggregate(let a):
            guard a.groupingSets == nil, !a.groupKeys.isEmpty, !containsBarrier(a.input), isStablePlan(a.input) else { return nil }
            // The keys over the aggregate's input, each with the other side's column it must meet.
            var keys: [(expr: BoundExpr, other: Int, equals: BoundExpr)] = []
            for p in pairs where p.aggregate < a.groupKeys.count {
                let key = a.groupKeys[p.aggregate]
                guard isStable(key), key.type == a.fields[p.aggregate].type,
                      !keys.contains(where: { $0.other == p.other || $0.expr.fingerprint == key.fingerprint }) else { continue }
                keys.append((key, p.other, p.equals))
            }
            guard !keys.isEmpty, let (source, columns) = smallestSource(other, keys.map(\.other)) else { return nil }
            // Each key the source carries, with its column in the source.
            let chosen = zip(keys, columns).compactMap { key, column in column.map { (key: key, column: $0) } }
            guard !chosen.isEmpty, ReorderJoins.estimate(source) <= maximumSourceFraction * ReorderJoins.estimate(a.input)
            else { return nil }
            let sourceColumns = chosen.map(\.column)
            let semiSide = LogicalPlan.project(copied(source), sourceColumns.map { .column($0, source.fields[$0].type) },
                                               fields: sourceColumns.map { source.fields[$0] })
            let reducedInput = placed(a.input, chosen.map { (expr: $0.key.expr, equals: $0.key.equals) }, semiSide)
            return .aggregate(AggregateNode(input: reducedInput, groupKeys: a.groupKeys, groupingSets: nil,
                                            aggregates: a.aggregates, fields: a.fields))
        default:
            return nil
        }
    }

    /// The best S for `columns` of `other`: tried with every column together, then each alone;
    /// the smallest estimate wins (more columns on a tie). Returns S and, per requested column,
    /// its column in S (nil: not used).
    private static func smallestSource(_ other: LogicalPlan, _ columns: [Int]) -> (LogicalPlan, [Int?])? {
        guard !containsBarrier(other) else { return nil }
        var best: (plan: LogicalPlan, columns: [Int?], rows: Double)?
        var subsets: [[Int]] = [Array(columns.indices)]
        if columns.count > 1 { subsets += columns.indices.map { [$0] } }
        for subset in subsets {
            guard let (source, mapped) = narrowest(other, subset.map { columns[$0] }), isStablePlan(source) else { continue }
            var all = [Int?](repeating: nil, count: columns.count)
            for (i, s) in zip(subset, mapped) { all[i] = s }
            let rows = ReorderJoins.estimate(source)
            if rows < best?.rows ?? .infinity { best = (source, all, rows) }
        }
        return best.map { ($0.plan, $0.columns) }
    }

    /// The smallest subtree of `plan` carrying `columns` that is selective itself (a filter, a
    /// semi join, a scan with pushed predicates) or has such a subtree below the columns' path.
    private static func narrowest(_ plan: LogicalPlan, _ columns: [Int]) -> (LogicalPlan, [Int])? {
        switch plan {
        case .project(let input, let exprs, _):
            var mapped: [Int] = []
            for c in columns {
                guard case .column(let i, _) = exprs[c] else { return nil }
                mapped.append(i)
            }
            return narrowest(input, mapped)
        case .filter(let input, _):
            return narrowest(input, columns) ?? (plan, columns)
        case .scan(let s):
            return s.predicates.isEmpty ? nil : (plan, columns)
        case .distinct(let input):
            return narrowest(input, columns)
        case .join(let l, let r, let type, _):
            let nl = l.fields.count
            if columns.allSatisfy({ $0 < nl }), type == .inner || type == .left || type == .semi || type == .anti {
                let deeper = narrowest(l, columns)
                return deeper ?? (type == .semi || type == .anti ? (plan, columns) : nil)
            }
            if columns.allSatisfy({ $0 >= nl }), type == .inner || type == .right {
                return narrowest(r, columns.map { $0 - nl })
            }
            return nil
        case .markJoin(let l, _, _, _):
            let nl = l.fields.count
            return columns.allSatisfy({ $0 < nl }) ? narrowest(l, columns) : nil
        default:
            return nil
        }
    }

    /// `input ⋉ semiSide` on each key = its semi-side column, moved down inner joins and column
    /// projections onto the input that supplies the keys. It stays above filters: they are
    /// cheaper per row than a probe and shrink its input first (Q20's shipdate range).
    private static func placed(_ input: LogicalPlan, _ keys: [(expr: BoundExpr, equals: BoundExpr)], _ semiSide: LogicalPlan) -> LogicalPlan {
        let columns = keys.map { k -> Int? in if case .column(let i, _) = k.expr { return i } else { return nil } }
        if columns.allSatisfy({ $0 != nil }) {
            let columns = columns.map { $0! }
            switch input {
            case .project(let p, let exprs, let fields):
                let inner = columns.map { c -> BoundExpr? in if case .column = exprs[c] { return exprs[c] } else { return nil } }
                if inner.allSatisfy({ $0 != nil }) {
                    return .project(placed(p, zip(inner, keys).map { (expr: $0!, equals: $1.equals) }, semiSide), exprs, fields: fields)
                }
            case .join(let l, let r, .inner, let c):
                let nl = l.fields.count
                if columns.allSatisfy({ $0 < nl }) { return .join(placed(l, keys, semiSide), r, .inner, condition: c) }
                if columns.allSatisfy({ $0 >= nl }) {
                    let shifted = keys.map { (expr: PushDownFilters.shift($0.expr, -nl), equals: $0.equals) }
                    return .join(l, placed(r, shifted, semiSide), .inner, condition: c)
                }
            default:
                break
            }
        }
        let n = input.fields.count
        let conjuncts: [BoundExpr] = keys.enumerated().map { i, k in
            guard case .call(let f, _) = k.equals else { return k.equals }
            return .call(f, [k.expr, .column(n + i, semiSide.fields[i].type)])
        }
        return .join(input, semiSide, .semi, condition: conjuncts.count == 1 ? conjuncts[0] : .and(conjuncts))
    }

    /// `plan` with fresh scan nodes: S runs as a second copy of its subtree, and later rules
    /// (predicate pushdown, column pruning) must see the two copies as two scans.
    private static func copied(_ plan: LogicalPlan) -> LogicalPlan {
        if case .scan(let s) = plan {
            return .scan(ScanNode(source: s.source, tableName: s.tableName, columns: s.columns, predicates: s.predicates))
        }
        return plan.mapInputs(copied)
    }

    private static func containsBarrier(_ plan: LogicalPlan) -> Bool {
        var found = false
        plan.visitPreOrder { if case .barrier = $0 { found = true } }
        return found
    }

    /// Whether `plan` yields the same rows whenever it runs: only plain relational nodes, no
    /// subquery, outer reference or volatile call in any expression.
    private static func isStablePlan(_ plan: LogicalPlan) -> Bool {
        var stable = true
        plan.visitPreOrder { node in
            switch node {
            case .scan, .values, .filter, .project, .aggregate, .join, .markJoin, .distinct, .sort: break
            default: stable = false
            }
        }
        guard stable else { return false }
        _ = plan.mapExpressions { e in
            if !isStable(e) { stable = false }
            return e
        }
        return stable
    }

    private static func isStable(_ e: BoundExpr) -> Bool {
        !e.contains { e in
            switch e {
            case .subquery, .outerColumn, .grouping, .window: return true
            case .call(let f, _): return f.resolution.isVolatile
            default: return false
            }
        }
    }
}
