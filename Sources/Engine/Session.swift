// A session: settings, and the execution of each statement kind. Queries
// are bound, planned and returned as pulled result streams; DDL and INSERT
// run to completion before returning. Errors get positions relative to the
// text the caller passed in.

import Columnar
import Execution
import Functions
import Planner
import SQLSyntax

public final class Session: @unchecked Sendable {
    public let database: Database
    /// Session settings (SET/SHOW), lower-case names, values as text.
    public internal(set) var settings: [String: String] = Session.defaultSettings { didSet { parsedSettingsCache = nil; settingsVersion &+= 1 } }
    /// Bumped by every change of `settings` (a key of the plan cache, Session+PlanCache.swift).
    var settingsVersion = 0
    /// Plans kept per statement text (Session+PlanCache.swift).
    var planCache = PlanCache()
    /// `sessionIdentity` as last computed, with what it was computed for (Session+Governance.swift).
    var identityCache: (accessControl: AccessControl, user: String, identity: SessionIdentity)?
    /// `settings` parsed (ParsedSettings.swift); nil after any change.
    var parsedSettingsCache: ParsedSettings?
    let cancellation = CancellationToken()
    /// How far the running statement's scans have got (reset per statement), for progress displays.
    public let progress = QueryProgress()
    public private(set) var inTransaction = false
    /// pg_catalog/information_schema for the running statement (SystemCatalog/); rebuilt per statement.
    var statementSystemCatalog: SystemCatalog?
    /// Table OIDs already given in RowDescriptions; forgotten by any statement other than a query (ResultColumnSources.swift).
    var rowDescriptionOIDs: [RelationName: Int32] = [:]
    /// The process id clients see (pg_backend_pid, BackendKeyData): unique per session.
    public let backendPID: Int32 = BackendPIDs.next()
    /// $n types and values for the statement being run (the wire protocol's Bind).
    var boundParameters: StatementParameters?
    /// Statements run so far (Session+PreparedBinding.swift: a kept bind is valid only if none ran since).
    var statementsRun = 0
    /// A bind kept from the wire protocol's Parse for its Execute (Session+PreparedBinding.swift).
    var preparedBinding: PreparedBinding?

    static let defaultSettings: [String: String] = [
        "server_version": "15.0",
        "server_encoding": "UTF8",
        "client_encoding": "UTF8",
        "datestyle": "ISO, MDY",
        "intervalstyle": "postgres",
        "timezone": "UTC",
        "integer_datetimes": "on",
        "standard_conforming_strings": "on",
        "application_name": "",
        "search_path": "\"$user\", public",
        "memory_limit": MemorySetting.defaultLimit,
        "threads": String(availableCores),
        "statement_timeout": "0",
        "extra_float_digits": "1",
        "transaction_isolation": "read committed",
        "lake_skipping": "on",
    ].merging(PgSettings.defaults) { own, _ in own }

    init(database: Database) { self.database = database }

    /// Text-output options for this session (TimeZone).
    public var textOptions: TextFormatOptions { TextFormatOptions(timeZoneOffsetSeconds: timeZoneOffsetSeconds) }

    var timeZoneOffsetSeconds: Int { parsedSettings.timeZoneOffsetSeconds }

    /// Runs the statement(s) in `sql`; with several, all but the last run to completion
    /// first and the last one's result is returned (an empty string gives an empty result).
    public func execute(_ sql: String) throws -> QueryResult {
        let parsed = try auditingParseErrors(sql) { try withPositions(sql) { try Parser.parse(sql) } }
        guard let last = parsed.last else { return emptyResult() }
        for statement in parsed.dropLast() {
            let result = try run(statement, in: sql)
            while try result.next() != nil {}
        }
        return try run(last, in: sql)
    }

    /// Runs every statement of a script in order, handing each result to `body`
    /// (which should drain it) before the next statement runs.
    public func executeScript(_ sql: String, _ body: (QueryResult) throws -> Void) throws {
        let parsed = try auditingParseErrors(sql) { try withPositions(sql) { try Parser.parse(sql) } }
        for statement in parsed { try body(try run(statement, in: sql)) }
    }

