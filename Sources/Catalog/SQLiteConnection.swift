// A thin, safe wrapper over libsqlite3: open a file, run statements with
// bound parameters, read rows. Every SQLite failure becomes an SQLError with
// a SQLSTATE (busy → 55P03, corrupt/not a database → XX001, I/O → 58030), so a
// bad catalog file is a clear error, never a crash. Not thread-safe by
// itself: CatalogStore serialises access with its own lock.

import Columnar
import CSQLite

/// A value bound to or read from SQLite.
public enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var text: String? { if case .text(let s) = self { return s }; return nil }
    public var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
    public var bool: Bool { integer.map { $0 != 0 } ?? false }
}

// SQLITE_TRANSIENT tells SQLite to copy bound text/blobs before the call returns.
private let transientDestructor = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String

    init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLError(SQLiteConnection.sqlState(rc), "could not open catalog file \"\(path)\": \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { if let handle { sqlite3_close_v2(handle) } }

    static func sqlState(_ rc: Int32) -> String {
        switch rc & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return "55P03"          // lock_not_available
        case SQLITE_CORRUPT, SQLITE_NOTADB: return SQLState.dataCorrupted
        case SQLITE_FULL: return SQLState.diskFull
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY: return SQLState.ioError
        case SQLITE_CONSTRAINT: return "23505"                     // unique_violation
        case SQLITE_NOMEM: return SQLState.outOfMemory
        default: return SQLState.internalError
        }
    }

    private func error(_ rc: Int32, _ context: String) -> SQLError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
        return SQLError(SQLiteConnection.sqlState(rc), "catalog \"\(path)\": \(context): \(message)")
    }

    /// Runs one or more statements without parameters or results.
    func execute(_ sql: String) throws {
        guard let handle else { throw SQLError(SQLState.internalError, "catalog connection is closed") }
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, "statement failed") }
    }

    /// Runs one statement with parameters; returns every row.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        guard let handle else { throw SQLError(SQLState.internalError, "catalog connection is closed") }
        var stmt: OpaquePointer?
        var rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "prepare failed") }
        defer { sqlite3_finalize(stmt) }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch p {
            case .null: rc = sqlite3_bind_null(stmt, index)
            case .integer(let v): rc = sqlite3_bind_int64(stmt, index, v)
            case .text(let s): rc = sqlite3_bind_text(stmt, index, s, -1, transientDestructor)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(stmt, index, $0.baseAddress, Int32($0.count), transientDestructor) }
            }
            guard rc == SQLITE_OK else { throw error(rc, "bind failed") }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc, "step failed") }
            let n = sqlite3_column_count(stmt)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(n))
            for c in 0..<n {
                switch sqlite3_column_type(stmt, c) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(stmt, c)))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(stmt, c))
                    if count > 0, let p = sqlite3_column_blob(stmt, c) {
                        row.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: count))))
                    } else { row.append(.blob([])) }
                default:
                    if let p = sqlite3_column_text(stmt, c) {
                        row.append(.text(String(cString: p)))
                    } else { row.append(.null) }
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Rows changed by the most recent INSERT/UPDATE/DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }
}
