// Binding of one SELECT block, in PostgreSQL's logical order:
// FROM → WHERE → GROUP BY/aggregates → HAVING → windows → QUALIFY →
// select list → DISTINCT [ON] → ORDER BY. Expressions are first bound
// against the FROM scope with aggregate and window calls as placeholders;
// the aggregate rewrite then maps group keys and aggregates to columns of
// the Aggregate operator and rejects ungrouped column references (42803).

import Columnar
import Functions
import SQLSyntax

extension Binder {
    func bindSelect(_ core: SelectCore, orderBy: [OrderItem], outer: Scope?) throws -> BoundQuery {
        if let expanded = try rewriteSelectListSeries(core) { return try bindSelect(expanded, orderBy: orderBy, outer: outer) }
        var (plan, scope) = try bindFromList(core.from, outer: outer)
        var windowDefs: [String: WindowSpec] = [:]
        for w in core.windows {
            guard windowDefs[w.name] == nil else {
                throw SQLError(SQLState.windowingError, "window \"\(w.name)\" is already defined")
            }
            windowDefs[w.name] = w.spec
        }

        if let w = core.whereClause {
            let pred = try coerceBoolean(try bindExpr(w, scope, .plain), clause: "WHERE", location: w.location)
            plan = .filter(plan, pred)
        }

        // Select list, with `*` expanded.
        var items: [BoundExpr] = []
        var names: [String] = []
        var origins: [ColumnOrigin?] = []
        let context = ExprContext(allowAggregates: true, allowWindows: true, windowDefinitions: windowDefs)
        for item in core.items {
            switch item {
            case let .wildcard(qualifier, location):
                var matched = false
                for e in scope.entries {
                    // `t.*` lists all of t's columns, even those merged by USING; `*` lists each once.
                    if let q = qualifier {
                        guard e.table == q.last else { continue }
                    } else if e.hiddenFromStar { continue }
                    matched = true
                    items.append(.column(e.index, e.type))
                    names.append(e.name)
                    origins.append(e.origin)
                }
                if let q = qualifier, !matched {
                    throw SQLError(SQLState.undefinedTable, "missing FROM-clause entry for table \"\(q.joined(separator: "."))\"", position: location + 1)
                }
                if qualifier == nil && core.from.isEmpty {
                    throw SQLError(SQLState.syntaxError, "SELECT * with no tables specified is not valid", position: location + 1)
                }
            case let .expression(e, alias):
                let bound = try bindExpr(e, scope, context)
                items.append(bound)
                names.append(alias ?? derivedName(e))
                origins.append(origin(bound: bound, in: scope))
            }
        }

        // GROUP BY keys (input column names win over output aliases, as in PostgreSQL).
        var groupKeys: [BoundExpr] = []
        var groupingSets: [[Int]]? = nil
        if !core.groupBy.isEmpty {
            func keyIndex(_ e: Expr) throws -> Int {
                let bound = try bindGroupKey(e, scope: scope, items: items, names: names)
                let fp = bound.fingerprint
                if let i = groupKeys.firstIndex(where: { $0.fingerprint == fp }) { return i }
                groupKeys.append(bound)
                return groupKeys.count - 1
            }
            var sets: [[Int]] = [[]]
            var hasSets = false
            for element in core.groupBy {
                let elementSets = try expandGrouping(element, keyIndex: keyIndex, hasSets: &hasSets)
                // GROUP BY a, ROLLUP(b): cross product of the elements' sets.
                sets = sets.flatMap { s in elementSets.map { s + $0 } }
            }
            if hasSets { groupingSets = sets.map { Array(Set($0)).sorted() } }
        }

        var having: BoundExpr? = nil
        if let h = core.having {
            having = try coerceBoolean(try bindExpr(h, scope, ExprContext(allowAggregates: true, allowWindows: false)), clause: "HAVING", location: h.location)
        }
        var qualify: BoundExpr? = nil
        if let q = core.qualify {
            var aliases: [String: BoundExpr] = [:]
            for (name, item) in zip(names, items) where aliases[name] == nil { aliases[name] = item }
            let saved = selectAliases
            selectAliases = aliases
            defer { selectAliases = saved }
            qualify = try coerceBoolean(try bindExpr(q, scope, context), clause: "QUALIFY", location: q.location)
        }

        // ORDER BY: output names and ordinals first, then expressions over the input.
        var orderExprs: [(expr: BoundExpr, item: OrderItem, outputIndex: Int?)] = []
        for item in orderBy {
            if case .literal(.integer(let digits)) = item.expr.kind {
                guard let n = Int(digits), n >= 1, n <= items.count else {
                    throw SQLError(SQLState.invalidColumnReference, "ORDER BY position \(digits) is not in select list", position: item.expr.location + 1)
                }
                orderExprs.append((items[n - 1], item, n - 1))
                continue
            }
            if case .column(let parts) = item.expr.kind, parts.count == 1 {
                let matches = names.indices.filter { names[$0] == parts[0] }
                if let first = matches.first {
                    let distinctExprs = Set(matches.map { items[$0].fingerprint })
                    if distinctExprs.count > 1 {
                        throw SQLError(SQLState.ambiguousColumn, "ORDER BY \"\(parts[0])\" is ambiguous", position: item.expr.location + 1)
                    }
                    orderExprs.append((items[first], item, first))
                    continue
                }
            }
            orderExprs.append((try bindExpr(item.expr, scope, context), item, nil))
        }
        var distinctOnExprs: [BoundExpr] = []
        if case .distinctOn(let exprs) = core.distinct {
            for e in exprs {
                if case .literal(.integer(let digits)) = e.kind, let n = Int(digits), n >= 1, n <= items.count {
                    distinctOnExprs.append(items[n - 1])
                } else if case .column(let parts) = e.kind, parts.count == 1, let i = names.firstIndex(of: parts[0]) {
                    distinctOnExprs.append(items[i])
                } else {
                    distinctOnExprs.append(try bindExpr(e, scope, context))
                }
            }
        }

        // Aggregation.
        var aggregates: [BoundAggregate] = []
        func collectAggregates(_ e: BoundExpr) {
            e.forEach { node in
                if case .aggregate(let a) = node, !aggregates.contains(where: { $0.fingerprint == a.fingerprint }) {
                    aggregates.append(a)
                }
                if case .window(let w) = node, case .aggregate(let a) = w.kind {
                    // The window's own aggregate runs in the Window operator; its arguments may hold aggregates.
                    for arg in a.arguments { collectAggregates(arg) }
                }
            }
        }
        for e in items { collectAggregates(e) }
        if let having { collectAggregates(having) }
        if let qualify { collectAggregates(qualify) }
        for o in orderExprs { collectAggregates(o.expr) }
        for e in distinctOnExprs { collectAggregates(e) }

        let grouped = !groupKeys.isEmpty || !aggregates.isEmpty || having != nil || groupingSets != nil
        if grouped {
            var fields = groupKeys.map { Field(name: "key", type: $0.type) }
            fields += aggregates.map { Field(name: $0.name, type: $0.returnType) }
            if groupingSets != nil { fields.append(Field(name: "grouping_id", type: .int64, nullable: false)) }
            let node = AggregateNode(input: plan, groupKeys: groupKeys, groupingSets: groupingSets, aggregates: aggregates, fields: fields)
            plan = .aggregate(node)
            let rewrite = AggregateRewrite(keys: groupKeys, aggregates: aggregates, scope: scope,
                                           groupingIdColumn: groupingSets != nil ? fields.count - 1 : nil)
            items = try items.map { try rewrite.apply($0) }
            having = try having.map { try rewrite.apply($0) }
            qualify = try qualify.map { try rewrite.apply($0) }
            orderExprs = try orderExprs.map { (try rewrite.apply($0.expr), $0.item, $0.outputIndex) }
            distinctOnExprs = try distinctOnExprs.map { try rewrite.apply($0) }
            if let having { plan = .filter(plan, having) }
        }

        // Window functions.
        var windows: [BoundWindowFunction] = []
        func collectWindows(_ e: BoundExpr) {
            e.forEach { node in
                if case .window(let w) = node, !windows.contains(where: { $0.fingerprint == w.fingerprint }) { windows.append(w) }
            }
        }
        for e in items { collectWindows(e) }
        if let qualify { collectWindows(qualify) }
        for o in orderExprs { collectWindows(o.expr) }
        if !windows.isEmpty {
            let base = plan.fields.count
            plan = .window(plan, windows)
            func replaceWindows(_ e: BoundExpr) -> BoundExpr {
                if case .window(let w) = e, let i = windows.firstIndex(where: { $0.fingerprint == w.fingerprint }) {
                    return .column(base + i, w.returnType)
                }
                return e.mapChildren(replaceWindows)
            }
            items = items.map(replaceWindows)
            qualify = qualify.map(replaceWindows)
            orderExprs = orderExprs.map { (replaceWindows($0.expr), $0.item, $0.outputIndex) }
        }
        if let qualify { plan = .filter(plan, qualify) }

        // Projection: the select list, then ORDER BY / DISTINCT ON expressions not in it (hidden).
        var projected = items
        var sortKeys: [SortKey] = []
        let isDistinct: Bool
        if case .distinct = core.distinct { isDistinct = true } else { isDistinct = false }
        for o in orderExprs {
            let index: Int
            if let oi = o.outputIndex { index = oi }
            else if let i = items.firstIndex(where: { $0.fingerprint == o.expr.fingerprint }) { index = i }
            else {
                if isDistinct {
                    throw SQLError(SQLState.invalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                                   position: o.item.expr.location + 1)
                }
                projected.append(o.expr)
                index = projected.count - 1
            }
            sortKeys.append(SortKey(expr: .column(index, projected[index].type), ascending: o.item.ascending,
                                    nullsFirst: o.item.nullsFirst ?? !o.item.ascending))
        }
        var distinctOnKeys: [BoundExpr] = []
        for e in distinctOnExprs {
            if let i = projected.firstIndex(where: { $0.fingerprint == e.fingerprint }) {
                distinctOnKeys.append(.column(i, e.type))
            } else {
                projected.append(e)
                distinctOnKeys.append(.column(projected.count - 1, e.type))
            }
        }
        var projFields = projected.enumerated().map { i, e in Field(name: i < names.count ? names[i] : "?hidden?", type: e.type == .null ? .text : e.type) }
        projected = try projected.map { e in
            if case .unknownLiteral = e { return try coerce(e, to: .text, explicit: false, location: 0) }
            if e.type == .null { return .literal(.null, .text) }
            return e
        }
        projFields = projFields.map { $0.type == .null ? Field(name: $0.name, type: .text) : $0 }
        plan = .project(plan, projected, fields: projFields)

        if isDistinct { plan = .distinct(plan) }
        if !distinctOnKeys.isEmpty {
            // DISTINCT ON keeps the first row of each key in ORDER BY order: sort by the keys, then the ORDER BY.
            let keyFPs = Set(distinctOnKeys.map(\.fingerprint))
            let leading = Array(sortKeys.prefix(while: { keyFPs.contains($0.expr.fingerprint) }))
            if leading.count < min(sortKeys.count, distinctOnKeys.count) {
                throw SQLError(SQLState.invalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
            }
            var keys = leading
            for k in distinctOnKeys where !keys.contains(where: { $0.expr.fingerprint == k.fingerprint }) {
                keys.append(SortKey(expr: k, ascending: true, nullsFirst: false))
            }
            keys += sortKeys.dropFirst(leading.count)
            plan = .distinctOn(.sort(plan, keys), keys: distinctOnKeys)
            sortKeys = []
        }
        if !sortKeys.isEmpty { plan = .sort(plan, sortKeys) }
        if projected.count > items.count {
            plan = .project(plan, (0..<items.count).map { .column($0, projFields[$0].type) }, fields: Array(projFields.prefix(items.count)))
        }
        return BoundQuery(plan: plan, names: names, origins: origins)
    }

    /// A select item's origin: only a column of this query level's FROM, as bound (PostgreSQL drops a cast
    /// to the column's own type, so `email::text` of a text column still has one; `id::bigint` has none).
    func origin(bound: BoundExpr, in scope: Scope) -> ColumnOrigin? {
        guard case .column(let index, _) = bound else { return nil }
        return scope.entries.first { $0.index == index }?.origin
    }

    /// A GROUP BY item: an input column or expression, else an output alias, or an ordinal.
    func bindGroupKey(_ e: Expr, scope: Scope, items: [BoundExpr], names: [String]) throws -> BoundExpr {
        if case .literal(.integer(let digits)) = e.kind {
            guard let n = Int(digits), n >= 1, n <= items.count else {
                throw SQLError(SQLState.invalidColumnReference, "GROUP BY position \(digits) is not in select list", position: e.location + 1)
            }
            return items[n - 1]
        }
        do {
            return try bindExpr(e, scope, .plain)
        } catch let error as SQLError where error.sqlState == SQLState.undefinedColumn {
            if case .column(let parts) = e.kind, parts.count == 1, let i = names.firstIndex(of: parts[0]) {
                return items[i]
            }
            throw error
        }
    }

    /// Expands one GROUP BY element into the grouping sets it stands for.
    func expandGrouping(_ element: GroupingElement, keyIndex: (Expr) throws -> Int, hasSets: inout Bool) throws -> [[Int]] {
        switch element {
        case .expression(let e):
            if case .row(let parts) = e.kind { return [try parts.map(keyIndex)] }
            return [[try keyIndex(e)]]
        case .empty:
            hasSets = true
            return [[]]
        case .rollup(let groups):
            hasSets = true
            let ids = try groups.map { try $0.map(keyIndex) }
            return (0...ids.count).reversed().map { Array(ids.prefix($0).joined()) }
        case .cube(let groups):
            hasSets = true
            let ids = try groups.map { try $0.map(keyIndex) }
            var out: [[Int]] = []
            for mask in (0..<(1 << ids.count)).reversed() {
                var set: [Int] = []
                for (i, g) in ids.enumerated() where mask & (1 << (ids.count - 1 - i)) != 0 { set += g }
                out.append(set)
            }
            return out
        case .groupingSets(let elements):
            hasSets = true
            var out: [[Int]] = []
            for el in elements { out += try expandGrouping(el, keyIndex: keyIndex, hasSets: &hasSets) }
            return out
        }
    }

    /// The column name PostgreSQL gives an unaliased select item.
    func derivedName(_ e: Expr) -> String {
        switch e.kind {
        case .column(let parts): return parts.last ?? "?column?"
        case .function(let f): return f.name.last ?? "?column?"
        case .cast(let inner, let t):
            let n = derivedName(inner)
            if n != "?column?" { return n }
            switch t.name {
            case "integer", "int", "int4": return "int4"
            case "bigint", "int8": return "int8"
            case "smallint", "int2": return "int2"
            case "text": return "text"
            case "boolean", "bool": return "bool"
            case "real", "float4": return "float4"
            case "double precision", "float8": return "float8"
            case "varchar", "character varying": return "varchar"
            default: return t.name
            }
        case .caseWhen(_, _, let elseResult):
            // PostgreSQL names a CASE after its ELSE result when that is a column or function (possibly cast).
            var inner = elseResult
            while case .cast(let x, _)? = inner?.kind { inner = x }
            if let inner, case .column = inner.kind { return derivedName(inner) }
            if let inner, case .function = inner.kind { return derivedName(inner) }
            return "case"
        case .exists: return "exists"
        case .subquery(let q):
            if case .select(let core) = q.body, core.items.count == 1, case .expression(let inner, let alias) = core.items[0] {
                return alias ?? derivedName(inner)
            }
            return "?column?"
        case .array, .arraySubquery: return "array"
        case .row: return "row"
        case .literal(.typed(let t, _)): return t.name
        case .literal(.interval): return "interval"
        case .arraySubscript(let inner, _, _, _): return derivedName(inner)
        case .collate(let inner, _): return derivedName(inner)
        case .fieldSelection(_, let f): return f
        default: return "?column?"
        }
    }
}

/// Maps expressions bound over the FROM scope onto the Aggregate operator's
/// output: group keys and aggregates become columns; any other input column
/// reference is an error (42803), as in PostgreSQL.
struct AggregateRewrite {
    let keys: [BoundExpr]
    let aggregates: [BoundAggregate]
    let scope: Scope
    let groupingIdColumn: Int?

