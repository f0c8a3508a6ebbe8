// System relations of the governance catalog, read at scan time:
//   lakesql_roles(name, kind, superuser, can_login, member_of)
//   lakesql_grants(grantee, privilege, object_type, object_name)
//   lakesql_masks(table_name, column_name, policy, via_tag)
//   lakesql_row_policies(table_name, policy, roles, using_expr)
//   lakesql_audit(id, time, user_name, roles, client, statement, objects, masks,
//                 row_policies, rows_returned, duration_ms, sqlstate)
// The first four hold no personal data and are open to everyone (the REPL's
// \du and \dp read them); lakesql_audit is for superusers and members of
// `auditor` (CatalogAccessControl.checkSelect). Without a catalog they do not
// exist (42P01). The statement's SystemCatalog resolves them ahead of the
// session's relations (the lake stays the in-memory catalog's fallback, as the
// introspection code expects).

import Catalog
import Columnar
import Planner

enum SystemRelations {
    static let names: Set<String> = ["lakesql_roles", "lakesql_grants", "lakesql_masks", "lakesql_row_policies", "lakesql_audit"]

    /// The system relation `name` (unqualified or in public) when a catalog is attached; nil otherwise
    /// (without a catalog they do not exist: the REPL's \du then says "no governance catalog attached").
    /// Resolved by the statement's SystemCatalog, ahead of the session's relations.
    static func lookup(schema: String?, name: String, database: Database?) -> CatalogObject? {
        guard schema == nil || schema == "public", names.contains(name), let database, database.governance != nil else { return nil }
        return .table(SystemRelationSource(name: name, database: database))
    }
}

final class SystemRelationSource: TableSource, @unchecked Sendable {
    let name: String
    weak var database: Database?
    let fields: [Field]

    init(name: String, database: Database) {
        self.name = name
        self.database = database
        func f(_ n: String, _ t: DataType) -> Field { Field(name: n, type: t) }
        switch name {
        case "lakesql_roles":
            fields = [f("name", .text), f("kind", .text), f("superuser", .boolean), f("can_login", .boolean), f("member_of", .text)]
        case "lakesql_grants":
            fields = [f("grantee", .text), f("privilege", .text), f("object_type", .text), f("object_name", .text)]
        case "lakesql_masks":
            fields = [f("table_name", .text), f("column_name", .text), f("policy", .text), f("via_tag", .text)]
        case "lakesql_row_policies":
            fields = [f("table_name", .text), f("policy", .text), f("roles", .text), f("using_expr", .text)]
        default:
            fields = [f("id", .int64), f("time", .timestamptz), f("user_name", .text), f("roles", .text), f("client", .text),
                      f("statement", .text), f("objects", .text), f("masks", .text), f("row_policies", .text),
                      f("rows_returned", .int64), f("duration_ms", .float64), f("sqlstate", .text)]
        }
    }

    var estimatedRowCount: Int? { nil }

    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] {
        if name == "lakesql_audit", let store = database?.catalogStore {
            // The log can be long: one morsel per range of ids, each read when the scan reaches it.
            guard let range = try store.auditIdRange() else { return [] }
            let step: Int64 = 8192
            return stride(from: range.lowerBound - 1, through: range.upperBound - 1, by: Int(step)).map { start in
                AuditMorsel(source: self, store: store, after: start, limit: Int(step), columns: columns)
            }
        }
        return [MemoryMorsel(batch: batch(try self.rows()), columns: columns)]
    }

    func batch(_ rows: [[Value]]) -> Batch {
        Batch(columns: fields.indices.map { i in Vector.from(rows.map { $0[i] }, type: fields[i].type) }, count: rows.count)
    }

    static func auditRow(_ e: AuditEntry) -> [Value] {
        func text(_ list: [String]) -> Value { list.isEmpty ? .null : .string(list.joined(separator: ", ")) }
        return [.int(e.id), .int(e.time), .string(e.user), text(e.roles), .string(e.client), .string(e.statement), text(e.objects),
                text(e.masks), text(e.rowPolicies), e.rows.map { .int($0) } ?? .null, .double(Double(e.durationMicros) / 1000),
                .string(e.sqlState)]
    }

    private func rows() throws -> [[Value]] {
        guard let store = database?.catalogStore else {
            return name == "lakesql_roles" ? [[.string("lakesql"), .string("user"), .bool(true), .bool(true), .null]] : []
        }
        let s = try store.snapshot()
        func text(_ list: [String]) -> Value { list.isEmpty ? .null : .string(list.joined(separator: ", ")) }
        switch name {
        case "lakesql_roles":
            return s.roles.values.sorted { $0.name < $1.name }.map { r in
                [.string(r.name), .string(r.canLogin ? "user" : "role"), .bool(r.isSuperuser), .bool(r.canLogin),
                 text((s.directMemberships[r.name] ?? []).sorted())]
            }
        case "lakesql_grants":
            return s.grants.sorted().map { g in
                [.string(g.grantee), .string(g.privilege.rawValue), .string(g.objectType.rawValue), g.objectName.isEmpty ? .null : .string(g.objectName)]
            }
        case "lakesql_masks":
            var out: [[Value]] = []
            for (c, p) in s.columnMasks.sorted(by: { $0.key < $1.key }) {
                out.append([.string(c.table.description), .string(c.column), .string(p), .null])
            }
            for (c, tags) in s.columnTags.sorted(by: { $0.key < $1.key }) where s.columnMasks[c] == nil {
                for tag in tags.sorted() {
                    for p in (s.tagPolicies[tag] ?? []).sorted() {
                        out.append([.string(c.table.description), .string(c.column), .string(p), .string(tag)])
                    }
                }
            }
            return out
        case "lakesql_row_policies":
            var out: [[Value]] = []
            for (t, policies) in s.rowPolicies.sorted(by: { $0.key < $1.key }) {
                for p in policies { out.append([.string(t.description), .string(p.name), .string(p.roles.joined(separator: ", ")), .string(p.usingSQL)]) }
            }
            // Tables with RLS on and no policy: nobody but owners and superusers sees rows.
            for t in s.rowLevelSecurity.sorted() where (s.rowPolicies[t] ?? []).isEmpty {
                out.append([.string(t.description), .null, .null, .null])
            }
            return out
        default:
            return try store.auditEntries().map(SystemRelationSource.auditRow)
        }
    }
}

/// A range of audit entries, read from SQLite when the scan reaches it.
final class AuditMorsel: ScanMorsel {
    let source: SystemRelationSource
    let store: CatalogStore
    let after: Int64
    let limit: Int
    let columns: [Int]

    init(source: SystemRelationSource, store: CatalogStore, after: Int64, limit: Int, columns: [Int]) {
        self.source = source; self.store = store; self.after = after; self.limit = limit; self.columns = columns
    }

    func read(statistics: ScanStatistics) throws -> [Batch] {
        let entries = try store.auditEntries(after: after, limit: limit).filter { $0.id <= after + Int64(limit) }
        var batches: [Batch] = []
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(entries.count, start + Batch.capacity)]
            let full = source.batch(chunk.map(SystemRelationSource.auditRow))
            batches.append(Batch(columns: columns.map { full.columns[$0] }, count: full.count))
            start += Batch.capacity
        }
        return batches
    }
}
