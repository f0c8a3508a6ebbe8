// AST → SQL for the governance statements (round-trips through the parser).
// Passwords print as written: callers that log statements redact literals
// first (the audit log never sees them).

extension SQLWriter {
    static func roleOptions(_ o: RoleOptions) -> String {
        var parts: [String] = []
        if let login = o.login { parts.append(login ? "LOGIN" : "NOLOGIN") }
        if let superuser = o.superuser { parts.append(superuser ? "SUPERUSER" : "NOSUPERUSER") }
        if let password = o.password { parts.append("PASSWORD " + (password.map(stringLiteral) ?? "NULL")) }
        if !o.inRoles.isEmpty { parts.append("IN ROLE " + o.inRoles.map(identifier).joined(separator: ", ")) }
        return parts.map { " " + $0 }.joined()
    }

    static func names(_ names: [String]) -> String { names.map(identifier).joined(separator: ", ") }

    static func grantTarget(_ p: PrivilegeGrant) -> String {
        switch p.target {
        case .files: return p.privilege.rawValue
        case .relations(let names): return p.privilege.rawValue + " ON TABLE " + names.map { qualified($0.parts) }.joined(separator: ", ")
        case .allTablesInSchemas(let s): return p.privilege.rawValue + " ON ALL TABLES IN SCHEMA " + Self.names(s)
        case .schemas(let s): return p.privilege.rawValue + " ON SCHEMA " + Self.names(s)
        }
    }

    static func governance(_ g: GovernanceStatement) -> String {
        switch g {
        case .createRole(let c):
            return "CREATE " + (c.isUser ? "USER " : "ROLE ") + (c.ifNotExists ? "IF NOT EXISTS " : "") + identifier(c.name) + roleOptions(c.options)
        case .alterRole(let a):
            return "ALTER " + (a.isUser ? "USER " : "ROLE ") + identifier(a.name) + roleOptions(a.options)
        case .dropRole(let n, let ifExists, let isUser):
            return "DROP " + (isUser ? "USER " : "ROLE ") + (ifExists ? "IF EXISTS " : "") + names(n)
        case .grantRole(let roles, let members):
            return "GRANT " + names(roles) + " TO " + names(members)
        case .revokeRole(let roles, let members):
            return "REVOKE " + names(roles) + " FROM " + names(members)
        case .grant(let p):
            return "GRANT " + grantTarget(p) + " TO " + names(p.grantees)
        case .revoke(let p):
            return "REVOKE " + grantTarget(p) + " FROM " + names(p.grantees)
        case .setRole(let role):
            return role.map { "SET ROLE " + identifier($0) } ?? "RESET ROLE"
        case .createMaskingPolicy(let m):
            return "CREATE " + (m.orReplace ? "OR REPLACE " : "") + "MASKING POLICY " + (m.ifNotExists ? "IF NOT EXISTS " : "")
                + identifier(m.name) + " AS (" + identifier(m.parameterName) + " " + typeName(m.parameterType) + ") RETURNS "
                + typeName(m.returnType) + " -> " + SQLPrinter.print(m.body)
        case .dropMaskingPolicy(let name, let ifExists):
            return "DROP MASKING POLICY " + (ifExists ? "IF EXISTS " : "") + identifier(name)
        case .alterColumnMaskingPolicy(let table, let column, let policy):
            return "ALTER TABLE " + qualified(table.parts) + " ALTER COLUMN " + identifier(column)
                + (policy.map { " SET MASKING POLICY " + identifier($0) } ?? " UNSET MASKING POLICY")
        case .createTag(let name, let ifNotExists):
            return "CREATE TAG " + (ifNotExists ? "IF NOT EXISTS " : "") + identifier(name)
        case .dropTag(let name, let ifExists):
            return "DROP TAG " + (ifExists ? "IF EXISTS " : "") + identifier(name)
        case .alterColumnTag(let table, let column, let tag, let set):
            return "ALTER TABLE " + qualified(table.parts) + " ALTER COLUMN " + identifier(column) + (set ? " SET TAG " : " UNSET TAG ") + identifier(tag)
        case .alterTagMaskingPolicy(let tag, let policy, let set):
            return "ALTER TAG " + identifier(tag) + (set ? " SET" : " UNSET") + " MASKING POLICY" + (policy.map { " " + identifier($0) } ?? "")
        case .alterRowLevelSecurity(let table, let enabled):
            return "ALTER TABLE " + qualified(table.parts) + (enabled ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY"
        case .createRowPolicy(let p):
            return "CREATE " + (p.orReplace ? "OR REPLACE " : "") + "POLICY " + identifier(p.name) + " ON " + qualified(p.table.parts)
                + " FOR SELECT TO " + names(p.roles) + " USING (" + SQLPrinter.print(p.using) + ")"
        case .dropRowPolicy(let name, let table, let ifExists):
            return "DROP POLICY " + (ifExists ? "IF EXISTS " : "") + identifier(name) + " ON " + qualified(table.parts)
        case .alterOwner(let kind, let name, let owner):
            return "ALTER " + kind.rawValue.uppercased() + " " + qualified(name.parts) + " OWNER TO " + identifier(owner)
        case .alterSystem(let name, let value):
            return value.map { "ALTER SYSTEM SET " + name + " = " + stringLiteral($0) } ?? "ALTER SYSTEM RESET " + name
        }
    }
}
