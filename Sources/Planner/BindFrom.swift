// Binding of the FROM clause: base tables (through the catalog), views
// (inlined), CTE references, derived tables, table functions and joins.
// Produces a plan and the scope of columns the rest of the SELECT sees.

import Columnar
import Functions
import SQLSyntax

extension Binder {
    func bindFromList(_ refs: [TableRef], outer: Scope?) throws -> (LogicalPlan, Scope) {
        guard let first = refs.first else {
            return (.values(rows: [[]], fields: []), Scope(entries: [], parent: outer))
        }
        var (plan, scope) = try bindTableRef(first, outer: outer)
        for ref in refs.dropFirst() {
            let saved = lateralLevel
            lateralLevel = nil
            let (rp, rs) = try bindTableRef(ref, outer: outer, leftScope: scope)
            try checkDistinctNames(scope, rs)
            (plan, scope) = joinScopes(plan, scope, rp, rs, .inner, condition: nil, outer: outer)
            if let level = lateralLevel, case .join(let l, let r, let t, let c) = plan {
                plan = .dependentJoin(l, r, t, condition: c, level: level)
            }
            lateralLevel = saved
        }
        return (plan, scope)
    }

    /// The type of the first positional table-function argument that is not an untyped literal
    /// nor an interval (generate_series(DATE '…', '2024-02-01', INTERVAL '1 day')).
    func firstTypedSibling(_ arguments: [FunctionArgument], exclude: Int) throws -> DataType? {
        for a in arguments where a.name == nil && a.value.location != exclude {
            let e = try bindExpr(a.value, Scope(entries: [], parent: nil), .plain)
            if isUnknown(e) || e.type == .interval { continue }
            return e.type
        }
        return nil
    }

    /// Two FROM items of one query level may not have the same name (42712).
    func checkDistinctNames(_ left: Scope, _ right: Scope) throws {
        let clash = left.tableNames.intersection(right.tableNames)
        if let name = clash.sorted().first {
            throw SQLError(SQLState.duplicateAlias, "table name \"\(name)\" specified more than once")
        }
    }

    func joinScopes(_ lp: LogicalPlan, _ ls: Scope, _ rp: LogicalPlan, _ rs: Scope, _ type: JoinType,
                    condition: BoundExpr?, outer: Scope?) -> (LogicalPlan, Scope) {
        let offset = lp.fields.count
        var entries = ls.entries
        entries += rs.entries.map { var e = $0; e.index += offset; return e }
        let scope = Scope(entries: entries, parent: outer)
        return (.join(lp, rp, type, condition: condition), scope)
    }

