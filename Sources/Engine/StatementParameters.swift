// What the wire protocol needs from a Session beyond `execute(sql)`: running
// one already-parsed statement with $n parameters (Parse/Bind), describing a
// statement without running it (parameter types the binder inferred, result
// fields), and cancelling with a reason (statement_timeout). Statements still
// go through Session.run, so every check the REPL applies applies here too.

import Columnar
import Planner
import SQLSyntax

/// Types (known or inferred) and values of a statement's $n parameters.
public struct StatementParameters: Sendable {
    public var types: [Int: DataType]
    public var values: [Int: Value]
    /// False while describing a statement (Parse): its $n have types but no values yet.
    var hasValues = true
    public init(types: [Int: DataType] = [:], values: [Int: Value] = [:]) { self.types = types; self.values = values }
}

/// The shape of a statement before it runs.
public struct StatementDescription: Sendable {
    /// Result columns; nil for statements that return no rows.
    public var fields: [Field]?
    /// Types of $1…$n after inference (text where nothing constrains a parameter).
    public var parameterTypes: [DataType]
    /// Per result column, the table or view column it plainly references (ResultColumnSources.swift).
    public var columnOrigins: [ColumnOrigin?] = []
    public init(fields: [Field]?, parameterTypes: [DataType]) { self.fields = fields; self.parameterTypes = parameterTypes }
}

extension Session {
    func withBoundParameters(_ binder: Binder) -> Binder {
        if let p = boundParameters {
            binder.parameterTypes.merge(p.types) { $1 }
            binder.parameterValues = p.values
        }
        // Outside Parse a $n must have a value (simple queries have none: `SELECT $1` is 42P02 there).
        binder.parametersMustHaveValues = boundParameters?.hasValues ?? true
        return binder
    }

    /// Runs one parsed statement with parameter values (positions in errors are byte offsets + 1 into `parsed.text`).
    public func execute(_ parsed: ParsedStatement, parameters: StatementParameters? = nil) throws -> QueryResult {
        cancellation.reset()
        progress.reset()
        // pg_catalog is a snapshot per statement: a CREATE earlier on this connection must show.
        statementSystemCatalog = nil
        boundParameters = parameters
        defer { boundParameters = nil }
        return try run(parsed.statement, text: parsed.text)
    }

    /// Binds without running: the result fields and the $n types. `count` is the
    /// number of parameters the statement text uses.
    public func describe(_ parsed: ParsedStatement, parameterTypes: [Int: DataType], count: Int) throws -> StatementDescription {
        statementSystemCatalog = nil
        var describing = StatementParameters(types: parameterTypes)
        describing.hasValues = false
        boundParameters = describing
        defer { boundParameters = nil }
        var types = parameterTypes
        var fields: [Field]? = nil
        var origins: [ColumnOrigin?] = []
        switch parsed.statement {
        case .query(let q):
            preparedBinding = nil
            if count == 0, let kept = cachedPlan(text: parsed.text) {
                var description = StatementDescription(fields: kept.fields, parameterTypes: [])
                description.columnOrigins = kept.origins
                return description
            }
            let binder = makeBinder()
            let bound = try binder.bind(q)
            fields = bound.fields
            origins = bound.origins
            types.merge(binder.parameterTypes) { a, _ in a }
            try Self.checkParametersDetermined(count: count, declared: parameterTypes, referenced: binder.referencedParameters)
            // A plan kept for reuse (Session+PlanCache.swift) serves the Execute too; else keep this bind for it.
            if count == 0 && parameterTypes.isEmpty && binder.parameterTypes.isEmpty && keepPlan(text: parsed.text, bound: bound) == nil {
                keepPreparedBinding(text: parsed.text, binder: binder, bound: bound)
            }
        case .insert(let ins):
            // Parameters in VALUES take the target columns' types (pg8000 and psqlODBC send none).
            if case .table(let source)? = try database.catalog.lookup(schema: ins.table.schema, name: ins.table.name),
               let table = source as? MemoryTable {
                let binder = makeBinder()
                _ = try binder.bindInsert(target: table.fields, tableName: ins.table.description, columns: ins.columns, source: ins.source)
                types.merge(binder.parameterTypes) { a, _ in a }
            }
        case .explain:
            fields = [Field(name: "QUERY PLAN", type: .text)]
        case .show(let name):
            fields = name == "all" ? [Field(name: "name", type: .text), Field(name: "setting", type: .text)] : [Field(name: name, type: .text)]
        default:
            break
        }
        let list = (0..<count).map { i -> DataType in
            let t = types[i + 1] ?? .text
            return t == .null ? .text : t
        }
        var description = StatementDescription(fields: fields, parameterTypes: list)
        description.columnOrigins = origins
        return description
    }

    /// PostgreSQL cannot give a type to a $n that the query skips (`SELECT $2` without a type for $1): 42P18.
    static func checkParametersDetermined(count: Int, declared: [Int: DataType], referenced: Set<Int>) throws {
        guard count > 0 else { return }
        for n in 1...count where declared[n] == nil && !referenced.contains(n) {
            throw SQLError(SQLState.indeterminateDatatype, "could not determine data type of parameter $\(n)")
        }
    }

    /// Cancels the running statement with a specific message (e.g. statement timeout).
    public func cancel(reason: String) { cancellation.cancel(reason: reason) }

    /// Whether a statement is running-cancellable right now is not tracked; this resets a stale flag.
    public func clearCancellation() { cancellation.reset() }
}
