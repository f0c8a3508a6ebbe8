// The binder: turns a parsed query into a typed logical plan. Resolves
// names against the catalog and the scopes of enclosing queries, expands
// `*`, inlines views and CTEs (or materialises CTEs: MaterializedCTE.swift), and checks PostgreSQL's rules with their
// SQLSTATEs. Expressions are bound in BindExpressions.swift and SELECT
// blocks in BindSelect.swift.

import Columnar
import Functions
import SQLSyntax

/// A bound query: its plan and the names of its output columns.
public struct BoundQuery {
    public var plan: LogicalPlan
    public var names: [String]
    /// Per output column, the table or view column it is a plain reference to (ColumnOrigin.swift); may be shorter than `names`.
    public var origins: [ColumnOrigin?] = []
    public var fields: [Field] { zip(plan.fields, names).map { Field(name: $1, type: $0.type, nullable: $0.nullable) } }
}

public final class Binder {
    let catalog: CatalogProvider
    let tableFunctions: TableFunctionProvider?
    let registry: FunctionRegistry
    /// Types of $n parameters, known from the client or inferred while binding.
    public var parameterTypes: [Int: DataType]
    /// Values of $n parameters when they are known at bind time.
    public var parameterValues: [Int: Value] = [:]
    /// True when the statement is bound to run: a `$n` without a value is then an error (42P02, as
    /// PostgreSQL reports for `SELECT $1` in a simple query); false while describing (Parse).
    public var parametersMustHaveValues = false
    /// The $n the statement refers to (Parse needs every $1…$max referenced or declared: 42P18).
    public internal(set) var referencedParameters = Set<Int>()
    /// The session's TimeZone (seconds east of UTC): literals such as '2024-01-01'::timestamptz
    /// are read, and constant casts folded, in it.
    public var timeZoneOffsetSeconds = 0
    /// Set while binding QUALIFY: select-list aliases, for names no input column resolves.
    var selectAliases: [String: BoundExpr]? = nil
    /// Set by bindInsert for a plain `INSERT … VALUES`: the target column of each VALUES column, taken
    /// (and cleared) by the VALUES list it is meant for (BindInsertValues.swift).
    var insertValuesTargets: [(name: String, type: DataType)?]? = nil
    var foldingContext: FunctionContext { FunctionContext(timeZoneOffsetSeconds: timeZoneOffsetSeconds) }

    struct CTEBinding {
        var definition: CommonTableExpression
        /// Set while binding the recursive term of a WITH RECURSIVE CTE.
        var workTable: (id: Int, fields: [Field])?
        /// How often the query text the WITH clause governs names it, and its materialisation once
        /// bound (a class: bindCTEReference binds with a copy of the CTE stack).
        var materialization = CTEMaterialization(references: 0)
    }

    /// Per WITH query: its reference count and, once its first reference decided to
    /// materialise it, the definition every reference reads (MaterializedCTE.swift).
    final class CTEMaterialization {
        let references: Int
        var materialized: MaterializedCTE?
        init(references: Int) { self.references = references }
    }
    var cteStack: [[String: CTEBinding]] = []
    var nextWorkTableId = 1
    var viewDepth = 0
    /// The source each table named in the statement was first bound to: later references to
    /// the same relation read the same object, so one statement sees one listing of a lake
    /// table's files, and rules can tell two scans of one table apart from scans of two
    /// (AggregateSubqueriesToWindows).
    var tableSources: [RelationName: TableSource] = [:]
    /// The outermost query level referenced while binding the current subquery.
    var minReferencedLevel = Int.max
    /// Set while binding a FROM item that is a LATERAL subquery referencing items to its left.
    var lateralLevel: Int? = nil

    /// Privileges, masks and row policies of the querying session (BindPolicies.swift).
    public let accessControl: AccessControl
    /// What this binder has read and applied so far, for the audit log.
    public internal(set) var report = AccessReport()
    /// Owners of the views being expanded, innermost last: their grants apply inside.
    var viewOwners: [String] = []
    /// Relations whose policy bodies are being bound, innermost last (recursion guard).
    var policyRelations: [RelationName] = []
    /// Whether mask_hash may be called, per enclosing policy body or view, innermost last.
    var maskHashAllowed: [Bool] = []