    /// Cancels the statement running in this session (57014), from any thread.
    public func cancel() { cancellation.cancel() }

    func emptyResult() -> QueryResult {
        QueryResult(fields: [], returnsRows: false, commandTag: "", produce: { nil })
    }

    /// Re-bases error positions (byte offsets within one statement) onto characters of `sql`.
    private func withPositions<T>(_ sql: String, offset: Int = 0, _ body: () throws -> T) throws -> T {
        do { return try body() } catch var error as SQLError {
            if let p = error.position {
                let bytes = Array(sql.utf8)
                let end = min(bytes.count, max(0, offset + p - 1))
                error.position = String(decoding: bytes[0..<end], as: UTF8.self).count + 1
            }
            throw error
        }
    }

    private func run(_ parsed: ParsedStatement, in sql: String) throws -> QueryResult {
        cancellation.reset()
        progress.reset()
        statementSystemCatalog = nil
        return try withPositions(sql, offset: parsed.location) { try run(parsed.statement, text: parsed.text) }
    }

    /// Privileges, masks and row policies of this session (a superuser without a catalog).
    public var accessControl: AccessControl = UnrestrictedAccess()
    /// What the last bound statement read and which policies it applied (for the audit log).
    public var lastAccessReport: AccessReport { lastBinder?.report ?? AccessReport() }
    var lastBinder: Binder?

    func makeBinder() -> Binder {
        let binder = withBoundParameters(inSessionTimeZone(Binder(catalog: systemCatalog(), tableFunctions: database.tableFunctions, accessControl: accessControl)))
        lastBinder = binder
        return binder
    }

    func makeContext() -> ExecutionContext {
        let parsed = parsedSettings
        var fctx = FunctionContext(timeZoneOffsetSeconds: parsed.timeZoneOffsetSeconds, timeZoneName: parsed.timeZoneName,
                                   statementTimestamp: Clock.nowMicros(), settings: settings, secretKey: accessControl.maskingSecret)
        fctx.identity = sessionIdentity
        fctx.introspection = systemCatalog()
        return ExecutionContext(functionContext: fctx, cancellation: cancellation,
                                memoryLimit: parsed.memoryLimit)
    }

    func makePlanner(context: ExecutionContext? = nil) -> PhysicalPlanner {
        let planner = PhysicalPlanner(context: context ?? makeContext())
        planner.parallelism = parsedSettings.parallelism
        planner.context.progress = progress
        return planner
    }

    private func command(_ tag: String) -> QueryResult {
        QueryResult(fields: [], returnsRows: false, commandTag: tag, produce: { nil })
    }

    /// Runs one statement: every entry point comes through here, so every statement is
    /// checked against the catalog and audited (Session+Governance.swift, Session+Audit.swift).
    func run(_ statement: Statement, text: String) throws -> QueryResult {
        if case .query = statement {} else { rowDescriptionOIDs = [:] }
        defer { statementsRun &+= 1 }
        return try audited(statement, text: text) { try governed(statement) { try runStatement(statement, text: text) } }
    }

