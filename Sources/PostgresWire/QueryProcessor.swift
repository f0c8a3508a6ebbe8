// The query phase of one connection, after authentication: simple and
// extended query protocol, transaction status, cursors, COPY TO STDOUT.
// It runs on the connection's worker thread (never the event loop), takes
// one frontend message at a time and talks back through a BackendSink, so
// tests drive it with messages and read the answers without any socket.
// Rows are pulled batch by batch and handed to the sink, which blocks while
// the client is not reading: a result never sits whole in memory.

import Columnar
import Engine
import NIOCore
import SQLSyntax

/// Where a QueryProcessor's messages go.
public protocol BackendSink: AnyObject {
    func send(_ message: BackendMessage)
    /// Pushes what was sent so far to the client.
    func flush()
    /// Blocks until the client has taken most of what was sent; false when the connection is gone.
    func awaitWritable() -> Bool
    /// Sends `count` DataRow messages that `encode` writes; a sink with an output buffer lets it
    /// write there directly (no buffer per batch, no copy). Nothing is sent when `encode` throws.
    func sendDataRows(count: Int, capacity: Int, _ encode: (inout ByteBuffer) throws -> Void) throws
}

extension BackendSink {
    public func sendDataRows(count: Int, capacity: Int, _ encode: (inout ByteBuffer) throws -> Void) throws {
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        try encode(&buffer)
        send(.dataRows(buffer, count: count))
    }
}

enum WireSQLState {
    static let tooManyConnections = "53300"
    static let duplicateCursor = "42P03"
    static let duplicatePreparedStatement = "42P05"
}

public final class QueryProcessor {
    public let session: Session
    let sink: BackendSink
    /// Rows per DataRow buffer handed to the sink before checking writability.
    let processID: Int32
    let secretKey: Int32
    var statements: NamedSlots<PreparedEntry> = [:]
    var portals: NamedSlots<Portal> = [:]
    /// Set after an error inside BEGIN … until ROLLBACK/COMMIT.
    var transactionFailed = false
    /// Set after an error in extended protocol: messages are skipped until Sync.
    var skippingUntilSync = false
    /// Statement timeout hook: called with a deadline in ms before each statement runs.
    public var timeoutScheduler: ((Int) -> (() -> Void))?
    var timerRunning = false
    /// statement_timeout as last parsed (its text, milliseconds): read before every statement, rarely changed.
    var parsedTimeout: (text: String, millis: Int)?
    var textCache = StatementTextCache()

    final class PreparedEntry {
        let sql: String
        let source: StatementSource?
        let command: SessionCommand?
        let parsed: ParsedStatement?
        let description: StatementDescription
        let parameterTypes: [DataType]
        /// ParameterDescription's OIDs: the ones Parse declared (PostgreSQL echoes them, and pgjdbc refuses another,
        /// e.g. text[] for a declared varchar[]), the inferred types' OIDs for the rest.
        let parameterOIDs: [Int32]
        init(sql: String, source: StatementSource?, command: SessionCommand?, parsed: ParsedStatement?, description: StatementDescription,
             declaredOIDs: [Int32] = []) {
            self.sql = sql; self.source = source; self.command = command; self.parsed = parsed
            self.description = description; self.parameterTypes = description.parameterTypes
            self.parameterOIDs = description.parameterTypes.enumerated().map { i, t in
                i < declaredOIDs.count && declaredOIDs[i] != 0 ? declaredOIDs[i] : PostgresType.oid(t)
            }
        }
    }

    final class Portal {
        let statement: PreparedEntry?
        let parameters: StatementParameters
        var formats: [Int16]
        /// Set once running; for SQL cursors, at DECLARE.
        var result: QueryResult?
        var fields: [Field]?
        /// Where each column comes from (RowDescription's table OID and attribute number).
        var origins: [ResultColumnOrigin?] = []
        var leftover: (Batch, Int)?
        var finished = false
        let isCursor: Bool
        let hold: Bool
        init(statement: PreparedEntry?, parameters: StatementParameters, formats: [Int16], isCursor: Bool = false, hold: Bool = false) {
            self.statement = statement; self.parameters = parameters; self.formats = formats
            self.isCursor = isCursor; self.hold = hold
            self.fields = statement?.description.fields
            self.origins = statement?.description.columnOrigins ?? []
        }
    }

