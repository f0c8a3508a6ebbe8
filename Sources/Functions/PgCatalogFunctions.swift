// The functions PostgreSQL clients call while introspecting a server:
// format_type, pg_get_userbyid, pg_table_is_visible, has_table_privilege,
// current_schema(s), set_config, to_regclass, the reg* conversions the
// binder emits for `'t'::regclass` and `oid::regtype::text`, the
// pg_get_*def family, sizes, pg_sleep, and the internal array helpers behind
// ARRAY[…], subscripts and `= ANY(array)`. Catalog questions go through
// FunctionContext.introspection; these are row-at-a-time kernels since they
// only ever run over catalog-sized inputs.

import Foundation
import Columnar
#if canImport(Glibc)
import Glibc
#endif

enum PgCatalogFunctions {
    /// Registers `name` with fixed overloads; `body` gets the chosen overload's index and one row's values.
    static func fixed(_ r: FunctionRegistry, _ name: String, _ overloads: [[DataType]], returns: DataType,
                      strict: Bool = true, volatile: Bool = false,
                      _ body: @escaping (_ overload: Int, _ values: [Value], _ context: FunctionContext) throws -> Value) {
        r.register(ScalarFunction(name: name) { args, unknown in
            let candidates = overloads.map { $0.map { Param.exact($0) } }
            guard let (index, _) = Overloads.best(args, unknown, candidates) else { return nil }
            return ScalarResolution(argumentTypes: overloads[index], returnType: returns, isVolatile: volatile) { a, n, ctx in
                try Kernels.mapValues(a, type: returns, count: n, strict: strict) { try body(index, $0, ctx) }
            }
        })
    }

    static func text(_ v: Value) -> String? { if case .string(let s) = v { return s }; return nil }
    static func int(_ v: Value) -> Int64? { if case .int(let i) = v { return i }; return nil }
    static func bool(_ v: Value) -> Bool? { if case .bool(let b) = v { return b }; return nil }

