// The audit log, written for every statement of every front end that runs
// SQL through a Session: time, user, active roles, client, statement text
// (literals replaced by `?` while audit_redact_literals is on — always for
// statements carrying a password), objects read, masks and row policies
// applied (the binder's AccessReport), rows returned, duration, SQLSTATE.
//
// A row-returning statement is logged when its stream ends (rows counted),
// fails, or is abandoned unread; anything else when it returns or throws.
// The catalog is also brought up to date before each statement here.

import Catalog
import Columnar
import Planner
import SQLSyntax

extension Session {
    /// Runs one statement, logging it.
    func audited(_ statement: Statement, text: String, _ body: () throws -> QueryResult) throws -> QueryResult {
        guard let g = database.governance, let access = catalogAccess else { return try body() }
        try database.synchronizeCatalog()
        lastBinder = nil
        let start = Clock.nowMicros()
        let redact = Session.mustRedact(statement) || (access.snapshot.settings["audit_redact_literals"] ?? "on") != "off"
        let entry = AuditEntry(time: start, user: access.sessionUser, roles: access.activeRoles, client: access.client,
                               statement: Session.auditText(text, redact: redact))
        let result: QueryResult
        do {
            result = try body()
        } catch {
            var failed = entry
            fill(&failed, start: start, rows: nil, error: error)
            database.appendAudit(failed, store: g.store)
            throw error
        }
        var finished = entry
        fill(&finished, start: start, rows: nil, error: nil)
        guard result.returnsRows else {
            database.appendAudit(finished, store: g.store)
            return result
        }
        let recorder = AuditRecorder(entry: finished, start: start, store: g.store, database: database)
        let audited = QueryResult(fields: result.fields, returnsRows: true, commandTag: result.commandTag,
                           tagForRows: { _ in result.commandTag }, produce: {
            do {
                if let batch = try result.next() {
                    recorder.rows += Int64(batch.count)
                    return batch
                }
                recorder.finish(error: nil)
                return nil
            } catch {
                recorder.finish(error: error)
                throw error
            }
        })
        audited.columnOrigins = result.columnOrigins
        return audited
    }

    /// Logs a script that does not parse (redacted: it may hold anything).
    func auditingParseErrors<T>(_ sql: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            if let g = database.governance, let access = catalogAccess {
                var entry = AuditEntry(time: Clock.nowMicros(), user: access.sessionUser, roles: access.activeRoles, client: access.client,
                                       statement: Session.auditText(sql, redact: true))
                fill(&entry, start: entry.time, rows: nil, error: error)
                database.appendAudit(entry, store: g.store)
            }
            throw error
        }
    }

    private func fill(_ entry: inout AuditEntry, start: Int64, rows: Int64?, error: Error?) {
        let report = lastAccessReport
        entry.objects = report.relations.map(\.description) + report.files
        entry.masks = report.masks.map { "\($0.relation).\($0.column): \($0.policy)" }
        entry.rowPolicies = report.rowPolicies.map { "\($0.relation): " + ($0.policies.isEmpty ? "(none: no rows)" : $0.policies.joined(separator: " | ")) }
        entry.rows = rows
        entry.durationMicros = Clock.nowMicros() - start
        entry.sqlState = (error as? SQLError)?.sqlState ?? (error == nil ? SQLState.successfulCompletion : SQLState.internalError)
    }

    /// Statements whose literals are always hidden (passwords).
    static func mustRedact(_ statement: Statement) -> Bool {
        if case .explain(let e) = statement { return mustRedact(e.statement) }
        if case .governance(let g) = statement {
            switch g {
            case .createRole, .alterRole: return true
            default: return false
            }
        }
        return false
    }

    /// The statement text with every literal (strings, numbers, bit strings) replaced by `?`.
    /// Text that does not lex is not logged at all.
    static func auditText(_ text: String, redact: Bool) -> String {
        guard redact else { return text }
        guard let tokens = try? Lexer.tokenize(text) else { return "<statement could not be lexed; not logged>" }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var position = 0
        for t in tokens where [.string, .integer, .decimal, .bitString].contains(t.kind) {
            guard t.start >= position, t.end <= bytes.count, t.start <= t.end else { continue }
            out += bytes[position..<t.start]
            out.append(UInt8(ascii: "?"))
            position = t.end
        }
        out += bytes[min(position, bytes.count)...]
        return String(decoding: out, as: UTF8.self)
    }
}

/// Writes a streamed statement's audit entry once: at its end, its error, or when dropped unread.
final class AuditRecorder {
    var entry: AuditEntry
    let start: Int64
    let store: CatalogStore
    weak var database: Database?
    var rows: Int64 = 0
    private var written = false

    init(entry: AuditEntry, start: Int64, store: CatalogStore, database: Database) {
        self.entry = entry; self.start = start; self.store = store; self.database = database
    }

    func finish(error: Error?) {
        guard !written else { return }
        written = true
        entry.rows = rows
        entry.durationMicros = Clock.nowMicros() - start
        if let error { entry.sqlState = (error as? SQLError)?.sqlState ?? SQLState.internalError }
        if let database { database.appendAudit(entry, store: store) } else { try? store.appendAudit(entry) }
    }

    deinit { finish(error: nil) }
}

extension Database {
    /// Appends to the audit log; prunes by retention every 1000 appends. An audit write that
    /// fails (disk full) must not lose the query's result, so it is dropped silently here.
    func appendAudit(_ entry: AuditEntry, store: CatalogStore) {
        try? store.appendAudit(entry)
        guard let g = governance else { return }
        let prune = g.lock.withLock { () -> Bool in
            g.appendsSincePrune += 1
            if g.appendsSincePrune < 1000 { return false }
            g.appendsSincePrune = 0
            return true
        }
        if prune, let s = try? store.snapshot() {
            _ = try? store.pruneAudit(olderThanDays: Database.retentionDays(s), now: Clock.nowMicros())
        }
    }
}
