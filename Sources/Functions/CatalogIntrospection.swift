// What catalog-aware functions (format_type aside, everything pg_catalog
// exposes about objects: regclass lookups, pg_table_is_visible,
// pg_get_userbyid, has_table_privilege, set_config …) may ask the session.
// The Engine implements it over a per-statement snapshot of the catalog and
// hands it to kernels through FunctionContext, so Functions never imports
// the Engine. Without it (plain function tests) these functions answer as an
// empty database would.

import Columnar

/// The object kinds of PostgreSQL's reg* types.
public enum RegKind: String, Sendable, CaseIterable {
    case regclass, regtype, regproc, regprocedure, regnamespace, regrole, regoper, regoperator, regconfig, regcollation

    /// The noun PostgreSQL's lookup errors use, and their SQLSTATE.
    var missing: (noun: String, state: String) {
        switch self {
        case .regclass: return ("relation", SQLState.undefinedTable)
        case .regtype: return ("type", SQLState.undefinedObject)
        case .regproc, .regprocedure: return ("function", SQLState.undefinedFunction)
        case .regnamespace: return ("schema", SQLState.invalidSchemaName)
        case .regrole: return ("role", SQLState.undefinedObject)
        case .regoper, .regoperator: return ("operator", SQLState.undefinedFunction)
        case .regconfig: return ("text search configuration", SQLState.undefinedObject)
        case .regcollation: return ("collation", SQLState.undefinedObject)
        }
    }
}

public protocol CatalogIntrospection: AnyObject {
    /// The OID of the named object (qualified or resolved along the search path), nil when absent.
    func lookup(_ kind: RegKind, name: String) -> Int64?
    /// The object's name as the reg* type prints it (schema-qualified when not visible), nil when absent.
    func name(_ kind: RegKind, oid: Int64) -> String?
    /// pg_table_is_visible and friends: found first along the search path under its own name.
    func isVisible(_ kind: RegKind, oid: Int64) -> Bool
    /// pg_get_userbyid.
    func userName(oid: Int64) -> String?
    /// The schemas of the search path that exist, with pg_catalog first when `implicit`.
    func currentSchemas(implicit: Bool) -> [String]
    /// has_table_privilege for the current user (SELECT is the only privilege that can be held on lake data).
    func hasTablePrivilege(oid: Int64, privilege: String) -> Bool
    /// pg_get_viewdef: the stored SQL of a view.
    func viewDefinition(oid: Int64) -> String?
    /// pg_relation_size: bytes of the relation's files (0 for in-memory and system relations).
    func relationSize(oid: Int64) -> Int64
    /// pg_database_size: bytes of every lake table's files.
    func databaseSize() -> Int64
    /// set_config: changes a session setting; returns the new value. Errors as SET's.
    func setConfig(name: String, value: String, isLocal: Bool) throws -> String
    /// The process id reported for this session (pg_backend_pid, pg_stat_activity.pid).
    var backendPID: Int32 { get }
    /// When the server (the process) started, µs since the epoch.
    var startTimeMicros: Int64 { get }
    /// Throws 57014 when the statement has been cancelled (pg_sleep polls it).
    func checkCancelled() throws
}