    public init(catalog: CatalogProvider, tableFunctions: TableFunctionProvider? = nil,
                registry: FunctionRegistry = .shared, parameterTypes: [Int: DataType] = [:],
                accessControl: AccessControl = UnrestrictedAccess()) {
        self.catalog = catalog
        self.tableFunctions = tableFunctions
        self.registry = registry
        self.parameterTypes = parameterTypes
        self.accessControl = accessControl
    }

    public func bind(_ query: Query) throws -> BoundQuery {
        try bindQuery(query, outer: nil)
    }

    // MARK: Queries

    func bindQuery(_ q: Query, outer: Scope?) throws -> BoundQuery {
        // A subquery inside QUALIFY does not see the enclosing select list's aliases.
        let savedAliases = selectAliases
        selectAliases = nil
        defer { selectAliases = savedAliases }
        if let with = q.with { try pushCTEs(with, of: q) }
        defer { if q.with != nil { cteStack.removeLast() } }

        var bound: BoundQuery
        if case .select(let core) = q.body {
            bound = try bindSelect(core, orderBy: q.orderBy, outer: outer)
        } else {
            bound = try bindBody(q.body, outer: outer)
            if !q.orderBy.isEmpty {
                bound = try bindOrderByOutputs(bound, q.orderBy)
            }
        }
        if q.limit != nil || q.offset != nil {
            let limit = try q.limit.map { try constantInt($0, clause: "LIMIT") } ?? nil
            let offset = try q.offset.map { try constantInt($0, clause: "OFFSET") } ?? nil
            bound.plan = .limit(bound.plan, limit: limit, offset: offset ?? 0)
        }
        return bound
    }

    func bindBody(_ body: QueryBody, outer: Scope?) throws -> BoundQuery {
        switch body {
        case .select(let core): return try bindSelect(core, orderBy: [], outer: outer)
        case .nested(let q): return try bindQuery(q, outer: outer)
        case .values(let rows): return try bindValues(rows, outer: outer)
        case .setOperation(let op, let all, let l, let r):
            let left = try bindBody(l, outer: outer)
            let right = try bindBody(r, outer: outer)
            return try combine(op, all: all, left, right)
        }
    }

    func combine(_ op: SetOperator, all: Bool, _ left: BoundQuery, _ right: BoundQuery) throws -> BoundQuery {
        let lf = left.plan.fields, rf = right.plan.fields
        guard lf.count == rf.count else {
            throw SQLError(SQLState.syntaxError, "each \(op.rawValue.uppercased()) query must have the same number of columns")
        }
        var types: [DataType] = []
        for i in 0..<lf.count {
            let lt = literalAwareType(left.plan, i), rt = literalAwareType(right.plan, i)
            guard let t = Coercion.commonType([lt.type, rt.type], unknownLiterals: [lt.unknown, rt.unknown]) else {
                throw SQLError(SQLState.datatypeMismatch, "\(op.rawValue.uppercased()) types \(lf[i].type) and \(rf[i].type) cannot be matched")
            }
            types.append(t == .null ? .text : t)
        }
        let l = try castPlan(left.plan, to: types)
        let r = try castPlan(right.plan, to: types)
        let fields = zip(left.names, types).map { Field(name: $0, type: $1) }
        return BoundQuery(plan: .setOperation(op, all: all, l, r, fields: fields), names: left.names)
    }

    /// The output type of column i, noting whether it is an untyped literal.
    func literalAwareType(_ plan: LogicalPlan, _ i: Int) -> (type: DataType, unknown: Bool) {
        if case .project(_, let exprs, _) = plan, i < exprs.count {
            // Untyped literals and bare NULLs (typed text only for want of anything better) resolve to the other side.
            if case .unknownLiteral = exprs[i] { return (.text, true) }
            if case .literal(.null, _) = exprs[i] { return (.null, true) }
        }
        if case .values(let rows, _) = plan, rows.allSatisfy({ i < $0.count && isUnknown($0[i]) }) {
            return (.text, true)
        }
        return (plan.fields[i].type, false)
    }