    private func runStatement(_ statement: Statement, text: String) throws -> QueryResult {
        switch statement {
        case .empty:
            return emptyResult()
        case .query(let q):
            if let kept = cachedPlan(text: text) { return try runCachedPlan(kept) }
            let taken = takePreparedBinding(text: text)
            let bound = try taken ?? makeBinder().bind(q)
            if taken == nil, let kept = keepPlan(text: text, bound: bound) { return try runCachedPlan(kept) }
            // One context for optimising and running: building it reads the catalog snapshot and settings.
            let context = makeContext()
            let plan = Optimizer.optimize(bound.plan, context: context.functionContext)
            let op = try makePlanner(context: context).build(plan)
            let result = QueryResult(fields: bound.fields, returnsRows: true, commandTag: "SELECT", tagForRows: { "SELECT \($0)" },
                                     produce: { try op.next() })
            result.columnOrigins = bound.origins
            return result
        case .createTable(let ct):
            let binder = makeBinder()
            var seen = Set<String>()
            var fields: [Field] = []
            for c in ct.columns {
                guard seen.insert(c.name).inserted else {
                    throw SQLError(SQLState.duplicateColumn, "column \"\(c.name)\" specified more than once")
                }
                fields.append(Field(name: c.name, type: try binder.columnType(c.type), nullable: !c.notNull))
            }
            if ct.ifNotExists, try database.catalog.lookup(schema: ct.name.schema, name: ct.name.name) != nil {
                return command("CREATE TABLE")
            }
            try database.catalog.add(schema: ct.name.schema, name: ct.name.name, object: .table(MemoryTable(fields: fields)))
            return command("CREATE TABLE")
        case .createTableAs(let ctas):
            if ctas.ifNotExists, try database.catalog.lookup(schema: ctas.name.schema, name: ctas.name.name) != nil {
                return command("CREATE TABLE AS")
            }
            let bound = try makeBinder().bind(ctas.query)
            var names = bound.names
            if let cols = ctas.columnNames {
                guard cols.count <= names.count else {
                    throw SQLError(SQLState.syntaxError, "too many column names were specified")
                }
                names = cols + names.dropFirst(cols.count)
            }
            var seen = Set<String>()
            for n in names where !seen.insert(n).inserted {
                throw SQLError(SQLState.duplicateColumn, "column \"\(n)\" specified more than once")
            }
            let fields = zip(names, bound.plan.fields).map { Field(name: $0, type: $1.type == .null ? .text : $1.type) }
            let table = MemoryTable(fields: fields)
            let op = try makePlanner().build(Optimizer.optimize(bound.plan, context: makeContext().functionContext))
            var rows = 0
            while let b = try op.next() { table.append(b); rows += b.count }
            try database.catalog.add(schema: ctas.name.schema, name: ctas.name.name, object: .table(table))
            return command("SELECT \(rows)")
        case .insert(let ins):
            guard let object = try database.catalog.lookup(schema: ins.table.schema, name: ins.table.name) else {
                throw SQLError(SQLState.undefinedTable, "relation \"\(ins.table)\" does not exist")
            }
            guard case .table(let source) = object, let table = source as? MemoryTable else {
                throw SQLError(SQLState.wrongObjectType, "cannot insert into \"\(ins.table)\": only in-memory tables accept INSERT")
            }
            let plan = try makeBinder().bindInsert(target: table.fields, tableName: ins.table.description, columns: ins.columns, source: ins.source)
            let op = try makePlanner().build(Optimizer.optimize(plan, context: makeContext().functionContext))
            // Materialise first so that INSERT … SELECT from the same table sees the old rows only.
            var batches: [Batch] = []
            while let b = try op.next() { batches.append(b) }
            for (i, f) in table.fields.enumerated() where !f.nullable {
                for b in batches where b.columns[i].hasNulls {
                    throw SQLError(SQLState.notNullViolation, "null value in column \"\(f.name)\" of relation \"\(ins.table.name)\" violates not-null constraint")
                }
            }
            var rows = 0
            for b in batches { table.append(b); rows += b.count }
            return command("INSERT 0 \(rows)")
        case .createView(let cv):
            let bound = try makeBinder().bind(cv.query)
            if let cols = cv.columnNames, cols.count > bound.names.count {
                throw SQLError(SQLState.syntaxError, "CREATE VIEW specifies more column names than columns")
            }
            if cv.orReplace, case .table? = try database.catalog.lookup(schema: cv.name.schema, name: cv.name.name) {
                throw SQLError(SQLState.wrongObjectType, "\"\(cv.name)\" is not a view")
            }
            let view = ViewDefinition(name: cv.name.name, columnNames: cv.columnNames, sql: cv.queryText, query: cv.query)
            try database.catalog.add(schema: cv.name.schema, name: cv.name.name, object: .view(view), replace: cv.orReplace)
            return command("CREATE VIEW")
        case .createExternalTable(let e):
            return try createExternalTable(e)
        case .governance(let g):
            return try runGovernance(g, text: text)
        case .createIndex(_, let table, _):
            // Accepted for compatibility; scans do not use indexes.
            guard try database.catalog.lookup(schema: table.schema, name: table.name) != nil else {
                throw SQLError(SQLState.undefinedTable, "relation \"\(table)\" does not exist")
            }
            return command("CREATE INDEX")
        case .createSchema(let name, let ifNotExists):
            try database.catalog.createSchema(name, ifNotExists: ifNotExists)
            return command("CREATE SCHEMA")
        case .drop(let d):
            for name in d.names {
                if d.kind == .schema {
                    try database.catalog.dropSchema(name.name, ifExists: d.ifExists, cascade: d.cascade)
                    continue
                }
                let object = try database.catalog.lookup(schema: name.schema, name: name.name)
                switch (d.kind, object) {
                case (.table, .table?), (.view, .view?):
                    database.catalog.remove(schema: name.schema, name: name.name)
                case (_, nil):
                    if !d.ifExists {
                        throw SQLError(SQLState.undefinedTable, "\(d.kind == .view ? "view" : "table") \"\(name)\" does not exist")
                    }
                default:
                    throw SQLError(SQLState.wrongObjectType, "\"\(name)\" is not a \(d.kind.rawValue)")
                }
            }
            return command("DROP \(d.kind.rawValue.uppercased())")
        case .explain(let ex):
            return try explain(ex)
        case .set(let s):
            return try set(s)
        case .show(let name):
            return try show(name)
        case .reset(let name):
            if let name { settings[name] = Session.defaultSettings[name] } else { settings = Session.defaultSettings }
            return command("RESET")
        case .transaction(let t):
            switch t {
            case .begin: inTransaction = true; return command("BEGIN")
            case .commit: inTransaction = false; return command("COMMIT")
            case .rollback: inTransaction = false; return command("ROLLBACK")
            case .savepoint: return command("SAVEPOINT")
            case .releaseSavepoint: return command("RELEASE")
            case .rollbackToSavepoint: return command("ROLLBACK")
            }
        }
    }

