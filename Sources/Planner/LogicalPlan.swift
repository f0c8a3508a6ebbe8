// The logical plan: a tree of relational operators over bound expressions.
// The binder builds it, optimizer rules rewrite it, and the executor turns
// it into physical operators. `explain()` renders it for EXPLAIN and for
// the optimizer's before/after tests.

import Columnar
import SQLSyntax

public enum JoinType: String {
    case inner = "Inner", left = "Left", right = "Right", full = "Full"
    /// Left rows with at least one match / with none (EXISTS, IN decorrelation).
    case semi = "Semi", anti = "Anti"
}

/// The membership test of a mark join standing for IN / = ANY: `probe` (over the left
/// input's columns) compared with `=` to `build` (over the right input's columns).
public struct MarkTest {
    public var probe: BoundExpr
    public var build: BoundExpr
    public init(probe: BoundExpr, build: BoundExpr) { self.probe = probe; self.build = build }
}

public final class ScanNode {
    public let source: TableSource
    public let tableName: String
    /// Table column indexes produced, in output order.
    public var columns: [Int]
    public var predicates: [ScanPredicate]
    public let statistics = ScanStatistics()
    public init(source: TableSource, tableName: String, columns: [Int], predicates: [ScanPredicate] = []) {
        self.source = source; self.tableName = tableName; self.columns = columns; self.predicates = predicates
    }
    public var fields: [Field] { columns.map { source.fields[$0] } }
}

public final class AggregateNode {
    public let input: LogicalPlan
    public let groupKeys: [BoundExpr]
    /// nil: plain GROUP BY over all keys. Otherwise each set lists the key indexes grouped;
    /// the output then ends with a hidden int64 grouping-set id column.
    public let groupingSets: [[Int]]?
    public let aggregates: [BoundAggregate]
    public let fields: [Field]
    public init(input: LogicalPlan, groupKeys: [BoundExpr], groupingSets: [[Int]]?, aggregates: [BoundAggregate], fields: [Field]) {
        self.input = input; self.groupKeys = groupKeys; self.groupingSets = groupingSets
        self.aggregates = aggregates; self.fields = fields
    }
}