    /// Wraps `plan` in a projection casting its columns to `types` (no-op when they already match).
    func castPlan(_ plan: LogicalPlan, to types: [DataType]) throws -> LogicalPlan {
        let fields = plan.fields
        if zip(fields, types).allSatisfy({ $0.type == $1 }) && !containsUnknownLiteral(plan) { return plan }
        // Re-type untyped literals in place so that they parse as the target type.
        if case .project(let input, let exprs, let fs) = plan {
            let cast = try zip(exprs, types).map { try coerce($0, to: $1, explicit: false, location: 0) }
            return .project(input, cast, fields: zip(fs, types).map { Field(name: $0.name, type: $1) })
        }
        if case .values(let rows, let fs) = plan {
            let cast = try rows.map { row in try zip(row, types).map { try coerce($0, to: $1, explicit: false, location: 0) } }
            return .values(rows: cast, fields: zip(fs, types).map { Field(name: $0.name, type: $1) })
        }
        let exprs = try fields.enumerated().map { i, f in try coerce(.column(i, f.type), to: types[i], explicit: false, location: 0) }
        return .project(plan, exprs, fields: zip(fields, types).map { Field(name: $0.name, type: $1) })
    }

    private func containsUnknownLiteral(_ plan: LogicalPlan) -> Bool {
        if case .project(_, let exprs, _) = plan { return exprs.contains { if case .unknownLiteral = $0 { return true }; return false } }
        if case .values(let rows, _) = plan { return rows.contains { $0.contains { if case .unknownLiteral = $0 { return true }; return false } } }
        return false
    }

    func bindValues(_ rows: [[Expr]], outer: Scope?) throws -> BoundQuery {
        guard let width = rows.first?.count else { throw SQLError(SQLState.syntaxError, "VALUES must not be empty") }
        let scope = Scope(entries: [], parent: outer)
        let targets = insertValuesTargets
        insertValuesTargets = nil
        var bound: [[BoundExpr]] = []
        for row in rows {
            guard row.count == width else {
                throw SQLError(SQLState.syntaxError, "VALUES lists must all be the same length", position: (row.first?.location ?? 0) + 1)
            }
            let values = try row.map { try bindExpr($0, scope, .plain) }
            bound.append(try targets.map { try assignInsertRow(values, row, targets: $0) } ?? values)
        }
        var types: [DataType] = []
        for c in 0..<width {
            let col = bound.map { $0[c] }
            let unknown = col.map { if case .unknownLiteral = $0 { return true }; return false }
            guard let t = Coercion.commonType(col.map(\.type), unknownLiterals: unknown) else {
                throw SQLError(SQLState.datatypeMismatch, "VALUES types \(col.map(\.type.description).joined(separator: " and ")) cannot be matched")
            }
            types.append(t == .null ? .text : t)
        }
        // Columns of only untyped literals stay untyped, so that INSERT and UNION can give them their type.
        let untyped = (0..<width).map { c in bound.allSatisfy { isUnknown($0[c]) } }
        let cast = try bound.map { row in
            try row.enumerated().map { c, e in untyped[c] ? e : try coerce(e, to: types[c], explicit: false, location: 0) }
        }
        let names = (1...width).map { "column\($0)" }
        return BoundQuery(plan: .values(rows: cast, fields: zip(names, types).map { Field(name: $0, type: $1) }), names: names)
    }

    /// ORDER BY on the output of a set operation or VALUES: output names, ordinals, or expressions over outputs.
    func bindOrderByOutputs(_ q: BoundQuery, _ items: [OrderItem]) throws -> BoundQuery {
        let fields = q.fields
        let scope = Scope.of(fields: fields, table: nil, parent: nil)
        var keys: [SortKey] = []
        for item in items {
            let e: BoundExpr
            if case .literal(.integer(let digits)) = item.expr.kind, let n = Int(digits) {
                guard n >= 1 && n <= fields.count else {
                    throw SQLError(SQLState.invalidColumnReference, "ORDER BY position \(n) is not in select list", position: item.expr.location + 1)
                }
                e = .column(n - 1, fields[n - 1].type)
            } else {
                e = try bindExpr(item.expr, scope, .plain)
            }
            keys.append(SortKey(expr: e, ascending: item.ascending, nullsFirst: item.nullsFirst ?? !item.ascending))
        }
        return BoundQuery(plan: .sort(q.plan, keys), names: q.names)
    }

