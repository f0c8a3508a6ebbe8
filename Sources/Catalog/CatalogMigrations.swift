// Versioned schema migrations of the catalog file. `schema_version` holds
// the version the file is at; each migration runs in the same IMMEDIATE
// transaction that reads the version, so two processes opening a new file at
// once migrate it exactly once. A file from a newer LakeSQL (a version this
// build does not know) is refused with a clear error instead of being
// misread.

import Columnar
#if canImport(Glibc)
import Glibc
#endif

enum CatalogMigrations {
    /// Migration n brings the file from version n-1 to n.
    static let steps: [(_ owner: String) -> [String]] = [
        { owner in [
            """
            CREATE TABLE catalog_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                catalog_version INTEGER NOT NULL,
                owner TEXT NOT NULL,
                secret BLOB NOT NULL,
                created_at INTEGER NOT NULL)
            """,
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE schemas (name TEXT PRIMARY KEY, owner TEXT NOT NULL)",
            """
            CREATE TABLE relations (
                schema_name TEXT NOT NULL, name TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('table', 'view', 'external')),
                owner TEXT NOT NULL, create_sql TEXT NOT NULL,
                PRIMARY KEY (schema_name, name))
            """,
            """
            CREATE TABLE roles (
                name TEXT PRIMARY KEY, can_login INTEGER NOT NULL, superuser INTEGER NOT NULL,
                password_verifier TEXT)
            """,
            """
            CREATE TABLE role_members (
                role TEXT NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
                member TEXT NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
                PRIMARY KEY (role, member))
            """,
            """
            CREATE TABLE grants (
                grantee TEXT NOT NULL,
                privilege TEXT NOT NULL, object_type TEXT NOT NULL, object_name TEXT NOT NULL,
                PRIMARY KEY (grantee, privilege, object_type, object_name))
            """,
            """
            CREATE TABLE masking_policies (
                name TEXT PRIMARY KEY, parameter_name TEXT NOT NULL, parameter_type TEXT NOT NULL,
                return_type TEXT NOT NULL, body_sql TEXT NOT NULL)
            """,
            "CREATE TABLE tags (name TEXT PRIMARY KEY)",
            """
            CREATE TABLE column_tags (
                schema_name TEXT NOT NULL, table_name TEXT NOT NULL, column_name TEXT NOT NULL,
                tag TEXT NOT NULL REFERENCES tags(name) ON DELETE CASCADE,
                PRIMARY KEY (schema_name, table_name, column_name, tag))
            """,
            """
            CREATE TABLE column_masks (
                schema_name TEXT NOT NULL, table_name TEXT NOT NULL, column_name TEXT NOT NULL,
                policy TEXT NOT NULL REFERENCES masking_policies(name),
                PRIMARY KEY (schema_name, table_name, column_name))
            """,
            """
            CREATE TABLE tag_policies (
                tag TEXT NOT NULL REFERENCES tags(name) ON DELETE CASCADE,
                policy TEXT NOT NULL REFERENCES masking_policies(name),
                PRIMARY KEY (tag, policy))
            """,
            "CREATE TABLE rls_tables (schema_name TEXT NOT NULL, table_name TEXT NOT NULL, PRIMARY KEY (schema_name, table_name))",
            """
            CREATE TABLE row_policies (
                schema_name TEXT NOT NULL, table_name TEXT NOT NULL, name TEXT NOT NULL, using_sql TEXT NOT NULL,
                PRIMARY KEY (schema_name, table_name, name))
            """,
            """
            CREATE TABLE row_policy_roles (
                schema_name TEXT NOT NULL, table_name TEXT NOT NULL, policy TEXT NOT NULL,
                position INTEGER NOT NULL, role TEXT NOT NULL,
                PRIMARY KEY (schema_name, table_name, policy, position),
                FOREIGN KEY (schema_name, table_name, policy) REFERENCES row_policies(schema_name, table_name, name) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT, at_us INTEGER NOT NULL, user_name TEXT NOT NULL,
                roles TEXT NOT NULL, client TEXT NOT NULL, statement TEXT NOT NULL, objects TEXT NOT NULL,
                masks TEXT NOT NULL, row_policies TEXT NOT NULL, rows_returned INTEGER, duration_us INTEGER NOT NULL,
                sqlstate TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_at ON audit_log (at_us)",
            "INSERT INTO schemas VALUES ('public', \(sqlString(owner)))",
            "INSERT INTO roles VALUES (\(sqlString(owner)), 1, 1, NULL)",
            // Members of `auditor` read lakesql_audit; it exists from the start so it can simply be granted.
            "INSERT OR IGNORE INTO roles VALUES ('auditor', 0, 0, NULL)",
        ] },
    ]

    static var latestVersion: Int { steps.count }

    static func sqlString(_ s: String) -> String { "'" + s.replacingAll("'", with: "''") + "'" }

    /// Another application's SQLite file is left alone, not turned into a catalog.
    static func refuseForeignDatabase(_ db: SQLiteConnection, path: String) throws {
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text }
        if !tables.isEmpty && !tables.contains("schema_version") {
            throw SQLError(SQLState.dataCorrupted, "catalog file \"\(path)\" is a SQLite database of another application",
                           hint: "Choose another file for --catalog.")
        }
    }

    static func migrate(_ db: SQLiteConnection, owner: String, path: String) throws {
        try db.execute("BEGIN IMMEDIATE")
        do {
            try refuseForeignDatabase(db, path: path)
            try db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            var version = Int(try db.query("SELECT max(version) FROM schema_version").first?.first?.integer ?? 0)
            if version > latestVersion {
                throw SQLError(SQLState.configFileError,
                               "catalog file \"\(path)\" has schema version \(version), newer than this LakeSQL supports (\(latestVersion))",
                               hint: "Use a newer LakeSQL with this catalog.")
            }
            let fresh = version == 0
            while version < latestVersion {
                for statement in steps[version](owner) { try db.execute(statement) }
                version += 1
                try db.query("DELETE FROM schema_version")
                try db.query("INSERT INTO schema_version VALUES (?)", [.integer(Int64(version))])
            }
            if fresh {
                try db.query("INSERT INTO catalog_state VALUES (1, 1, ?, ?, ?)",
                             [.text(owner), .blob(try randomBytes(32)), .integer(nowMicros())])
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }
}

/// Cryptographically random bytes from the kernel.
func randomBytes(_ count: Int) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    guard let file = fopen("/dev/urandom", "rb") else {
        throw SQLError(SQLState.ioError, "cannot read /dev/urandom for the catalog secret")
    }
    defer { fclose(file) }
    let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, file) }
    guard read == count else { throw SQLError(SQLState.ioError, "short read from /dev/urandom") }
    return bytes
}

func nowMicros() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
