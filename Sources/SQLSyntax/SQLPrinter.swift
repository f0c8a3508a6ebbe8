// AST → SQL text. The output re-parses to the same AST (used for view
// definitions and EXPLAIN): every compound expression is parenthesised so no
// precedence reasoning is needed, casts are printed as CAST(… AS …), row
// constructors as ROW(…), and names are double-quoted whenever a bare word
// would be read as a keyword or case-folded.

public enum SQLPrinter {
    public static func print(_ statement: Statement) -> String {
        var w = SQLWriter()
        w.statement(statement)
        return w.out
    }

    public static func print(_ expr: Expr) -> String {
        var w = SQLWriter()
        w.expr(expr)
        return w.out
    }

    public static func print(_ query: Query) -> String {
        var w = SQLWriter()
        w.query(query)
        return w.out
    }

    public static func print(_ type: TypeName) -> String { SQLWriter.typeName(type) }

    /// A name as SQL: bare when it survives case folding and is not a keyword, else "quoted".
    public static func quoteIdentifier(_ name: String) -> String { SQLWriter.identifier(name) }

    /// A string literal with quotes doubled.
    public static func quoteString(_ text: String) -> String { SQLWriter.stringLiteral(text) }
}

struct SQLWriter {
    var out = ""

    static func isPlainWord(_ name: String) -> Bool {
        guard let first = name.utf8.first, (first >= 0x61 && first <= 0x7A) || first == 0x5F else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x24 }
    }

    /// `text` with every `quote` character doubled.
    static func doubling<S: StringProtocol>(_ text: S, _ quote: Character) -> String {
        var result = ""
        for ch in text {
            result.append(ch)
            if ch == quote { result.append(ch) }
        }
        return result
    }

    static func identifier(_ name: String) -> String {
        if isPlainWord(name), Keywords.isColumnName(name), !Keywords.specialSyntax.contains(name),
           !Keywords.asLabelOnly.contains(name) {
            return name
        }
        return "\"" + SQLWriter.doubling(name, "\"") + "\""
    }

    static func functionName(_ parts: [String]) -> String {
        if parts.count == 1, let name = parts.first, isPlainWord(name), Keywords.isFunctionName(name),
           !["exists", "row", "extract", "interval", "filter", "over"].contains(name) {
            return name
        }
        if parts.count > 1, parts.allSatisfy({ isPlainWord($0) && !Keywords.isReserved($0) }) {
            return parts.joined(separator: ".")
        }
        return parts.map { "\"" + SQLWriter.doubling($0, "\"") + "\"" }.joined(separator: ".")
    }

    static func stringLiteral(_ text: String) -> String {
        "'" + SQLWriter.doubling(text, "'") + "'"
    }

    static func qualified(_ parts: [String]) -> String { parts.map(identifier).joined(separator: ".") }

    static let builtinTypeNames: Set<String> = [
        "integer", "smallint", "bigint", "real", "double precision", "numeric", "text", "varchar", "char", "boolean",
        "date", "time", "timetz", "timestamp", "timestamptz", "interval", "bytea", "uuid", "json", "jsonb", "bit", "varbit",
    ]

    static func typeName(_ type: TypeName) -> String {
        var s: String
        if builtinTypeNames.contains(type.name) {
            s = type.name
        } else if type.name.contains("."), !type.name.contains("\"") {
            s = qualified(type.name.split(separator: ".").map(String.init))
        } else {
            s = identifier(type.name)
            if s == type.name, Keywords.isColumnName(type.name) == false { s = "\"\(type.name)\"" }
        }
        if !type.modifiers.isEmpty { s += "(" + type.modifiers.map(String.init).joined(separator: ",") + ")" }
        for _ in 0..<type.arrayDimensions { s += "[]" }
        return s
    }

    mutating func emit(_ s: String) { out += s }

    // MARK: - Statements

    mutating func statement(_ node: Statement) {
        switch node {
        case .query(let q): query(q)
        case .insert(let s):
            emit("INSERT INTO " + SQLWriter.qualified(s.table.parts))
            if let columns = s.columns { emit(" (" + columns.map(SQLWriter.identifier).joined(separator: ", ") + ")") }
            emit(" ")
            query(s.source)
        case .createTable(let s):
            emit("CREATE ")
            if s.temporary { emit("TEMPORARY ") }
            emit("TABLE ")
            if s.ifNotExists { emit("IF NOT EXISTS ") }
            emit(SQLWriter.qualified(s.name.parts) + " (")
            for (i, column) in s.columns.enumerated() {
                if i > 0 { emit(", ") }
                emit(SQLWriter.identifier(column.name) + " " + SQLWriter.typeName(column.type))
                if column.notNull { emit(" NOT NULL") }
                if let d = column.defaultValue { emit(" DEFAULT "); expr(d) }
            }
            emit(")")
        case .createTableAs(let s):
            emit("CREATE TABLE ")
            if s.ifNotExists { emit("IF NOT EXISTS ") }
            emit(SQLWriter.qualified(s.name.parts))
            if let columns = s.columnNames { emit(" (" + columns.map(SQLWriter.identifier).joined(separator: ", ") + ")") }
            emit(" AS ")
            query(s.query)
        case .createView(let s):
            emit(s.orReplace ? "CREATE OR REPLACE VIEW " : "CREATE VIEW ")
            emit(SQLWriter.qualified(s.name.parts))
            if let columns = s.columnNames { emit(" (" + columns.map(SQLWriter.identifier).joined(separator: ", ") + ")") }
            emit(" AS ")
            query(s.query)
        case .createSchema(let name, let ifNotExists):
            emit("CREATE SCHEMA " + (ifNotExists ? "IF NOT EXISTS " : "") + SQLWriter.identifier(name))
        case .drop(let s):
            emit("DROP " + s.kind.rawValue.uppercased() + " ")
            if s.ifExists { emit("IF EXISTS ") }
            emit(s.names.map { SQLWriter.qualified($0.parts) }.joined(separator: ", "))
            if s.cascade { emit(" CASCADE") }
        case .explain(let s):
            emit("EXPLAIN ")
            if s.analyze { emit("ANALYZE ") }
            if s.verbose { emit("VERBOSE ") }
            statement(s.statement)
        case .set(let s):
            emit("SET ")
            if s.isLocal { emit("LOCAL ") }
            emit(settingName(s.name) + " TO ")
            emit(s.values.isEmpty ? "DEFAULT" : s.values.map(SQLWriter.stringLiteral).joined(separator: ", "))
        case .show(let name):
            emit(name == "all" ? "SHOW ALL" : "SHOW " + settingName(name))
        case .reset(let name):
            emit("RESET " + (name.map(settingName) ?? "ALL"))
        case .transaction(let t):
            switch t {
            case .begin: emit("BEGIN")
            case .commit: emit("COMMIT")
            case .rollback: emit("ROLLBACK")
            case .savepoint(let n): emit("SAVEPOINT " + SQLWriter.identifier(n))
            case .releaseSavepoint(let n): emit("RELEASE SAVEPOINT " + SQLWriter.identifier(n))
            case .rollbackToSavepoint(let n): emit("ROLLBACK TO SAVEPOINT " + SQLWriter.identifier(n))
            }
        case .empty:
            break
        case .createExternalTable(let e):
            emit("CREATE EXTERNAL TABLE " + (e.ifNotExists ? "IF NOT EXISTS " : "") + SQLWriter.qualified(e.name.parts))
            if !e.columns.isEmpty {
                emit(" (" + e.columns.map { SQLWriter.identifier($0.name) + " " + SQLWriter.typeName($0.type) }.joined(separator: ", ") + ")")
            }
            emit(" STORED AS " + e.format.uppercased() + " LOCATION " + SQLWriter.stringLiteral(e.location))
            if !e.partitionedBy.isEmpty {
                emit(" PARTITIONED BY (" + e.partitionedBy.map { SQLWriter.identifier($0.name) + " " + SQLWriter.typeName($0.type) }.joined(separator: ", ") + ")")
            }
            if !e.options.isEmpty {
                emit(" OPTIONS (" + e.options.map { SQLWriter.identifier($0.0) + " " + SQLWriter.stringLiteral($0.1) }.joined(separator: ", ") + ")")
            }
        case .governance(let g):
            emit(SQLWriter.governance(g))
        case .createIndex(let name, let table, let columns):
            emit("CREATE INDEX " + (name.map { SQLWriter.identifier($0) + " " } ?? "") + "ON " + SQLWriter.qualified(table.parts)
                 + " (" + columns.map(SQLWriter.identifier).joined(separator: ", ") + ")")
        }
    }

    private func settingName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { part -> String in
            let s = String(part)
            return SQLWriter.isPlainWord(s) ? s : SQLWriter.identifier(s)
        }.joined(separator: ".")
    }

    // MARK: - Queries

    mutating func query(_ q: Query) {
        if let with = q.with {
            emit("WITH ")
            if with.recursive { emit("RECURSIVE ") }
            for (i, cte) in with.ctes.enumerated() {
                if i > 0 { emit(", ") }
                emit(SQLWriter.identifier(cte.name))
                if let columns = cte.columnNames { emit(" (" + columns.map(SQLWriter.identifier).joined(separator: ", ") + ")") }
                emit(" AS ")
                if let m = cte.materialized { emit(m ? "MATERIALIZED " : "NOT MATERIALIZED ") }
                emit("(")
                query(cte.query)
                emit(")")
            }
            emit(" ")
        }
        body(q.body)
        if !q.orderBy.isEmpty {
            emit(" ORDER BY ")
            orderItems(q.orderBy)
        }
        if q.withTies {
            if let offset = q.offset { emit(" OFFSET "); expr(offset) }
            emit(" FETCH FIRST ")
            if let limit = q.limit { expr(limit) } else { emit("1") }
            emit(" ROWS WITH TIES")
        } else {
            if let limit = q.limit { emit(" LIMIT "); expr(limit) }
            if let offset = q.offset { emit(" OFFSET "); expr(offset) }
        }
    }

    mutating func body(_ b: QueryBody) {
        switch b {
        case .select(let core): select(core)
        case .setOperation(let op, let all, let left, let right):
            setOperand(left)
            emit(" " + op.rawValue.uppercased() + (all ? " ALL " : " "))
            setOperand(right)
        case .values(let rows):
            emit("VALUES ")
            for (i, row) in rows.enumerated() {
                if i > 0 { emit(", ") }
                emit("(")
                exprList(row)
                emit(")")
            }
        case .nested(let q):
            emit("(")
            query(q)
            emit(")")
        }
    }

    private mutating func setOperand(_ b: QueryBody) {
        if case .setOperation = b {
            emit("(")
            body(b)
            emit(")")
        } else {
            body(b)
        }
    }

    mutating func select(_ core: SelectCore) {
        emit("SELECT")
        switch core.distinct {
        case .none: break
        case .distinct: emit(" DISTINCT")
        case .distinctOn(let exprs):
            emit(" DISTINCT ON (")
            exprList(exprs)
            emit(")")
        }
        for (i, item) in core.items.enumerated() {
            emit(i > 0 ? ", " : " ")
            switch item {
            case .wildcard(let qualifier, _):
                if let qualifier { emit(SQLWriter.qualified(qualifier) + ".") }
                emit("*")
            case .expression(let e, let alias):
                expr(e)
                if let alias { emit(" AS " + SQLWriter.identifier(alias)) }
            }
        }
        if !core.from.isEmpty {
            emit(" FROM ")
            for (i, ref) in core.from.enumerated() {
                if i > 0 { emit(", ") }
                tableRef(ref)
            }
        }
        if let w = core.whereClause { emit(" WHERE "); expr(w) }
        if !core.groupBy.isEmpty {
            emit(" GROUP BY ")
            for (i, g) in core.groupBy.enumerated() {
                if i > 0 { emit(", ") }
                groupingElement(g)
            }
        }
        if let h = core.having { emit(" HAVING "); expr(h) }
        if !core.windows.isEmpty {
            emit(" WINDOW ")
            for (i, w) in core.windows.enumerated() {
                if i > 0 { emit(", ") }
                emit(SQLWriter.identifier(w.name) + " AS ")
                windowSpec(w.spec)
            }
        }
        if let q = core.qualify { emit(" QUALIFY "); expr(q) }
    }

    private mutating func groupingElement(_ g: GroupingElement) {
        switch g {
        case .expression(let e): expr(e)
        case .rollup(let sets), .cube(let sets):
            if case .rollup = g { emit("ROLLUP (") } else { emit("CUBE (") }
            for (i, set) in sets.enumerated() {
                if i > 0 { emit(", ") }
                if set.count == 1, let only = set.first { expr(only) } else { emit("("); exprList(set); emit(")") }
            }
            emit(")")
        case .groupingSets(let elements):
            emit("GROUPING SETS (")
            for (i, e) in elements.enumerated() {
                if i > 0 { emit(", ") }
                groupingElement(e)
            }
            emit(")")
        case .empty: emit("()")
        }
    }

    private mutating func alias(_ alias: TableAlias?) {
        guard let alias else { return }
        emit(" AS " + SQLWriter.identifier(alias.name))
        if !alias.columns.isEmpty { emit(" (" + alias.columns.map(SQLWriter.identifier).joined(separator: ", ") + ")") }
    }

    mutating func tableRef(_ ref: TableRef) {
        switch ref {
        case .table(let name, let a, _):
            emit(SQLWriter.qualified(name.parts))
            alias(a)
        case .subquery(let q, let a, let lateral, _):
            if lateral { emit("LATERAL ") }
            emit("(")
            query(q)
            emit(")")
            alias(a)
        case .function(let name, let args, let a, let lateral, let withOrdinality, _):
            if lateral { emit("LATERAL ") }
            emit(SQLWriter.functionName(name.parts) + "(")
            arguments(args)
            emit(")")
            if withOrdinality { emit(" WITH ORDINALITY") }
            alias(a)
        case .path(let path, let a, _):
            emit(SQLWriter.stringLiteral(path))
            alias(a)
        case .join(let left, let right, let kind, let condition, _):
            tableRef(left)
            if case .natural = condition { emit(" NATURAL") }
            switch kind {
            case .inner: emit(" JOIN ")
            case .left: emit(" LEFT JOIN ")
            case .right: emit(" RIGHT JOIN ")
            case .full: emit(" FULL JOIN ")
            case .cross: emit(" CROSS JOIN ")
            }
            if case .join = right { emit("("); tableRef(right); emit(")") } else { tableRef(right) }
            switch condition {
            case .on(let e): emit(" ON "); expr(e)
            case .using(let columns): emit(" USING (" + columns.map(SQLWriter.identifier).joined(separator: ", ") + ")")
            case .natural, .none: break
            }
        }
    }

    // MARK: - Expressions

    mutating func exprList(_ list: [Expr]) {
        for (i, e) in list.enumerated() {
            if i > 0 { emit(", ") }
            expr(e)
        }
    }

    mutating func orderItems(_ items: [OrderItem]) {
        for (i, item) in items.enumerated() {
            if i > 0 { emit(", ") }
            expr(item.expr)
            if !item.ascending { emit(" DESC") }
            if let nullsFirst = item.nullsFirst { emit(nullsFirst ? " NULLS FIRST" : " NULLS LAST") }
        }
    }

    private mutating func arguments(_ args: [FunctionArgument]) {
        for (i, arg) in args.enumerated() {
            if i > 0 { emit(", ") }
            if let name = arg.name { emit(SQLWriter.identifier(name) + " => ") }
            expr(arg.value)
        }
    }

    mutating func windowSpec(_ spec: WindowSpec) {
        emit("(")
        var parts: [String] = []
        if let base = spec.baseName { parts.append(SQLWriter.identifier(base)) }
        if !spec.partitionBy.isEmpty {
            var w = SQLWriter()
            w.exprList(spec.partitionBy)
            parts.append("PARTITION BY " + w.out)
        }
        if !spec.orderBy.isEmpty {
            var w = SQLWriter()
            w.orderItems(spec.orderBy)
            parts.append("ORDER BY " + w.out)
        }
        if let frame = spec.frame {
            var w = SQLWriter()
            w.emit(frame.units.rawValue.uppercased() + " ")
            if let end = frame.end {
                w.emit("BETWEEN ")
                w.frameBound(frame.start)
                w.emit(" AND ")
                w.frameBound(end)
            } else {
                w.frameBound(frame.start)
            }
            switch frame.exclusion {
            case .noOthers: break
            case .currentRow: w.emit(" EXCLUDE CURRENT ROW")
            case .group: w.emit(" EXCLUDE GROUP")
            case .ties: w.emit(" EXCLUDE TIES")
            }
            parts.append(w.out)
        }
        emit(parts.joined(separator: " ") + ")")
    }

    private mutating func frameBound(_ bound: FrameBound) {
        switch bound {
        case .unboundedPreceding: emit("UNBOUNDED PRECEDING")
        case .unboundedFollowing: emit("UNBOUNDED FOLLOWING")
        case .currentRow: emit("CURRENT ROW")
        case .preceding(let e): expr(e); emit(" PRECEDING")
        case .following(let e): expr(e); emit(" FOLLOWING")
        }
    }

    mutating func literal(_ literal: Literal) {
        switch literal {
        case .null: emit("NULL")
        case .boolean(let b): emit(b ? "TRUE" : "FALSE")
        case .integer(let s), .decimal(let s): emit(s)
        case .string(let s): emit(SQLWriter.stringLiteral(s))
        case .typed(let type, let s):
            if type.name == "bit", type.modifiers.isEmpty, type.arrayDimensions == 0,
               s.utf8.allSatisfy({ $0 == 0x30 || $0 == 0x31 }) {
                emit("B" + SQLWriter.stringLiteral(s))
            } else if type.name == "interval" {
                emit("INTERVAL " + SQLWriter.stringLiteral(s))
            } else {
                emit(SQLWriter.typeName(type) + " " + SQLWriter.stringLiteral(s))
            }
        case .interval(let s, let qualifier):
            emit("INTERVAL " + SQLWriter.stringLiteral(s))
            if let qualifier { emit(" " + qualifier.uppercased()) }
        }
    }

    static let niladicFunctions: Set<String> = [
        "current_date", "current_user", "session_user", "current_role", "current_catalog", "user", "system_user",
        "current_schema", "current_time", "current_timestamp", "localtime", "localtimestamp",
    ]

    mutating func expr(_ e: Expr) {
        switch e.kind {
        case .column(let parts): emit(SQLWriter.qualified(parts))
        case .literal(let l): literal(l)
        case .parameter(let n): emit("$\(n)")
        case .unary(let op, let operand):
            emit("(" + op.rawValue + " ")
            expr(operand)
            emit(")")
        case .binary(let op, let l, let r):
            emit("(")
            expr(l)
            emit(" " + op.rawValue + " ")
            expr(r)
            emit(")")
        case .customOperator(let op, let l, let r):
            emit("(")
            if let l { expr(l); emit(" ") }
            emit(op + " ")
            expr(r)
            emit(")")
        case .function(let call): function(call)
        case .cast(let value, let type):
            emit("CAST(")
            expr(value)
            emit(" AS " + SQLWriter.typeName(type) + ")")
        case .caseWhen(let operand, let whens, let elseResult):
            emit("CASE")
            if let operand { emit(" "); expr(operand) }
            for w in whens {
                emit(" WHEN "); expr(w.condition)
                emit(" THEN "); expr(w.result)
            }
            if let elseResult { emit(" ELSE "); expr(elseResult) }
            emit(" END")
        case .between(let x, let low, let high, let negated, let symmetric):
            emit("(")
            expr(x)
            emit(negated ? " NOT BETWEEN " : " BETWEEN ")
            if symmetric { emit("SYMMETRIC ") }
            expr(low)
            emit(" AND ")
            expr(high)
            emit(")")
        case .inList(let x, let list, let negated):
            emit("(")
            expr(x)
            emit(negated ? " NOT IN (" : " IN (")
            exprList(list)
            emit("))")
        case .inSubquery(let x, let q, let negated):
            emit("(")
            expr(x)
            emit(negated ? " NOT IN (" : " IN (")
            query(q)
            emit("))")
        case .like(let x, let pattern, let escape, let negated, let ci):
            emit("(")
            expr(x)
            emit(negated ? " NOT" : "")
            emit(ci ? " ILIKE " : " LIKE ")
            expr(pattern)
            if let escape { emit(" ESCAPE "); expr(escape) }
            emit(")")
        case .similarTo(let x, let pattern, let escape, let negated):
            emit("(")
            expr(x)
            emit(negated ? " NOT SIMILAR TO " : " SIMILAR TO ")
            expr(pattern)
            if let escape { emit(" ESCAPE "); expr(escape) }
            emit(")")
        case .isNull(let x, let negated):
            emit("(")
            expr(x)
            emit(negated ? " IS NOT NULL)" : " IS NULL)")
        case .isBoolean(let x, let test, let negated):
            emit("(")
            expr(x)
            emit(negated ? " IS NOT " : " IS ")
            switch test {
            case .isTrue: emit("TRUE)")
            case .isFalse: emit("FALSE)")
            case .isUnknown: emit("UNKNOWN)")
            }
        case .isDistinctFrom(let l, let r, let negated):
            emit("(")
            expr(l)
            emit(negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ")
            expr(r)
            emit(")")
        case .exists(let q):
            emit("EXISTS (")
            query(q)
            emit(")")
        case .subquery(let q):
            emit("(")
            query(q)
            emit(")")
        case .quantifiedSubquery(let x, let op, let quantifier, let q):
            emit("(")
            expr(x)
            emit(" " + op.rawValue + " " + quantifier.rawValue + " (")
            query(q)
            emit("))")
        case .quantifiedArray(let x, let op, let quantifier, let array):
            emit("(")
            expr(x)
            emit(" " + op.rawValue + " " + quantifier.rawValue + " (")
            expr(array)
            emit("))")
        case .array(let items):
            emit("ARRAY[")
            exprList(items)
            emit("]")
        case .arraySubquery(let q):
            emit("ARRAY(")
            query(q)
            emit(")")
        case .arraySubscript(let base, let index, let upper, let isSlice):
            if case .column = base.kind { expr(base) } else { emit("("); expr(base); emit(")") }
            emit("[")
            if let index { expr(index) }
            if isSlice {
                emit(":")
                if let upper { expr(upper) }
            }
            emit("]")
        case .row(let items):
            emit("ROW(")
            exprList(items)
            emit(")")
        case .atTimeZone(let x, let zone):
            emit("(")
            expr(x)
            emit(" AT TIME ZONE ")
            expr(zone)
            emit(")")
        case .collate(let x, let name):
            emit("(")
            expr(x)
            emit(" COLLATE " + name.split(separator: ".").map { "\"" + SQLWriter.doubling($0, "\"") + "\"" }
                .joined(separator: "."))
            emit(")")
        case .fieldSelection(let base, let field):
            emit("(")
            expr(base)
            emit(")." + SQLWriter.identifier(field))
        case .defaultValue:
            emit("DEFAULT")
        }
    }

    private mutating func function(_ call: FunctionCall) {
        let plain = !call.isStar && !call.distinct && call.orderBy.isEmpty && call.withinGroup.isEmpty
            && call.filter == nil && call.over == nil && call.ignoreNulls == nil
        if plain, call.name.count == 1, let name = call.name.first, SQLWriter.niladicFunctions.contains(name) {
            if call.arguments.isEmpty {
                emit(name.uppercased())
                return
            }
            if ["current_time", "current_timestamp", "localtime", "localtimestamp"].contains(name),
               call.arguments.count == 1, let arg = call.arguments.first, arg.name == nil,
               case .literal(.integer(let p)) = arg.value.kind, !p.hasPrefix("-") {
                emit(name.uppercased() + "(" + p + ")")
                return
            }
        }
        emit(SQLWriter.functionName(call.name) + "(")
        if call.isStar {
            emit("*")
        } else {
            if call.distinct { emit("DISTINCT ") }
            arguments(call.arguments)
            if let ignore = call.ignoreNulls, call.over == nil {
                emit(ignore ? " IGNORE NULLS" : " RESPECT NULLS")
            }
            if !call.orderBy.isEmpty {
                emit(" ORDER BY ")
                orderItems(call.orderBy)
            }
        }
        emit(")")
        if !call.withinGroup.isEmpty {
            emit(" WITHIN GROUP (ORDER BY ")
            orderItems(call.withinGroup)
            emit(")")
        }
        if let filter = call.filter {
            emit(" FILTER (WHERE ")
            expr(filter)
            emit(")")
        }
        if let over = call.over {
            if let ignore = call.ignoreNulls { emit(ignore ? " IGNORE NULLS" : " RESPECT NULLS") }
            emit(" OVER ")
            if let base = over.baseName, over.partitionBy.isEmpty, over.orderBy.isEmpty, over.frame == nil {
                emit(SQLWriter.identifier(base))
            } else {
                windowSpec(over)
            }
        }
    }
}