    /// Binds one FROM item. `leftScope` holds the items to its left, which a LATERAL
    /// subquery may reference; when it does, `lateralLevel` is set to that scope's level.
    func bindTableRef(_ ref: TableRef, outer: Scope?, leftScope: Scope? = nil) throws -> (LogicalPlan, Scope) {
        switch ref {
        case let .table(name, alias, location):
            let q = try bindNamedRelation(name, location: location, outer: outer)
            return try aliased(q, alias: alias, defaultName: name.name, outer: outer)

        case let .subquery(query, alias, lateral, _):
            if lateral, let leftScope {
                let saved = minReferencedLevel
                minReferencedLevel = Int.max
                let q = try bindQuery(query, outer: leftScope)
                if minReferencedLevel <= leftScope.level { lateralLevel = leftScope.level }
                minReferencedLevel = min(saved, minReferencedLevel)
                return try aliased(q, alias: alias, defaultName: nil, outer: outer)
            }
            let q = try bindQuery(query, outer: outer)
            return try aliased(q, alias: alias, defaultName: nil, outer: outer)

        case let .function(name, arguments, alias, _, withOrdinality, location):
            if !withOrdinality, let lateral = try rewriteCorrelatedSeries(name: name, arguments: arguments, alias: alias, location: location)
                ?? rewriteUnnestInFrom(name: name, arguments: arguments, alias: alias, location: location) {
                return try bindTableRef(lateral, outer: outer, leftScope: leftScope)
            }
            if withOrdinality {
                return try bindWithOrdinality(name: name, arguments: arguments, alias: alias, location: location, outer: outer, leftScope: leftScope)
            }
            var positional: [Value] = []
            var types: [DataType] = []
            var named: [String: Value] = [:]
            for arg in arguments {
                var e = try bindExpr(arg.value, Scope(entries: [], parent: nil), .plain)
                // Untyped string literals among typed arguments take their siblings' type ('2024-01-01' next to a date).
                if case .unknownLiteral(let text) = e, arg.name == nil, let typed = try firstTypedSibling(arguments, exclude: arg.value.location) {
                    e = try coerce(.unknownLiteral(text), to: typed, explicit: false, location: arg.value.location)
                }
                guard let v = try ConstantEvaluator.evaluate(e, context: foldingContext) else {
                    throw SQLError(SQLState.featureNotSupported, "arguments of table function \(name) must be constants", position: arg.value.location + 1)
                }
                if let n = arg.name { named[n] = v } else { positional.append(v); types.append(e.type) }
            }
            try checkTableFunctionAccess(name.name, arguments: positional, location: location)
            guard let source = try tableFunctions?.tableFunction(name: name.name, arguments: positional, types: types, named: named) else {
                throw SQLError(SQLState.undefinedFunction, "function \(name)(\(positional.map { _ in "?" }.joined(separator: ", "))) does not exist", position: location + 1)
            }
            let scan = ScanNode(source: source, tableName: name.name, columns: Array(0..<source.fields.count))
            var names = source.fields.map(\.name)
            // PostgreSQL names a scalar function's single column after the alias.
            if names.count == 1, let alias, alias.columns.isEmpty { names = [alias.name] }
            return try aliased(BoundQuery(plan: .scan(scan), names: names), alias: alias, defaultName: name.name, outer: outer)

        case let .path(path, alias, location):
            try checkFileAccess(path, location: location)
            guard let source = try tableFunctions?.tableFunction(name: "read_auto", arguments: [.string(path)], named: [:]) else {
                throw SQLError(SQLState.undefinedTable, "cannot read \"\(path)\"", position: location + 1)
            }
            let scan = ScanNode(source: source, tableName: path, columns: Array(0..<source.fields.count))
            return try aliased(BoundQuery(plan: .scan(scan), names: source.fields.map(\.name)), alias: alias, defaultName: path, outer: outer)

        case let .join(left, right, kind, condition, location):
            let (lp, ls) = try bindTableRef(left, outer: outer, leftScope: leftScope)
            let saved = lateralLevel
            lateralLevel = nil
            let (rp, rs) = try bindTableRef(right, outer: outer, leftScope: ls)
            try checkDistinctNames(ls, rs)
            let dependentLevel = lateralLevel
            lateralLevel = saved
            if dependentLevel != nil && (kind == .right || kind == .full) {
                throw SQLError(SQLState.invalidColumnReference, "the combining JOIN type must be INNER or LEFT for a LATERAL reference", position: location + 1)
            }
            func lateralized(_ r: (LogicalPlan, Scope)) -> (LogicalPlan, Scope) {
                guard let level = dependentLevel, case .join(let l, let rr, let t, let c) = r.0 else { return r }
                return (.dependentJoin(l, rr, t, condition: c, level: level), r.1)
            }
            let type: JoinType
            switch kind {
            case .inner, .cross: type = .inner
            case .left: type = .left
            case .right: type = .right
            case .full: type = .full
            }
            switch condition {
            case .none:
                return lateralized(joinScopes(lp, ls, rp, rs, type, condition: nil, outer: outer))
            case .on(let e):
                let (plan, scope) = joinScopes(lp, ls, rp, rs, type, condition: nil, outer: outer)
                let cond = try coerceBoolean(try bindExpr(e, scope, .plain), clause: "JOIN/ON", location: e.location)
                guard case .join(let l, let r, let t, _) = plan else { return (plan, scope) }
                return lateralized((.join(l, r, t, condition: cond), scope))
            case .using(let names):
                return try bindUsingJoin(lp, ls, rp, rs, type, names: names, location: location, outer: outer)
            case .natural:
                let leftNames = ls.entries.filter { !$0.qualifiedOnly && !$0.hiddenFromStar }.map(\.name)
                let rightNames = Set(rs.entries.filter { !$0.qualifiedOnly && !$0.hiddenFromStar }.map(\.name))
                let common = leftNames.filter { rightNames.contains($0) }
                return try bindUsingJoin(lp, ls, rp, rs, type, names: common, location: location, outer: outer)
            }
        }
    }