    func apply(_ e: BoundExpr) throws -> BoundExpr {
        let fp = e.fingerprint
        if let i = keys.firstIndex(where: { $0.fingerprint == fp }), !e.isConstant { return .column(i, keys[i].type) }
        switch e {
        case .aggregate(let a):
            guard let i = aggregates.firstIndex(where: { $0.fingerprint == a.fingerprint }) else { return e }
            return .column(keys.count + i, a.returnType)
        case .column(let c, _):
            let name = scope.entries.first(where: { $0.index == c }).map { e in e.table.map { "\($0).\(e.name)" } ?? e.name } ?? "#\(c)"
            throw SQLError(SQLState.groupingError, "column \"\(name)\" must appear in the GROUP BY clause or be used in an aggregate function")
        case .window(let w):
            let kind: WindowFunctionKind
            if case .aggregate(let a) = w.kind {
                kind = .aggregate(BoundAggregate(name: a.name, resolution: a.resolution, arguments: try a.arguments.map(apply),
                                                 distinct: a.distinct, filter: try a.filter.map(apply),
                                                 orderBy: try a.orderBy.map { SortKey(expr: try apply($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) },
                                                 isStar: a.isStar))
            } else { kind = w.kind }
            return .window(BoundWindowFunction(name: w.name, kind: kind, arguments: try w.arguments.map(apply),
                                               partitionBy: try w.partitionBy.map(apply),
                                               orderBy: try w.orderBy.map { SortKey(expr: try apply($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) },
                                               frame: w.frame, ignoreNulls: w.ignoreNulls, returnType: w.returnType))
        case .call(let f, let args) where f.name == "grouping":
            var indexes: [Int] = []
            for a in args {
                guard let k = keys.firstIndex(where: { $0.fingerprint == a.fingerprint }) else {
                    throw SQLError(SQLState.groupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
                }
                indexes.append(k)
            }
            // Without grouping sets every key is always grouped.
            guard let gid = groupingIdColumn else { return .literal(.int(0), .int32) }
            return .grouping([gid] + indexes)
        case .subquery(let s, let t) where s.isCorrelated:
            // The subquery now runs over aggregate output rows: its references to this
            // query's columns must name grouped columns, re-pointed at the key positions.
            let level = scope.level
            let plan = try s.plan.mapExpressionsThrowing { e in
                guard case .outerColumn(let l, let c, let type) = e, l == level else { return e }
                guard let k = keys.firstIndex(where: { if case .column(c, _) = $0 { return true }; return false }) else {
                    let name = scope.entries.first(where: { $0.index == c }).map { $0.name } ?? "#\(c)"
                    throw SQLError(SQLState.groupingError, "subquery uses ungrouped column \"\(name)\" from outer query")
                }
                return .outerColumn(level: l, index: k, type)
            }
            let rebuilt = BoundExpr.subquery(BoundSubquery(plan: plan, kind: s.kind, isCorrelated: true, level: s.level), t)
            return try rebuilt.mapChildren(apply)
        default:
            return try e.mapChildren(apply)
        }
    }
}