    /// An external table is stored as the query that reads it (`read_parquet(…)` etc.),
    /// so its files are listed at query time and declared columns are cast on read.
    private func createExternalTable(_ e: CreateExternalTableStatement) throws -> QueryResult {
        if e.ifNotExists, try database.catalog.lookup(schema: e.name.schema, name: e.name.name) != nil {
            return command("CREATE EXTERNAL TABLE")
        }
        var arguments = [SQLPrinter.quoteString(e.location), "hive_partitioning => true"]
        for (key, value) in e.options {
            let literal: String
            switch value.lowercased() {
            case "true", "false": literal = value.lowercased()
            default: literal = Int(value) != nil ? value : SQLPrinter.quoteString(value)
            }
            arguments.append("\(SQLPrinter.quoteIdentifier(key)) => \(literal)")
        }
        let declared = e.columns + e.partitionedBy
        let list = declared.isEmpty ? "*" : declared.map { c in
            "\(SQLPrinter.quoteIdentifier(c.name))::\(SQLPrinter.print(c.type)) AS \(SQLPrinter.quoteIdentifier(c.name))"
        }.joined(separator: ", ")
        let sql = "SELECT \(list) FROM read_\(e.format)(\(arguments.joined(separator: ", ")))"
        guard case .query(let query)? = try Parser.parse(sql).first?.statement else {
            throw SQLError(SQLState.internalError, "could not build the external table's query")
        }
        // Bind once now: a bad location, format or column is reported at CREATE time.
        _ = try makeBinder().bind(query)
        let view = ViewDefinition(name: e.name.name, columnNames: nil, sql: sql, query: query)
        try database.catalog.add(schema: e.name.schema, name: e.name.name, object: .view(view))
        return command("CREATE EXTERNAL TABLE")
    }

    private func textResult(column: String, lines: [String], tag: String) -> QueryResult {
        var done = false
        return QueryResult(fields: [Field(name: column, type: .text)], returnsRows: true, commandTag: tag, produce: {
            if done { return nil }
            done = true
            return Batch(columns: [Vector.from(lines.map { .string($0) }, type: .text)], count: lines.count)
        })
    }

