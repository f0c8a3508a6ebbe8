// Wires the SQLite catalog (DatabaseOptions.catalogPath) into a Database:
// sessions per user, password verifiers for the wire server, and the
// persisted schemas, tables, views and external tables, which are replayed
// into the in-memory catalog at open and whenever another process changed
// the catalog (checked at the start of every statement, cheaply).
//
// Trust: whoever runs LakeSQL on a catalog file it can write is its owner —
// it could edit the SQLite file directly anyway — so `connect()` and
// `connect(user:client:)` do not ask for passwords; the wire server checks
// SCRAM verifiers (passwordVerifier(for:)) before it calls connect(user:).

import Catalog
import Columnar
import Functions
import Planner
import SQLSyntax
#if canImport(Glibc)
import Glibc
#endif

/// The catalog store plus what the in-memory catalog holds of it.
final class CatalogAttachment: @unchecked Sendable {
    let store: CatalogStore
    let lock = NSLockLite()
    /// catalog_version last replayed into memory.
    var syncedVersion: Int64 = -1
    /// Relations replayed from (or written to) the catalog, with their create_sql and owner.
    var loaded: [RelationRef: RelationRecord] = [:]
    var loadedSchemas: Set<String> = []
    /// Audit appends since the last retention prune.
    var appendsSincePrune = 0

    init(path: String) throws {
        store = try CatalogStore(path: path, owner: CatalogAttachment.osUserName())
    }

    /// The OS user running LakeSQL: the owner a new catalog is created for.
    static func osUserName() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name {
            let s = String(cString: name).lowercased()
            if !s.isEmpty { return s }
        }
        if let env = getenv("USER") { return String(cString: env).lowercased() }
        return "lakesql"
    }
}

/// current_user & friends without a catalog: one superuser.
final class UnrestrictedIdentity: SessionIdentity {
    let sessionUser: String
    init(_ user: String) { sessionUser = user }
    var currentUser: String { sessionUser }
    func isMember(of role: String) -> Bool { true }
    func hasRole(user: String, role: String) -> Bool? { true }
    func isSuperuser(_ role: String) -> Bool { true }
}

extension Database {
    /// The catalog file's store, when one is attached.
    public var catalogStore: CatalogStore? { governance?.store }

    func attachCatalog() throws {
        try synchronizeCatalog()
        if let g = governance {
            let s = try g.store.snapshot()
            try g.store.pruneAudit(olderThanDays: Self.retentionDays(s), now: Clock.nowMicros())
        }
    }

    static func retentionDays(_ s: GovernanceSnapshot) -> Double {
        Double(s.settings["audit_retention_days"] ?? "") ?? 365
    }

    /// A session of the catalog's owner, recorded in the audit log as coming from `client`.
    public func connect(client: String) -> Session { connectOwner(client: client) }

    func connectOwner(client: String) -> Session {
        let session = Session(database: self)
        if let g = governance {
            let owner = (try? g.store.snapshot().owner) ?? CatalogAttachment.osUserName()
            session.accessControl = CatalogAccessControl(store: g.store, sessionUser: owner, client: client)
            session.settings["session_authorization"] = owner
            session.settings["role"] = "none"
        } else {
            session.accessControl = UnrestrictedAccess()
        }
        return session
    }

    /// A session running as `user`. With a catalog the user must exist and may log in
    /// (28000 otherwise, as PostgreSQL's login); without one, any name is a superuser.
    /// `client` is what the audit log records (e.g. "repl" or the peer address).
    public func connect(user: String, client: String) throws -> Session {
        let session = Session(database: self)
        session.settings["session_authorization"] = user
        guard let g = governance else {
            session.accessControl = UnrestrictedAccess(user: user)
            return session
        }
        let s = try g.store.snapshot()
        guard let role = s.roles[user] else {
            throw SQLError(SQLState.invalidAuthorizationSpecification, "role \"\(user)\" does not exist")
        }
        guard role.canLogin || role.isSuperuser else {
            throw SQLError(SQLState.invalidAuthorizationSpecification, "role \"\(user)\" is not permitted to log in")
        }
        session.accessControl = CatalogAccessControl(store: g.store, sessionUser: user, client: client)
        session.settings["role"] = "none"
        session.settings["is_superuser"] = role.isSuperuser ? "on" : "off"
        return session
    }

    /// The user's SCRAM-SHA-256 verifier in PostgreSQL's format
    /// (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`), or nil when there is
    /// no catalog, no such login user, or no password.
    public func passwordVerifier(for user: String) -> String? {
        guard let s = try? governance?.store.snapshot(), let role = s.roles[user], role.canLogin || role.isSuperuser else { return nil }
        return role.passwordVerifier
    }

    // MARK: Replaying persisted relations

    /// Brings the in-memory catalog up to the catalog file's state (no-op when unchanged).
    func synchronizeCatalog(force: Bool = false) throws {
        guard let g = governance else { return }
        let s = try g.store.snapshot()
        try g.lock.withLock {
            if !force && s.version == g.syncedVersion { return }
            for name in s.schemas.keys.sorted() where !catalog.schemaExists(name) {
                try catalog.createSchema(name, ifNotExists: true)
            }
            for name in g.loadedSchemas where s.schemas[name] == nil && name != "public" {
                try? catalog.dropSchema(name, ifExists: true, cascade: true)
            }
            g.loadedSchemas = Set(s.schemas.keys)
            for ref in g.loaded.keys where s.relations[ref] == nil {
                catalog.remove(schema: ref.schema, name: ref.name)
                g.loaded[ref] = nil
            }
            for (ref, record) in s.relations.sorted(by: { $0.key < $1.key }) where g.loaded[ref] != record {
                // A definition that no longer parses stays unavailable (42P01) rather than failing every statement.
                guard let object = try? replay(record) else { continue }
                try? catalog.add(schema: ref.schema, name: ref.name, object: object, replace: true)
                g.loaded[ref] = record
            }
            g.syncedVersion = s.version
        }
    }

    /// The in-memory object for a stored definition. A table whose definition is unchanged
    /// keeps its rows.
    private func replay(_ record: RelationRecord) throws -> CatalogObject {
        guard let statement = try Parser.parse(record.createSQL).first?.statement else {
            throw SQLError(SQLState.dataCorrupted, "empty definition")
        }
        switch statement {
        case .createTable(let ct):
            let binder = Binder(catalog: catalog)
            let fields = try ct.columns.map { Field(name: $0.name, type: try binder.columnType($0.type), nullable: !$0.notNull) }
            if case .table(let existing as MemoryTable)? = try catalog.lookup(schema: record.ref.schema, name: record.ref.name),
               existing.fields == fields {
                return .table(existing)
            }
            return .table(MemoryTable(fields: fields))
        case .createView(let cv):
            return .view(ViewDefinition(name: record.ref.name, columnNames: cv.columnNames, sql: cv.queryText, query: cv.query,
                                        owner: record.owner))
        default:
            throw SQLError(SQLState.dataCorrupted, "unexpected definition")
        }
    }
}
