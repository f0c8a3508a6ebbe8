// What the binder asks about the querying session before a query may read a
// relation: privileges, masks and row policies. The binder applies them at
// every base-table reference (scan -> row filter -> masks); the SQLite
// catalog answers the questions. `UnrestrictedAccess` is the superuser
// default used when no catalog is attached (tests, the plain CLI).

import Columnar

/// A relation as the catalog names it (lower-case, schema resolved).
public struct RelationName: Hashable, CustomStringConvertible, Sendable {
    public var schema: String
    public var name: String
    public init(schema: String, name: String) { self.schema = schema; self.name = name }
    public var description: String { "\(schema).\(name)" }
}

/// `CREATE MASKING POLICY name AS (param type) RETURNS type -> body`.
public struct MaskingPolicyDefinition: Equatable, Sendable {
    public var name: String
    public var parameterName: String
    public var parameterType: DataType
    public var returnType: DataType
    /// The body as SQL text; bound with `parameterName` standing for the column.
    public var bodySQL: String
    public init(name: String, parameterName: String, parameterType: DataType, returnType: DataType, bodySQL: String) {
        self.name = name; self.parameterName = parameterName; self.parameterType = parameterType
        self.returnType = returnType; self.bodySQL = bodySQL
    }
}

/// `CREATE POLICY name ON table FOR SELECT TO roles USING (expr)`.
public struct RowPolicyDefinition: Equatable, Sendable {
    public var name: String
    /// The roles it applies to; "public" means everyone.
    public var roles: [String]
    public var usingSQL: String
    public init(name: String, roles: [String], usingSQL: String) {
        self.name = name; self.roles = roles; self.usingSQL = usingSQL
    }
}

public protocol AccessControl: AnyObject {
    /// The authenticated user (`session_user`).
    var sessionUser: String { get }
    /// The user or role privileges are checked for (`current_user`; changes with SET ROLE).
    var currentUser: String { get }
    /// Superusers bypass grants, masks and row policies.
    var isSuperuser: Bool { get }
    /// Whether the current user is, directly or through inheritance, a member of `role`.
    func isMember(of role: String) -> Bool
    /// Throws 42501 unless `user` (the current user, or a view's owner) may SELECT from `relation`.
    func checkSelect(_ relation: RelationName, as user: String) throws
    /// Throws 42501 unless the current user may read raw files (superuser or READ FILES).
    func checkReadFiles() throws
    /// The masking policy on a column (set directly, or through a tag on the column
    /// whose policy takes the column's type), nil when unmasked. Throws when a policy
    /// exists but cannot be resolved: misconfiguration must deny, never unmask.
    func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition?
    /// nil when row-level security is off for the relation; otherwise the policies
    /// that apply to the current user's roles (empty: no rows are visible).
    func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]?
    /// Throws 42501 unless `user` (a view's owner, when the binder expands a view that
    /// reads files, e.g. an external table) may read raw files.
    func checkReadFiles(as user: String) throws
    /// The catalog's secret behind mask_hash (32 bytes); empty without a catalog, when
    /// mask_hash uses a fixed built-in key. Handed to kernels through the execution
    /// context only — never part of a plan, EXPLAIN output or an error.
    var maskingSecret: [UInt8] { get }
    /// Whether `role` is a superuser (a view owner's rights inside its view).
    func isSuperuser(_ role: String) -> Bool
}

extension AccessControl {
    /// Fails closed until a catalog answers for other users: the querying user must
    /// then be allowed to read files too.
    public func checkReadFiles(as user: String) throws { try checkReadFiles() }
    public var maskingSecret: [UInt8] { [] }
    public func isSuperuser(_ role: String) -> Bool { false }
}

/// Everything allowed, nothing masked: a superuser with no catalog.
public final class UnrestrictedAccess: AccessControl {
    public let sessionUser: String
    public init(user: String = "lakesql") { self.sessionUser = user }
    public var currentUser: String { sessionUser }
    public var isSuperuser: Bool { true }
    public func isMember(of role: String) -> Bool { true }
    public func checkSelect(_ relation: RelationName, as user: String) throws {}
    public func checkReadFiles() throws {}
    public func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition? { nil }
    public func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]? { nil }
}
