// The session-visible catalog until the SQLite catalog lands: schemas of
// in-memory tables, lake tables and views, looked up along the search path
// (the current schema, then `public`). Shared by all sessions of a Database.

import Columnar
#if canImport(Glibc)
import Glibc
#endif
import Planner

public final class MemoryCatalog: CatalogProvider, @unchecked Sendable {
    private var schemas: [String: [String: CatalogObject]] = ["public": [:], "pg_catalog": [:], "information_schema": [:]]
    private let lock = NSLockLite()
    /// Bumped by every change of the in-memory schemas, so a bind kept for reuse can tell it is stale.
    private var changes = 0
    public var version: Int { lock.withLock { changes } }

    /// Consulted when a name is not an in-memory relation (the lake folder; see LakeCatalog.swift).
    var fallback: CatalogProvider?

    public init() {}

    public func lookup(schema: String?, name: String) throws -> CatalogObject? {
        let found = lock.withLock { () -> CatalogObject? in
            if let schema { return schemas[schema]?[name] }
            return schemas["public"]?[name]
        }
        if found == nil, let fallback { return try fallback.lookup(schema: schema, name: name) }
        return found
    }

    /// The name policies and grants know a relation by: the schema it was found in, or the
    /// lake's own answer when it came from the lake (one name per object, however it is spelled).
    public func relationName(schema: String?, name: String) -> RelationName {
        let local = lock.withLock { () -> String? in
            if let schema { return schemas[schema]?[name] != nil ? schema : nil }
            return schemas["public"]?[name] != nil ? "public" : nil
        }
        if let local { return RelationName(schema: local, name: name) }
        if let fallback { return fallback.relationName(schema: schema, name: name) }
        return RelationName(schema: schema ?? "public", name: name)
    }

    public func schemaExists(_ name: String) -> Bool { lock.withLock { schemas[name] != nil } }

    /// Every schema, for pg_namespace and information_schema.schemata.
    public func schemaNames() -> [String] { lock.withLock { schemas.keys.sorted() } }

    public func createSchema(_ name: String, ifNotExists: Bool) throws {
        try lock.withLock {
            if schemas[name] != nil {
                if ifNotExists { return }
                throw SQLError(SQLState.duplicateSchema, "schema \"\(name)\" already exists")
            }
            schemas[name] = [:]
            changes &+= 1
        }
    }

    public func dropSchema(_ name: String, ifExists: Bool, cascade: Bool) throws {
        try lock.withLock {
            guard let objects = schemas[name] else {
                if ifExists { return }
                throw SQLError(SQLState.invalidSchemaName, "schema \"\(name)\" does not exist")
            }
            if !objects.isEmpty && !cascade {
                throw SQLError("2BP01", "cannot drop schema \(name) because other objects depend on it",
                               hint: "Use DROP ... CASCADE to drop the dependent objects too.")
            }
            schemas[name] = nil
            changes &+= 1
        }
    }

    public func add(schema: String?, name: String, object: CatalogObject, replace: Bool = false) throws {
        try lock.withLock {
            let s = schema ?? "public"
            guard schemas[s] != nil else { throw SQLError(SQLState.invalidSchemaName, "schema \"\(s)\" does not exist") }
            if let existing = schemas[s]?[name], !replace {
                switch existing {
                case .table: throw SQLError(SQLState.duplicateTable, "relation \"\(name)\" already exists")
                case .view: throw SQLError(SQLState.duplicateTable, "relation \"\(name)\" already exists")
                }
            }
            schemas[s]?[name] = object
            changes &+= 1
        }
    }

    public func remove(schema: String?, name: String) {
        lock.withLock {
            _ = schemas[schema ?? "public"]?.removeValue(forKey: name)
            changes &+= 1
        }
    }

    /// Schema names, for listings (\dn).
    public func listSchemas() -> [String] { lock.withLock { schemas.keys.sorted() } }

    /// Every relation, for listings (\dt, information_schema).
    public func allObjects() -> [(schema: String, name: String, object: CatalogObject)] {
        lock.withLock {
            schemas.flatMap { s, objects in objects.map { (s, $0.key, $0.value) } }.sorted { ($0.schema, $0.name) < ($1.schema, $1.name) }
        }
    }
}

/// A minimal mutex over pthread, so the catalog does not need Foundation.
final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