    /// The search path's first schema when no session catalog is attached.
    static func fallbackSchemas(_ ctx: FunctionContext) -> [String] {
        let path = ctx.settings["search_path"] ?? "public"
        return path.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }.filter { $0 != "$user" && !$0.isEmpty }
    }

    static func regLookup(_ kind: RegKind, _ name: String, _ ctx: FunctionContext) -> Int64? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        // A number is taken as the OID itself, as PostgreSQL's reg*in functions do.
        if let n = Int64(trimmed) {
            // oidin's range: negative numbers stand for the same 32 bits unsigned.
            guard n >= Int64(Int32.min) && n <= Int64(UInt32.max) else { return nil }
            return n < 0 ? n + (1 << 32) : n
        }
        if kind == .regtype, let info = PostgresTypes.byName[trimmed] ?? typeAliases[trimmed.lowercased()] { return Int64(info.oid) }
        return ctx.introspection?.lookup(kind, name: trimmed)
    }

    /// SQL spellings of built-in types that are not their pg_type names.
    static let typeAliases: [String: PostgresTypeInfo] = {
        var m: [String: PostgresTypeInfo] = [:]
        let pairs = ["integer": "int4", "int": "int4", "smallint": "int2", "bigint": "int8", "boolean": "bool",
                     "real": "float4", "double precision": "float8", "character varying": "varchar",
                     "character": "bpchar", "timestamp without time zone": "timestamp",
                     "timestamp with time zone": "timestamptz", "time without time zone": "time", "decimal": "numeric",
                     "pg_catalog.int4": "int4", "\"char\"": "char"]
        for (alias, name) in pairs { m[alias] = PostgresTypes.byName[name] }
        for t in PostgresTypes.all { m["pg_catalog." + t.name] = t }
        return m
    }()

    static func regName(_ kind: RegKind, _ oid: Int64, _ ctx: FunctionContext) -> String {
        if kind == .regtype, let s = PostgresTypes.formatType(oid: Int32(truncatingIfNeeded: oid), typmod: nil) { return s }
        if oid == 0 { return "-" }
        return ctx.introspection?.name(kind, oid: oid) ?? String(oid)
    }

    static func register(into r: FunctionRegistry) {
        registerCatalogLookups(r)
        registerSessionFunctions(r)
        registerDefinitions(r)
        registerArrayHelpers(r)
    }

    // MARK: reg* conversions, visibility, privileges

    static func registerCatalogLookups(_ r: FunctionRegistry) {
        // `'name'::regclass`: the binder calls lakesql_regin('regclass', 'name'); a missing name is an error.
        fixed(r, "lakesql_regin", [[.text, .text]], returns: .oid) { _, v, ctx in
            guard let kindName = text(v[0]), let kind = RegKind(rawValue: kindName), let name = text(v[1]) else { return .null }
            guard let oid = regLookup(kind, name, ctx) else {
                let m = kind.missing
                throw SQLError(m.state, "\(m.noun) \"\(name)\" does not exist")
            }
            return .int(oid)
        }
        // `x::regclass::text`: the object's name (a number when no such object exists, as PostgreSQL prints it).
        fixed(r, "lakesql_regout", [[.text, .oid]], returns: .text) { _, v, ctx in
            guard let kindName = text(v[0]), let kind = RegKind(rawValue: kindName), let oid = int(v[1]) else { return .null }
            return .string(regName(kind, oid, ctx))
        }
        for kind in [RegKind.regclass, .regtype, .regproc, .regprocedure, .regnamespace, .regrole, .regcollation] {
            fixed(r, "to_" + kind.rawValue, [[.text]], returns: .oid) { _, v, ctx in
                guard let name = text(v[0]), Int64(name.trimmingCharacters(in: .whitespaces)) == nil else { return .null }
                return regLookup(kind, name, ctx).map(Value.int) ?? .null
            }
        }
        let visibility: [(String, RegKind?)] = [("pg_table_is_visible", .regclass), ("pg_type_is_visible", .regtype),
                                                ("pg_function_is_visible", .regproc), ("pg_collation_is_visible", nil),
                                                ("pg_opclass_is_visible", nil), ("pg_operator_is_visible", nil),
                                                ("pg_conversion_is_visible", nil), ("pg_opfamily_is_visible", nil),
                                                ("pg_statistics_obj_is_visible", nil), ("pg_ts_config_is_visible", nil)]
        for (name, kind) in visibility {
            fixed(r, name, [[.oid]], returns: .boolean) { _, v, ctx in
                guard let oid = int(v[0]) else { return .null }
                guard let kind else { return .bool(true) }  // built-in objects of these kinds all live in pg_catalog
                if kind == .regtype, PostgresTypes.byOID[Int32(truncatingIfNeeded: oid)] != nil { return .bool(true) }
                return .bool(ctx.introspection?.isVisible(kind, oid: oid) ?? false)
            }
        }
        fixed(r, "pg_get_userbyid", [[.oid]], returns: .text) { _, v, ctx in
            guard let oid = int(v[0]) else { return .null }
            return .string(ctx.introspection?.userName(oid: oid) ?? "unknown (OID=\(oid))")
        }
        // has_table_privilege([user,] table, privilege): the table by name or OID.
        fixed(r, "has_table_privilege", [[.text, .text], [.oid, .text], [.text, .text, .text], [.text, .oid, .text]],
              returns: .boolean) { _, v, ctx in try tablePrivilege(v[v.count - 2], text(v[v.count - 1]) ?? "select", ctx) }
        // Column privileges are the table's (no column-level grants exist).
        fixed(r, "has_any_column_privilege", [[.text, .text], [.oid, .text], [.text, .text, .text], [.text, .oid, .text]],
              returns: .boolean) { _, v, ctx in try tablePrivilege(v[v.count - 2], text(v[v.count - 1]) ?? "select", ctx) }
        fixed(r, "has_column_privilege", [[.text, .text, .text], [.oid, .text, .text], [.oid, .int16, .text], [.text, .int16, .text]],
              returns: .boolean) { _, v, ctx in try tablePrivilege(v[0], text(v[2]) ?? "select", ctx) }
        // Schemas, databases, functions, sequences: every user may use what exists (grants on these land with the catalog).
        for name in ["has_schema_privilege", "has_database_privilege", "has_function_privilege", "has_sequence_privilege",
                     "has_language_privilege", "has_tablespace_privilege", "has_type_privilege", "has_foreign_data_wrapper_privilege",
                     "has_server_privilege"] {
            fixed(r, name, [[.text, .text], [.oid, .text], [.text, .text, .text], [.text, .oid, .text]],
                  returns: .boolean) { _, v, ctx in
                if name == "has_schema_privilege", case .string(let schema) = v[v.count - 2],
                   let intro = ctx.introspection, intro.lookup(.regnamespace, name: schema) == nil {
                    throw SQLError(SQLState.invalidSchemaName, "schema \"\(schema)\" does not exist")
                }
                return .bool(true)
            }
        }
    }

    static func tablePrivilege(_ table: Value, _ privilege: String, _ ctx: FunctionContext) throws -> Value {
        let oid: Int64
        switch table {
        case .int(let o): oid = o
        case .string(let name):
            guard let o = regLookup(.regclass, name, ctx) else {
                throw SQLError(SQLState.undefinedTable, "relation \"\(name)\" does not exist")
            }
            oid = o
        default: return .null
        }
        return .bool(ctx.introspection?.hasTablePrivilege(oid: oid, privilege: privilege) ?? false)
    }

    // MARK: session state

    static let processStart: Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }()

    static let transactionCounter = TransactionCounter()

    static func registerSessionFunctions(_ r: FunctionRegistry) {
        fixed(r, "current_schema", [[]], returns: .text) { _, _, ctx in
            let schemas = ctx.introspection?.currentSchemas(implicit: false) ?? fallbackSchemas(ctx)
            return schemas.first.map(Value.string) ?? .null
        }
        fixed(r, "current_catalog", [[]], returns: .text) { _, _, ctx in .string(ctx.settings["database"] ?? "lakesql") }
        fixed(r, "current_schemas", [[.boolean]], returns: .array(.text)) { _, v, ctx in
            let implicit = bool(v[0]) ?? false
            var schemas = ctx.introspection?.currentSchemas(implicit: implicit) ?? fallbackSchemas(ctx)
            if ctx.introspection == nil && implicit { schemas.insert("pg_catalog", at: 0) }
            return .list(schemas.map(Value.string))
        }
        fixed(r, "pg_backend_pid", [[]], returns: .int32) { _, _, ctx in
            .int(Int64(ctx.introspection?.backendPID ?? getpid()))
        }
        fixed(r, "pg_is_in_recovery", [[]], returns: .boolean) { _, _, _ in .bool(false) }
        fixed(r, "pg_jit_available", [[]], returns: .boolean) { _, _, _ in .bool(false) }
        fixed(r, "pg_postmaster_start_time", [[]], returns: .timestamptz) { _, _, ctx in
            .int(ctx.introspection?.startTimeMicros ?? processStart)
        }
        fixed(r, "pg_conf_load_time", [[]], returns: .timestamptz) { _, _, ctx in
            .int(ctx.introspection?.startTimeMicros ?? processStart)
        }
        fixed(r, "txid_current", [[]], returns: .int64, volatile: true) { _, _, _ in .int(transactionCounter.next()) }
        fixed(r, "pg_current_xact_id", [[]], returns: .int64, volatile: true) { _, _, _ in .int(transactionCounter.next()) }
        fixed(r, "pg_my_temp_schema", [[]], returns: .oid) { _, _, _ in .int(0) }
        fixed(r, "pg_is_other_temp_schema", [[.oid]], returns: .boolean) { _, _, _ in .bool(false) }
        fixed(r, "pg_encoding_to_char", [[.int32]], returns: .text) { _, v, _ in
            switch int(v[0]) { case 0: return .string("SQL_ASCII"); case 6: return .string("UTF8"); default: return .string("") }
        }
        fixed(r, "pg_char_to_encoding", [[.text]], returns: .int32) { _, v, _ in
            switch text(v[0])?.uppercased().replacingOccurrences(of: "-", with: "") {
            case "SQL_ASCII": return .int(0)
            case "UTF8": return .int(6)
            default: return .int(-1)
            }
        }
        fixed(r, "set_config", [[.text, .text, .boolean]], returns: .text, strict: false, volatile: true) { _, v, ctx in
            guard let name = text(v[0]) else {
                throw SQLError(SQLState.nullValueNotAllowed, "SET requires parameter name")
            }
            guard let intro = ctx.introspection else { return v[1] }
            return .string(try intro.setConfig(name: name.lowercased(), value: text(v[1]) ?? "", isLocal: bool(v[2]) ?? false))
        }
        // PostgreSQL's type is void, which prints as an empty string.
        fixed(r, "pg_advisory_unlock_all", [[]], returns: .text, volatile: true) { _, _, _ in .string("") }
        fixed(r, "pg_sleep", [[.float64]], returns: .text, volatile: true) { _, v, ctx in
            guard case .double(let seconds) = v[0] else { return .string("") }
            var remaining = max(0, seconds)
            while remaining > 0 {
                try ctx.introspection?.checkCancelled()
                let step = min(remaining, 0.01)
                usleep(UInt32(step * 1_000_000))
                remaining -= step
            }
            try ctx.introspection?.checkCancelled()
            return .string("")
        }
        fixed(r, "inet_server_port", [[]], returns: .int32, strict: false) { _, _, _ in .null }
        fixed(r, "inet_server_addr", [[]], returns: .text, strict: false) { _, _, _ in .null }
        fixed(r, "inet_client_addr", [[]], returns: .text, strict: false) { _, _, _ in .null }
        // current_setting(name, missing_ok): the two-argument form returns NULL for an unknown setting.
        if let one = r.scalar("current_setting") {
            r.replace(ScalarFunction(name: "current_setting") { args, unknown in
                if args.count == 2 {
                    guard Overloads.best(args, unknown, [[.text, .exact(.boolean)]]) != nil else { return nil }
                    return ScalarResolution(argumentTypes: [.text, .boolean], returnType: .text) { a, n, ctx in
                        try Kernels.mapValues(a, type: .text, count: n) { v in
                            guard let name = text(v[0])?.lowercased() else { return .null }
                            if name == "timezone" { return .string(ctx.timeZoneName) }
                            if let value = ctx.settings[name] { return .string(value) }
                            if bool(v[1]) == true { return .null }
                            throw SQLError(SQLState.undefinedObject, "unrecognized configuration parameter \"\(name)\"")
                        }
                    }
                }
                return try one.resolve(args, unknown)
            })
        }
    }

    // MARK: definitions and descriptions

    static func registerDefinitions(_ r: FunctionRegistry) {
        // format_type(type_oid, typmod): NULL typmod means "no modifier known".
        fixed(r, "format_type", [[.oid, .int32]], returns: .text, strict: false) { _, v, _ in
            guard let oid = int(v[0]) else { return .null }
            let typmod = int(v[1]).map { Int32(truncatingIfNeeded: $0) }
            return .string(PostgresTypes.formatType(oid: Int32(truncatingIfNeeded: oid), typmod: typmod) ?? "???")
        }
        // Comments (COMMENT ON) are not stored: every description is NULL.
        fixed(r, "obj_description", [[.oid], [.oid, .text]], returns: .text, strict: false) { _, _, _ in .null }
        fixed(r, "col_description", [[.oid, .int32]], returns: .text, strict: false) { _, _, _ in .null }
        fixed(r, "shobj_description", [[.oid, .text]], returns: .text, strict: false) { _, _, _ in .null }
        // Expressions in the catalog (defaults, partition bounds) are stored as SQL text already.
        fixed(r, "pg_get_expr", [[.text, .oid], [.text, .oid, .boolean]], returns: .text) { _, v, _ in v[0] }
        fixed(r, "pg_get_viewdef", [[.oid], [.oid, .boolean], [.oid, .int32], [.text], [.text, .boolean]],
              returns: .text) { _, v, ctx in
            let oid: Int64?
            switch v[0] {
            case .int(let o): oid = o
            case .string(let name): oid = regLookup(.regclass, name, ctx)
            default: oid = nil
            }
            guard let oid, let sql = ctx.introspection?.viewDefinition(oid: oid) else { return .null }
            return .string(" " + sql + (sql.hasSuffix(";") ? "" : ";"))
        }
        // No indexes, constraints, triggers, rules, statistics objects or sequences exist: their
        // definitions are NULL, as PostgreSQL answers for an OID that names none.
        let none: [(String, [[DataType]])] = [
            ("pg_get_indexdef", [[.oid], [.oid, .int32, .boolean]]),
            ("pg_get_constraintdef", [[.oid], [.oid, .boolean]]),
            ("pg_get_triggerdef", [[.oid], [.oid, .boolean]]),
            ("pg_get_ruledef", [[.oid], [.oid, .boolean]]),
            ("pg_get_statisticsobjdef", [[.oid]]),
            ("pg_get_statisticsobjdef_columns", [[.oid]]),
            ("pg_get_partkeydef", [[.oid]]),
            ("pg_get_partition_constraintdef", [[.oid]]),
            ("pg_get_serial_sequence", [[.text, .text]]),
            ("pg_get_function_result", [[.oid]]),
            ("pg_get_function_arguments", [[.oid]]),
            ("pg_get_function_identity_arguments", [[.oid]]),
            ("pg_get_functiondef", [[.oid]]),
        ]
        for (name, overloads) in none {
            fixed(r, name, overloads, returns: .text, strict: false) { _, _, _ in .null }
        }
        // Per-object activity counters are not kept: every counter is zero.
        for name in ["pg_stat_get_numscans", "pg_stat_get_tuples_returned", "pg_stat_get_tuples_fetched", "pg_stat_get_live_tuples",
                     "pg_stat_get_dead_tuples", "pg_stat_get_blocks_fetched", "pg_stat_get_blocks_hit"] {
            fixed(r, name, [[.oid]], returns: .int64) { _, _, _ in .int(0) }
        }
        fixed(r, "pg_relation_is_publishable", [[.oid], [.text]], returns: .boolean) { _, _, _ in .bool(false) }
        fixed(r, "pg_tablespace_location", [[.oid]], returns: .text) { _, _, _ in .string("") }
        for name in ["pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"] {
            fixed(r, name, [[.oid], [.text], [.oid, .text]], returns: .int64) { _, v, ctx in
                let oid: Int64?
                switch v[0] {
                case .int(let o): oid = o
                case .string(let relname):
                    guard let o = regLookup(.regclass, relname, ctx) else {
                        throw SQLError(SQLState.undefinedTable, "relation \"\(relname)\" does not exist")
                    }
                    oid = o
                default: oid = nil
                }
                guard let oid else { return .null }
                return .int(name == "pg_indexes_size" ? 0 : ctx.introspection?.relationSize(oid: oid) ?? 0)
            }
        }
        fixed(r, "pg_database_size", [[.text], [.oid]], returns: .int64) { _, _, ctx in
            .int(ctx.introspection?.databaseSize() ?? 0)
        }
        fixed(r, "pg_size_pretty", [[.int64]], returns: .text) { _, v, _ in
            guard let bytes = int(v[0]) else { return .null }
            // PostgreSQL: switch units once the value reaches 10 × 1024 of the smaller unit, rounding half up.
            var value = Double(bytes), units = ["bytes", "kB", "MB", "GB", "TB", "PB"], unit = 0
            while abs(value) >= 10 * 1024 - 0.5 && unit < units.count - 1 { value /= 1024; unit += 1 }
            return .string("\(Int64(value.rounded(.toNearestOrAwayFromZero))) \(units[unit])")
        }
        r.register(ScalarFunction(name: "json_build_object") { args, _ in
            guard args.count % 2 == 0 else { return nil }
            let types = args.map { $0 == .null ? DataType.text : $0 }
            return ScalarResolution(argumentTypes: types, returnType: .json) { a, n, ctx in
                try Kernels.mapValues(a, type: .json, count: n, strict: false) { v in
                    var parts: [String] = []
                    for k in stride(from: 0, to: v.count, by: 2) {
                        guard !v[k].isNull else {
                            throw SQLError(SQLState.nullValueNotAllowed, "null value not allowed for object key")
                        }
                        let key = ValueText.format(v[k], type: types[k], options: ctx.textOptions)
                        parts.append(ValueJSON.quote(key) + " : " + ValueJSON.render(v[k + 1], type: types[k + 1], options: ctx.textOptions))
                    }
                    return .string("{" + parts.joined(separator: ", ") + "}")
                }
            }
        })
    }

    // MARK: arrays (behind ARRAY[…], a[i] and x = ANY(array))

    static func registerArrayHelpers(_ r: FunctionRegistry) {
        // array || array, array || element, element || array (psql's `reloptions || array(…)`); strings as before.
        if let strings = r.scalar("||") {
            r.replace(ScalarFunction(name: "||") { types, unknown in
                guard types.count == 2 else { return try strings.resolve(types, unknown) }
                let element: DataType
                switch (types[0], types[1]) {
                case (.array(let a), .array(let b)) where a == b: element = a
                case (.array(let a), let b) where a == b || unknown[1]: element = a
                case (let a, .array(let b)) where a == b || unknown[0]: element = b
                default: return try strings.resolve(types, unknown)
                }
                let argumentTypes = types.map { if case .array = $0 { return $0 }; return element }
                return ScalarResolution(argumentTypes: argumentTypes, returnType: .array(element)) { a, n, _ in
                    Kernels.mapValues(a, type: .array(element), count: n, strict: false) { v in
                        func items(_ x: Value, _ t: DataType) -> [Value]? {
                            if case .array = t { if case .list(let l) = x { return l }; return nil }
                            return [x]
                        }
                        let left = items(v[0], argumentTypes[0]), right = items(v[1], argumentTypes[1])
                        if left == nil && right == nil { return .null }
                        return .list((left ?? []) + (right ?? []))
                    }
                }
            })
        }
        // ARRAY[a, b, …]: the binder has cast every element to one type already.
        r.register(ScalarFunction(name: "lakesql_array") { args, _ in
            guard let first = args.first, args.allSatisfy({ $0 == first }) else { return nil }
            let element = first == .null ? DataType.text : first
            return ScalarResolution(argumentTypes: args.map { _ in element }, returnType: .array(element)) { a, n, _ in
                Kernels.mapValues(a, type: .array(element), count: n, strict: false) { .list($0) }
            }
        })
        // a[i]: one-based; out of range or NULL gives NULL.
        r.register(ScalarFunction(name: "lakesql_array_element") { args, unknown in
            guard args.count == 2, case .array(let element) = args[0],
                  Overloads.convert(args[1], unknown: unknown[1], to: .exact(.int64)) != nil else { return nil }
            return ScalarResolution(argumentTypes: [args[0], .int64], returnType: element) { a, n, _ in
                Kernels.mapValues(a, type: element, count: n) { v in
                    guard case .list(let items) = v[0], case .int(let i) = v[1], i >= 1, i <= items.count else { return .null }
                    return items[Int(i - 1)]
                }
            }
        })
        // x = ANY(array) / x <> ALL(array) over a non-literal array, with SQL's three-valued result.
        for (name, equal) in [("lakesql_any_equal", true), ("lakesql_all_not_equal", false)] {
            r.register(ScalarFunction(name: name) { args, _ in
                guard args.count == 2, case .array(let element) = args[1], args[0] == element || args[0] == .null else { return nil }
                return ScalarResolution(argumentTypes: [element, args[1]], returnType: .boolean) { a, n, _ in
                    Kernels.mapValues(a, type: .boolean, count: n, strict: false) { v in
                        guard case .list(let items) = v[1] else { return .null }
                        if items.isEmpty { return .bool(!equal) }
                        if v[0].isNull { return .null }
                        var sawNull = false
                        for item in items {
                            if item.isNull { sawNull = true; continue }
                            if item == v[0] { return .bool(equal) }
                        }
                        return sawNull ? .null : .bool(!equal)
                    }
                }
            })
        }
    }
}

/// txid_current's source: increasing for the life of the process.
public final class TransactionCounter: @unchecked Sendable {
    private var value: Int64 = 1000
    private var mutex = pthread_mutex_t()
    public init() { pthread_mutex_init(&mutex, nil) }
    public func next() -> Int64 {
        pthread_mutex_lock(&mutex); defer { pthread_mutex_unlock(&mutex) }
        value += 1
        return value
    }
}