    private func explain(_ ex: ExplainStatement) throws -> QueryResult {
        guard case .query(let q) = ex.statement else {
            throw SQLError(SQLState.featureNotSupported, "EXPLAIN supports queries only")
        }
        let bound = try makeBinder().bind(q)
        let plan = Optimizer.optimize(bound.plan, context: makeContext().functionContext)
        guard ex.analyze else {
            return textResult(column: "QUERY PLAN", lines: plan.explain().split(separator: "\n").map(String.init), tag: "EXPLAIN")
        }
        let planner = makePlanner()
        planner.profiles = []
        let start = Clock.nowMicros()
        let op = try planner.build(plan)
        var rows = 0
        while let b = try op.next() { rows += b.count }
        let elapsed = Double(Clock.nowMicros() - start) / 1000
        var index = 0
        let profiles = planner.profiles ?? []
        let text = plan.explain(annotate: { node in
            defer { index += 1 }
            var parts: [String] = []
            if index < profiles.count {
                let p = profiles[index]
                if p.fused {
                    parts.append("(runs in the parallel scan pipeline above)")
                } else {
                    parts.append("(actual rows=\(p.rows) batches=\(p.batches) time=\(formatMillis(Double(p.micros) / 1000)) ms)")
                }
                if let note = p.note { parts.append("(\(note))") }
            }
            if case .scan(let s) = node {
                parts.append(ScanStatisticsText.render(s.statistics))
            }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        })
        var lines = text.split(separator: "\n").map(String.init)
        lines.append("Execution Time: \(formatMillis(elapsed)) ms (\(rows) rows)")
        return textResult(column: "QUERY PLAN", lines: lines, tag: "EXPLAIN")
    }

    private func set(_ s: SetStatement) throws -> QueryResult {
        let value = s.values.joined(separator: ", ")
        switch s.name {
        case "timezone":
            let zone = s.values.isEmpty ? "UTC" : value
            guard TimeZoneSetting.offsetSeconds(zone) != nil else {
                throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"TimeZone\": \"\(zone)\"")
            }
            settings["timezone"] = zone
        case "threads":
            guard s.values.isEmpty || (Int(value).map { $0 >= 1 && $0 <= 256 } ?? false) else {
                throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"threads\": \"\(value)\"",
                               hint: "Use a whole number of worker threads from 1 to 256.")
            }
            settings["threads"] = s.values.isEmpty ? String(availableCores) : value
        case "memory_limit":
            guard s.values.isEmpty || MemorySetting.bytes(value) != nil else {
                throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"memory_limit\": \"\(value)\"",
                               hint: "Use a size such as '4GB', '512MB' or 0 for no limit.")
            }
            settings["memory_limit"] = s.values.isEmpty ? "0" : value
        case "lake_skipping":
            guard ScanSkipping.parse(value) != nil else {
                throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"lake_skipping\": \"\(value)\"",
                               hint: "Use on, off, or a list of partitions, stats, pages, dictionary, bloom.")
            }
            settings["lake_skipping"] = s.values.isEmpty ? "on" : value
        default:
            guard PgSettings.isKnown(s.name, current: settings) else {
                throw SQLError(SQLState.undefinedObject, "unrecognized configuration parameter \"\(s.name)\"")
            }
            settings[s.name] = s.values.isEmpty ? (Session.defaultSettings[s.name] ?? "") : value
        }
        return command("SET")
    }

    private func show(_ name: String) throws -> QueryResult {
        if name == "all" {
            let keys = settings.keys.sorted()
            var done = false
            return QueryResult(fields: [Field(name: "name", type: .text), Field(name: "setting", type: .text)], returnsRows: true,
                               commandTag: "SHOW", produce: {
                if done { return nil }
                done = true
                return Batch(columns: [Vector.from(keys.map { .string($0) }, type: .text),
                                       Vector.from(keys.map { .string(self.settings[$0] ?? "") }, type: .text)], count: keys.count)
            })
        }
        guard let value = settings[name] else {
            throw SQLError(SQLState.undefinedObject, "unrecognized configuration parameter \"\(name)\"")
        }
        return textResult(column: name, lines: [value], tag: "SHOW")
    }
}

func formatMillis(_ ms: Double) -> String {
    let scaled = (ms * 1000).rounded() / 1000
    return String(scaled)
}
