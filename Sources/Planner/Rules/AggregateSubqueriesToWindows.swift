// Optimizer rule (decorrelation): a correlated scalar subquery that
// aggregates the very join its outer query reads becomes a window aggregate
// over the outer rows, so that join is read once instead of twice.
//   SELECT … FROM part, partsupp, supplier, nation, region
//   WHERE p_partkey = ps_partkey AND <supplier in EUROPE> AND p_size = 15
//     AND ps_supplycost = (SELECT min(ps_supplycost) FROM partsupp, supplier, nation, region
//                          WHERE ps_partkey = p_partkey AND <supplier in EUROPE>)
//   → the outer rows with min(ps_supplycost) OVER (PARTITION BY p_partkey) appended,
//     filtered on ps_supplycost = that column                          (TPC-H Q2; Q17 alike)
// Why it holds. Map each relation of the subquery to the outer relation
// reading the same table ("mapped"); the outer's other relations are
// "extra". Require: the subquery's own conjuncts, restated over the mapped
// relations, are exactly the outer conjuncts over mapped relations only;
// each correlated conjunct is `outer expression = inner expression` whose
// outer side reads extra relations only, and appears among the outer
// conjuncts; every other outer conjunct reads extra relations only. Then
// the outer rows whose partition key (the correlated outer sides) is k are
// every inner row of the subquery's group for k, each paired with the same
// non-empty set of extra rows — the group repeated m ≥ 1 times. An aggregate
// that a repetition does not change (min, max, bool_and, bool_or, avg of
// exact numbers) then computes the subquery's value for each outer row, and
// the partition is never empty (it holds the row itself), so no
// empty-input value arises. Conjuncts with a subquery are applied above the
// window, the others below it. A correlation `x = x` with x read from a
// mapped relation itself (the "rows with their group's minimum" query over
// one table) partitions by x; its NULL keys, which match nothing in the
// subquery, get the subquery's aggregates over no rows (NULL) through a CASE.
// Anything else (outer or semi joins, policy barriers, a table read twice on
// either side, pushed scan predicates, volatile calls, float or char keys,
// aggregates with FILTER or ORDER BY) keeps DecorrelateScalarSubqueries'
// grouped left join.

import Columnar

