// One statement's view of the catalog for pg_catalog: schemas, relations
// (system relations, in-memory tables and views, external tables and lake
// tables) with their columns, the users known to the session, functions,
// and the search path. Relations the current user may not SELECT from are
// left out (AccessControl.checkSelect), so pg_class, pg_attribute and
// information_schema list only what the user can see.
//
// OIDs of user objects are stable: derived from the object's kind and
// qualified name (FNV-1a into PostgreSQL's user range, 16384 … 2^31-1), so
// the same table has the same OID in every session and after a restart.

import Foundation
import Columnar
import Functions
import Lake
import Planner
import SQLSyntax

struct CatalogSnapshot {
    struct Namespace { let oid: Int64; let name: String }
    struct Relation {
        let oid: Int64
        let schema: String
        let name: String
        /// relkind: r table (in-memory, external and lake tables), v view, plus the system relations' own kinds.
        let kind: Character
        let fields: [Field]
        let isSystem: Bool
        /// PostgreSQL type names of a system relation's columns.
        let pgTypes: [String]?
        let viewSQL: String?
        let sizeBytes: Int64
        /// In-memory tables take INSERT; lake and external tables and views are read-only.
        var insertable = false
        var namespaceOID: Int64 { CatalogSnapshot.namespaceOID(schema) }
    }
    struct User { let oid: Int64; let name: String; let superuser: Bool }
    struct Procedure { let oid: Int64; let name: String; let kind: Character }

    var namespaces: [Namespace] = []
    var relations: [Relation] = []
    var relationsByOID: [Int64: Relation] = [:]
    private var relationsByName: [String: Relation] = [:]
    var users: [User] = []
    var procedures: [Procedure] = []
    var settings: [String: String] = [:]
    var databaseName = "lakesql"
    var currentUser = "lakesql"
    var backendPID: Int32 = 0

    static let bootstrapUserOID: Int64 = 10
    static let databaseOID: Int64 = 16384

    // MARK: stable OIDs

    static func stableOID(_ key: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return 16385 + Int64(h % UInt64(Int64(Int32.max) - 16385))
    }

    static func namespaceOID(_ name: String) -> Int64 {
        switch name {
        case "pg_catalog": return 11
        case "public": return 2200
        case "information_schema": return 13000
        case "pg_toast": return 99
        default: return stableOID("namespace:" + name)
        }
    }

    /// The OID of a user relation (what RowDescription's table OID must match).
    static func relationOID(schema: String, name: String) -> Int64 { stableOID("relation:\(schema).\(name)") }

    // MARK: building

