// Rewrites that give catalog queries the set-returning forms they use,
// built from operators that exist already:
// - generate_series(a, b [, step]) in FROM with arguments that reference
//   columns (a correlated or LATERAL call) becomes a LATERAL recursive CTE;
// - unnest(array) and generate_subscripts(array, 1) as select-list items
//   become subscripts over a LATERAL generate_series(1, max cardinality)
//   joined to the FROM list (PostgreSQL's ProjectSet, for the one-array
//   shapes catalog queries use);
// - information_schema._pg_expandarray(a) (pgjdbc's getPrimaryKeys) expands
//   the same way into the columns of its (x, n) record;
// - unnest(array) in FROM becomes a subscripted generate_series;
// - ARRAY(subquery) becomes (SELECT array_agg(v) FROM (subquery) s(v)).
// The rewritten pieces are printed and parsed again, so they bind exactly
// like the SQL a user would write for them.

import Columnar
import SQLSyntax

extension Binder {
    static let seriesAlias = "lakesql_srf"

    func parseRewrittenQuery(_ sql: String, location: Int) throws -> Query {
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else {
            throw SQLError(SQLState.internalError, "could not rewrite a set-returning function", position: location + 1)
        }
        return q
    }

    /// generate_series with column-dependent arguments, as a LATERAL subquery; nil when the arguments are constants.
    func rewriteCorrelatedSeries(name: QualifiedName, arguments: [FunctionArgument], alias: TableAlias?, location: Int) throws -> TableRef? {
        guard name.name == "generate_series", (2...3).contains(arguments.count), arguments.allSatisfy({ $0.name == nil }) else { return nil }
        let independent = arguments.allSatisfy { (try? bindExpr($0.value, Scope(entries: [], parent: nil), .plain)) != nil }
        if independent { return nil }
        let a = "(" + SQLPrinter.print(arguments[0].value) + ")", b = "(" + SQLPrinter.print(arguments[1].value) + ")"
        var step = "1", descending = false
        if arguments.count == 3 {
            guard case .literal(let lit) = arguments[2].value.kind, case .integer(let digits) = lit, let s = Int(digits), s != 0 else {
                throw SQLError(SQLState.featureNotSupported, "generate_series with column arguments needs a constant non-zero integer step",
                               position: arguments[2].value.location + 1)
            }
            step = String(abs(s)); descending = s < 0
        }
        let (cmp, op) = descending ? (">=", "-") : ("<=", "+")
        let sql = "WITH RECURSIVE \(Binder.seriesAlias)(n) AS (SELECT \(a) WHERE \(a) \(cmp) \(b) UNION ALL "
            + "SELECT n \(op) \(step) FROM \(Binder.seriesAlias) WHERE n \(op) \(step) \(cmp) \(b)) SELECT n FROM \(Binder.seriesAlias)"
        let query = try parseRewrittenQuery(sql, location: location)
        // A function in FROM names its single column after the alias (or itself).
        var named = alias ?? TableAlias(name: "generate_series")
        if named.columns.isEmpty { named.columns = [named.name] }
        return .subquery(query, alias: named, lateral: true, location: location)
    }

    /// unnest(array) in FROM: the elements as one column named after the alias, through a subscripted series.
    func rewriteUnnestInFrom(name: QualifiedName, arguments: [FunctionArgument], alias: TableAlias?, location: Int) throws -> TableRef? {
        guard name.name == "unnest", arguments.count == 1, arguments[0].name == nil else { return nil }
        let array = "(" + SQLPrinter.print(arguments[0].value) + ")"
        let sql = "SELECT \(array)[\(Binder.seriesAlias).i] FROM generate_series(1, coalesce(cardinality(\(array)), 0)) AS \(Binder.seriesAlias)(i)"
        var named = alias ?? TableAlias(name: "unnest")
        if named.columns.isEmpty { named.columns = [named.name] }
        return .subquery(try parseRewrittenQuery(sql, location: location), alias: named, lateral: true, location: location)
    }

