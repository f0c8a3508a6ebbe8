// The governance catalog in one SQLite file: schemas, relation definitions,
// roles, grants, masking and row policies, tags, settings, a per-catalog
// secret and the audit log.
//
// Concurrency: the file is opened in WAL mode with a busy timeout, so many
// processes may read while one writes. Every change runs in a
// `BEGIN IMMEDIATE` transaction (`write`), which takes the write lock up
// front and so never deadlocks on a lock upgrade. Within a process, one
// connection per store is serialised by a recursive lock; nested `write`
// calls join the outer transaction (policy apply: all or nothing).
//
// Reading: `snapshot()` returns the whole catalog as immutable values. It is
// reloaded only when `catalog_version` (bumped by every committed change)
// moved, which is checked cheaply through `PRAGMA data_version` — so changes
// made by other processes become visible at the next statement.

import Columnar
import CSQLite
#if canImport(Glibc)
import Glibc
#endif

public final class CatalogStore: @unchecked Sendable {
    public let path: String
    let connection: SQLiteConnection
    private var mutex = pthread_mutex_t()
    private var transactionDepth = 0
    /// Bumped on every local change (including rolled-back ones) so the cached snapshot is reloaded.
    private var localChanges = 0
    private var cached: (dataVersion: Int64, localChanges: Int, snapshot: GovernanceSnapshot)?

    /// Opens (creating if needed) the catalog at `path`. `owner` names the superuser role a
    /// new catalog is created with (the OS user running LakeSQL).
    public init(path: String, owner: String) throws {
        self.path = path
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(&mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        // A new catalog is readable by its owner only: it holds password verifiers and the
        // mask_hash secret. (SQLite gives the -wal and -shm files the same permissions.)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 { close(fd) }
        connection = try SQLiteConnection(path: path)
        do {
            // A file that is not a database fails here; one of another application is refused
            // before anything (even the journal mode) is changed in it.
            try CatalogMigrations.refuseForeignDatabase(connection, path: path)
            let mode = try connection.query("PRAGMA journal_mode = WAL").first?.first?.text ?? ""
            if mode.lowercased() != "wal" {
                throw SQLError(SQLState.ioError, "catalog \"\(path)\": could not switch to WAL mode (got \(mode))")
            }
            try connection.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
            try CatalogMigrations.migrate(connection, owner: owner, path: path)
        } catch let e as SQLError where e.sqlState == SQLState.dataCorrupted && !e.message.contains("another application") {
            throw SQLError(SQLState.dataCorrupted, "catalog file \"\(path)\" is not a LakeSQL catalog or is corrupt",
                           detail: e.message, hint: "Move the file away to start a new catalog, or restore it from a backup.")
        }
    }

    deinit { pthread_mutex_destroy(&mutex) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }

    /// Runs `body` in one transaction (joining an outer one when nested). Everything it
    /// changed is rolled back if it throws.
    public func write<T>(_ body: () throws -> T) throws -> T {
        try locked {
            if transactionDepth > 0 {
                transactionDepth += 1
                defer { transactionDepth -= 1 }
                return try body()
            }
            try connection.execute("BEGIN IMMEDIATE")
            transactionDepth = 1
            do {
                let result = try body()
                try connection.execute("COMMIT")
                transactionDepth = 0
                localChanges += 1
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                transactionDepth = 0
                localChanges += 1
                throw error
            }
        }
    }

    /// True while a write transaction is open on this store.
    public var inTransaction: Bool { locked { transactionDepth > 0 } }

    /// Marks the catalog as changed (inside `write`): other processes reload their snapshots.
    func bumpVersion() throws {
        try connection.query("UPDATE catalog_state SET catalog_version = catalog_version + 1")
        localChanges += 1
    }

    /// Raw SQL against the catalog file (tools and tests; the typed methods keep the invariants).
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        try locked { try connection.query(sql, parameters) }
    }

    // MARK: Snapshot

    /// The whole catalog (without the audit log), reloaded only when it changed.
    public func snapshot() throws -> GovernanceSnapshot {
        try locked {
            let dataVersion = try connection.query("PRAGMA data_version").first?.first?.integer ?? 0
            if let cached, cached.dataVersion == dataVersion, cached.localChanges == localChanges { return cached.snapshot }
            let version = try connection.query("SELECT catalog_version FROM catalog_state").first?.first?.integer ?? 0
            if let cached, cached.snapshot.version == version, transactionDepth == 0, cached.localChanges == localChanges {
                self.cached = (dataVersion, localChanges, cached.snapshot)
                return cached.snapshot
            }
            let snapshot = try GovernanceSnapshot.load(connection, version: version, inTransaction: transactionDepth > 0)
            cached = (dataVersion, localChanges, snapshot)
            return snapshot
        }
    }

    /// The random 32-byte key behind mask_hash (created with the catalog).
    public func secret() throws -> [UInt8] { try snapshot().secret }
}
