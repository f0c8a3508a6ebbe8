// Bound expressions: names resolved to column positions, every node typed,
// functions resolved to kernels. This is what the optimizer rewrites and
// the executor compiles into vector evaluators.

import Columnar
import Functions

public final class BoundFunction {
    public let name: String
    public let resolution: ScalarResolution
    public init(name: String, resolution: ScalarResolution) { self.name = name; self.resolution = resolution }
}

public enum SubqueryKind {
    case scalar
    case exists
    /// x IN (subquery): compare with `=`
    case inList(BoundExpr, negated: Bool)
    /// x op ANY/ALL (subquery); `compare` is the resolved operator applied as compare(x, y)
    case quantified(BoundExpr, BoundFunction, all: Bool)
    /// (a, b) op ANY/ALL (subquery), and row IN: `comparison` reads the probes as columns
    /// 0..<n and one subquery row as columns n..<2n.
    case rowQuantified([BoundExpr], comparison: BoundExpr, all: Bool)
}

public final class BoundSubquery {
    public let plan: LogicalPlan
    public let kind: SubqueryKind
    /// True when the plan references columns of enclosing queries.
    public let isCorrelated: Bool
    /// Nesting level of the query whose rows this subquery is evaluated for: while it
    /// runs, that query's current row is what `outerColumn(level:)` references read.
    public let level: Int
    public init(plan: LogicalPlan, kind: SubqueryKind, isCorrelated: Bool, level: Int) {
        self.plan = plan; self.kind = kind; self.isCorrelated = isCorrelated; self.level = level
    }
}

public final class BoundAggregate {
    public let name: String
    public let resolution: AggregateResolution
    public let arguments: [BoundExpr]
    public let distinct: Bool
    public let filter: BoundExpr?
    public let orderBy: [SortKey]
    public let isStar: Bool
    public init(name: String, resolution: AggregateResolution, arguments: [BoundExpr], distinct: Bool,
                filter: BoundExpr?, orderBy: [SortKey], isStar: Bool) {
        self.name = name; self.resolution = resolution; self.arguments = arguments; self.distinct = distinct
        self.filter = filter; self.orderBy = orderBy; self.isStar = isStar
    }
    public var returnType: DataType { resolution.returnType }
    public var fingerprint: String {
        var s = "\(name)(\(distinct ? "DISTINCT " : "")\(isStar ? "*" : arguments.map(\.fingerprint).joined(separator: ",")))"
        if !orderBy.isEmpty { s += " ORDER BY " + orderBy.map(\.fingerprint).joined(separator: ",") }
        if let filter { s += " FILTER(\(filter.fingerprint))" }
        return s
    }
}

public enum WindowFunctionKind {
    case rowNumber, rank, denseRank, percentRank, cumeDist, ntile
    case lag, lead, firstValue, lastValue, nthValue
    case aggregate(BoundAggregate)
}

public struct BoundFrame {
    public enum Bound { case unboundedPreceding, preceding(BoundExpr), currentRow, following(BoundExpr), unboundedFollowing }
    public var units: String   // "rows", "range", "groups"
    public var start: Bound
    public var end: Bound
    public var exclusion: String  // "no others", "current row", "group", "ties"
    public init(units: String, start: Bound, end: Bound, exclusion: String) {
        self.units = units; self.start = start; self.end = end; self.exclusion = exclusion
    }
}

public final class BoundWindowFunction {
    public let name: String
    public let kind: WindowFunctionKind
    public let arguments: [BoundExpr]
    public let partitionBy: [BoundExpr]
    public let orderBy: [SortKey]
    public let frame: BoundFrame?
    public let ignoreNulls: Bool
    public let returnType: DataType
    /// Set on windows the optimizer makes (AggregateSubqueriesToWindows): rows may leave in
    /// their input order instead of PostgreSQL's order of the window's partitions, which
    /// only a query's own windows promise.
    public let keepsInputOrder: Bool
    public init(name: String, kind: WindowFunctionKind, arguments: [BoundExpr], partitionBy: [BoundExpr], orderBy: [SortKey],
                frame: BoundFrame?, ignoreNulls: Bool, returnType: DataType, keepsInputOrder: Bool = false) {
        self.name = name; self.kind = kind; self.arguments = arguments; self.partitionBy = partitionBy
        self.orderBy = orderBy; self.frame = frame; self.ignoreNulls = ignoreNulls; self.returnType = returnType
        self.keepsInputOrder = keepsInputOrder
    }
    public var fingerprint: String {
        // A windowed aggregate is identified by its whole call (arguments, DISTINCT, FILTER, ORDER BY).
        let call: String
        if case .aggregate(let a) = kind { call = a.fingerprint } else { call = "\(name)(\(arguments.map(\.fingerprint).joined(separator: ",")))" }
        let frameText = frame.map { "\($0.units) \($0.start) \($0.end) \($0.exclusion)" } ?? "default"
        return "\(call)\(ignoreNulls ? " IGNORE NULLS" : "") OVER(P:\(partitionBy.map(\.fingerprint)) O:\(orderBy.map(\.fingerprint)) F:\(frameText))"
    }
}