public indirect enum LogicalPlan {
    case scan(ScanNode)
    case values(rows: [[BoundExpr]], fields: [Field])
    case filter(LogicalPlan, BoundExpr)
    case project(LogicalPlan, [BoundExpr], fields: [Field])
    case aggregate(AggregateNode)
    /// `condition` is over the concatenation of left and right columns.
    case join(LogicalPlan, LogicalPlan, JoinType, condition: BoundExpr?)
    /// LATERAL: the right side is re-evaluated for every left row, which it reads
    /// as `outerColumn(level: level, …)`.
    case dependentJoin(LogicalPlan, LogicalPlan, JoinType, condition: BoundExpr?, level: Int)
    /// Every left row once, followed by a boolean "mark": whether a right row satisfies
    /// `condition` (over left and right columns, as a semi join's) — EXISTS, never NULL —
    /// or, with a `test`, whether one of those rows has `probe = build` — IN, NULL when no
    /// row matches but a comparison with one of them is NULL.
    case markJoin(LogicalPlan, LogicalPlan, condition: BoundExpr?, test: MarkTest?)
    case sort(LogicalPlan, [SortKey])
    case limit(LogicalPlan, limit: Int?, offset: Int)
    case distinct(LogicalPlan)
    /// Keeps the first row per key (input sorted by the keys first).
    case distinctOn(LogicalPlan, keys: [BoundExpr])
    /// Appends one column per window function.
    case window(LogicalPlan, [BoundWindowFunction])
    case setOperation(SetOperator, all: Bool, LogicalPlan, LogicalPlan, fields: [Field])
    /// WITH RECURSIVE: anchor, then the recursive term reading `workTable(id)` until it yields nothing.
    case recursiveCTE(id: Int, anchor: LogicalPlan, recursive: LogicalPlan, unionAll: Bool, fields: [Field])
    case workTable(id: Int, fields: [Field])
    /// A reference to a materialised WITH query (MaterializedCTE.swift): the definition's rows,
    /// computed once per statement and read by every reference.
    case cteScan(MaterializedCTE)
    /// A security barrier over a relation's row policies and masks (PolicyBarrier.swift):
    /// passes its input through; rules must not move user expressions below it.
    case barrier(LogicalPlan, PolicyBarrier)

    public var fields: [Field] {
        switch self {
        case .scan(let s): return s.fields
        case .values(_, let f), .project(_, _, let f), .setOperation(_, _, _, _, let f), .recursiveCTE(_, _, _, _, let f),
             .workTable(_, let f):
            return f
        case .filter(let p, _), .sort(let p, _), .limit(let p, _, _), .distinct(let p), .distinctOn(let p, _), .barrier(let p, _): return p.fields
        case .aggregate(let a): return a.fields
        case .cteScan(let cte): return cte.fields
        case .join(let l, let r, let t, _), .dependentJoin(let l, let r, let t, _, _):
            switch t {
            case .semi, .anti: return l.fields
            case .left: return l.fields + r.fields.map { Field(name: $0.name, type: $0.type, nullable: true) }
            case .right: return l.fields.map { Field(name: $0.name, type: $0.type, nullable: true) } + r.fields
            case .full: return (l.fields + r.fields).map { Field(name: $0.name, type: $0.type, nullable: true) }
            case .inner: return l.fields + r.fields
            }
        case .window(let p, let fns): return p.fields + fns.map { Field(name: $0.name, type: $0.returnType) }
        case .markJoin(let l, _, _, _): return l.fields + [Field(name: "mark", type: .boolean)]
        }
    }

    public var inputs: [LogicalPlan] {
        switch self {
        case .scan, .values, .workTable, .cteScan: return []
        case .filter(let p, _), .project(let p, _, _), .sort(let p, _), .limit(let p, _, _), .distinct(let p),
             .distinctOn(let p, _), .window(let p, _), .barrier(let p, _):
            return [p]
        case .aggregate(let a): return [a.input]
        case .join(let l, let r, _, _), .setOperation(_, _, let l, let r, _), .dependentJoin(let l, let r, _, _, _),
             .markJoin(let l, let r, _, _):
            return [l, r]
        case .recursiveCTE(_, let a, let r, _, _): return [a, r]
        }
    }

    /// One line per operator, children indented below their parent. A policy barrier is
    /// one line: what runs below it sees raw values, and its counters (rows read, row
    /// groups skipped) would tell about rows and values the user may not see. Plan tests
    /// pass `revealPolicies` to see through it; `annotate` is still called for every node.
    public func explain(indent: Int = 0, revealPolicies: Bool = false, annotate: ((LogicalPlan) -> String?)? = nil) -> String {
        var line = String(repeating: "  ", count: indent) + headline
        if let extra = annotate?(self) { line += "  " + extra }
        if case .barrier(let input, _) = self, !revealPolicies {
            input.visitPreOrder { _ = annotate?($0) }
            return line
        }
        var lines = [line] + inputs.map { $0.explain(indent: indent + 1, revealPolicies: revealPolicies, annotate: annotate) }
        // Each materialised CTE once, after the whole plan (so EXPLAIN ANALYZE's per-node profiles,
        // taken in pre-order of the plan, still line up): "CTE name" over its definition.
        if indent == 0 {
            for cte in materializedCTEs {
                lines.append("CTE \(cte.name)")
                lines.append(cte.executablePlan.explain(indent: 1, revealPolicies: revealPolicies, annotate: annotate))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Calls `body` for this node and every node below it, parents first.
    public func visitPreOrder(_ body: (LogicalPlan) -> Void) {
        body(self)
        for input in inputs { input.visitPreOrder(body) }
    }

    public var headline: String {
        func list(_ es: [BoundExpr]) -> String { es.map { ExprFormatter.format($0) }.joined(separator: ", ") }
        switch self {
        case .scan(let s):
            var t = "Scan \(s.tableName) [\(s.fields.map(\.name).joined(separator: ", "))]"
            if !s.predicates.isEmpty { t += " pushdown: " + s.predicates.map(\.description).joined(separator: " AND ") }
            return t
        case .values(let rows, _): return "Values (\(rows.count) rows)"
        case .filter(_, let p): return "Filter \(ExprFormatter.format(p))"
        case .project(_, let es, let fs):
            return "Project " + zip(es, fs).map { "\(ExprFormatter.format($0.0)) AS \($0.1.name)" }.joined(separator: ", ")
        case .aggregate(let a):
            var t = "Aggregate keys=[\(list(a.groupKeys))] aggs=[\(a.aggregates.map(\.fingerprint).joined(separator: ", "))]"
            if let sets = a.groupingSets { t += " sets=\(sets)" }
            return t
        case .join(_, _, let type, let c): return "\(type.rawValue) Join" + (c.map { " on \(ExprFormatter.format($0))" } ?? "")
        case .dependentJoin(_, _, let type, let c, _): return "\(type.rawValue) Lateral Join" + (c.map { " on \(ExprFormatter.format($0))" } ?? "")
        case .markJoin(let l, _, let c, let test):
            // The build side is shown over the joined row, like the condition.
            let shown = test.map { " mark \(ExprFormatter.format($0.probe)) IN \(ExprFormatter.format(PushDownFilters.shift($0.build, l.fields.count)))" }
            return "Mark Join" + (shown ?? "") + (c.map { " on \(ExprFormatter.format($0))" } ?? "")
        case .sort(_, let keys):
            return "Sort " + keys.map { "\(ExprFormatter.format($0.expr)) \($0.ascending ? "ASC" : "DESC")\($0.nullsFirst ? " NULLS FIRST" : "")" }.joined(separator: ", ")
        case .limit(_, let l, let o): return "Limit \(l.map(String.init) ?? "ALL") offset \(o)"
        case .distinct: return "Distinct"
        case .distinctOn(_, let keys): return "DistinctOn [\(list(keys))]"
        case .window(_, let fns): return "Window [\(fns.map(\.fingerprint).joined(separator: ", "))]"
        case .setOperation(let op, let all, _, _, _): return "\(op.rawValue.prefix(1).uppercased() + op.rawValue.dropFirst())\(all ? " All" : "")"
        case .recursiveCTE(let id, _, _, let all, _): return "RecursiveCTE #\(id)\(all ? " UNION ALL" : " UNION")"
        case .workTable(let id, _): return "WorkTable #\(id)"
        case .cteScan(let cte): return "CTE Scan on \(cte.name)"
        case .barrier(_, let b): return b.summary
        }
    }
}

/// Renders bound expressions for EXPLAIN and plan tests.
public enum ExprFormatter {
    public static func format(_ e: BoundExpr) -> String {
        switch e {
        case .column(let i, _): return "#\(i)"
        case .outerColumn(let l, let i, _): return "outer\(l).#\(i)"
        case .literal(let v, let t):
            if v.isNull { return "NULL" }
            let s = ValueText.format(v, type: t)
            return t.isNumeric ? s : "'\(s)'"
        case .unknownLiteral(let s): return "'\(s)'"
        case .parameter(let i, _): return "$\(i)"
        case .call(let f, let a):
            if a.count == 2, let first = f.name.first, !first.isLetter { return "(\(format(a[0])) \(f.name) \(format(a[1])))" }
            return "\(f.name)(\(a.map(format).joined(separator: ", ")))"
        case .cast(let x, let t, _): return "CAST(\(format(x)) AS \(t))"
        case .and(let a): return "(" + a.map(format).joined(separator: " AND ") + ")"
        case .or(let a): return "(" + a.map(format).joined(separator: " OR ") + ")"
        case .not(let x): return "NOT \(format(x))"
        case .isNull(let x, let n): return "\(format(x)) IS \(n ? "NOT " : "")NULL"
        case .caseWhen(let w, let el, _):
            return "CASE " + w.map { "WHEN \(format($0.0)) THEN \(format($0.1))" }.joined(separator: " ") + (el.map { " ELSE \(format($0))" } ?? "") + " END"
        case .coalesce(let a, _): return "COALESCE(\(a.map(format).joined(separator: ", ")))"
        case .inList(let x, let items, _, let n): return "\(format(x)) \(n ? "NOT " : "")IN (\(items.map(format).joined(separator: ", ")))"
        case .subquery(let s, _):
            switch s.kind {
            case .scalar: return "(subquery)"
            case .exists: return "EXISTS(subquery)"
            case .inList(let x, let n): return "\(format(x)) \(n ? "NOT " : "")IN (subquery)"
            case .quantified(let x, let f, let all): return "\(format(x)) \(f.name) \(all ? "ALL" : "ANY") (subquery)"
            case .rowQuantified(let xs, _, let all): return "(\(xs.map(format).joined(separator: ", "))) \(all ? "ALL" : "ANY") (subquery)"
            }
        case .aggregate(let a): return a.fingerprint
        case .window(let w): return w.name + "() OVER (…)"
        case .grouping(let g): return "GROUPING(\(g))"
        }
    }
}

extension LogicalPlan {
    /// The expressions this operator evaluates itself (not those of its inputs,
    /// nor the plans of subqueries inside them), for rules that inspect them.
    public var ownExpressions: [BoundExpr] {
        func aggregateExprs(_ a: BoundAggregate) -> [BoundExpr] {
            a.arguments + (a.filter.map { [$0] } ?? []) + a.orderBy.map(\.expr)
        }
        switch self {
        case .scan, .workTable, .cteScan, .distinct, .setOperation, .recursiveCTE, .limit, .barrier: return []
        case .values(let rows, _): return rows.flatMap { $0 }
        case .filter(_, let p): return [p]
        case .project(_, let es, _): return es
        case .aggregate(let a): return a.groupKeys + a.aggregates.flatMap(aggregateExprs)
        case .join(_, _, _, let c), .dependentJoin(_, _, _, let c, _): return c.map { [$0] } ?? []
        case .markJoin(_, _, let c, let test): return (c.map { [$0] } ?? []) + (test.map { [$0.probe, $0.build] } ?? [])
        case .sort(_, let keys): return keys.map(\.expr)
        case .distinctOn(_, let keys): return keys
        case .window(_, let fns):
            return fns.flatMap { w -> [BoundExpr] in
                var es = w.arguments + w.partitionBy + w.orderBy.map(\.expr)
                if case .aggregate(let a) = w.kind { es += aggregateExprs(a) }
                for bound in [w.frame?.start, w.frame?.end] {
                    switch bound {
                    case .preceding(let e)?, .following(let e)?: es.append(e)
                    default: break
                    }
                }
                return es
            }
        }
    }
}