    func constantInt(_ e: Expr, clause: String) throws -> Int? {
        let bound = try coerce(try bindExpr(e, Scope(entries: [], parent: nil), .plain), to: .int64, explicit: false, location: e.location)
        // `LIMIT $1` while describing (Parse): the value comes with Bind, when the statement is bound again.
        if !parametersMustHaveValues, bound.contains(where: { if case .parameter = $0 { return true }; return false }) { return nil }
        guard let v = try ConstantEvaluator.evaluate(bound) else {
            throw SQLError(SQLState.syntaxError, "argument of \(clause) must not contain variables", position: e.location + 1)
        }
        switch v {
        case .null: return nil
        case .int(let i):
            if i < 0 {
                // PostgreSQL: 2201W for LIMIT, 2201X for OFFSET.
                throw SQLError(clause == "OFFSET" ? "2201X" : "2201W", "\(clause) must not be negative", position: e.location + 1)
            }
            return Int(i)
        default: return nil
        }
    }

    // MARK: CTEs

    func pushCTEs(_ with: WithClause, of query: Query) throws {
        var frame: [String: CTEBinding] = [:]
        cteStack.append(frame)
        for (i, cte) in with.ctes.enumerated() {
            if frame[cte.name] != nil {
                throw SQLError(SQLState.duplicateAlias, "WITH query name \"\(cte.name)\" specified more than once")
            }
            // Referenced from the later CTEs and the body (a CTE's own recursive term does not count).
            let later = with.ctes.dropFirst(i + 1).prefix { $0.name != cte.name }
            let references = later.reduce(0) { $0 + CTEReferenceCounter.count(cte.name, in: $1.query) }
                + CTEReferenceCounter.count(cte.name, in: query.body)
                + query.orderBy.reduce(0) { $0 + CTEReferenceCounter.count(cte.name, in: $1.expr) }
            frame[cte.name] = CTEBinding(definition: cte, workTable: nil, materialization: CTEMaterialization(references: references))
            cteStack[cteStack.count - 1] = frame
        }
        _ = with.recursive
    }

    func lookupCTE(_ name: String) -> (binding: CTEBinding, depth: Int)? {
        for i in stride(from: cteStack.count - 1, through: 0, by: -1) {
            if let b = cteStack[i][name] { return (b, i) }
        }
        return nil
    }

    /// Binds a reference to a CTE. As in PostgreSQL 12+, a non-recursive CTE is inlined afresh at a
    /// reference when it is referenced once or written AS NOT MATERIALIZED, unless it calls a
    /// volatile function; otherwise its definition is bound once, at the first reference, and every
    /// reference reads it as a `.cteScan` (MaterializedCTE.swift). A definition reading columns of
    /// an enclosing query is inlined at every reference. Recursive ones become a RecursiveCTE node.
    func bindCTEReference(_ binding: CTEBinding, depth: Int, outer: Scope?) throws -> BoundQuery {
        let cte = binding.definition
        if let wt = binding.workTable {
            let names = wt.fields.map(\.name)
            return BoundQuery(plan: .workTable(id: wt.id, fields: wt.fields), names: names)
        }
        if let m = binding.materialization.materialized {
            return BoundQuery(plan: .cteScan(m), names: m.fields.map(\.name), origins: m.origins)
        }
        let savedMinLevel = minReferencedLevel
        minReferencedLevel = Int.max
        var result = try bindCTEDefinition(binding, depth: depth, outer: outer)
        let correlated = minReferencedLevel <= (outer?.level ?? -1)
        minReferencedLevel = min(savedMinLevel, minReferencedLevel)
        // PostgreSQL never inlines a recursive or volatile CTE; a recursive one referenced once is
        // run once either way, so it stays where it is referenced.
        let references = binding.materialization.references
        var recursive = false
        if case .recursiveCTE = result.plan { recursive = true }
        let materialize = !correlated
            && (cte.materialized == true || (references > 1 && (cte.materialized == nil || recursive))
                || result.plan.callsVolatileFunction)
        guard materialize else { return result }
        let m = MaterializedCTE(id: nextWorkTableId, name: cte.name, bound: result)
        nextWorkTableId += 1
        binding.materialization.materialized = m
        result = BoundQuery(plan: .cteScan(m), names: m.fields.map(\.name), origins: m.origins)
        return result
    }

