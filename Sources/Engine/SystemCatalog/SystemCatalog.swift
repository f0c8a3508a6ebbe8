// pg_catalog and information_schema over the live catalog. A SystemCatalog
// wraps the session's catalog for one statement: names in pg_catalog (which
// is searched first, as PostgreSQL does) and information_schema resolve to
// relations generated from a snapshot of the schemas, tables, views and lake
// tables the user may see; everything else goes to the wrapped catalog. It
// also answers the catalog questions of pg_catalog functions
// (CatalogIntrospection). Only metadata is ever exposed: no relation here
// reads a row of user data.

import Foundation
import Columnar
import Functions
import Lake
import Planner
import SQLSyntax
#if canImport(Glibc)
import Glibc
#endif

final class SystemCatalog: CatalogProvider, CatalogIntrospection {
    let base: MemoryCatalog
    let access: AccessControl
    weak var session: Session?
    private var cached: CatalogSnapshot?

    init(base: MemoryCatalog, session: Session, access: AccessControl) {
        self.base = base; self.session = session; self.access = access
    }

    private let lock = NSLockLite()

    /// Whether the snapshot was built (a bind that needed it cannot be kept: Session+PlanCache.swift).
    var snapshotTaken: Bool { lock.withLock { cached != nil } }

    /// Built once per statement, on first use. Kernels of a parallel scan may ask from several threads.
    var snapshot: CatalogSnapshot {
        lock.withLock {
            if let cached { return cached }
            let s = CatalogSnapshot.build(base: base, access: access, settings: session?.settings ?? [:],
                                          tableFunctions: session?.database.tableFunctions, backendPID: backendPID)
            cached = s
            return s
        }
    }

    // MARK: CatalogProvider

    func lookup(schema: String?, name: String) throws -> CatalogObject? {
        let systemSchema = schema ?? "pg_catalog"
        if systemSchema == "pg_catalog" || systemSchema == "information_schema" {
            if let definition = SystemRelation.named(schema: systemSchema, name: name) {
                return .table(SystemRelationRows.table(definition, snapshot: snapshot, catalog: self))
            }
            if schema != nil { return nil }
        }
        if let governance = SystemRelations.lookup(schema: schema, name: name, database: session?.database) { return governance }
        return try base.lookup(schema: schema, name: name)
    }

    /// The name policies and privileges use: the system relation this name reaches, else the
    /// wrapped catalog's answer (which maps lake.t and t to one name). A wrapper that did not
    /// forward this would let `lake.t` bypass the policies of `t`.
    func relationName(schema: String?, name: String) -> RelationName {
        let systemSchema = schema ?? "pg_catalog"
        if systemSchema == "pg_catalog" || systemSchema == "information_schema", SystemRelation.named(schema: systemSchema, name: name) != nil {
            return RelationName(schema: systemSchema, name: name)
        }
        return base.relationName(schema: schema, name: name)
    }

    // MARK: CatalogIntrospection

    func lookup(_ kind: RegKind, name: String) -> Int64? {
        let parts = CatalogSnapshot.splitQualifiedName(name)
        guard let last = parts.last, parts.count <= 3 else { return nil }
        let schema = parts.count >= 2 ? parts[parts.count - 2] : nil
        let s = snapshot
        switch kind {
        case .regclass:
            let schemas = schema.map { [$0] } ?? s.searchPath(implicit: true)
            for sc in schemas { if let r = s.relation(schema: sc, name: last) { return r.oid } }
            return nil
        case .regnamespace:
            return s.namespaces.first { $0.name == last }?.oid
        case .regrole:
            return s.users.first { $0.name == last }?.oid
        case .regproc, .regprocedure:
            let bare = last.split(separator: "(").first.map(String.init) ?? last
            return s.procedures.first { $0.name == bare }?.oid
        case .regtype:
            return nil  // built-in types are resolved by the functions themselves; there are no user types
        case .regcollation:
            return SystemRelationRows.collations.first { $0.name == last }?.oid
        case .regoper, .regoperator, .regconfig:
            return nil
        }
    }

    func name(_ kind: RegKind, oid: Int64) -> String? {
        let s = snapshot
        switch kind {
        case .regclass:
            guard let r = s.relationsByOID[oid] else { return nil }
            return isVisible(.regclass, oid: oid) ? CatalogSnapshot.quoteIfNeeded(r.name)
                : CatalogSnapshot.quoteIfNeeded(r.schema) + "." + CatalogSnapshot.quoteIfNeeded(r.name)
        case .regnamespace: return s.namespaces.first { $0.oid == oid }.map { CatalogSnapshot.quoteIfNeeded($0.name) }
        case .regrole: return s.users.first { $0.oid == oid }?.name
        case .regproc, .regprocedure: return s.procedures.first { $0.oid == oid }?.name
        case .regcollation: return SystemRelationRows.collations.first { $0.oid == oid }.map { "\"\($0.name)\"" }
        default: return nil
        }
    }

    func isVisible(_ kind: RegKind, oid: Int64) -> Bool {
        let s = snapshot
        switch kind {
        case .regclass:
            guard let r = s.relationsByOID[oid] else { return false }
            for schema in s.searchPath(implicit: true) {
                if let first = s.relation(schema: schema, name: r.name) { return first.oid == oid }
            }
            return false
        case .regproc, .regprocedure:
            return s.procedures.contains { $0.oid == oid }
        default:
            return true
        }
    }

    func userName(oid: Int64) -> String? { snapshot.users.first { $0.oid == oid }?.name }

    func currentSchemas(implicit: Bool) -> [String] { snapshot.searchPath(implicit: implicit) }