    /// JOIN … USING (a, b): equality on each named column; the merged column `a`
    /// is visible unqualified (COALESCE of both sides for FULL joins), both
    /// originals only qualified, and `*` lists the merged columns first.
    func bindUsingJoin(_ lp: LogicalPlan, _ ls: Scope, _ rp: LogicalPlan, _ rs: Scope, _ type: JoinType,
                       names: [String], location: Int, outer: Scope?) throws -> (LogicalPlan, Scope) {
        let offset = lp.fields.count
        var conditions: [BoundExpr] = []
        var merged: [(name: String, expr: BoundExpr, type: DataType)] = []
        var mergedOrigins: [ColumnOrigin?] = []
        var leftUsing = Set<Int>(), rightUsing = Set<Int>()
        for name in names {
            let lm = ls.entries.filter { $0.name == name && !$0.qualifiedOnly }
            let rm = rs.entries.filter { $0.name == name && !$0.qualifiedOnly }
            guard lm.count == 1 else {
                throw SQLError(lm.isEmpty ? SQLState.undefinedColumn : SQLState.ambiguousColumn,
                               lm.isEmpty ? "column \"\(name)\" specified in USING clause does not exist in left table"
                                          : "common column name \"\(name)\" appears more than once in left table", position: location + 1)
            }
            guard rm.count == 1 else {
                throw SQLError(rm.isEmpty ? SQLState.undefinedColumn : SQLState.ambiguousColumn,
                               rm.isEmpty ? "column \"\(name)\" specified in USING clause does not exist in right table"
                                          : "common column name \"\(name)\" appears more than once in right table", position: location + 1)
            }
            let l = BoundExpr.column(lm[0].index, lm[0].type)
            let r = BoundExpr.column(rm[0].index + offset, rm[0].type)
            let eq = try bindOperator("=", [l, r], location: location)
            conditions.append(eq)
            let t = Coercion.commonType([l.type, r.type], unknownLiterals: [false, false]) ?? l.type
            let expr: BoundExpr
            switch type {
            case .full: expr = .coalesce([try coerce(l, to: t, explicit: false, location: location), try coerce(r, to: t, explicit: false, location: location)], t)
            case .right: expr = try coerce(r, to: t, explicit: false, location: location)
            default: expr = try coerce(l, to: t, explicit: false, location: location)
            }
            merged.append((name, expr, t))
            // Like PostgreSQL's merged join variable: the kept side's column when no coercion or COALESCE is needed.
            switch type {
            case .full: mergedOrigins.append(nil)
            case .right: mergedOrigins.append(r.type == t ? rm[0].origin : nil)
            default: mergedOrigins.append(l.type == t ? lm[0].origin : nil)
            }
            leftUsing.insert(lm[0].index)
            rightUsing.insert(rm[0].index)
        }
        let cond: BoundExpr? = conditions.isEmpty ? nil : (conditions.count == 1 ? conditions[0] : .and(conditions))
        let join = LogicalPlan.join(lp, rp, type, condition: cond)
        let joinFields = join.fields
        // Project: merged columns, then every original column (kept for qualified references).
        var exprs = merged.map(\.expr)
        var fields = merged.map { Field(name: $0.name, type: $0.type) }
        var entries = merged.enumerated().map { Scope.Entry(table: nil, name: $1.name, type: $1.type, index: $0, origin: mergedOrigins[$0]) }
        let base = merged.count
        for e in ls.entries {
            var n = e
            n.index = base + e.index
            if leftUsing.contains(e.index) { n.qualifiedOnly = true; n.hiddenFromStar = true }
            entries.append(n)
        }
        for e in rs.entries {
            var n = e
            n.index = base + offset + e.index
            if rightUsing.contains(e.index) { n.qualifiedOnly = true; n.hiddenFromStar = true }
            entries.append(n)
        }
        for (i, f) in joinFields.enumerated() {
            exprs.append(.column(i, f.type))
            fields.append(f)
        }
        return (.project(join, exprs, fields: fields), Scope(entries: entries, parent: outer))
    }

