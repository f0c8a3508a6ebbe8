// The rows the catalog stores, as plain values: roles, grants, relations,
// masking policies, tags, row policies, audit entries. Names are stored as
// the parser hands them over (already case-folded unless quoted).

/// A table or view as the catalog names it.
public struct RelationRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var schema: String
    public var name: String
    public init(schema: String, name: String) { self.schema = schema; self.name = name }
    public var description: String { "\(schema).\(name)" }
    public static func < (a: RelationRef, b: RelationRef) -> Bool { (a.schema, a.name) < (b.schema, b.name) }
}

public struct ColumnRef: Hashable, Comparable, Sendable {
    public var table: RelationRef
    public var column: String
    public init(table: RelationRef, column: String) { self.table = table; self.column = column }
    public static func < (a: ColumnRef, b: ColumnRef) -> Bool { (a.table, a.column) < (b.table, b.column) }
}

public struct RoleRecord: Equatable, Sendable {
    public var name: String
    public var canLogin: Bool
    public var isSuperuser: Bool
    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`; never the password.
    public var passwordVerifier: String?
    public init(name: String, canLogin: Bool, isSuperuser: Bool = false, passwordVerifier: String? = nil) {
        self.name = name; self.canLogin = canLogin; self.isSuperuser = isSuperuser; self.passwordVerifier = passwordVerifier
    }
}

public enum StoredRelationKind: String, Sendable {
    /// An in-memory table: its definition persists, its rows do not.
    case table
    case view
    /// CREATE EXTERNAL TABLE over lake files.
    case external
}

public struct RelationRecord: Equatable, Sendable {
    public var ref: RelationRef
    public var kind: StoredRelationKind
    public var owner: String
    /// The statement that re-creates the relation (replayed by the Engine when it loads the catalog).
    public var createSQL: String
    public init(ref: RelationRef, kind: StoredRelationKind, owner: String, createSQL: String) {
        self.ref = ref; self.kind = kind; self.owner = owner; self.createSQL = createSQL
    }
}

public enum Privilege: String, Sendable, CaseIterable {
    case select = "SELECT"
    case readFiles = "READ FILES"
    /// CREATE ON SCHEMA: may create tables and views there (and then owns them).
    case create = "CREATE"
}

public enum GrantObjectType: String, Sendable {
    case table
    /// SELECT ON ALL TABLES IN SCHEMA: every relation of the schema, now and later.
    case schema
    /// READ FILES: no object.
    case files
}

public struct GrantRecord: Hashable, Comparable, Sendable {
    public var grantee: String
    public var privilege: Privilege
    public var objectType: GrantObjectType
    /// "schema.name" for tables, the schema name for schemas, "" for files.
    public var objectName: String
    public init(grantee: String, privilege: Privilege, objectType: GrantObjectType, objectName: String) {
        self.grantee = grantee; self.privilege = privilege; self.objectType = objectType; self.objectName = objectName
    }
    public static func < (a: GrantRecord, b: GrantRecord) -> Bool {
        (a.grantee, a.privilege.rawValue, a.objectType.rawValue, a.objectName) < (b.grantee, b.privilege.rawValue, b.objectType.rawValue, b.objectName)
    }
}

public struct MaskingPolicyRecord: Equatable, Sendable {
    public var name: String
    public var parameterName: String
    /// Type names as SQL text (e.g. "text", "numeric(10,2)"); the Engine resolves them.
    public var parameterType: String
    public var returnType: String
    public var bodySQL: String
    public init(name: String, parameterName: String, parameterType: String, returnType: String, bodySQL: String) {
        self.name = name; self.parameterName = parameterName; self.parameterType = parameterType
        self.returnType = returnType; self.bodySQL = bodySQL
    }
}

public struct RowPolicyRecord: Equatable, Sendable {
    public var table: RelationRef
    public var name: String
    /// Role names; "public" applies to everyone.
    public var roles: [String]
    public var usingSQL: String
    public init(table: RelationRef, name: String, roles: [String], usingSQL: String) {
        self.table = table; self.name = name; self.roles = roles; self.usingSQL = usingSQL
    }
}

/// One statement as the audit log keeps it.
public struct AuditEntry: Equatable, Sendable {
    public var id: Int64 = 0
    /// µs since the Unix epoch.
    public var time: Int64
    public var user: String
    /// The roles active for the statement (current user and every role it inherits).
    public var roles: [String]
    public var client: String
    public var statement: String
    public var objects: [String]
    public var masks: [String]
    public var rowPolicies: [String]
    public var rows: Int64?
    public var durationMicros: Int64
    /// "00000" on success.
    public var sqlState: String
    public init(time: Int64, user: String, roles: [String], client: String, statement: String, objects: [String] = [],
                masks: [String] = [], rowPolicies: [String] = [], rows: Int64? = nil, durationMicros: Int64 = 0, sqlState: String = "00000") {
        self.time = time; self.user = user; self.roles = roles; self.client = client; self.statement = statement
        self.objects = objects; self.masks = masks; self.rowPolicies = rowPolicies; self.rows = rows
        self.durationMicros = durationMicros; self.sqlState = sqlState
    }
}
