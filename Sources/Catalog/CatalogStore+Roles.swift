// Roles, users, memberships and grants. Each method is one transaction (or
// joins the caller's `write`) and raises PostgreSQL's SQLSTATEs: 42704 for an
// unknown role, 42710 for a duplicate, 0LP01 for a circular membership,
// 2BP01 when objects still depend on a role. Who may call them (superusers)
// is the Engine's decision.

import Columnar

extension CatalogStore {
    static let reservedRoleNames: Set<String> = ["public", "none", "current_user", "session_user", "current_role"]

    func requireRole(_ name: String, in s: GovernanceSnapshot) throws {
        guard s.roles[name] != nil else { throw SQLError(SQLState.undefinedObject, "role \"\(name)\" does not exist") }
    }

    public func createRole(_ role: RoleRecord, ifNotExists: Bool = false, inRoles: [String] = []) throws {
        if CatalogStore.reservedRoleNames.contains(role.name) || role.name.hasPrefix("pg_") || role.name.hasPrefix("lakesql_") {
            throw SQLError("42939", "role name \"\(role.name)\" is reserved",
                           detail: "Role names starting with \"pg_\" or \"lakesql_\" and PUBLIC/NONE are reserved.")
        }
        try write {
            let s = try snapshot()
            if s.roles[role.name] != nil {
                if ifNotExists { return }
                throw SQLError(SQLState.duplicateObject, "role \"\(role.name)\" already exists")
            }
            for r in inRoles { try requireRole(r, in: s) }
            try connection.query("INSERT INTO roles VALUES (?, ?, ?, ?)", [
                .text(role.name), .integer(role.canLogin ? 1 : 0), .integer(role.isSuperuser ? 1 : 0),
                role.passwordVerifier.map { .text($0) } ?? .null])
            for r in inRoles { try connection.query("INSERT OR IGNORE INTO role_members VALUES (?, ?)", [.text(r), .text(role.name)]) }
            try bumpVersion()
        }
    }

    /// Changes a role's password verifier (`.some(nil)` removes the password), login or superuser flag.
    public func alterRole(_ name: String, passwordVerifier: String?? = nil, canLogin: Bool? = nil, isSuperuser: Bool? = nil) throws {
        try write {
            let s = try snapshot()
            try requireRole(name, in: s)
            if name == s.owner, isSuperuser == false || canLogin == false {
                throw SQLError(SQLState.insufficientPrivilege, "permission denied to alter role \"\(name)\"",
                               detail: "The catalog's owner must keep SUPERUSER and LOGIN, or nobody could administer the catalog.")
            }
            if let verifier = passwordVerifier {
                try connection.query("UPDATE roles SET password_verifier = ? WHERE name = ?", [verifier.map { .text($0) } ?? .null, .text(name)])
            }
            if let canLogin { try connection.query("UPDATE roles SET can_login = ? WHERE name = ?", [.integer(canLogin ? 1 : 0), .text(name)]) }
            if let isSuperuser { try connection.query("UPDATE roles SET superuser = ? WHERE name = ?", [.integer(isSuperuser ? 1 : 0), .text(name)]) }
            try bumpVersion()
        }
    }

    /// Drops a role with its memberships and grants. Refused (2BP01) while it owns relations
    /// or schemas or a row policy names it; the catalog owner cannot be dropped.
    public func dropRole(_ name: String, ifExists: Bool = false) throws {
        try write {
            let s = try snapshot()
            guard s.roles[name] != nil else {
                if ifExists { return }
                throw SQLError(SQLState.undefinedObject, "role \"\(name)\" does not exist")
            }
            if name == s.owner {
                throw SQLError("2BP01", "role \"\(name)\" cannot be dropped because it owns the catalog")
            }
            var dependents: [String] = []
            dependents += s.relations.values.filter { $0.owner == name }.map { "owner of relation \($0.ref)" }.sorted()
            dependents += s.schemas.filter { $0.value == name }.map { "owner of schema \($0.key)" }.sorted()
            for (table, policies) in s.rowPolicies {
                for p in policies where p.roles.contains(name) { dependents.append("target of policy \(p.name) on table \(table)") }
            }
            if !dependents.isEmpty {
                throw SQLError("2BP01", "role \"\(name)\" cannot be dropped because some objects depend on it",
                               detail: dependents.sorted().joined(separator: "\n"))
            }
            try connection.query("DELETE FROM grants WHERE grantee = ?", [.text(name)])
            try connection.query("DELETE FROM roles WHERE name = ?", [.text(name)])
            try bumpVersion()
        }
    }

    /// GRANT role TO member. Already a member: no error (PostgreSQL only notices).
    public func grantRole(_ role: String, to member: String) throws {
        try write {
            let s = try snapshot()
            try requireRole(role, in: s)
            try requireRole(member, in: s)
            if role == member || s.effectiveRoles(of: role).contains(member) {
                throw SQLError("0LP01", "role \"\(member)\" is a member of role \"\(role)\"",
                               detail: "Granting \"\(role)\" to \"\(member)\" would make a circular membership.")
            }
            try connection.query("INSERT OR IGNORE INTO role_members VALUES (?, ?)", [.text(role), .text(member)])
            try bumpVersion()
        }
    }

    public func revokeRole(_ role: String, from member: String) throws {
        try write {
            let s = try snapshot()
            try requireRole(role, in: s)
            try requireRole(member, in: s)
            try connection.query("DELETE FROM role_members WHERE role = ? AND member = ?", [.text(role), .text(member)])
            try bumpVersion()
        }
    }

    /// Adds a grant; the grantee must exist (or be PUBLIC). The object's existence is the caller's check.
    public func grant(_ g: GrantRecord) throws {
        try write {
            if g.grantee != "public" { try requireRole(g.grantee, in: try snapshot()) }
            try connection.query("INSERT OR IGNORE INTO grants VALUES (?, ?, ?, ?)",
                                 [.text(g.grantee), .text(g.privilege.rawValue), .text(g.objectType.rawValue), .text(g.objectName)])
            try bumpVersion()
        }
    }

    /// Removes a grant. REVOKE … ON ALL TABLES IN SCHEMA also removes the single-table
    /// grants of that schema, as PostgreSQL's per-table revoke would.
    public func revoke(_ g: GrantRecord) throws {
        try write {
            if g.grantee != "public" { try requireRole(g.grantee, in: try snapshot()) }
            try connection.query("DELETE FROM grants WHERE grantee = ? AND privilege = ? AND object_type = ? AND object_name = ?",
                                 [.text(g.grantee), .text(g.privilege.rawValue), .text(g.objectType.rawValue), .text(g.objectName)])
            if g.objectType == .schema, g.privilege == .select {
                try connection.query("DELETE FROM grants WHERE grantee = ? AND privilege = ? AND object_type = 'table' AND object_name LIKE ? ESCAPE '\\'",
                                     [.text(g.grantee), .text(g.privilege.rawValue), .text(likePrefix(g.objectName + "."))])
            }
            try bumpVersion()
        }
    }

    func likePrefix(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "%"
    }

    // MARK: Settings

    /// Catalog-wide settings (ALTER SYSTEM SET); nil removes the setting.
    public func setSetting(_ name: String, _ value: String?) throws {
        try write {
            if let value {
                try connection.query("INSERT OR REPLACE INTO settings VALUES (?, ?)", [.text(name), .text(value)])
            } else {
                try connection.query("DELETE FROM settings WHERE name = ?", [.text(name)])
            }
            try bumpVersion()
        }
    }
}