    public init(session: Session, sink: BackendSink, processID: Int32, secretKey: Int32) {
        self.session = session; self.sink = sink; self.processID = processID; self.secretKey = secretKey
    }

    public var transactionStatus: TransactionStatus {
        transactionFailed ? .failed : (session.inTransaction ? .inTransaction : .idle)
    }

    /// The messages that follow AuthenticationOk.
    public func start(user: String, applicationName: String, isSuperuser: Bool, serverVersion: String) {
        let settings = session.settings
        let status: [(String, String)] = [
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"),
            ("default_transaction_read_only", "off"),
            ("in_hot_standby", "off"),
            ("integer_datetimes", "on"),
            ("IntervalStyle", "postgres"),
            ("is_superuser", isSuperuser ? "on" : "off"),
            ("server_encoding", "UTF8"),
            ("server_version", serverVersion),
            ("session_authorization", user),
            ("standard_conforming_strings", "on"),
            ("TimeZone", settings["timezone"] ?? "UTC"),
        ]
        for (k, v) in status { sink.send(.parameterStatus(name: k, value: v)) }
        sink.send(.backendKeyData(processID: processID, secretKey: secretKey))
        sink.send(.readyForQuery(transactionStatus))
        sink.flush()
    }

    // MARK: Dispatch

    /// Handles one message. Returns false when the connection should close.
    @discardableResult
    public func handle(_ message: FrontendMessage) -> Bool {
        if skippingUntilSync {
            switch message {
            case .sync: break
            case .terminate: return false
            default: return true
            }
        }
        switch message {
        case .query(let sql):
            simpleQuery(sql)
        case .parse(let name, let sql, let types):
            extended { try parse(name: name, sql: sql, types: types) }
        case .bind(let b):
            extended { try bind(b) }
        case .describe(let kind, let name):
            extended { try describe(kind: kind, name: name) }
        case .execute(let portal, let maxRows):
            extended { try execute(portalName: portal, maxRows: Int(maxRows)) }
        case .close(let kind, let name):
            extended {
                if kind == .statement { statements[name] = nil } else { portals[name] = nil }
                sink.send(.closeComplete)
            }
        case .sync:
            skippingUntilSync = false
            if !session.inTransaction { closePortals(keepingHeld: true, keepingCursors: true) }
            sink.send(.readyForQuery(transactionStatus))
            sink.flush()
        case .flush:
            sink.flush()
        case .terminate:
            return false
        case .copyData, .copyDone, .copyFail:
            // Not in COPY FROM: PostgreSQL ignores these outside copy-in mode.
            break
        case .functionCall:
            fail(SQLError(SQLState.featureNotSupported, "the fast-path function call interface is not supported"))
            sink.send(.readyForQuery(transactionStatus))
            sink.flush()
        case .password, .startup, .sslRequest, .gssEncRequest, .cancelRequest:
            fail(SQLError(SQLState.protocolViolation, "unexpected message during the query phase"))
            sink.flush()
            return false
        }
        return true
    }

    private func extended(_ body: () throws -> Void) {
        do { try body() } catch {
            fail(error)
            skippingUntilSync = true
            // The client may be waiting after a Flush: errors go out at once, as in PostgreSQL.
            sink.flush()
        }
    }

    func fail(_ error: Error, severity: String = "ERROR") {
        let sqlError = error as? SQLError ?? SQLError(SQLState.internalError, "\(error)")
        if session.inTransaction { transactionFailed = true }
        sink.send(.error(ErrorFields(sqlError, severity: severity)))
    }

    // MARK: Simple query