    /// unnest(a) / generate_subscripts(a, 1) items of a select list, expanded through a LATERAL series; nil when there are none.
    func rewriteSelectListSeries(_ core: SelectCore) throws -> SelectCore? {
        var arrays: [Expr] = []
        // generate_subscripts(a, d) contributes no rows when d is not 1 (a one-dimensional array has no other subscripts).
        var dimensions: [Int: Expr] = [:]
        var items = core.items
        let index = Expr(.column([Binder.seriesAlias, Binder.seriesAlias]), location: 0)
        // information_schema._pg_expandarray(a) is a record (x, n): whole, it becomes two columns "alias.x" and
        // "alias.n" that `(alias).x` finds again; `(…).x` / `(…).n` of the call select one of them.
        func expandArrayCall(_ e: Expr) -> Expr? {
            guard case .function(let call) = e.kind, call.name.last == "_pg_expandarray", call.arguments.count == 1 else { return nil }
            return call.arguments[0].value
        }
        var expandedItems: [SelectItem] = []
        for item in items {
            guard case .expression(let e, let alias) = item else { expandedItems.append(item); continue }
            if case .fieldSelection(let base, let field) = e.kind, let array = expandArrayCall(base), field == "x" || field == "n" {
                arrays.append(array)
                let value = field == "x" ? Expr(.arraySubscript(array, index: index, upper: nil, isSlice: false), location: e.location) : index
                expandedItems.append(.expression(value, alias: alias ?? field))
            } else if let array = expandArrayCall(e) {
                arrays.append(array)
                let name = alias ?? "_pg_expandarray"
                expandedItems.append(.expression(Expr(.arraySubscript(array, index: index, upper: nil, isSlice: false), location: e.location), alias: name + ".x"))
                expandedItems.append(.expression(index, alias: name + ".n"))
            } else {
                expandedItems.append(item)
            }
        }
        items = expandedItems
        for (k, item) in items.enumerated() {
            guard case .expression(let e, let alias) = item, case .function(let call) = e.kind, call.over == nil,
                  call.name.count == 1 || call.name.first == "pg_catalog", let fname = call.name.last else { continue }
            if fname == "unnest", call.arguments.count == 1 {
                let array = call.arguments[0].value
                arrays.append(array)
                items[k] = .expression(Expr(.arraySubscript(array, index: index, upper: nil, isSlice: false), location: e.location),
                                       alias: alias ?? "unnest")
            } else if fname == "generate_subscripts", call.arguments.count == 2 {
                let array = call.arguments[0].value
                // A constant dimension other than 1 is refused; a parameter ($1::integer, as SQLAlchemy sends it)
                // is checked per row: a dimension other than 1 gives NULL subscripts.
                let dimensionExpr = call.arguments[1].value
                if let dimension = try? bindExpr(dimensionExpr, Scope(entries: [], parent: nil), .plain),
                   let value = try ConstantEvaluator.evaluate(dimension), value != .int(1) {
                    throw SQLError(SQLState.featureNotSupported, "generate_subscripts is supported for dimension 1 only", position: e.location + 1)
                }
                dimensions[arrays.count] = dimensionExpr
                arrays.append(array)
                let i = "\(Binder.seriesAlias).\(Binder.seriesAlias)"
                let sql = "SELECT CASE WHEN (\(SQLPrinter.print(dimensionExpr))) = 1 AND \(i) <= cardinality(\(SQLPrinter.print(array))) THEN \(i) END"
                guard case .select(let c) = try parseRewrittenQuery(sql, location: e.location).body,
                      case .expression(let replacement, _)? = c.items.first else { continue }
                items[k] = .expression(replacement, alias: alias ?? "generate_subscripts")
            }
        }
        guard !arrays.isEmpty else { return nil }
        if !core.groupBy.isEmpty || core.having != nil {
            throw SQLError(SQLState.featureNotSupported, "set-returning functions in a grouped select list are not implemented yet")
        }
        let lengths = arrays.enumerated().map { k, array in
            let length = "coalesce(cardinality(\(SQLPrinter.print(array))), 0)"
            guard let d = dimensions[k] else { return length }
            return "CASE WHEN (\(SQLPrinter.print(d))) = 1 THEN \(length) ELSE 0 END"
        }.joined(separator: ", ")
        let series = try parseRewrittenQuery("SELECT 1 FROM generate_series(1, greatest(0, \(lengths))) AS \(Binder.seriesAlias)(\(Binder.seriesAlias))", location: 0)
        guard case .select(let seriesCore) = series.body, let seriesRef = seriesCore.from.first else { return nil }
        var rewritten = core
        rewritten.items = items
        rewritten.from.append(seriesRef)
        return rewritten
    }

    /// `(t.col).field` where the column is an expanded record (`col.field`, see above).
    func bindRecordField(_ base: Expr, _ field: String, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        guard case .column(let parts) = base.kind, let last = parts.last else {
            throw SQLError(SQLState.featureNotSupported, "field selection is implemented for information_schema._pg_expandarray records only",
                           position: location + 1)
        }
        return try bindExpr(Expr(.column(parts.dropLast() + [last + "." + field]), location: base.location), scope, ctx)
    }

    /// ARRAY(SELECT …) as a scalar subquery aggregating its one column.
    func rewriteArraySubquery(_ query: Query, location: Int) throws -> Query {
        // No rows give an empty array, not NULL.
        try parseRewrittenQuery("SELECT coalesce(array_agg(lakesql_array.v), '{}') FROM (\(SQLPrinter.print(query))) AS lakesql_array(v)", location: location)
    }
}