    /// Binds a CTE's definition as seen from a reference.
    private func bindCTEDefinition(_ binding: CTEBinding, depth: Int, outer: Scope?) throws -> BoundQuery {
        let cte = binding.definition
        // CTEs see only the CTEs defined before them (and themselves, when recursive).
        let saved = cteStack
        cteStack = Array(cteStack.prefix(depth + 1))
        defer { cteStack = saved }

        var result: BoundQuery
        if referencesName(cte.query, cte.name), case .setOperation(.union, let all, let anchorBody, let recursiveBody) = cte.query.body {
            if bodyReferencesName(anchorBody, cte.name) {
                throw SQLError("42P19", "recursive reference to query \"\(cte.name)\" must not appear within its non-recursive term")
            }
            // Anchor first: it fixes the column types.
            cteStack[depth][cte.name] = nil
            var anchor = try bindBody(anchorBody, outer: outer)
            if let names = cte.columnNames { anchor.names = try renamed(anchor.names, names, cte.name) }
            let id = nextWorkTableId
            nextWorkTableId += 1
            var anchorFields = anchor.fields
            anchorFields = anchorFields.map { $0.type == .null ? Field(name: $0.name, type: .text) : $0 }
            anchor.plan = try castPlan(anchor.plan, to: anchorFields.map(\.type))
            cteStack[depth][cte.name] = CTEBinding(definition: cte, workTable: (id, anchorFields))
            let recursive = try bindBody(recursiveBody, outer: outer)
            guard recursive.plan.fields.count == anchorFields.count else {
                throw SQLError(SQLState.syntaxError, "each UNION query must have the same number of columns")
            }
            let recPlan = try castPlan(recursive.plan, to: anchorFields.map(\.type))
            result = BoundQuery(plan: .recursiveCTE(id: id, anchor: anchor.plan, recursive: recPlan, unionAll: all, fields: anchorFields),
                                names: anchor.names)
            if !cte.query.orderBy.isEmpty || cte.query.limit != nil {
                throw SQLError(SQLState.featureNotSupported, "ORDER BY/LIMIT in a recursive query is not implemented")
            }
        } else {
            result = try bindQuery(cte.query, outer: outer)
            if let names = cte.columnNames { result.names = try renamed(result.names, names, cte.name) }
        }
        return result
    }

    func renamed(_ names: [String], _ aliases: [String], _ table: String) throws -> [String] {
        guard aliases.count <= names.count else {
            throw SQLError(SQLState.invalidColumnReference, "table \"\(table)\" has \(names.count) columns available but \(aliases.count) columns specified")
        }
        return aliases + names.dropFirst(aliases.count)
    }

    /// Whether a query mentions `name` as a table anywhere (recursive CTE detection).
    func referencesName(_ q: Query, _ name: String) -> Bool { bodyReferencesName(q.body, name) }

    func bodyReferencesName(_ body: QueryBody, _ name: String) -> Bool {
        func inBody(_ b: QueryBody) -> Bool {
            switch b {
            case .select(let c): return c.from.contains(where: inRef)
            case .setOperation(_, _, let l, let r): return inBody(l) || inBody(r)
            case .values: return false
            case .nested(let q): return referencesName(q, name)
            }
        }
        func inRef(_ r: TableRef) -> Bool {
            switch r {
            case .table(let n, _, _): return n.parts.count == 1 && n.name == name
            case .subquery(let q, _, _, _): return referencesName(q, name)
            case .join(let l, let r, _, _, _): return inRef(l) || inRef(r)
            default: return false
            }
        }
        return inBody(body)
    }
}
