// Materialised WITH queries (PostgreSQL 12+ semantics). A non-recursive WITH
// query is inlined at its reference when it is referenced once (or written
// AS NOT MATERIALIZED); referenced more than once (or AS MATERIALIZED), or
// calling a volatile function, it is computed once per statement and every
// reference reads the same rows: `random()` in it is drawn once, an error in
// it is raised once, and TPC-H Q15's revenue0 aggregates lineitem once.
// The binder binds such a definition once (at its first reference) into a
// MaterializedCTE shared by every `.cteScan` leaf that reads it; the
// optimizer optimises it once as a standalone plan (all its columns kept);
// the executor runs it on first use and replays its rows to each reference
// (CTEScanOperator.swift). A definition that reads columns of an enclosing
// query is correlated: it is inlined at every reference, as before.

import Columnar
import SQLSyntax

/// One materialised WITH query of a statement, shared by all its references.
public final class MaterializedCTE {
    /// Unique within the statement (shared counter with recursive work tables).
    public let id: Int
    public let name: String
    /// The bound definition, with the CTE's output column names.
    public let plan: LogicalPlan
    public let fields: [Field]
    public let origins: [ColumnOrigin?]
    /// Set by the optimizer, once: the definition optimised on its own.
    public var optimized: LogicalPlan?

    init(id: Int, name: String, bound: BoundQuery) {
        self.id = id; self.name = name; self.plan = bound.plan; self.fields = bound.fields; self.origins = bound.origins
    }

    /// The plan to run: the optimised one once the optimizer has seen it.
    public var executablePlan: LogicalPlan { optimized ?? plan }
}

extension LogicalPlan {
    /// Every materialised CTE this plan reads, directly, inside subquery expressions or through
    /// other CTE definitions, each once, in order of first appearance.
    public var materializedCTEs: [MaterializedCTE] {
        var found: [MaterializedCTE] = []
        var seen = Set<Int>()
        func walk(_ plan: LogicalPlan) {
            plan.visitPreOrder { node in
                if case .cteScan(let cte) = node, seen.insert(cte.id).inserted {
                    found.append(cte)
                    walk(cte.executablePlan)
                }
                for e in node.ownExpressions {
                    e.forEach { if case .subquery(let s, _) = $0 { walk(s.plan) } }
                }
            }
        }
        walk(self)
        return found
    }

    /// Whether any expression of the plan (subquery plans included) calls a volatile function.
    var callsVolatileFunction: Bool {
        var found = false
        visitPreOrder { node in
            for e in node.ownExpressions where !found {
                e.forEach { x in
                    switch x {
                    case .call(let f, _) where f.resolution.isVolatile: found = true
                    case .subquery(let s, _) where s.plan.callsVolatileFunction: found = true
                    default: break
                    }
                }
            }
        }
        return found
    }
}

/// Counts the references to a WITH query by name in the query text its WITH clause governs
/// (PostgreSQL's cterefcount: what decides between inlining and materialising).
enum CTEReferenceCounter {
    /// References to `name` in `query` (its body, ORDER BY, and its own CTE definitions that
    /// do not shadow the name).
    static func count(_ name: String, in query: Query) -> Int {
        var n = 0
        if let with = query.with {
            for cte in with.ctes {
                if cte.name == name { return n }   // shadowed from here on (later CTEs and the body)
                n += count(name, in: cte.query)
            }
        }
        n += count(name, in: query.body)
        for o in query.orderBy { n += count(name, in: o.expr) }
        return n
    }

    static func count(_ name: String, in body: QueryBody) -> Int {
        switch body {
        case .select(let c):
            var n = c.from.reduce(0) { $0 + count(name, in: $1) }
            for item in c.items { if case .expression(let e, _) = item { n += count(name, in: e) } }
            if case .distinctOn(let es) = c.distinct { n += es.reduce(0) { $0 + count(name, in: $1) } }
            for e in [c.whereClause, c.having, c.qualify].compactMap({ $0 }) { n += count(name, in: e) }
            for g in c.groupBy { n += count(name, in: g) }
            for w in c.windows { n += count(name, in: w.spec) }
            return n
        case .setOperation(_, _, let l, let r): return count(name, in: l) + count(name, in: r)
        case .values(let rows): return rows.joined().reduce(0) { $0 + count(name, in: $1) }
        case .nested(let q): return count(name, in: q)
        }
    }

    static func count(_ name: String, in ref: TableRef) -> Int {
        switch ref {
        case .table(let n, _, _): return n.parts.count == 1 && n.name == name ? 1 : 0
        case .subquery(let q, _, _, _): return count(name, in: q)
        case .function(_, let args, _, _, _, _): return args.reduce(0) { $0 + count(name, in: $1.value) }
        case .path: return 0
        case .join(let l, let r, _, let condition, _):
            var n = count(name, in: l) + count(name, in: r)
            if case .on(let e) = condition { n += count(name, in: e) }
            return n
        }
    }

    static func count(_ name: String, in g: GroupingElement) -> Int {
        switch g {
        case .expression(let e): return count(name, in: e)
        case .rollup(let sets), .cube(let sets): return sets.joined().reduce(0) { $0 + count(name, in: $1) }
        case .groupingSets(let gs): return gs.reduce(0) { $0 + count(name, in: $1) }
        case .empty: return 0
        }
    }

    static func count(_ name: String, in w: WindowSpec) -> Int {
        var n = w.partitionBy.reduce(0) { $0 + count(name, in: $1) } + w.orderBy.reduce(0) { $0 + count(name, in: $1.expr) }
        for bound in [w.frame?.start, w.frame?.end] {
            switch bound {
            case .preceding(let e)?, .following(let e)?: n += count(name, in: e)
            default: break
            }
        }
        return n
    }

    static func count(_ name: String, in e: Expr) -> Int {
        func all(_ es: [Expr?]) -> Int { es.reduce(0) { $0 + ($1.map { count(name, in: $0) } ?? 0) } }
        switch e.kind {
        case .column, .literal, .parameter, .defaultValue: return 0
        case .unary(_, let x), .cast(let x, _), .isNull(let x, _), .isBoolean(let x, _, _), .collate(let x, _),
             .fieldSelection(let x, _):
            return count(name, in: x)
        case .binary(_, let a, let b), .isDistinctFrom(let a, let b, _), .atTimeZone(let a, let b):
            return all([a, b])
        case .customOperator(_, let a, let b): return all([a, b])
        case .function(let f):
            var n = all(f.arguments.map(\.value) + [f.filter]) + all((f.orderBy + f.withinGroup).map(\.expr))
            if let w = f.over { n += count(name, in: w) }
            return n
        case .caseWhen(let operand, let whens, let elseResult):
            return all([operand, elseResult] + whens.flatMap { [$0.condition, $0.result] })
        case .between(let x, let lo, let hi, _, _): return all([x, lo, hi])
        case .inList(let x, let items, _): return all([x] + items)
        case .inSubquery(let x, let q, _): return count(name, in: x) + count(name, in: q)
        case .like(let x, let p, let esc, _, _), .similarTo(let x, let p, let esc, _): return all([x, p, esc])
        case .exists(let q), .subquery(let q), .arraySubquery(let q): return count(name, in: q)
        case .quantifiedSubquery(let x, _, _, let q): return count(name, in: x) + count(name, in: q)
        case .quantifiedArray(let x, _, _, let a): return all([x, a])
        case .array(let xs), .row(let xs): return all(xs)
        case .arraySubscript(let x, let i, let u, _): return all([x, i, u])
        }
    }
}