    static func build(base: MemoryCatalog, access: AccessControl, settings: [String: String],
                      tableFunctions: TableFunctionProvider?, backendPID: Int32) -> CatalogSnapshot {
        var s = CatalogSnapshot()
        s.backendPID = backendPID
        s.settings = settings
        s.databaseName = settings["database"] ?? "lakesql"
        s.currentUser = access.currentUser
        let schemaNames = Set(base.schemaNames() + ["pg_catalog", "information_schema", "public"])
        s.namespaces = schemaNames.sorted().map { Namespace(oid: namespaceOID($0), name: $0) }

        var taken = Set<Int64>()
        func add(_ r: Relation) {
            s.relations.append(r)
            s.relationsByOID[r.oid] = r
            s.relationsByName[r.schema + "." + r.name] = r
            taken.insert(r.oid)
        }
        for sys in SystemRelation.all {
            add(Relation(oid: sys.oid, schema: sys.schema, name: sys.name, kind: sys.kind, fields: sys.fields, isSystem: true,
                         pgTypes: sys.pgTypes, viewSQL: nil, sizeBytes: 0))
        }
        func uniqueOID(_ schema: String, _ name: String) -> Int64 {
            var oid = relationOID(schema: schema, name: name)
            var salt = 0
            while taken.contains(oid) { salt += 1; oid = stableOID("relation:\(schema).\(name)#\(salt)") }
            return oid
        }
        func visible(_ schema: String, _ name: String) -> Bool {
            (try? access.checkSelect(RelationName(schema: schema, name: name), as: access.currentUser)) != nil
        }
        let viewBinder = Binder(catalog: base, tableFunctions: tableFunctions)
        for (schema, name, object) in base.allObjects() where schema != "pg_catalog" && schema != "information_schema" {
            guard visible(schema, name) else { continue }
            switch object {
            case .table(let source):
                var r = Relation(oid: uniqueOID(schema, name), schema: schema, name: name, kind: "r", fields: source.fields,
                                 isSystem: false, pgTypes: nil, viewSQL: nil, sizeBytes: 0)
                r.insertable = source is MemoryTable
                add(r)
            case .view(let view):
                // A view that no longer binds (a dropped table) is listed without columns, as PostgreSQL cannot have one.
                var fields: [Field] = []
                if let bound = try? viewBinder.bind(view.query) {
                    let names = view.columnNames.map { $0 + bound.names.dropFirst($0.count) } ?? bound.names
                    fields = zip(names, bound.plan.fields).map { Field(name: $0, type: $1.type == .null ? .text : $1.type) }
                }
                // External tables are stored as their reading query; they are tables to tools.
                let external = view.sql.contains("hive_partitioning => true") && view.sql.contains(" FROM read_")
                add(Relation(oid: uniqueOID(schema, name), schema: schema, name: name, kind: external ? "r" : "v", fields: fields,
                             isSystem: false, pgTypes: nil, viewSQL: external ? nil : view.sql, sizeBytes: 0))
            }
        }
        // Lake tables are found unqualified, so they are listed in public (an in-memory table of the same name wins).
        if let lake = base.fallback as? LakeCatalog, let entries = try? lake.tables() {
            for entry in entries where s.relationsByName["public." + entry.name] == nil && visible("public", entry.name) {
                guard let source = try? lake.table(at: entry.path) else { continue }
                let size = (try? LakeFileSystem.filesRecursively(entry.path))?.reduce(Int64(0)) { $0 + Int64($1.size) }
                    ?? Int64(LakeFileSystem.status(entry.path)?.size ?? 0)
                add(Relation(oid: uniqueOID("public", entry.name), schema: "public", name: entry.name, kind: "r",
                             fields: source.fields, isSystem: false, pgTypes: nil, viewSQL: nil, sizeBytes: size))
            }
        }

        // Users: the bootstrap superuser owns every object; the session's users are listed too.
        s.users = [User(oid: bootstrapUserOID, name: "lakesql", superuser: true)]
        for name in [access.sessionUser, access.currentUser] where !s.users.contains(where: { $0.name == name }) {
            s.users.append(User(oid: stableOID("role:" + name), name: name, superuser: access.isSuperuser))
        }
        // With the governance catalog, every role it holds (pg_roles, \du, regrole).
        if let governed = access as? CatalogAccessControl {
            for role in governed.snapshot.roles.values.sorted(by: { $0.name < $1.name }) where !s.users.contains(where: { $0.name == role.name }) {
                s.users.append(User(oid: stableOID("role:" + role.name), name: role.name, superuser: role.isSuperuser))
            }
        }

        // Functions: the registry's named functions plus the built-in types' I/O functions (typinput …).
        var procs: [Int64: Procedure] = [:]
        for t in PostgresTypes.all {
            for p in [t.input, t.output, t.receive, t.send] where p.oid != 0 { procs[Int64(p.oid)] = Procedure(oid: Int64(p.oid), name: p.name, kind: "f") }
        }
        func isIdentifier(_ n: String) -> Bool { n.first.map { $0.isLetter || $0 == "_" } ?? false }
        let registry = FunctionRegistry.shared
        for name in registry.scalarNames where isIdentifier(name) && !name.hasPrefix("lakesql_") {
            let oid = stableOID("function:" + name)
            procs[oid] = Procedure(oid: oid, name: name, kind: "f")
        }
        for name in registry.aggregateNames where isIdentifier(name) {
            let oid = stableOID("function:" + name)
            procs[oid] = Procedure(oid: oid, name: name, kind: "a")
        }
        s.procedures = procs.values.sorted { $0.oid < $1.oid }
        return s
    }

    func relation(schema: String, name: String) -> Relation? { relationsByName[schema + "." + name] }

    /// The search path's existing schemas ("$user" is the current user's schema when it exists);
    /// with `implicit`, pg_catalog first unless the path names it.
    func searchPath(implicit: Bool) -> [String] {
        let raw = settings["search_path"] ?? "\"$user\", public"
        var out: [String] = []
        for item in raw.split(separator: ",") {
            var name = item.trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            else { name = name.lowercased() }
            if name == "$user" { name = currentUser }
            if namespaces.contains(where: { $0.name == name }) && !out.contains(name) { out.append(name) }
        }
        if implicit && !out.contains("pg_catalog") { out.insert("pg_catalog", at: 0) }
        return out
    }

    /// `a.b`, `"A".b`, `a."B.c"` → parts, unquoted parts lower-cased.
    static func splitQualifiedName(_ text: String) -> [String] {
        var parts: [String] = [], current = "", quoted = false, wasQuoted = false
        var chars = Array(text.trimmingCharacters(in: .whitespaces)), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true; wasQuoted = true }
            else if c == "." { parts.append(wasQuoted ? current : current.lowercased()); current = ""; wasQuoted = false }
            else { current.append(c) }
            i += 1
        }
        parts.append(wasQuoted ? current : current.lowercased())
        chars = []
        return parts
    }

    /// An identifier as PostgreSQL prints it in a reg* value (quoted only when it has to be).
    static func quoteIfNeeded(_ name: String) -> String { SQLPrinter.quoteIdentifier(name) }
}
