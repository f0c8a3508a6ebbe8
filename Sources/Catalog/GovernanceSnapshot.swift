// An immutable, in-memory copy of the catalog (everything but the audit
// log), loaded in one read transaction so it is consistent. The access
// checks run against it without touching SQLite; it also answers role
// inheritance (the transitive closure of memberships).

import Columnar

public struct GovernanceSnapshot: Sendable {
    /// `catalog_version`: changes with every committed catalog change.
    public var version: Int64 = 0
    /// The superuser role the catalog was created for (the local OS user).
    public var owner: String = ""
    public var secret: [UInt8] = []
    public var settings: [String: String] = [:]
    /// Schema name → owner.
    public var schemas: [String: String] = [:]
    public var relations: [RelationRef: RelationRecord] = [:]
    public var roles: [String: RoleRecord] = [:]
    /// Member → the roles it was granted directly.
    public var directMemberships: [String: Set<String>] = [:]
    public var grants: Set<GrantRecord> = []
    public var maskingPolicies: [String: MaskingPolicyRecord] = [:]
    public var tags: Set<String> = []
    public var columnTags: [ColumnRef: Set<String>] = [:]
    public var columnMasks: [ColumnRef: String] = [:]
    /// Tag → masking policies (at most one per parameter type).
    public var tagPolicies: [String: Set<String>] = [:]
    public var rowLevelSecurity: Set<RelationRef> = []
    public var rowPolicies: [RelationRef: [RowPolicyRecord]] = [:]

    public init() {}

    /// `role` itself plus every role it inherits, directly or through other roles.
    public func effectiveRoles(of role: String) -> Set<String> {
        var seen: Set<String> = [role]
        var work = [role]
        while let r = work.popLast() {
            for parent in directMemberships[r] ?? [] where seen.insert(parent).inserted { work.append(parent) }
        }
        return seen
    }

    public func isSuperuser(_ role: String) -> Bool { roles[role]?.isSuperuser ?? false }

    /// Direct and inherited members of `role` (the roles that have it in their effective roles).
    public func members(of role: String) -> [String] {
        roles.keys.filter { $0 != role && effectiveRoles(of: $0).contains(role) }.sorted()
    }

    static func load(_ db: SQLiteConnection, version: Int64, inTransaction: Bool) throws -> GovernanceSnapshot {
        // One read transaction, so the tables agree with each other.
        if !inTransaction { try db.execute("BEGIN") }
        defer { if !inTransaction { try? db.execute("COMMIT") } }
        var s = GovernanceSnapshot()
        s.version = version
        if let row = try db.query("SELECT owner, secret FROM catalog_state").first {
            s.owner = row[0].text ?? ""
            if case .blob(let b) = row[1] { s.secret = b }
        }
        for r in try db.query("SELECT name, value FROM settings") { s.settings[r[0].text ?? ""] = r[1].text ?? "" }
        for r in try db.query("SELECT name, owner FROM schemas") { s.schemas[r[0].text ?? ""] = r[1].text ?? "" }
        for r in try db.query("SELECT schema_name, name, kind, owner, create_sql FROM relations") {
            let ref = RelationRef(schema: r[0].text ?? "", name: r[1].text ?? "")
            guard let kind = StoredRelationKind(rawValue: r[2].text ?? "") else { continue }
            s.relations[ref] = RelationRecord(ref: ref, kind: kind, owner: r[3].text ?? "", createSQL: r[4].text ?? "")
        }
        for r in try db.query("SELECT name, can_login, superuser, password_verifier FROM roles") {
            let name = r[0].text ?? ""
            s.roles[name] = RoleRecord(name: name, canLogin: r[1].bool, isSuperuser: r[2].bool, passwordVerifier: r[3].text)
        }
        for r in try db.query("SELECT role, member FROM role_members") {
            s.directMemberships[r[1].text ?? "", default: []].insert(r[0].text ?? "")
        }
        for r in try db.query("SELECT grantee, privilege, object_type, object_name FROM grants") {
            guard let p = Privilege(rawValue: r[1].text ?? ""), let t = GrantObjectType(rawValue: r[2].text ?? "") else { continue }
            s.grants.insert(GrantRecord(grantee: r[0].text ?? "", privilege: p, objectType: t, objectName: r[3].text ?? ""))
        }
        for r in try db.query("SELECT name, parameter_name, parameter_type, return_type, body_sql FROM masking_policies") {
            let name = r[0].text ?? ""
            s.maskingPolicies[name] = MaskingPolicyRecord(name: name, parameterName: r[1].text ?? "", parameterType: r[2].text ?? "",
                                                          returnType: r[3].text ?? "", bodySQL: r[4].text ?? "")
        }
        for r in try db.query("SELECT name FROM tags") { s.tags.insert(r[0].text ?? "") }
        for r in try db.query("SELECT schema_name, table_name, column_name, tag FROM column_tags") {
            let c = ColumnRef(table: RelationRef(schema: r[0].text ?? "", name: r[1].text ?? ""), column: r[2].text ?? "")
            s.columnTags[c, default: []].insert(r[3].text ?? "")
        }
        for r in try db.query("SELECT schema_name, table_name, column_name, policy FROM column_masks") {
            let c = ColumnRef(table: RelationRef(schema: r[0].text ?? "", name: r[1].text ?? ""), column: r[2].text ?? "")
            s.columnMasks[c] = r[3].text ?? ""
        }
        for r in try db.query("SELECT tag, policy FROM tag_policies") { s.tagPolicies[r[0].text ?? "", default: []].insert(r[1].text ?? "") }
        for r in try db.query("SELECT schema_name, table_name FROM rls_tables") {
            s.rowLevelSecurity.insert(RelationRef(schema: r[0].text ?? "", name: r[1].text ?? ""))
        }
        var roles: [String: [String]] = [:]
        for r in try db.query("SELECT schema_name, table_name, policy, role FROM row_policy_roles ORDER BY position") {
            roles["\(r[0].text ?? "")\u{0}\(r[1].text ?? "")\u{0}\(r[2].text ?? "")", default: []].append(r[3].text ?? "")
        }
        for r in try db.query("SELECT schema_name, table_name, name, using_sql FROM row_policies ORDER BY name") {
            let table = RelationRef(schema: r[0].text ?? "", name: r[1].text ?? "")
            let name = r[2].text ?? ""
            s.rowPolicies[table, default: []].append(RowPolicyRecord(
                table: table, name: name, roles: roles["\(table.schema)\u{0}\(table.name)\u{0}\(name)"] ?? [], usingSQL: r[3].text ?? ""))
        }
        return s
    }
}