    func simpleQuery(_ sql: String) {
        defer {
            sink.send(.readyForQuery(transactionStatus))
            sink.flush()
        }
        let sources: [StatementSource]
        do { sources = try textCache.split(sql) } catch { fail(error); return }
        if sources.isEmpty { sink.send(.emptyQueryResponse); return }
        for source in sources {
            do {
                let command = try SessionCommandParser.parse(source)
                if let command {
                    try checkNotFailed(command: command)
                    try withTimeout {
                        try run(command, source: source, parameters: StatementParameters(), formats: [], maxRows: 0, describeRows: true)
                    }
                    continue
                }
                let parsed = try textCache.parse(source, parseOne)
                try checkNotFailed(parsed.statement)
                noticeBefore(parsed.statement)
                try withTimeout {
                    let result = try session.execute(parsed, parameters: nil)
                    afterTransactionStatement(parsed.statement)
                    if result.returnsRows {
                        sink.send(.rowDescription(describe(fields: result.fields, origins: result.columnOrigins, formats: [])))
                    }
                    let portal = Portal(statement: nil, parameters: StatementParameters(), formats: [])
                    portal.result = result
                    portal.fields = result.fields
                    portal.origins = result.columnOrigins
                    try stream(portal, maxRows: 0, tag: nil)
                }
            } catch {
                fail(positioned(error, offset: source.offset, in: sql))
                return
            }
        }
        if !session.inTransaction { closePortals(keepingHeld: true, keepingCursors: false) }
    }

    /// Error positions from the engine are relative to one statement's bytes: make them characters of the whole query.
    func positioned(_ error: Error, offset: Int, in sql: String) -> Error {
        guard var e = error as? SQLError, let p = e.position else { return error }
        let bytes = Array(sql.utf8)
        let end = min(bytes.count, max(0, offset + p - 1))
        e.position = String(decoding: bytes[0..<end], as: UTF8.self).count + 1
        return e
    }

    func parseOne(_ source: StatementSource) throws -> ParsedStatement {
        let parsed = try Parser.parse(source.text)
        guard parsed.count == 1, let first = parsed.first else {
            throw SQLError(SQLState.syntaxError, "cannot insert multiple commands into a prepared statement")
        }
        return first
    }

