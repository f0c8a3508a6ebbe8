// The rows of each emulated system relation, built from a CatalogSnapshot.
// Rows are written as column → value maps; a column left out takes
// PostgreSQL's "nothing here" value for its type (false, 0, '' for name and
// "char", NULL otherwise). Relations without a builder (pg_index,
// pg_constraint, pg_attrdef, pg_description, pg_inherits, pg_trigger …) are
// empty: LakeSQL has no indexes, constraints, defaults, comments,
// inheritance or triggers, and answering "none" is what clients need.

import Foundation
import Columnar
import Functions

enum SystemRelationRows {
    typealias Row = [String: Value]

    static let collations: [(oid: Int64, name: String, provider: String)] = [(100, "default", "d"), (950, "C", "c"), (951, "POSIX", "c")]
    static let accessMethods: [(oid: Int64, name: String, handler: Int64, type: String)] = [
        (2, "heap", 3, "t"), (403, "btree", 330, "i"), (405, "hash", 331, "i"), (783, "gist", 332, "i"),
        (2742, "gin", 333, "i"), (4000, "spgist", 334, "i"), (3580, "brin", 335, "i"),
    ]

    static func table(_ relation: SystemRelation, snapshot s: CatalogSnapshot, catalog: SystemCatalog) -> MemoryTable {
        let rows = builders[relation.schema + "." + relation.name]?(s) ?? []
        let table = MemoryTable(fields: relation.fields)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + Batch.capacity)]
            let columns = relation.fields.enumerated().map { index, field in
                // information_schema leaves what does not apply NULL; pg_catalog has zeros and empty names.
                let missing = relation.schema == "information_schema" ? Value.null : defaultValue(relation.pgTypes[index])
                return Vector.from(chunk.map { $0[field.name] ?? missing }, type: field.type)
            }
            table.append(Batch(columns: columns, count: chunk.count))
            start += Batch.capacity
        }
        return table
    }

    static func defaultValue(_ pgType: String) -> Value {
        switch pgType {
        case "boolean": return .bool(false)
        case "oid", "regproc", "regtype", "xid", "bigint", "integer", "smallint": return .int(0)
        case "double_precision", "numeric": return .double(0)
        case "real": return .double(0)
        case "name", "char1": return .string("")
        default: return .null
        }
    }

    static func text(_ s: String) -> Value { .string(s) }
    static func oid(_ i: Int64) -> Value { .int(i) }

    static let builders: [String: (CatalogSnapshot) -> [Row]] = [
        "pg_catalog.pg_namespace": { s in
            s.namespaces.map { ["oid": oid($0.oid), "nspname": text($0.name), "nspowner": oid(CatalogSnapshot.bootstrapUserOID)] }
        },
        "pg_catalog.pg_class": { s in s.relations.map(classRow) },
        "pg_catalog.pg_attribute": { s in s.relations.flatMap(attributeRows) },
        "pg_catalog.pg_type": { _ in PostgresTypes.all.map(typeRow) },
        "pg_catalog.pg_proc": { s in
            s.procedures.map { p in
                ["oid": oid(p.oid), "proname": text(p.name), "pronamespace": oid(11), "proowner": oid(CatalogSnapshot.bootstrapUserOID),
                 "prolang": oid(12), "procost": .double(1), "prokind": text(String(p.kind)), "provolatile": text("s"),
                 "proparallel": text("s"), "proargtypes": .list([]), "prosrc": text(p.name)]
            }
        },
        "pg_catalog.pg_database": { s in
            [["oid": oid(CatalogSnapshot.databaseOID), "datname": text(s.databaseName), "datdba": oid(CatalogSnapshot.bootstrapUserOID),
              "encoding": .int(6), "datlocprovider": text("c"), "datallowconn": .bool(true), "datconnlimit": .int(-1),
              "dattablespace": oid(1663), "datcollate": text("C.UTF-8"), "datctype": text("C.UTF-8")]]
        },
        "pg_catalog.pg_roles": { s in
            s.users.map { u in
                ["rolname": text(u.name), "rolsuper": .bool(u.superuser), "rolinherit": .bool(true), "rolcreaterole": .bool(u.superuser),
                 "rolcreatedb": .bool(u.superuser), "rolcanlogin": .bool(true), "rolconnlimit": .int(-1), "rolpassword": text("********"),
                 "rolbypassrls": .bool(u.superuser), "oid": oid(u.oid)]
            }
        },
        "pg_catalog.pg_user": { s in
            s.users.map { u in
                ["usename": text(u.name), "usesysid": oid(u.oid), "usecreatedb": .bool(u.superuser), "usesuper": .bool(u.superuser),
                 "usebypassrls": .bool(u.superuser), "passwd": text("********")]
            }
        },
        "pg_catalog.pg_settings": { s in
            s.settings.keys.sorted().map { name in
                ["name": text(name), "setting": text(s.settings[name] ?? ""), "category": text("Ungrouped"), "short_desc": text(""),
                 "context": text("user"), "vartype": text("string"), "source": text("session"), "boot_val": text(PgSettings.bootValue(name)),
                 "reset_val": text(PgSettings.bootValue(name)), "pending_restart": .bool(false)]
            }
        },
        "pg_catalog.pg_am": { _ in
            accessMethods.map { ["oid": oid($0.oid), "amname": text($0.name), "amhandler": oid($0.handler), "amtype": text($0.type)] }
        },
        "pg_catalog.pg_tablespace": { _ in
            [["oid": oid(1663), "spcname": text("pg_default"), "spcowner": oid(10)], ["oid": oid(1664), "spcname": text("pg_global"), "spcowner": oid(10)]]
        },
        "pg_catalog.pg_collation": { _ in
            collations.map { ["oid": oid($0.oid), "collname": text($0.name), "collnamespace": oid(11), "collowner": oid(10),
                              "collprovider": text($0.provider), "collisdeterministic": .bool(true), "collencoding": .int(-1),
                              "collcollate": $0.provider == "d" ? .null : text($0.name), "collctype": $0.provider == "d" ? .null : text($0.name)] }
        },
        "pg_catalog.pg_language": { _ in
            [["oid": oid(12), "lanname": text("internal"), "lanowner": oid(10), "lanvalidator": oid(2246)],
             ["oid": oid(13), "lanname": text("c"), "lanowner": oid(10), "lanvalidator": oid(2247)],
             ["oid": oid(14), "lanname": text("sql"), "lanowner": oid(10), "lanpltrusted": .bool(true), "lanvalidator": oid(2248)]]
        },
        "pg_catalog.pg_tables": { s in
            s.relations.filter { $0.kind == "r" }.map { r in
                ["schemaname": text(r.schema), "tablename": text(r.name), "tableowner": text("lakesql")]
            }
        },
        "pg_catalog.pg_views": { s in
            s.relations.filter { $0.kind == "v" && !$0.isSystem }.map { r in
                ["schemaname": text(r.schema), "viewname": text(r.name), "viewowner": text("lakesql"), "definition": r.viewSQL.map(text) ?? .null]
            }
        },
        "pg_catalog.pg_stat_activity": { s in
            [["datid": oid(CatalogSnapshot.databaseOID), "datname": text(s.databaseName), "pid": .int(Int64(s.backendPID)),
              "usesysid": oid(s.users.first { $0.name == s.currentUser }?.oid ?? 10), "usename": text(s.currentUser),
              "application_name": text(s.settings["application_name"] ?? ""), "state": text("active"), "backend_type": text("client backend")]]
        },
        // Activity statistics: the relations with zero counters (scans are not counted per relation).
        "pg_catalog.pg_stat_user_tables": { s in s.relations.filter { !$0.isSystem && $0.kind == "r" }.map(statRow) },
        "pg_catalog.pg_stat_all_tables": { s in s.relations.filter { $0.kind == "r" }.map(statRow) },
        "pg_catalog.pg_stat_database": { s in
            [["datid": oid(CatalogSnapshot.databaseOID), "datname": text(s.databaseName), "numbackends": .int(1)]]
        },
        "information_schema.schemata": { s in
            s.namespaces.map { ["catalog_name": text(s.databaseName), "schema_name": text($0.name), "schema_owner": text("lakesql")] }
        },
        "information_schema.tables": { s in
            s.relations.filter { $0.kind == "r" || $0.kind == "v" }.map { r in
                ["table_catalog": text(s.databaseName), "table_schema": text(r.schema), "table_name": text(r.name),
                 "table_type": text(r.kind == "v" ? "VIEW" : "BASE TABLE"), "is_insertable_into": text(r.insertable ? "YES" : "NO"),
                 "is_typed": text("NO")]
            }
        },
        "information_schema.columns": { s in
            s.relations.filter { $0.kind == "r" || $0.kind == "v" }.flatMap { r in
                r.fields.enumerated().map { i, f in columnRow(s, r, i, f) }
            }
        },
        "information_schema.views": { s in
            s.relations.filter { $0.kind == "v" && !$0.isSystem }.map { r in
                ["table_catalog": text(s.databaseName), "table_schema": text(r.schema), "table_name": text(r.name),
                 "view_definition": r.viewSQL.map(text) ?? .null, "check_option": text("NONE"), "is_updatable": text("NO"),
                 "is_insertable_into": text("NO"), "is_trigger_updatable": text("NO"), "is_trigger_deletable": text("NO"),
                 "is_trigger_insertable_into": text("NO")]
            }
        },
        "information_schema.routines": { s in
            s.procedures.filter { $0.kind == "f" }.map { p in
                ["specific_catalog": text(s.databaseName), "specific_schema": text("pg_catalog"), "specific_name": text("\(p.name)_\(p.oid)"),
                 "routine_catalog": text(s.databaseName), "routine_schema": text("pg_catalog"), "routine_name": text(p.name),
                 "routine_type": text("FUNCTION"), "external_language": text("INTERNAL")]
            }
        },
        "information_schema.character_sets": { s in
            [["character_set_catalog": .null, "character_set_schema": .null, "character_set_name": text("UTF8"),
              "character_repertoire": text("UCS"), "form_of_use": text("UTF8"), "default_collate_catalog": text(s.databaseName),
              "default_collate_schema": .null, "default_collate_name": .null]]
        },
        "information_schema.enabled_roles": { s in s.users.filter { $0.name == s.currentUser }.map { ["role_name": text($0.name)] } },
    ]

    static func statRow(_ r: CatalogSnapshot.Relation) -> Row {
        ["relid": oid(r.oid), "schemaname": text(r.schema), "relname": text(r.name)]
    }

    static func classRow(_ r: CatalogSnapshot.Relation) -> Row {
        ["oid": oid(r.oid), "relname": text(r.name), "relnamespace": oid(r.namespaceOID), "relowner": oid(CatalogSnapshot.bootstrapUserOID),
         "relam": oid(r.kind == "r" ? 2 : 0), "relfilenode": oid(r.isSystem ? r.oid : 0), "reltuples": .double(-1),
         "relpersistence": text("p"), "relkind": text(String(r.kind)), "relnatts": .int(Int64(r.fields.count)),
         "relispopulated": .bool(true), "relreplident": text(r.kind == "r" ? "d" : "n")]
    }

    static func attributeRows(_ r: CatalogSnapshot.Relation) -> [Row] {
        r.fields.enumerated().map { i, f in
            let typeOID: Int32 = r.pgTypes.map { SystemRelation.typeOID($0[i]) } ?? PostgresTypes.oid(of: f.type)
            let info = PostgresTypes.byOID[typeOID]
            let typmod: Int32 = r.pgTypes == nil ? PostgresTypes.typmod(of: f.type) : -1
            var dims: Int64 = 0
            if case .array = f.type { dims = 1 }
            return ["attrelid": oid(r.oid), "attname": text(f.name), "atttypid": oid(Int64(typeOID)), "attstattarget": .int(-1),
                    "attlen": .int(Int64(info?.length ?? -1)), "attnum": .int(Int64(i + 1)), "attndims": .int(dims), "attcacheoff": .int(-1),
                    "atttypmod": .int(Int64(typmod)), "attbyval": .bool(info?.byValue ?? false), "attalign": text(String(info?.align ?? "i")),
                    "attstorage": text(String(info?.storage ?? "p")), "attnotnull": .bool(r.isSystem || !f.nullable),
                    "attislocal": .bool(true), "attcollation": oid(Int64(info?.collation ?? 0))]
        }
    }

    static func typeRow(_ t: PostgresTypeInfo) -> Row {
        ["oid": oid(Int64(t.oid)), "typname": text(t.name), "typnamespace": oid(11), "typowner": oid(10), "typlen": .int(Int64(t.length)),
         "typbyval": .bool(t.byValue), "typtype": text(String(t.kind)), "typcategory": text(String(t.category)),
         "typispreferred": .bool(t.preferred), "typisdefined": .bool(true), "typdelim": text(String(t.delimiter)),
         "typelem": oid(Int64(t.element)), "typarray": oid(Int64(t.array)), "typinput": oid(Int64(t.input.oid)),
         "typoutput": oid(Int64(t.output.oid)), "typreceive": oid(Int64(t.receive.oid)), "typsend": oid(Int64(t.send.oid)),
         "typalign": text(String(t.align)), "typstorage": text(String(t.storage)), "typtypmod": .int(-1),
         "typcollation": oid(Int64(t.collation)), "typsubscript": oid(t.name.hasPrefix("_") ? 6179 : 0)]
    }

    /// information_schema.columns: the SQL-standard description of one column.
    static func columnRow(_ s: CatalogSnapshot, _ r: CatalogSnapshot.Relation, _ i: Int, _ f: Field) -> Row {
        let typeOID = r.pgTypes.map { SystemRelation.typeOID($0[i]) } ?? PostgresTypes.oid(of: f.type)
        let udt = PostgresTypes.byOID[typeOID]?.name ?? "text"
        var row: Row = ["table_catalog": text(s.databaseName), "table_schema": text(r.schema), "table_name": text(r.name),
                        "column_name": text(f.name), "ordinal_position": .int(Int64(i + 1)),
                        "is_nullable": text(f.nullable && !r.isSystem ? "YES" : "NO"),
                        "udt_catalog": text(s.databaseName), "udt_schema": text("pg_catalog"), "udt_name": text(udt),
                        "dtd_identifier": text(String(i + 1)), "is_self_referencing": text("NO"), "is_identity": text("NO"),
                        "identity_cycle": text("NO"), "is_generated": text("NEVER"), "is_updatable": text(r.insertable ? "YES" : "NO")]
        var dataType: String
        switch f.type {
        case .array: dataType = "ARRAY"
        case .varchar(let n): dataType = "character varying"; if let n { row["character_maximum_length"] = .int(Int64(n)) }
        case .char(let n): dataType = "character"; row["character_maximum_length"] = .int(Int64(n))
        case .decimal(let p, let sc):
            dataType = "numeric"
            row["numeric_precision"] = .int(Int64(p)); row["numeric_scale"] = .int(Int64(sc)); row["numeric_precision_radix"] = .int(10)
        case .int16, .int32, .int64:
            dataType = f.type.description
            row["numeric_precision"] = .int(f.type == .int16 ? 16 : f.type == .int32 ? 32 : 64)
            row["numeric_scale"] = .int(0); row["numeric_precision_radix"] = .int(2)
        case .float32, .float64:
            dataType = f.type.description
            row["numeric_precision"] = .int(f.type == .float32 ? 24 : 53); row["numeric_precision_radix"] = .int(2)
        case .timestamp, .timestamptz, .time:
            dataType = f.type.description; row["datetime_precision"] = .int(6)
        case .date:
            dataType = "date"; row["datetime_precision"] = .int(0)
        case .interval:
            dataType = "interval"; row["interval_precision"] = .int(6)
        default:
            dataType = f.type.description
        }
        if let pg = r.pgTypes?[i] {
            dataType = pg.hasSuffix("[]") ? "ARRAY" : pg == "char1" ? "\"char\"" : pg.replacingOccurrences(of: "_", with: " ")
        }
        if f.type.isString { row["character_octet_length"] = row["character_maximum_length"].map { v in
            if case .int(let n) = v { return .int(n * 4) }; return .null } ?? .int(1_073_741_824) }
        row["data_type"] = text(dataType)
        return row
    }
}