    func hasTablePrivilege(oid: Int64, privilege: String) -> Bool {
        guard let r = snapshot.relationsByOID[oid] else { return false }
        let readable = r.isSystem || (try? access.checkSelect(RelationName(schema: r.schema, name: r.name), as: access.currentUser)) != nil
        // As in PostgreSQL, a list of privileges asks whether any one of them is held. Lake data is read-only:
        // SELECT is the only privilege on it; in-memory tables also take INSERT.
        return privilege.lowercased().split(separator: ",").contains { item in
            switch item.replacingOccurrences(of: "with grant option", with: "").trimmingCharacters(in: .whitespaces) {
            case "select": return readable
            case "insert": return readable && r.insertable
            default: return false
            }
        }
    }

    func viewDefinition(oid: Int64) -> String? { snapshot.relationsByOID[oid]?.viewSQL }

    func relationSize(oid: Int64) -> Int64 { snapshot.relationsByOID[oid]?.sizeBytes ?? 0 }

    func databaseSize() -> Int64 { snapshot.relations.reduce(0) { $0 + $1.sizeBytes } }

    func setConfig(name: String, value: String, isLocal: Bool) throws -> String {
        guard let session else { return value }
        _ = try session.run(.set(SetStatement(name: name, values: [value], isLocal: isLocal)), text: "")
        lock.withLock { cached = nil }
        return session.settings[name] ?? value
    }

    var backendPID: Int32 { session?.backendPID ?? getpid() }

    var startTimeMicros: Int64 { Database.startTimeMicros }

    func checkCancelled() throws { try session?.cancellation.check() }
}

/// What a SystemCatalog knows about one system relation.
struct SystemRelation {
    let schema: String
    let name: String
    let oid: Int64
    let kind: Character
    let fields: [Field]
    /// PostgreSQL's type name per field, for pg_attribute.
    let pgTypes: [String]

    static let all: [SystemRelation] = SystemRelationDefinitions.all.map { d in
        var fields: [Field] = [], types: [String] = []
        for column in d.columns.split(separator: " ") {
            let parts = column.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            fields.append(Field(name: parts[0], type: SystemRelation.dataType(parts[1])))
            types.append(parts[1])
        }
        return SystemRelation(schema: d.schema, name: d.name, oid: d.oid, kind: Character(d.kind), fields: fields, pgTypes: types)
    }

    private static let index: [String: SystemRelation] = Dictionary(all.map { ($0.schema + "." + $0.name, $0) }, uniquingKeysWith: { a, _ in a })

    static func named(schema: String, name: String) -> SystemRelation? { index[schema + "." + name] }

    /// How a catalog column type is held (OIDs and reg* as oid, xid as bigint, name and "char" as text).
    static func dataType(_ pg: String) -> DataType {
        if pg.hasSuffix("[]") { return .array(dataType(String(pg.dropLast(2)))) }
        switch pg {
        case "oid", "regproc", "regtype": return .oid
        case "xid", "bigint": return .int64
        case "integer": return .int32
        case "smallint": return .int16
        case "boolean": return .boolean
        case "real": return .float32
        case "double_precision", "numeric": return .float64
        case "timestamp_with_time_zone": return .timestamptz
        case "interval": return .interval
        case "bytea": return .bytea
        case "int2vector": return .array(.int16)
        case "oidvector": return .array(.oid)
        default: return .text  // name, text, "char", pg_node_tree, inet, anyarray
        }
    }

    /// The pg_type OID of a catalog column type, for pg_attribute.atttypid.
    static func typeOID(_ pg: String) -> Int32 {
        let names = ["oid": "oid", "regproc": "regproc", "regtype": "regtype", "xid": "xid", "bigint": "int8", "integer": "int4",
                     "smallint": "int2", "boolean": "bool", "real": "float4", "double_precision": "float8", "numeric": "float8",
                     "timestamp_with_time_zone": "timestamptz", "interval": "interval", "bytea": "bytea", "int2vector": "int2vector",
                     "oidvector": "oidvector", "name": "name", "text": "text", "char1": "char", "pg_node_tree": "pg_node_tree",
                     "inet": "inet", "anyarray": "anyarray", "aclitem": "aclitem"]
        if pg.hasSuffix("[]") {
            let element = typeOID(String(pg.dropLast(2)))
            return PostgresTypes.byOID[element]?.array ?? 0
        }
        return PostgresTypes.byName[names[pg] ?? "text"]?.oid ?? 25
    }
}

extension Session {
    /// The `pg_class.oid` of a relation as this session's catalog lists it (nil when it is not listed, e.g. not
    /// readable by the user). The wire protocol's RowDescription carries it with the column's 1-based position
    /// as attribute number, so that clients can join result columns back to pg_attribute.
    public func relationOID(schema: String, name: String) -> Int32? {
        systemCatalog().snapshot.relation(schema: schema, name: name).map { Int32(truncatingIfNeeded: $0.oid) }
    }

    /// The statement's pg_catalog view. Access control is the superuser default until the
    /// governance catalog attaches one (then pg_class lists only what checkSelect allows).
    func systemCatalog() -> SystemCatalog {
        if let c = statementSystemCatalog { return c }
        let c = SystemCatalog(base: database.catalog, session: self, access: accessControl)
        statementSystemCatalog = c
        return c
    }
}

/// Session process ids: PostgreSQL's are OS pids; here the process id plus a per-session counter.
enum BackendPIDs {
    private static let counter = TransactionCounter()
    static func next() -> Int32 { Int32(truncatingIfNeeded: Int64(getpid() % 100_000) * 1000 + counter.next() % 1000) }
}

extension Database {
    static let startTimeMicros: Int64 = Clock.nowMicros()
}
