// The binder's AccessControl answered from the SQLite catalog, one object
// per session. It knows the session user, the role chosen with SET ROLE, and
// reads the catalog through its snapshot (so another process's GRANT counts
// from the next statement on). It also serves current_user, is_member and
// pg_has_role to the function kernels (SessionIdentity).
//
// Rules (PostgreSQL's where it has one):
// - superusers (the current role's attribute, so SET ROLE to a plain role
//   drops it) bypass grants, masks and row policies;
// - SELECT is allowed to a relation's owner and to grantees of SELECT on the
//   relation or on ALL TABLES IN SCHEMA (now and later), directly, through
//   inherited roles, or through PUBLIC;
// - system relations: lakesql_audit needs superuser or membership of
//   `auditor`; lakesql_roles/grants/masks/row_policies, pg_catalog and
//   information_schema are open to everyone;
// - masks: a column's own policy wins over its tags' policies; a tag's policy
//   applies to tagged columns of its parameter's type family; two candidate
//   policies, or one whose types cannot be resolved, deny (fail closed);
// - row policies: nil when RLS is off or for the table's owner (PostgreSQL's
//   owner bypass), otherwise the policies naming PUBLIC or one of the
//   current user's roles.

import Catalog
import Columnar
import Functions
import Planner
import SQLSyntax

final class CatalogAccessControl: AccessControl, SessionIdentity, @unchecked Sendable {
    let store: CatalogStore
    let sessionUser: String
    /// Where the session comes from, for the audit log ("cli", "repl", a peer address).
    let client: String
    /// SET ROLE; nil: the session user.
    var role: String?

    init(store: CatalogStore, sessionUser: String, client: String = "local") {
        self.store = store
        self.sessionUser = sessionUser
        self.client = client
    }

    var currentUser: String { role ?? sessionUser }

    /// The catalog as of now; an unreadable catalog denies (an empty snapshot has no grants).
    var snapshot: GovernanceSnapshot { (try? store.snapshot()) ?? GovernanceSnapshot() }

    var isSuperuser: Bool { snapshot.isSuperuser(currentUser) }

    func isSuperuser(_ role: String) -> Bool { snapshot.isSuperuser(role) }

    func isMember(of role: String) -> Bool {
        let s = snapshot
        return s.isSuperuser(currentUser) || role == "public" || s.effectiveRoles(of: currentUser).contains(role)
    }

    func hasRole(user: String, role: String) -> Bool? {
        let s = snapshot
        guard s.roles[user] != nil, s.roles[role] != nil else { return nil }
        return s.isSuperuser(user) || s.effectiveRoles(of: user).contains(role)
    }

    /// The current user and every role it inherits, sorted (for the audit log).
    var activeRoles: [String] {
        let s = snapshot
        return [currentUser] + s.effectiveRoles(of: currentUser).subtracting([currentUser]).sorted()
    }

    var maskingSecret: [UInt8] { snapshot.secret }

    // MARK: Privileges

    static let openSystemRelations: Set<String> = ["lakesql_roles", "lakesql_grants", "lakesql_masks", "lakesql_row_policies"]

    func checkSelect(_ relation: RelationName, as user: String) throws {
        let s = snapshot
        let stored = s.relations[RelationRef(schema: relation.schema, name: relation.name)] != nil
        // The emulated system catalogs are open; a relation someone created in those schemas is not.
        if (relation.schema == "pg_catalog" || relation.schema == "information_schema"), !stored { return }
        if relation.schema == "public", CatalogAccessControl.openSystemRelations.contains(relation.name),
           s.relations[RelationRef(schema: "public", name: relation.name)] == nil { return }
        if relation.schema == "public", relation.name == "lakesql_audit", s.relations[RelationRef(schema: "public", name: relation.name)] == nil {
            if s.isSuperuser(user) || s.effectiveRoles(of: user).contains("auditor") { return }
            throw SQLError(SQLState.insufficientPrivilege, "permission denied for table lakesql_audit",
                           hint: "Only superusers and members of role auditor may read the audit log.")
        }
        if s.isSuperuser(user) { return }
        let roles = s.effectiveRoles(of: user).union(["public"])
        let ref = RelationRef(schema: relation.schema, name: relation.name)
        if let owner = s.relations[ref]?.owner, roles.contains(owner) { return }
        for g in s.grants where g.privilege == .select && roles.contains(g.grantee) {
            if g.objectType == .table && g.objectName == ref.description { return }
            if g.objectType == .schema && g.objectName == relation.schema { return }
        }
        let kind = s.relations[ref]?.kind == .view ? "view" : "table"
        throw SQLError(SQLState.insufficientPrivilege, "permission denied for \(kind) \(relation.name)")
    }

