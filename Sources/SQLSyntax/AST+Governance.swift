// AST of the governance statements: roles and users, grants, SET ROLE,
// masking policies, tags, row-level security and row policies, ALTER SYSTEM.
// One `Statement.governance` case carries them all, so the statement enum
// grows by one case only.

public enum GovernanceStatement {
    /// CREATE ROLE | CREATE USER name [WITH] options
    case createRole(CreateRoleStatement)
    /// ALTER ROLE | ALTER USER name [WITH] options
    case alterRole(AlterRoleStatement)
    /// DROP ROLE | DROP USER [IF EXISTS] name, …
    case dropRole(names: [String], ifExists: Bool, isUser: Bool)
    /// GRANT role, … TO member, …
    case grantRole(roles: [String], members: [String])
    /// REVOKE role, … FROM member, …
    case revokeRole(roles: [String], members: [String])
    /// GRANT privilege ON target TO grantee, …
    case grant(PrivilegeGrant)
    /// REVOKE privilege ON target FROM grantee, …
    case revoke(PrivilegeGrant)
    /// SET ROLE name; nil for SET ROLE NONE / RESET ROLE.
    case setRole(String?)
    case createMaskingPolicy(CreateMaskingPolicyStatement)
    case dropMaskingPolicy(name: String, ifExists: Bool)
    /// ALTER TABLE t ALTER [COLUMN] c SET MASKING POLICY p | UNSET MASKING POLICY (policy nil)
    case alterColumnMaskingPolicy(table: QualifiedName, column: String, policy: String?)
    case createTag(name: String, ifNotExists: Bool)
    case dropTag(name: String, ifExists: Bool)
    /// ALTER TABLE t ALTER [COLUMN] c SET TAG tg | UNSET TAG tg
    case alterColumnTag(table: QualifiedName, column: String, tag: String, set: Bool)
    /// ALTER TAG tg SET MASKING POLICY p | UNSET MASKING POLICY [p]
    case alterTagMaskingPolicy(tag: String, policy: String?, set: Bool)
    /// ALTER TABLE t ENABLE | DISABLE ROW LEVEL SECURITY
    case alterRowLevelSecurity(table: QualifiedName, enabled: Bool)
    case createRowPolicy(CreateRowPolicyStatement)
    case dropRowPolicy(name: String, table: QualifiedName, ifExists: Bool)
    /// ALTER TABLE | VIEW | SCHEMA name OWNER TO role
    case alterOwner(kind: ObjectKind, name: QualifiedName, owner: String)
    /// ALTER SYSTEM SET name = value | ALTER SYSTEM RESET name (value nil)
    case alterSystem(name: String, value: String?)
}

public struct RoleOptions: Equatable {
    /// nil: not given; .some(nil): PASSWORD NULL.
    public var password: String??
    public var login: Bool?
    public var superuser: Bool?
    /// IN ROLE r, … (CREATE only)
    public var inRoles: [String] = []
    public init(password: String?? = nil, login: Bool? = nil, superuser: Bool? = nil, inRoles: [String] = []) {
        self.password = password; self.login = login; self.superuser = superuser; self.inRoles = inRoles
    }
}

public struct CreateRoleStatement {
    public var name: String
    /// CREATE USER (LOGIN by default) rather than CREATE ROLE.
    public var isUser: Bool
    public var ifNotExists: Bool
    public var options: RoleOptions
    public init(name: String, isUser: Bool, ifNotExists: Bool = false, options: RoleOptions = RoleOptions()) {
        self.name = name; self.isUser = isUser; self.ifNotExists = ifNotExists; self.options = options
    }
}

public struct AlterRoleStatement {
    public var name: String
    public var isUser: Bool
    public var options: RoleOptions
    public init(name: String, isUser: Bool, options: RoleOptions) { self.name = name; self.isUser = isUser; self.options = options }
}

public enum GrantPrivilege: String {
    case select = "SELECT"
    case readFiles = "READ FILES"
    case create = "CREATE"
}

public enum GrantTarget: Equatable {
    /// ON [TABLE | VIEW] name, …
    case relations([QualifiedName])
    /// ON ALL TABLES IN SCHEMA s, …
    case allTablesInSchemas([String])
    /// ON SCHEMA s, … (CREATE)
    case schemas([String])
    /// READ FILES has no object.
    case files
}

public struct PrivilegeGrant {
    public var privilege: GrantPrivilege
    public var target: GrantTarget
    /// Role names; "public" for PUBLIC.
    public var grantees: [String]
    public init(privilege: GrantPrivilege, target: GrantTarget, grantees: [String]) {
        self.privilege = privilege; self.target = target; self.grantees = grantees
    }
}

/// CREATE [OR REPLACE] MASKING POLICY [IF NOT EXISTS] name AS (param type) RETURNS type -> body
public struct CreateMaskingPolicyStatement {
    public var name: String
    public var parameterName: String
    public var parameterType: TypeName
    public var returnType: TypeName
    public var body: Expr
    /// The body exactly as written (stored in the catalog).
    public var bodyText: String
    public var orReplace: Bool
    public var ifNotExists: Bool
    public init(name: String, parameterName: String, parameterType: TypeName, returnType: TypeName, body: Expr, bodyText: String,
                orReplace: Bool = false, ifNotExists: Bool = false) {
        self.name = name; self.parameterName = parameterName; self.parameterType = parameterType; self.returnType = returnType
        self.body = body; self.bodyText = bodyText; self.orReplace = orReplace; self.ifNotExists = ifNotExists
    }
}

/// CREATE [OR REPLACE] POLICY name ON table [AS PERMISSIVE] [FOR SELECT | ALL] [TO role, …] USING (expr)
public struct CreateRowPolicyStatement {
    public var name: String
    public var table: QualifiedName
    /// Role names; ["public"] when TO is omitted.
    public var roles: [String]
    public var using: Expr
    /// The USING expression exactly as written (stored in the catalog).
    public var usingText: String
    public var orReplace: Bool
    public init(name: String, table: QualifiedName, roles: [String], using: Expr, usingText: String, orReplace: Bool = false) {
        self.name = name; self.table = table; self.roles = roles; self.using = using; self.usingText = usingText; self.orReplace = orReplace
    }
}