    func checkNotFailed(_ statement: Statement) throws {
        guard transactionFailed else { return }
        if case .transaction(let t) = statement {
            switch t {
            case .commit, .rollback, .rollbackToSavepoint: return
            default: break
            }
        }
        throw SQLError(SQLState.inFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
    }

    func checkNotFailed(command: SessionCommand) throws {
        guard transactionFailed else { return }
        throw SQLError(SQLState.inFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
    }

    /// PostgreSQL's warnings for transaction statements that do nothing (sent before the statement runs).
    func noticeBefore(_ statement: Statement) {
        guard case .transaction(let t) = statement else { return }
        switch t {
        case .begin where session.inTransaction:
            sink.send(.notice(ErrorFields(severity: "WARNING", sqlState: SQLState.activeSQLTransaction,
                                          message: "there is already a transaction in progress")))
        case .commit where !session.inTransaction, .rollback where !session.inTransaction:
            sink.send(.notice(ErrorFields(severity: "WARNING", sqlState: SQLState.noActiveSQLTransaction,
                                          message: "there is no transaction in progress")))
        default: break
        }
    }

    /// After BEGIN/COMMIT/ROLLBACK: clear the failed state; end-of-transaction closes cursors.
    func afterTransactionStatement(_ statement: Statement) {
        guard case .transaction(let t) = statement else { return }
        switch t {
        case .commit, .rollback:
            transactionFailed = false
            closePortals(keepingHeld: true, keepingCursors: false)
        case .rollbackToSavepoint:
            transactionFailed = false
        default: break
        }
    }

    func closePortals(keepingHeld: Bool, keepingCursors: Bool) {
        // Every Sync outside a transaction comes here, usually with only the unnamed portal open.
        if portals.count == 0 { return }
        portals = portals.filter { _, p in (keepingHeld && p.hold) || (keepingCursors && p.isCursor) }
    }

    // MARK: Statement timeout

    /// Runs a whole statement (execution and streaming) under statement_timeout; nested calls share the outer timer.
    func withTimeout<T>(_ body: () throws -> T) throws -> T {
        let ms = statementTimeoutMillis()
        guard ms > 0, !timerRunning, let schedule = timeoutScheduler else { return try body() }
        timerRunning = true
        let cancelTimer = schedule(ms)
        defer { cancelTimer(); timerRunning = false }
        return try body()
    }

    func statementTimeoutMillis() -> Int {
        guard let text = session.settings["statement_timeout"] else { return 0 }
        if let cached = parsedTimeout, cached.text == text { return cached.millis }
        let millis = Self.parseMillis(text) ?? 0
        parsedTimeout = (text, millis)
        return millis
    }

    static func parseMillis(_ text: String) -> Int? {
        let t = text.trimming(" '")
        if let n = Int(t) { return n }
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("min", 60_000), ("h", 3_600_000)]
        for (u, f) in units where t.hasSuffix(u) {
            if let n = Int(String(t.dropLast(u.count)).trimming(" ")) { return n * f }
        }
        return nil
    }

    // MARK: Extended query

    func parse(name: String, sql: String, types: [Int32]) throws {
        if !name.isEmpty, statements[name] != nil {
            throw SQLError(WireSQLState.duplicatePreparedStatement, "prepared statement \"\(name)\" already exists")
        }
        var known: [Int: DataType] = [:]
        for (i, oid) in types.enumerated() where oid != 0 {
            guard let t = PostgresType.dataType(oid: oid) else {
                throw SQLError(SQLState.featureNotSupported, "parameter $\(i + 1) has unsupported type OID \(oid)")
            }
            known[i + 1] = t
        }
        let sources = try textCache.split(sql)
        guard sources.count <= 1 else {
            throw SQLError(SQLState.syntaxError, "cannot insert multiple commands into a prepared statement")
        }
        let count = max(types.count, sources.first.map(Self.parameterCount) ?? 0)
        let entry: PreparedEntry
        if let source = sources.first {
            if let command = try SessionCommandParser.parse(source) {
                var description = StatementDescription(fields: nil, parameterTypes: (0..<count).map { known[$0 + 1] ?? .text })
                if case .declareCursor(_, _, _, let q, let offset) = command {
                    // Infer the cursor query's parameter types.
                    let inner = try StatementSplitter.split(q)
                    if let first = inner.first {
                        let parsed = try parseOne(first)
                        description.parameterTypes = try session.describe(parsed, parameterTypes: known, count: count).parameterTypes
                    }
                    _ = offset
                }
                if case .fetch(let cursor, _, false) = command, let open = portals[cursor], open.isCursor {
                    description.fields = open.fields
                    description.columnOrigins = open.origins
                }
                entry = PreparedEntry(sql: sql, source: source, command: command, parsed: nil, description: description, declaredOIDs: types)
            } else {
                let parsed = try textCache.parse(source, parseOne)
                let description = try session.describe(parsed, parameterTypes: known, count: count)
                entry = PreparedEntry(sql: sql, source: source, command: nil, parsed: parsed, description: description, declaredOIDs: types)
            }
        } else {
            entry = PreparedEntry(sql: sql, source: nil, command: nil, parsed: nil,
                                  description: StatementDescription(fields: nil, parameterTypes: []))
        }
        statements[name] = entry
        sink.send(.parseComplete)
    }

    static func parameterCount(_ source: StatementSource) -> Int {
        var n = 0
        for t in source.tokens where t.kind == .parameter {
            if let k = Int(t.text.hasPrefix("$") ? String(t.text.dropFirst()) : t.text) { n = max(n, k) }
        }
        return n
    }

    func bind(_ b: BindMessage) throws {
        guard let entry = statements[b.statement] else {
            throw SQLError(SQLState.invalidSQLStatementName, "prepared statement \"\(b.statement)\" does not exist")
        }
        if !b.portal.isEmpty, portals[b.portal] != nil {
            throw SQLError(WireSQLState.duplicateCursor, "portal \"\(b.portal)\" already exists")
        }
        let types = entry.parameterTypes
        guard b.parameters.count == types.count else {
            throw SQLError(SQLState.protocolViolation,
                           "bind message supplies \(b.parameters.count) parameters, but prepared statement \"\(b.statement)\" requires \(types.count)")
        }
        guard b.parameterFormats.count <= 1 || b.parameterFormats.count == types.count else {
            throw SQLError(SQLState.protocolViolation, "bind message has \(b.parameterFormats.count) parameter formats but \(types.count) parameters")
        }
        var parameters = StatementParameters()
        for (i, raw) in b.parameters.enumerated() {
            let type = types[i]
            parameters.types[i + 1] = type
            guard let raw else { parameters.values[i + 1] = .null; continue }
            let format = b.parameterFormats.isEmpty ? 0 : (b.parameterFormats.count == 1 ? b.parameterFormats[0] : b.parameterFormats[i])
            switch format {
            case 0:
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw SQLError(SQLState.characterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
                }
                parameters.values[i + 1] = try ValueText.parse(text, as: type, options: session.textOptions)
            case 1:
                parameters.values[i + 1] = try PostgresType.readBinary(raw, type: type)
            default:
                throw SQLError(SQLState.protocolViolation, "unsupported format code: \(format)")
            }
        }
        if let fields = entry.description.fields {
            try RowEncoder.validate(formats: b.resultFormats, columns: fields.count)
        }
        portals[b.portal] = Portal(statement: entry, parameters: parameters, formats: b.resultFormats)
        sink.send(.bindComplete)
    }

    func describe(kind: DescribeKind, name: String) throws {
        switch kind {
        case .statement:
            guard let entry = statements[name] else {
                throw SQLError(SQLState.invalidSQLStatementName, "prepared statement \"\(name)\" does not exist")
            }
            sink.send(.parameterDescription(entry.parameterOIDs))
            if let fields = entry.description.fields {
                sink.send(.rowDescription(describe(fields: fields, origins: entry.description.columnOrigins, formats: [])))
            } else {
                sink.send(.noData)
            }
        case .portal:
            guard let portal = portals[name] else {
                throw SQLError(SQLState.invalidCursorName, "portal \"\(name)\" does not exist")
            }
            if let fields = portal.fields {
                sink.send(.rowDescription(describe(fields: fields, origins: portal.origins, formats: portal.formats)))
            } else {
                sink.send(.noData)
            }
        }
    }

    func describe(fields: [Field], origins: [ResultColumnOrigin?], formats: [Int16]) -> [ColumnDescription] {
        let sources = session.columnSources(origins, count: fields.count)
        return fields.enumerated().map { i, f in
            let format: Int16 = formats.isEmpty ? 0 : (formats.count == 1 ? formats[0] : (i < formats.count ? formats[i] : 0))
            return ColumnDescription(name: f.name, tableOID: sources[i].tableOID, columnNumber: sources[i].attributeNumber,
                                     typeOID: PostgresType.oid(f.type), typeSize: PostgresType.typeSize(f.type),
                                     typeModifier: PostgresType.typeModifier(f.type), format: format)
        }
    }

    func execute(portalName: String, maxRows: Int) throws {
        try withTimeout { try executePortal(portalName: portalName, maxRows: maxRows) }
    }

    func executePortal(portalName: String, maxRows: Int) throws {
        guard let portal = portals[portalName] else {
            throw SQLError(SQLState.invalidCursorName, "portal \"\(portalName)\" does not exist")
        }
        if portal.result == nil && !portal.finished {
            guard let entry = portal.statement else { throw SQLError(SQLState.invalidCursorName, "portal \"\(portalName)\" cannot be run") }
            if let command = entry.command, let source = entry.source {
                try checkNotFailed(command: command)
                try run(command, source: source, parameters: portal.parameters, formats: portal.formats, maxRows: maxRows, describeRows: false)
                portal.finished = true
                return
            }
            guard let parsed = entry.parsed else {
                portal.finished = true
                sink.send(.emptyQueryResponse)
                return
            }
            try checkNotFailed(parsed.statement)
            noticeBefore(parsed.statement)
            do {
                portal.result = try session.execute(parsed, parameters: portal.parameters)
            } catch {
                throw positioned(error, offset: 0, in: parsed.text)
            }
            afterTransactionStatement(parsed.statement)
        }
        if portal.finished && portal.result == nil {
            throw SQLError(SQLState.invalidCursorName, "portal \"\(portalName)\" cannot be run")
        }
        try stream(portal, maxRows: maxRows, tag: nil)
    }

    // MARK: Streaming rows

    /// Sends the portal's rows (all, or at most maxRows > 0), then CommandComplete or PortalSuspended.
    /// With `tag` set (FETCH/MOVE), completes with that tag and the row count instead.
    @discardableResult
    func stream(_ portal: Portal, maxRows: Int, tag: String?, sendRows: Bool = true) throws -> Int {
        guard let result = portal.result else { return 0 }
        let types = (portal.fields ?? result.fields).map(\.type)
        if result.returnsRows { try RowEncoder.validate(formats: portal.formats, columns: types.count) }
        let encoder = RowEncoder(types: types, formats: portal.formats, options: session.textOptions)
        var sent = 0
        let limit = maxRows > 0 ? maxRows : Int.max
        while sent < limit {
            let batch: Batch
            var start = 0
            if let (b, s) = portal.leftover {
                batch = b; start = s; portal.leftover = nil
            } else {
                // A finished stream is never pulled again (operators need not support it).
                if portal.finished { break }
                guard sink.awaitWritable() else {
                    session.cancel()
                    throw SQLError(SQLState.queryCanceled, "canceling statement because the client disconnected")
                }
                guard let b = try result.next() else {
                    portal.finished = true
                    break
                }
                batch = b
            }
            let take = min(batch.count - start, limit - sent)
            if take <= 0 { continue }
            if sendRows && result.returnsRows {
                // No flush per batch: the sink pushes once enough bytes are pending, and
                // ReadyForQuery/Flush push the rest (as PostgreSQL's output buffer does),
                // so a short result costs one hand-off to the event loop, not two.
                let rows = start..<(start + take)
                try sink.sendDataRows(count: take, capacity: take * 32) { out in try encoder.encode(batch, rows: rows, into: &out) }
            }
            sent += take
            if start + take < batch.count { portal.leftover = (batch, start + take) }
        }
        if let tag {
            sink.send(.commandComplete("\(tag) \(sent)"))
            return sent
        }
        if portal.finished {
            var completion = result.commandTag
            if completion == "SELECT" || completion.hasPrefix("SELECT ") { completion = "SELECT \(sent)" }
            if completion.isEmpty { sink.send(.emptyQueryResponse) } else { sink.send(.commandComplete(completion)) }
            portal.result = nil
        } else {
            sink.send(.portalSuspended)
        }
        return sent
    }

    // MARK: Session commands

    func run(_ command: SessionCommand, source: StatementSource, parameters: StatementParameters, formats: [Int16],
             maxRows: Int, describeRows: Bool) throws {
        switch command {
        case .declareCursor(let name, let binary, let hold, let query, _):
            if portals[name] != nil {
                throw SQLError(WireSQLState.duplicateCursor, "cursor \"\(name)\" already exists")
            }
            if !hold && !session.inTransaction {
                throw SQLError(SQLState.noActiveSQLTransaction, "DECLARE CURSOR can only be used in transaction blocks")
            }
            let inner = try StatementSplitter.split(query)
            guard inner.count == 1, let first = inner.first else { throw SQLError(SQLState.syntaxError, "syntax error at end of input") }
            let parsed = try parseOne(first)
            guard case .query = parsed.statement else {
                throw SQLError(SQLState.syntaxError, "DECLARE CURSOR needs a query")
            }
            let result = try session.execute(parsed, parameters: parameters)
            let portal = Portal(statement: nil, parameters: parameters, formats: binary ? [1] : [], isCursor: true, hold: hold)
            portal.result = result
            portal.fields = result.fields
            portal.origins = result.columnOrigins
            portals[name] = portal
            sink.send(.commandComplete("DECLARE CURSOR"))
        case .fetch(let name, let direction, let move):
            guard let portal = portals[name], portal.isCursor else {
                throw SQLError(SQLState.invalidCursorName, "cursor \"\(name)\" does not exist")
            }
            let count: Int
            switch direction { case .forward(let n): count = n ?? 0 }
            if count == 0, case .forward(let n) = direction, n != nil {
                sink.send(.commandComplete(move ? "MOVE 0" : "FETCH 0"))
                return
            }
            if !move && describeRows, let fields = portal.fields {
                sink.send(.rowDescription(describe(fields: fields, origins: portal.origins, formats: portal.formats)))
            }
            if move {
                try stream(portal, maxRows: count, tag: "MOVE", sendRows: false)
            } else {
                // A FETCH through Bind/Execute answers in the Bind's formats.
                let saved = portal.formats
                if !describeRows { portal.formats = formats }
                defer { portal.formats = saved }
                try stream(portal, maxRows: count, tag: "FETCH")
            }
        case .closeCursor(let name):
            if let name {
                guard portals[name]?.isCursor == true else { throw SQLError(SQLState.invalidCursorName, "cursor \"\(name)\" does not exist") }
                portals[name] = nil
            } else {
                portals = portals.filter { !$0.value.isCursor }
            }
            sink.send(.commandComplete("CLOSE CURSOR"))
        case .discardAll:
            if session.inTransaction {
                throw SQLError(SQLState.activeSQLTransaction, "DISCARD ALL cannot run inside a transaction block")
            }
            portals = [:]
            statements = statements.filter { $0.key.isEmpty }
            _ = try session.execute(try parseOne(StatementSplitter.split("RESET ALL")[0]))
            sink.send(.commandComplete("DISCARD ALL"))
        case .deallocate(let name):
            if let name {
                guard statements[name] != nil else {
                    throw SQLError(SQLState.invalidSQLStatementName, "prepared statement \"\(name)\" does not exist")
                }
                statements[name] = nil
            } else {
                statements = statements.filter { $0.key.isEmpty }
            }
            sink.send(.commandComplete(name == nil ? "DEALLOCATE ALL" : "DEALLOCATE"))
        case .listen:
            sink.send(.commandComplete("LISTEN"))
        case .unlisten:
            sink.send(.commandComplete("UNLISTEN"))
        case .copyTo(let copy):
            try copyOut(copy, parameters: parameters)
        }
    }

    func copyOut(_ copy: CopyToStatement, parameters: StatementParameters) throws {
        let inner = try StatementSplitter.split(copy.query)
        guard inner.count == 1, let first = inner.first else { throw SQLError(SQLState.syntaxError, "syntax error in COPY query") }
        let parsed = try parseOne(first)
        let result = try session.execute(parsed, parameters: parameters)
        let fields = result.fields
        let csv = copy.format == .csv
        let delimiter = copy.delimiter ?? (csv ? "," : "\t")
        let nullText = copy.null ?? (csv ? "" : "\\N")
        sink.send(.copyOutResponse(binary: false, columns: fields.count))
        if copy.header && csv {
            sink.send(.copyData(Array((fields.map { CopyText.csvQuote($0.name, delimiter: delimiter, null: nil) }.joined(separator: delimiter) + "\n").utf8)))
        }
        var rows = 0
        let options = session.textOptions
        while true {
            guard sink.awaitWritable() else {
                session.cancel()
                throw SQLError(SQLState.queryCanceled, "canceling statement because the client disconnected")
            }
            guard let batch = try result.next() else { break }
            var chunk = ""
            for r in 0..<batch.count {
                var line: [String] = []
                for (c, f) in fields.enumerated() {
                    let v = batch.columns[c].value(at: r)
                    if v.isNull { line.append(nullText); continue }
                    let text = ValueText.format(v, type: f.type, options: options)
                    line.append(csv ? CopyText.csvQuote(text, delimiter: delimiter, null: nullText) : CopyText.escapeText(text, delimiter: delimiter))
                }
                chunk += line.joined(separator: delimiter)
                chunk += "\n"
            }
            rows += batch.count
            sink.send(.copyData(Array(chunk.utf8)))
            sink.flush()
        }
        sink.send(.copyDone)
        sink.send(.commandComplete("COPY \(rows)"))
    }
}

enum CopyText {
    static func escapeText(_ s: String, delimiter: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if String(ch) == delimiter { out += "\\" }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func csvQuote(_ s: String, delimiter: String, null: String?) -> String {
        let needs = s.isEmpty && null == "" || s.contains(delimiter) || s.contains("\"") || s.contains("\n") || s.contains("\r") || s == "\\."
        guard needs else { return s }
        return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
