// Maps SQL type names as written (TypeName from the parser) to DataTypes.
// `numeric` without a precision is unconstrained in PostgreSQL; the binder
// picks a concrete scale from the value being cast (see `Binder.coerce`).

import Columnar
import SQLSyntax

enum TypeNames {
    /// Marker for unconstrained `numeric`; never survives binding.
    static let unconstrainedNumeric = DataType.decimal(precision: 38, scale: -1)

    static func resolve(_ t: TypeName, location: Int) throws -> DataType {
        let m = t.modifiers
        var base: DataType
        switch t.name {
        case "integer", "int", "int4": base = .int32
        case "smallint", "int2": base = .int16
        case "bigint", "int8": base = .int64
        case "real", "float4": base = .float32
        case "double precision", "float8", "double": base = .float64
        case "float":
            if let p = m.first, p <= 24 { base = .float32 } else { base = .float64 }
        case "numeric", "decimal":
            if m.isEmpty { base = unconstrainedNumeric }
            else {
                let p = m[0], s = m.count > 1 ? m[1] : 0
                guard p >= 1 && p <= DataType.maxDecimalPrecision else {
                    throw SQLError(SQLState.invalidParameterValue, "NUMERIC precision \(p) must be between 1 and \(DataType.maxDecimalPrecision)", position: location + 1)
                }
                guard s >= 0 && s <= p else {
                    throw SQLError(SQLState.invalidParameterValue, "NUMERIC scale \(s) must be between 0 and precision \(p)", position: location + 1)
                }
                base = .decimal(precision: p, scale: s)
            }
        case "text", "name", "string": base = .text
        case "varchar", "character varying", "char", "character", "bpchar":
            let isVarchar = t.name == "varchar" || t.name == "character varying"
            if let n = m.first, n < 1 || n > 10_485_760 {
                let name = isVarchar ? "varchar" : "char"
                throw SQLError(SQLState.invalidParameterValue,
                               n < 1 ? "length for type \(name) must be at least 1" : "length for type \(name) cannot exceed 10485760",
                               position: location + 1)
            }
            base = isVarchar ? .varchar(m.first) : .char(m.first ?? 1)
        case "boolean", "bool": base = .boolean
        case "date": base = .date
        case "time", "time without time zone": base = .time
        case "timestamp", "timestamp without time zone": base = .timestamp
        case "timestamptz", "timestamp with time zone": base = .timestamptz
        case "interval": base = .interval
        case "bytea", "blob": base = .bytea
        case "uuid": base = .uuid
        case "json", "jsonb": base = .json
        // Catalog types: the reg* types are OIDs (see BindCatalogExpressions.swift); transaction ids are bigint.
        case "oid", "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole",
             "regoper", "regoperator", "regconfig", "regcollation": base = .oid
        case "xid", "xid8", "cid": base = .int64
        case "int2vector": base = .array(.int16)
        case "oidvector": base = .array(.oid)
        case "aclitem", "pg_node_tree", "cstring", "pg_lsn", "inet", "cidr": base = .text
        default:
            throw SQLError(SQLState.undefinedObject, "type \"\(t.name)\" does not exist", position: location + 1)
        }
        for _ in 0..<t.arrayDimensions { base = .array(base) }
        return base
    }
}