public enum AggregateSubqueriesToWindows {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(apply)
        guard case .filter(let input, let predicate) = plan else { return plan }
        let conjuncts = PushDownFilters.conjuncts(predicate)
        for c in conjuncts {
            var found: BoundSubquery?
            c.forEach { e in
                if found == nil, case .subquery(let s, _) = e, case .scalar = s.kind, s.isCorrelated { found = s }
            }
            guard let s = found, let rewritten = windowed(s, input: input, conjuncts: conjuncts) else { continue }
            return rewritten
        }
        return plan
    }

    /// A join tree of inner joins and filters over plain scans: its scans in column order (each
    /// with its first column's position) and every condition, over the tree's output columns.
    struct FlatJoin {
        var leaves: [(scan: ScanNode, offset: Int)] = []
        var conjuncts: [BoundExpr] = []

        init?(_ plan: LogicalPlan) {
            guard add(plan, offset: 0) else { return nil }
        }

        private mutating func add(_ plan: LogicalPlan, offset: Int) -> Bool {
            switch plan {
            case .scan(let s):
                guard s.predicates.isEmpty else { return false }
                leaves.append((s, offset))
                return true
            case .filter(let input, let p):
                guard add(input, offset: offset) else { return false }
                conjuncts += PushDownFilters.conjuncts(p).map { PushDownFilters.shift($0, offset) }
                return true
            case .join(let l, let r, .inner, let c):
                guard add(l, offset: offset), add(r, offset: offset + l.fields.count) else { return false }
                if let c { conjuncts += PushDownFilters.conjuncts(c).map { PushDownFilters.shift($0, offset) } }
                return true
            default:
                return false
            }
        }

        /// The leaf whose columns hold position `column`.
        func leaf(of column: Int) -> Int? {
            leaves.lastIndex { $0.offset <= column }
        }
    }

    /// Each relation of `inner` matched to the relation of `outer` reading the same table (neither
    /// side may read a table twice): the outer column standing for each inner column, and the
    /// outer leaves matched.
    static func mapping(inner: FlatJoin, outer: FlatJoin) -> (columns: [BoundExpr], leaves: Set<Int>)? {
        func table(_ s: ScanNode) -> ObjectIdentifier { ObjectIdentifier(s.source) }
        var outerLeafOfTable: [ObjectIdentifier: Int] = [:]
        for (k, leaf) in outer.leaves.enumerated() {
            guard outerLeafOfTable.updateValue(k, forKey: table(leaf.scan)) == nil else { return nil }
        }
        var columns: [BoundExpr] = []
        var leaves = Set<Int>()
        for leaf in inner.leaves {
            guard let k = outerLeafOfTable[table(leaf.scan)], leaves.insert(k).inserted,
                  outer.leaves[k].scan.columns == leaf.scan.columns else { return nil }
            let at = outer.leaves[k].offset
            columns += leaf.scan.fields.enumerated().map { .column(at + $0.offset, $0.element.type) }
        }
        return (columns, leaves)
    }

    /// An aggregate whose value over a multiset is its value over the same rows repeated.
    private static func repetitionInvariant(_ a: BoundAggregate) -> Bool {
        guard a.filter == nil, a.orderBy.isEmpty, !a.isStar, a.arguments.count == 1 else { return false }
        switch a.name {
        // DISTINCT changes none of these (windows take no DISTINCT, so it is dropped).
        case "min", "max", "bool_and", "bool_or", "every": return true
        // avg of integers and decimals is an exact sum over an exact count, rounded once.
        case "avg":
            if a.distinct { return false }
            if case .decimal = a.arguments[0].type { return true }
            return a.arguments[0].type.isInteger
        default: return false
        }
    }

    /// Key types whose `=` is plainly the identity the window partitions by (kept conservative:
    /// no floats, blank-padded char or intervals, whose equal values differ in representation).
    private static func partitionable(_ t: DataType) -> Bool {
        switch t {
        case .float32, .float64, .char, .interval, .null: return false
        default: return true
        }
    }

    static func clean(_ e: BoundExpr) -> Bool {
        !e.contains { DecorrelateSubqueries.isOuter($0) || DecorrelateSubqueries.isSubquery($0) || DecorrelateSubqueries.isVolatile($0) }
    }

    /// Order-insensitive identity of a conjunct: `a = b` and `b = a` are the same.
    static func identity(_ e: BoundExpr) -> String {
        if case .call(let f, let args) = e, f.name == "=", args.count == 2 {
            let sides = [args[0].fingerprint, args[1].fingerprint].sorted()
            return "=(\(sides[0]),\(sides[1]))"
        }
        return e.fingerprint
    }

    private static func windowed(_ s: BoundSubquery, input: LogicalPlan, conjuncts: [BoundExpr]) -> LogicalPlan? {
        // The subquery: projections over one ungrouped aggregate of repetition-invariant calls.
        var plan = s.plan
        var top: [BoundExpr] = plan.fields.enumerated().map { .column($0.offset, $0.element.type) }
        while case .project(let below, let exprs, _) = plan {
            top = top.map { PushDownFilters.substitute($0, exprs) }
            plan = below
        }
        guard top.count == 1, clean(top[0]),
              case .aggregate(let agg) = plan, agg.groupKeys.isEmpty, agg.groupingSets == nil,
              !agg.aggregates.isEmpty, agg.aggregates.allSatisfy(repetitionInvariant),
              let peeled = DecorrelateSubqueries.peel(agg.input),
              let inner = FlatJoin(peeled.base), let outer = FlatJoin(input) else { return nil }
        let width = input.fields.count

        guard let (columnMap, mappedLeaves) = mapping(inner: inner, outer: outer) else { return nil }
        func toOuter(_ e: BoundExpr) -> BoundExpr { PushDownFilters.substitute(e, columnMap) }
        func leavesRead(_ e: BoundExpr) -> Set<Int> { Set(e.referencedColumns.compactMap(outer.leaf(of:))) }

        // The subquery's conjuncts: plain ones restated over the outer columns, correlated ones
        // as partition keys.
        var innerConjuncts = Set<String>()
        var keys: [BoundExpr] = []
        var correlations = Set<String>()
        var selfKeys: [BoundExpr] = []
        for c in inner.conjuncts + peeled.conjuncts {
            if !c.contains(where: DecorrelateSubqueries.isOuter) {
                guard clean(c) else { return nil }
                innerConjuncts.insert(identity(toOuter(c)))
                continue
            }
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2, args[0].type == args[1].type,
                  partitionable(args[0].type) else { return nil }
            let outerSide: BoundExpr, innerSide: BoundExpr
            if DecorrelateSubqueries.isOuterOnly(args[0], level: s.level), clean(args[1]) {
                (outerSide, innerSide) = (args[0], args[1])
            } else if DecorrelateSubqueries.isOuterOnly(args[1], level: s.level), clean(args[0]) {
                (outerSide, innerSide) = (args[1], args[0])
            } else { return nil }
            guard let key = DecorrelateSubqueries.outerToInput(outerSide, width: width), clean(key) else { return nil }
            let restated = toOuter(innerSide)
            if key.fingerprint == restated.fingerprint {
                selfKeys.append(key)
            } else {
                guard leavesRead(key).isDisjoint(with: mappedLeaves) else { return nil }
                correlations.insert(identity(.call(f, [key, restated])))
            }
            keys.append(key)
        }
        guard !keys.isEmpty else { return nil }

        // The outer conjuncts without a subquery run below the window; each must be one of the
        // subquery's (mapped relations only), a correlation, or over extra relations only.
        var below: [BoundExpr] = outer.conjuncts
        var above: [BoundExpr] = []
        for c in conjuncts {
            if c.contains(where: DecorrelateSubqueries.isSubquery) { above.append(c) } else { below.append(c) }
        }
        var matched = Set<String>()
        for c in below {
            guard clean(c) else { return nil }
            let id = identity(c)
            if correlations.contains(id) { matched.insert(id); continue }
            let read = leavesRead(c)
            if read.isSubset(of: mappedLeaves) && !read.isEmpty {
                guard innerConjuncts.contains(id) else { return nil }
                matched.insert(id)
            } else if !read.isDisjoint(with: mappedLeaves) {
                return nil
            }
        }
        guard innerConjuncts.isSubset(of: matched), correlations.isSubset(of: matched) else { return nil }

        // Aggregate arguments read the aggregate's input: restate them over the outer columns.
        func argument(_ e: BoundExpr) -> BoundExpr? {
            let base = PushDownFilters.substitute(e, peeled.outputs)
            return clean(base) ? toOuter(base) : nil
        }
        var functions: [BoundWindowFunction] = []
        for a in agg.aggregates {
            let arguments = a.arguments.compactMap(argument)
            guard arguments.count == a.arguments.count else { return nil }
            let call = BoundAggregate(name: a.name, resolution: a.resolution, arguments: arguments, distinct: false,
                                      filter: nil, orderBy: [], isStar: false)
            functions.append(BoundWindowFunction(name: a.name, kind: .aggregate(call), arguments: arguments, partitionBy: keys,
                                                 orderBy: [], frame: nil, ignoreNulls: false, returnType: a.returnType,
                                                 keepsInputOrder: true))
        }
        // A NULL self key matches no subquery row: its aggregates are those over no rows (NULL
        // for every aggregate taken here), and the subquery's expression is evaluated over them.
        let anyNullKey: BoundExpr? = selfKeys.isEmpty ? nil : .or(selfKeys.map { .isNull($0, negated: false) })
        let aggregateValues: [BoundExpr] = functions.enumerated().map { i, f in
            let column = BoundExpr.column(width + i, f.returnType)
            guard let anyNullKey else { return column }
            return .caseWhen([(anyNullKey, .literal(.null, f.returnType))], elseResult: column, f.returnType)
        }
        let value = PushDownFilters.substitute(top[0], aggregateValues)
        func replaced(_ e: BoundExpr) -> BoundExpr {
            if case .subquery(let t, _) = e, t === s { return value }
            return e.mapChildren(replaced)
        }
        var windowInput = input
        if let p = PushDownFilters.conjunction(conjuncts.filter { !$0.contains(where: DecorrelateSubqueries.isSubquery) }) {
            windowInput = .filter(input, p)
        }
        var result = LogicalPlan.window(windowInput, functions)
        if let p = PushDownFilters.conjunction(above.map(replaced)) { result = .filter(result, p) }
        return .project(result, input.fields.enumerated().map { .column($0.offset, $0.element.type) }, fields: input.fields)
    }
}