public indirect enum BoundExpr {
    /// Column `index` of the operator's input.
    case column(Int, DataType)
    /// Column `index` of the current row of the enclosing query at nesting `level`
    /// (0 = the outermost query): a correlated reference.
    case outerColumn(level: Int, index: Int, DataType)
    case literal(Value, DataType)
    /// A string literal whose type is not decided yet (PostgreSQL's unknown); acts as text.
    case unknownLiteral(String)
    case parameter(Int, DataType)
    case call(BoundFunction, [BoundExpr])
    case cast(BoundExpr, DataType, ScalarKernel)
    case and([BoundExpr])
    case or([BoundExpr])
    case not(BoundExpr)
    case isNull(BoundExpr, negated: Bool)
    /// Searched CASE; simple CASE is rewritten to searched form by the binder.
    case caseWhen([(BoundExpr, BoundExpr)], elseResult: BoundExpr?, DataType)
    case coalesce([BoundExpr], DataType)
    /// x IN (v1, v2 …) with all sides of one type; `equals` compares x with an item.
    case inList(BoundExpr, [BoundExpr], equals: BoundFunction, negated: Bool)
    case subquery(BoundSubquery, DataType)
    /// Placeholders that the binder replaces by columns of the aggregate/window operators.
    case aggregate(BoundAggregate)
    case window(BoundWindowFunction)
    /// GROUPING(a, b) after aggregation: [grouping-id column, key index of a, key index of b].
    /// The grouping-id column holds a bitmask with bit k set when key k is not grouped.
    case grouping([Int])

    public var type: DataType {
        switch self {
        case .column(_, let t), .outerColumn(_, _, let t), .literal(_, let t), .parameter(_, let t): return t
        case .unknownLiteral: return .text
        case .call(let f, _): return f.resolution.returnType
        case .cast(_, let t, _): return t
        case .and, .or, .not, .isNull, .inList: return .boolean
        case .caseWhen(_, _, let t), .coalesce(_, let t), .subquery(_, let t): return t
        case .aggregate(let a): return a.returnType
        case .window(let w): return w.returnType
        case .grouping: return .int32
        }
    }

    public var children: [BoundExpr] {
        switch self {
        case .column, .outerColumn, .literal, .unknownLiteral, .parameter, .grouping: return []
        case .call(_, let a), .and(let a), .or(let a), .coalesce(let a, _): return a
        case .cast(let e, _, _), .not(let e), .isNull(let e, _): return [e]
        case .caseWhen(let w, let e, _): return w.flatMap { [$0.0, $0.1] } + (e.map { [$0] } ?? [])
        case .inList(let x, let items, _, _): return [x] + items
        case .subquery(let s, _):
            switch s.kind {
            case .inList(let x, _), .quantified(let x, _, _): return [x]
            case .rowQuantified(let xs, _, _): return xs
            default: return []
            }
        case .aggregate(let a): return a.arguments + (a.filter.map { [$0] } ?? [])
        case .window(let w): return w.arguments + w.partitionBy + w.orderBy.map(\.expr)
        }
    }

    /// Rebuilds this node with children transformed by `f` (bottom-up rewrites).
    public func mapChildren(_ f: (BoundExpr) throws -> BoundExpr) rethrows -> BoundExpr {
        switch self {
        case .column, .outerColumn, .literal, .unknownLiteral, .parameter, .grouping, .aggregate, .window: return self
        case .call(let fn, let a): return .call(fn, try a.map(f))
        case .and(let a): return .and(try a.map(f))
        case .or(let a): return .or(try a.map(f))
        case .coalesce(let a, let t): return .coalesce(try a.map(f), t)
        case .cast(let e, let t, let k): return .cast(try f(e), t, k)
        case .not(let e): return .not(try f(e))
        case .isNull(let e, let n): return .isNull(try f(e), negated: n)
        case .caseWhen(let w, let e, let t): return .caseWhen(try w.map { (try f($0.0), try f($0.1)) }, elseResult: try e.map(f), t)
        case .inList(let x, let items, let eq, let n): return .inList(try f(x), try items.map(f), equals: eq, negated: n)
        case .subquery(let s, let t):
            switch s.kind {
            case .inList(let x, let n):
                return .subquery(BoundSubquery(plan: s.plan, kind: .inList(try f(x), negated: n), isCorrelated: s.isCorrelated, level: s.level), t)
            case .quantified(let x, let cmp, let all):
                return .subquery(BoundSubquery(plan: s.plan, kind: .quantified(try f(x), cmp, all: all), isCorrelated: s.isCorrelated, level: s.level), t)
            case .rowQuantified(let xs, let cmp, let all):
                return .subquery(BoundSubquery(plan: s.plan, kind: .rowQuantified(try xs.map(f), comparison: cmp, all: all), isCorrelated: s.isCorrelated, level: s.level), t)
            default: return self
            }
        }
    }

    /// True if the expression (not counting subquery plans) reads no input column.
    public var isConstant: Bool {
        switch self {
        case .column, .outerColumn, .parameter, .subquery, .aggregate, .window, .grouping: return false
        case .call(let f, let args): return !f.resolution.isVolatile && args.allSatisfy(\.isConstant)
        default: return children.allSatisfy(\.isConstant)
        }
    }

    /// Visits every node (pre-order), not descending into subquery plans.
    public func forEach(_ body: (BoundExpr) -> Void) {
        body(self)
        for c in children { c.forEach(body) }
    }

    public func contains(where pred: (BoundExpr) -> Bool) -> Bool {
        var found = false
        forEach { if pred($0) { found = true } }
        return found
    }

    /// Input columns this expression reads.
    public var referencedColumns: Set<Int> {
        var s = Set<Int>()
        forEach { if case .column(let i, _) = $0 { s.insert(i) } }
        return s
    }

    /// A structural identity used to match GROUP BY keys and deduplicate aggregates.
    public var fingerprint: String {
        switch self {
        case .column(let i, _): return "#\(i)"
        case .outerColumn(let l, let i, _): return "outer\(l).#\(i)"
        case .literal(let v, let t): return "\(v.exactDescription):\(t)"
        case .unknownLiteral(let s): return "'\(Value.string(s).exactDescription)'"
        case .parameter(let i, _): return "$\(i)"
        case .call(let f, let a): return "\(f.name)(\(a.map(\.fingerprint).joined(separator: ",")))"
        case .cast(let e, let t, _): return "CAST(\(e.fingerprint) AS \(t))"
        case .and(let a): return "AND(\(a.map(\.fingerprint).joined(separator: ",")))"
        case .or(let a): return "OR(\(a.map(\.fingerprint).joined(separator: ",")))"
        case .not(let e): return "NOT(\(e.fingerprint))"
        case .isNull(let e, let n): return "\(e.fingerprint) IS \(n ? "NOT " : "")NULL"
        case .caseWhen(let w, let e, _):
            return "CASE " + w.map { "WHEN \($0.0.fingerprint) THEN \($0.1.fingerprint)" }.joined(separator: " ") + " ELSE \(e?.fingerprint ?? "NULL") END"
        case .coalesce(let a, _): return "COALESCE(\(a.map(\.fingerprint).joined(separator: ",")))"
        case .inList(let x, let items, _, let n): return "\(x.fingerprint) \(n ? "NOT " : "")IN (\(items.map(\.fingerprint).joined(separator: ",")))"
        case .subquery(let s, _): return "SUBQUERY@\(ObjectIdentifier(s).hashValue)"
        case .aggregate(let a): return a.fingerprint
        case .window(let w): return w.fingerprint
        case .grouping(let g): return "GROUPING(\(g))"
        }
    }
}

public struct SortKey {
    public var expr: BoundExpr
    public var ascending: Bool
    public var nullsFirst: Bool
    public init(expr: BoundExpr, ascending: Bool, nullsFirst: Bool) {
        self.expr = expr; self.ascending = ascending; self.nullsFirst = nullsFirst
    }
    public var fingerprint: String { "\(expr.fingerprint) \(ascending ? "ASC" : "DESC") NULLS \(nullsFirst ? "FIRST" : "LAST")" }
}