    /// A table, view or CTE by name.
    func bindNamedRelation(_ name: QualifiedName, location: Int, outer: Scope?) throws -> BoundQuery {
        if name.parts.count == 1, let (binding, depth) = lookupCTE(name.name) {
            return try bindCTEReference(binding, depth: depth, outer: outer)
        }
        guard let object = try catalog.lookup(schema: name.schema, name: name.name) else {
            throw SQLError(SQLState.undefinedTable, "relation \"\(name)\" does not exist", position: location + 1)
        }
        let relation = catalog.relationName(schema: name.schema, name: name.name)
        try checkRelationAccess(relation, location: location)
        switch object {
        case .table(let found):
            let source = tableSources[relation] ?? found
            tableSources[relation] = source
            let scan = ScanNode(source: source, tableName: name.description, columns: Array(0..<source.fields.count))
            return withOrigins(try applyPolicies(BoundQuery(plan: .scan(scan), names: source.fields.map(\.name)), relation: relation, outer: outer),
                               relation)
        case .view(let view):
            guard viewDepth < 32 else {
                throw SQLError(SQLState.invalidRecursion, "infinite recursion detected in view \"\(name)\"")
            }
            viewDepth += 1
            defer { viewDepth -= 1 }
            // A view sees neither the caller's CTEs nor its correlation scope.
            let saved = cteStack
            cteStack = []
            defer { cteStack = saved }
            // Inside the view, references are checked with its owner's grants.
            enterView(owner: view.owner)
            defer { leaveView() }
            var q = try bindQuery(view.query, outer: nil)
            if let names = view.columnNames { q.names = try renamed(q.names, names, view.name) }
            // PostgreSQL reports the view's own columns, not the tables under it.
            return withOrigins(try applyPolicies(q, relation: relation, outer: outer), relation)
        }
    }

    /// Applies `AS alias (c1, c2…)` and builds the scope of a FROM item.
    /// f(…) WITH ORDINALITY: the function's rows numbered 1, 2, … in the order it returns them, in a last
    /// column named "ordinality"; a one-column function's column is named after the alias (or the function).
    func bindWithOrdinality(name: QualifiedName, arguments: [FunctionArgument], alias: TableAlias?, location: Int,
                            outer: Scope?, leftScope: Scope?) throws -> (LogicalPlan, Scope) {
        let source = TableRef.function(name: name, arguments: arguments, alias: TableAlias(name: "lakesql_ordinality"), lateral: false,
                                       withOrdinality: false, location: location)
        let sql = "SELECT lakesql_ordinality.*, row_number() OVER () AS ordinality FROM (VALUES (1)) AS lakesql_ordinality_source"
        var query = try parseRewrittenQuery(sql, location: location)
        guard case .select(var core) = query.body else {
            throw SQLError(SQLState.internalError, "could not rewrite WITH ORDINALITY", position: location + 1)
        }
        core.from = [source]
        query.body = .select(core)
        var bound: BoundQuery
        if let leftScope {
            // A function in FROM may read the items to its left (it is implicitly LATERAL).
            let saved = minReferencedLevel
            minReferencedLevel = Int.max
            bound = try bindQuery(query, outer: leftScope)
            if minReferencedLevel <= leftScope.level { lateralLevel = leftScope.level }
            minReferencedLevel = min(saved, minReferencedLevel)
        } else {
            bound = try bindQuery(query, outer: outer)
        }
        if bound.names.count == 2 { bound.names[0] = alias?.name ?? name.name }
        return try aliased(bound, alias: alias, defaultName: name.name, outer: outer)
    }

    func aliased(_ q: BoundQuery, alias: TableAlias?, defaultName: String?, outer: Scope?) throws -> (LogicalPlan, Scope) {
        var names = q.names
        if let alias, !alias.columns.isEmpty { names = try renamed(names, alias.columns, alias.name) }
        let table = alias?.name ?? defaultName
        let fields = q.plan.fields
        let entries = names.enumerated().map {
            Scope.Entry(table: table, name: $1, type: fields[$0].type, index: $0, origin: q.origin(of: $0))
        }
        return (q.plan, Scope(entries: entries, parent: outer))
    }

    /// Every column of a table or view reference is that relation's column of the same position.
    func withOrigins(_ q: BoundQuery, _ relation: RelationName) -> BoundQuery {
        var q = q
        q.origins = q.names.indices.map { ColumnOrigin(relation: relation, attributeNumber: $0 + 1) }
        return q
    }
}