    func checkReadFiles() throws { try checkReadFiles(as: currentUser) }

    func checkReadFiles(as user: String) throws {
        let s = snapshot
        if s.isSuperuser(user) { return }
        let roles = s.effectiveRoles(of: user).union(["public"])
        if s.grants.contains(where: { $0.privilege == .readFiles && roles.contains($0.grantee) }) { return }
        throw SQLError(SQLState.insufficientPrivilege, "permission denied to read files",
                       hint: "Reading raw files steps around masking and row policies: only superusers and roles granted READ FILES may.")
    }

    // MARK: Policies

    func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition? {
        let s = snapshot
        let ref = ColumnRef(table: RelationRef(schema: relation.schema, name: relation.name), column: column)
        if let name = s.columnMasks[ref] {
            guard let record = s.maskingPolicies[name] else {
                throw SQLError(SQLState.undefinedObject, "masking policy \"\(name)\" of column \"\(column)\" does not exist")
            }
            return try CatalogAccessControl.definition(record)
        }
        var candidates: [MaskingPolicyDefinition] = []
        for tag in (s.columnTags[ref] ?? []).sorted() {
            for name in (s.tagPolicies[tag] ?? []).sorted() {
                guard let record = s.maskingPolicies[name] else {
                    throw SQLError(SQLState.undefinedObject, "masking policy \"\(name)\" of tag \"\(tag)\" does not exist")
                }
                let definition = try CatalogAccessControl.definition(record)
                if CatalogAccessControl.sameFamily(definition.parameterType, type), !candidates.contains(where: { $0.name == definition.name }) {
                    candidates.append(definition)
                }
            }
        }
        if candidates.count > 1 {
            throw SQLError(SQLState.insufficientPrivilege,
                           "column \"\(column)\" has several masking policies through its tags (\(candidates.map(\.name).joined(separator: ", ")))",
                           hint: "Set one policy on the column directly, or keep one policy per type on its tags.")
        }
        return candidates.first
    }

    func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]? {
        let s = snapshot
        let ref = RelationRef(schema: relation.schema, name: relation.name)
        guard s.rowLevelSecurity.contains(ref) else { return nil }
        let roles = s.effectiveRoles(of: currentUser)
        if s.isSuperuser(currentUser) { return nil }
        if let owner = s.relations[ref]?.owner, roles.contains(owner) { return nil }
        return (s.rowPolicies[ref] ?? []).filter { p in p.roles.contains("public") || p.roles.contains(where: roles.contains) }
            .map { RowPolicyDefinition(name: $0.name, roles: $0.roles, usingSQL: $0.usingSQL) }
    }

    /// A stored policy with its type names resolved (an unresolvable type throws: deny).
    static func definition(_ r: MaskingPolicyRecord) throws -> MaskingPolicyDefinition {
        MaskingPolicyDefinition(name: r.name, parameterName: r.parameterName, parameterType: try resolveType(r.parameterType),
                                returnType: try resolveType(r.returnType), bodySQL: r.bodySQL)
    }

    static func resolveType(_ text: String) throws -> DataType {
        try Binder(catalog: MemoryCatalog()).columnType(try Parser.parseTypeName(text))
    }

    /// Types a tag's policy applies to: the same type, or the same family (strings, integers,
    /// floating point, numerics, timestamps).
    static func sameFamily(_ a: DataType, _ b: DataType) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.decimal, .decimal): return true
        case (.timestamp, .timestamptz), (.timestamptz, .timestamp): return true
        default: return (a.isString && b.isString) || (a.isInteger && b.isInteger) || (a.isFloat && b.isFloat)
        }
    }
}
