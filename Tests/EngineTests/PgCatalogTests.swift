// pg_catalog and information_schema as PostgreSQL clients use them. The
// catalog queries psql, pgjdbc, psqlODBC, SQLAlchemy, Superset, asyncpg and
// psycopg sent to PostgreSQL 15 (../shared/pg-clients.md) are fixtures under
// Fixtures/pg-clients/; each `.expected` file is PostgreSQL 15's own answer
// (psql --csv) for the demo lake's tables created there with the same column
// types, table OIDs written as {{customers}} / {{orders}}. LakeSQL must give
// the same rows. Answers that depend on PostgreSQL's own contents (its
// databases, domains, opclasses, version) are checked one by one below.

import XCTest
import Columnar
import Planner
@testable import Engine

final class PgCatalogTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    private static let fixtures = root.appendingPathComponent("Fixtures/pg-clients")

    private func demo() throws -> Session {
        try Database(options: DatabaseOptions(lakePath: Self.root.appendingPathComponent("Fixtures/demo").path)).connect()
    }

    private func rows(_ s: Session, _ sql: String) throws -> [[Value]] { try s.execute(sql).allRows() }

    private func single(_ s: Session, _ sql: String) throws -> Value {
        let r = try rows(s, sql)
        XCTAssertEqual(r.count, 1, sql)
        return r.first?.first ?? .null
    }

    private func assertError(_ s: Session, _ sql: String, _ state: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try rows(s, sql)
            XCTFail("expected \(state) from: \(sql)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    /// A result as psql --csv prints it (NULL and '' both empty, fields quoted when they must be).
    private func csv(_ result: QueryResult, options: TextFormatOptions) throws -> [String] {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = [result.fields.map { field($0.name) }.joined(separator: ",")]
        let types = result.fields.map(\.type)
        for row in try result.allRows() {
            lines.append(zip(row, types).map { v, t in v.isNull ? "" : field(ValueText.format(v, type: t, options: options)) }.joined(separator: ","))
        }
        return lines
    }

    private func oid(_ s: Session, _ table: String) throws -> String {
        guard case .int(let o) = try single(s, "SELECT '\(table)'::regclass::oid") else { return "?" }
        return String(o)
    }

    private func fixtureNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    // MARK: the recorded client queries

    func testClientQueriesAnswerAsPostgreSQLDoes() throws {
        let s = try demo()
        let customers = try oid(s, "customers"), orders = try oid(s, "orders")
        var compared = 0
        for name in try fixtureNames() {
            let expectedURL = Self.fixtures.appendingPathComponent(name + ".expected")
            guard let expectedText = try? String(contentsOf: expectedURL, encoding: .utf8) else { continue }
            let template = try String(contentsOf: Self.fixtures.appendingPathComponent(name + ".sql"), encoding: .utf8)
            let sql = template.replacingOccurrences(of: "{{customers}}", with: customers).replacingOccurrences(of: "{{orders}}", with: orders)
            var got: [String]
            do {
                got = try csv(try s.execute(sql), options: s.textOptions).map {
                    $0.replacingOccurrences(of: customers, with: "{{customers}}").replacingOccurrences(of: orders, with: "{{orders}}")
                }
            } catch {
                XCTFail("\(name): \(error)"); continue
            }
            // psql --csv output, as lines; quoted fields may span lines.
            var expected = expectedText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if expected.last == "" { expected.removeLast() }
            got = got.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
            if !template.uppercased().contains("ORDER BY") {
                // Without ORDER BY only the set of rows is defined.
                expected = [expected.first ?? ""] + expected.dropFirst().sorted()
                got = [got.first ?? ""] + got.dropFirst().sorted()
            }
            XCTAssertEqual(got, expected, "\(name): LakeSQL's answer differs from PostgreSQL's")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 60, "the fixtures were not found")
    }

    func testClientStatementsWithoutRowsRun() throws {
        let s = try demo()
        let customers = try oid(s, "customers"), orders = try oid(s, "orders")
        for name in try fixtureNames() {
            let template = try String(contentsOf: Self.fixtures.appendingPathComponent(name + ".sql"), encoding: .utf8)
            let sql = template.replacingOccurrences(of: "{{customers}}", with: customers).replacingOccurrences(of: "{{orders}}", with: orders)
            XCTAssertNoThrow(try s.execute(sql).allRows(), name)
        }
    }

    /// Npgsql (Power BI) loads every type on connect; its answer must be PostgreSQL's rows for the types LakeSQL has,
    /// with each array after its element (Npgsql skips an array whose element it has not seen).
    func testNpgsqlTypeLoading() throws {
        let s = try demo()
        let sql = try String(contentsOf: Self.fixtures.appendingPathComponent("npgsql-types.sql"), encoding: .utf8)
        let postgres = Set(try String(contentsOf: Self.fixtures.appendingPathComponent("npgsql-types.postgresql"), encoding: .utf8)
            .split(separator: "\n").map(String.init))
        let lines = try csv(try s.execute(sql), options: s.textOptions)
        XCTAssertEqual(lines.first, "nspname,oid,typname,typtype,typnotnull,elemtypoid")
        var seen = Set<String>()
        for line in lines.dropFirst() {
            XCTAssertTrue(postgres.contains(line), "not in PostgreSQL's answer: \(line)")
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if f[3] == "a" { XCTAssertTrue(seen.contains(f[5]), "array before its element: \(line)") }
            seen.insert(f[1])
        }
        // Every type a LakeSQL column can have is loaded.
        for type in [DataType.boolean, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 10, scale: 2), .text, .varchar(nil),
                     .char(1), .bytea, .date, .time, .timestamp, .timestamptz, .interval, .uuid, .json, .array(.int32), .array(.text)] {
            XCTAssertTrue(seen.contains(String(PostgresTypes.oid(of: type))), "\(type) missing")
        }
        for name in ["npgsql-composites", "npgsql-enums"] {
            let q = try String(contentsOf: Self.fixtures.appendingPathComponent(name + ".sql"), encoding: .utf8)
            XCTAssertEqual(try rows(s, q).count, 0, name)
        }
    }

    /// DBeaver's navigator queries (`x.oid, x.*` over the catalogs) whose PostgreSQL answer shows PostgreSQL's own
    /// storage details (relfilenode, system columns, ACLs, dependencies).
    func testDBeaverNavigatorQueries() throws {
        let s = try demo()
        let customers = try oid(s, "customers")
        func fixture(_ name: String) throws -> [[Value]] {
            let sql = try String(contentsOf: Self.fixtures.appendingPathComponent(name + ".sql"), encoding: .utf8)
            return try rows(s, sql.replacingOccurrences(of: "{{customers}}", with: customers))
        }
        let tables = try fixture("dbeaver-07")
        XCTAssertEqual(tables.map { $0[2] }, ["customers", "events", "order_items", "orders", "products", "reviews", "shipments"].map(Value.string))
        XCTAssertTrue(tables.allSatisfy { $0[0] == $0[1] && $0[17] == .string("r") }, "oid twice, then relkind r")
        let columns = try fixture("dbeaver-09")
        XCTAssertEqual(columns.map { $0[2] }, ["customer_id", "name", "email", "phone", "birth_date", "street_address", "city",
                                               "country", "signup_ts"].map(Value.string))
        XCTAssertEqual(try fixture("dbeaver-10").map { $0[2] }, [.string("lakesql")])
        XCTAssertEqual(try fixture("dbeaver-15").map { $0[2] }, [.string("public")])
        XCTAssertEqual(Set(try fixture("dbeaver-16").map { $0[2] }), Set(["_int4", "bool", "int4", "varchar", "numeric"].map(Value.string)))
        XCTAssertEqual(try fixture("dbeaver-18").count, 0)
        XCTAssertEqual(try fixture("dbeaver-19").map { $0[1] }, [.string("lakesql")])
        XCTAssertEqual(try fixture("dbeaver-01").count, 0)
    }

    // MARK: psql meta-commands whose PostgreSQL answer lists PostgreSQL's own objects

    func testPsqlListDatabasesAndSchemas() throws {
        let s = try demo()
        let l = try String(contentsOf: Self.fixtures.appendingPathComponent("psql-10.sql"), encoding: .utf8)
        XCTAssertEqual(try rows(s, l), [[.string("lakesql"), .string("lakesql"), .string("UTF8"), .string("C.UTF-8"), .string("C.UTF-8"),
                                         .null, .string("libc"), .null]])
        let dn = try String(contentsOf: Self.fixtures.appendingPathComponent("psql-11.sql"), encoding: .utf8)
        XCTAssertEqual(try rows(s, dn), [[.string("public"), .string("lakesql")]])
        _ = try s.execute("CREATE SCHEMA sales")
        XCTAssertEqual(try rows(s, dn).map { $0[0] }, [.string("public"), .string("sales")])
    }

    func testPsqlPlusCommandsDescribeTheLake() throws {
        let s = try demo()
        func fixture(_ name: String) throws -> String {
            try String(contentsOf: Self.fixtures.appendingPathComponent(name + ".sql"), encoding: .utf8)
        }
        // \du: the bootstrap superuser (PostgreSQL also lists "postgres").
        let du = try rows(s, try fixture("psql-E-du"))
        XCTAssertEqual(du.map { $0[0] }, [.string("lakesql")])
        XCTAssertEqual(du.first?[1], .bool(true))
        XCTAssertEqual(du.first?[8], .list([]))
        // \dt+: sizes are the lake files' sizes (PostgreSQL's are heap pages).
        let dt = try rows(s, try fixture("psql-E-dtplus"))
        XCTAssertEqual(dt.map { $0[1] }, ["customers", "events", "order_items", "orders", "products", "reviews", "shipments"].map(Value.string))
        XCTAssertTrue(dt.allSatisfy { if case .string(let size) = $0[6] { return size != "0 bytes" }; return false })
        // \l+: one database, with a size.
        let l = try rows(s, try fixture("psql-E-lplus"))
        XCTAssertEqual(l.map { $0[0] }, [.string("lakesql")])
        // \dn+: public without PostgreSQL's ACL and comment; \dx: no extensions.
        XCTAssertEqual(try rows(s, try fixture("psql-E-dnplus")).map { $0[0] }, [.string("public")])
        XCTAssertEqual(try rows(s, try fixture("psql-E-dx")).count, 0)
    }

    func testConnectionProbes() throws {
        let s = try demo()
        // SQLAlchemy and Superset refuse a version they cannot parse.
        guard case .string(let version) = try single(s, "select pg_catalog.version()") else { return XCTFail() }
        XCTAssertNotNil(version.range(of: #"PostgreSQL \d+\.\d+"#, options: .regularExpression), version)
        XCTAssertEqual(try single(s, "select current_schema()"), .string("public"))
        XCTAssertEqual(try rows(s, "SELECT datname FROM pg_database WHERE datistemplate = false;"), [[.string("lakesql")]])
        // Superset keeps the pid to cancel later: one per session, and pg_stat_activity shows it.
        let other = try demo()
        XCTAssertEqual(try single(s, "SELECT pg_backend_pid()"), .int(Int64(s.backendPID)))
        XCTAssertNotEqual(try single(s, "SELECT pg_backend_pid()"), try single(other, "SELECT pg_backend_pid()"))
        XCTAssertEqual(try single(s, "SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid()"), .int(1))
        // No domains, enums, non-default opclasses or large objects.
        for name in ["superset-16", "superset-17", "sqlalchemy-20", "psqlodbc-02", "superset-02"] {
            let sql = try String(contentsOf: Self.fixtures.appendingPathComponent(name + ".sql"), encoding: .utf8)
            XCTAssertEqual(try rows(s, sql).count, 0, name)
        }
        XCTAssertEqual(try single(s, "SELECT current_setting('default_table_access_method')"), .string("heap"))
        XCTAssertEqual(try single(s, "SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'"), .string("32"))
    }

    // MARK: the catalog follows the live catalog

    func testInMemoryTablesViewsAndSchemasAppear() throws {
        let s = try demo()
        _ = try s.execute("CREATE SCHEMA sales")
        _ = try s.execute("CREATE TABLE sales.deals (id bigint NOT NULL, code char(2), note varchar(10), amount numeric(12,2))")
        _ = try s.execute("CREATE VIEW big_orders AS SELECT order_id, total FROM orders WHERE total > 100")
        let columns = try rows(s, """
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attnum
            FROM pg_attribute a WHERE a.attrelid = 'sales.deals'::regclass AND a.attnum > 0 ORDER BY a.attnum
            """)
        XCTAssertEqual(columns, [
            [.string("id"), .string("bigint"), .bool(true), .int(1)],
            [.string("code"), .string("character(2)"), .bool(false), .int(2)],
            [.string("note"), .string("character varying(10)"), .bool(false), .int(3)],
            [.string("amount"), .string("numeric(12,2)"), .bool(false), .int(4)],
        ])
        XCTAssertEqual(try rows(s, "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'sales.deals'::regclass ORDER BY attnum"),
                       [[.int(-1)], [.int(6)], [.int(14)], [.int(786438)]])
        let info = try rows(s, """
            SELECT column_name, data_type, udt_name, is_nullable, character_maximum_length, numeric_precision, numeric_scale
            FROM information_schema.columns WHERE table_schema = 'sales' AND table_name = 'deals' ORDER BY ordinal_position
            """)
        XCTAssertEqual(info, [
            [.string("id"), .string("bigint"), .string("int8"), .string("NO"), .null, .int(64), .int(0)],
            [.string("code"), .string("character"), .string("bpchar"), .string("YES"), .int(2), .null, .null],
            [.string("note"), .string("character varying"), .string("varchar"), .string("YES"), .int(10), .null, .null],
            [.string("amount"), .string("numeric"), .string("numeric"), .string("YES"), .null, .int(12), .int(2)],
        ])
        // In-memory tables take INSERT; lake tables and views are read-only.
        XCTAssertEqual(try rows(s, "SELECT table_name, is_insertable_into FROM information_schema.tables WHERE table_name IN ('deals', 'orders', 'big_orders') ORDER BY 1"),
                       [[.string("big_orders"), .string("NO")], [.string("deals"), .string("YES")], [.string("orders"), .string("NO")]])
        XCTAssertEqual(try single(s, "SELECT has_table_privilege('sales.deals', 'INSERT')"), .bool(true))
        XCTAssertEqual(try single(s, "SELECT has_table_privilege('orders', 'INSERT')"), .bool(false))
        XCTAssertEqual(try single(s, "SELECT has_table_privilege('orders', 'INSERT, SELECT')"), .bool(true))
        XCTAssertEqual(try single(s, "SELECT has_table_privilege('orders', 'UPDATE')"), .bool(false))
        XCTAssertEqual(try rows(s, "SELECT relkind FROM pg_class WHERE relname = 'big_orders'"), [[.string("v")]])
        XCTAssertEqual(try rows(s, "SELECT viewname FROM pg_views WHERE schemaname = 'public'"), [[.string("big_orders")]])
        XCTAssertEqual(try rows(s, "SELECT table_type FROM information_schema.tables WHERE table_name IN ('big_orders', 'orders') ORDER BY 1"),
                       [[.string("BASE TABLE")], [.string("VIEW")]])
        guard case .string(let definition) = try single(s, "SELECT pg_get_viewdef('big_orders'::regclass)") else { return XCTFail() }
        XCTAssertTrue(definition.contains("total > 100"), definition)
        XCTAssertEqual(try rows(s, "SELECT attname FROM pg_attribute WHERE attrelid = 'big_orders'::regclass ORDER BY attnum"),
                       [[.string("order_id")], [.string("total")]])
        // Lake tables: one per folder, as relkind 'r' in public.
        XCTAssertEqual(try single(s, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), .int(7))
        _ = try s.execute("DROP VIEW big_orders")
        XCTAssertEqual(try rows(s, "SELECT relname FROM pg_class WHERE relname = 'big_orders'").count, 0)
    }

    func testObjectIdentifiersAreStable() throws {
        let a = try demo(), b = try demo()
        let first = try single(a, "SELECT 'customers'::regclass::oid")
        XCTAssertEqual(first, try single(b, "SELECT oid FROM pg_class WHERE relname = 'customers'"))
        guard case .int(let o) = first else { return XCTFail() }
        XCTAssertGreaterThanOrEqual(o, 16384)
        XCTAssertLessThanOrEqual(o, Int64(Int32.max))
        XCTAssertEqual(o, CatalogSnapshot.relationOID(schema: "public", name: "customers"))
        XCTAssertEqual(a.relationOID(schema: "public", name: "customers").map(Int64.init), o)
        XCTAssertNil(a.relationOID(schema: "public", name: "nosuch"))
        // Every OID in pg_class is distinct, and pg_attribute points at them.
        XCTAssertEqual(try single(a, "SELECT count(*) = count(DISTINCT oid) FROM pg_class"), .bool(true))
        XCTAssertEqual(try single(a, "SELECT count(*) FROM pg_attribute a LEFT JOIN pg_class c ON c.oid = a.attrelid WHERE c.oid IS NULL"), .int(0))
        XCTAssertEqual(try single(a, "SELECT count(*) FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.oid IS NULL"), .int(0))
        // System relations keep PostgreSQL's OIDs, which clients compare with ('pg_class'::regclass).
        XCTAssertEqual(try single(a, "SELECT 'pg_class'::regclass::oid"), .int(1259))
        XCTAssertEqual(try single(a, "SELECT 'pg_catalog.pg_type'::regclass::oid"), .int(1247))
    }

    // MARK: reg* types, names and visibility

    func testRegTypesAndVisibility() throws {
        let s = try demo()
        XCTAssertEqual(try single(s, "SELECT 'public.customers'::regclass::text"), .string("customers"))
        XCTAssertEqual(try single(s, "SELECT CAST(CAST('customers' AS REGCLASS) AS TEXT)"), .string("customers"))
        XCTAssertEqual(try single(s, "SELECT 1043::regtype::text"), .string("character varying"))
        XCTAssertEqual(try single(s, "SELECT 'int4'::regtype::oid"), .int(23))
        XCTAssertEqual(try single(s, "SELECT 'integer'::regtype::oid"), .int(23))
        XCTAssertEqual(try single(s, "SELECT 'pg_catalog.array_in'::regproc::oid"), .int(750))
        XCTAssertEqual(try single(s, "SELECT 11::regnamespace::text"), .string("pg_catalog"))
        XCTAssertEqual(try single(s, "SELECT to_regclass('nosuch')"), .null)
        XCTAssertEqual(try single(s, "SELECT to_regtype('hstore')"), .null)
        assertError(s, "SELECT 'nosuch'::regclass", "42P01")
        assertError(s, "SELECT 'nosuch'::regtype", "42704")
        assertError(s, "SELECT 'nosuch'::regnamespace", "3F000")
        assertError(s, "SELECT 1.5::regclass", "42846")

        _ = try s.execute("CREATE SCHEMA sales")
        _ = try s.execute("CREATE TABLE sales.deals (id int)")
        XCTAssertEqual(try single(s, "SELECT pg_table_is_visible('sales.deals'::regclass)"), .bool(false))
        XCTAssertEqual(try single(s, "SELECT 'sales.deals'::regclass::text"), .string("sales.deals"))
        XCTAssertEqual(try single(s, "SELECT pg_table_is_visible('customers'::regclass)"), .bool(true))
        _ = try s.execute("SET search_path = sales, public")
        XCTAssertEqual(try single(s, "SELECT pg_table_is_visible('sales.deals'::regclass)"), .bool(true))
        XCTAssertEqual(try single(s, "SELECT 'sales.deals'::regclass::text"), .string("deals"))
        XCTAssertEqual(try single(s, "SELECT current_schemas(true)"), .list([.string("pg_catalog"), .string("sales"), .string("public")]))
        XCTAssertEqual(try single(s, "SELECT (current_schemas(false))[2]"), .string("public"))
        // set_config changes the session like SET does.
        XCTAssertEqual(try single(s, "SELECT set_config('search_path', 'public', false)"), .string("public"))
        XCTAssertEqual(try single(s, "SELECT current_schema()"), .string("public"))
        XCTAssertEqual(try single(s, "SHOW search_path"), .string("public"))
    }

    func testFormatTypeAndFunctionsClientsCall() throws {
        let s = try demo()
        let cases: [(String, Value)] = [
            ("format_type(1042, 6)", .string("character(2)")), ("format_type(1700, 786438)", .string("numeric(12,2)")),
            ("format_type(1043, -1)", .string("character varying")), ("format_type(1015, 14)", .string("character varying(10)[]")),
            ("format_type(1042, NULL)", .string("character")), ("format_type(1042, -1)", .string("bpchar")),
            ("format_type(99999, -1)", .string("???")), ("format_type(NULL, 1)", .null), ("format_type(18, -1)", .string("\"char\"")),
            ("format_type(1114, -1)", .string("timestamp without time zone")), ("format_type(22, -1)", .string("int2vector")),
            ("pg_get_userbyid(10)", .string("lakesql")), ("pg_get_userbyid(1)", .string("unknown (OID=1)")),
            ("pg_encoding_to_char(6)", .string("UTF8")), ("obj_description(1259, 'pg_class')", .null),
            ("col_description('customers'::regclass, 1)", .null), ("pg_get_expr(NULL, 1259)", .null),
            ("pg_get_constraintdef(1, true)", .null), ("pg_get_indexdef(1)", .null),
            ("has_table_privilege('customers', 'select')", .bool(true)), ("has_table_privilege('customers', 'insert')", .bool(false)),
            ("has_schema_privilege('public', 'usage')", .bool(true)), ("has_database_privilege('lakesql', 'connect')", .bool(true)),
            ("pg_is_in_recovery()", .bool(false)), ("pg_relation_size('pg_class')", .int(0)),
            ("pg_size_pretty(10485760)", .string("10 MB")), ("pg_size_pretty(1000)", .string("1000 bytes")),
            ("quote_ident('Order')", .string("\"Order\"")), ("pg_advisory_unlock_all()", .string("")),
            ("json_build_object('a', 1, 'b', 'x')", .string("{\"a\" : 1, \"b\" : \"x\"}")),
            ("current_setting('nosuch', true)", .null), ("current_catalog", .string("lakesql")),
        ]
        for (expr, expected) in cases {
            XCTAssertEqual(try single(s, "SELECT " + expr), expected, expr)
        }
        guard case .int(let size) = try single(s, "SELECT pg_total_relation_size('orders')") else { return XCTFail() }
        XCTAssertGreaterThan(size, 100_000, "a lake table's size is its files' size")
        assertError(s, "SELECT has_table_privilege('nosuch', 'select')", "42P01")
        assertError(s, "SELECT has_schema_privilege('nosuch', 'usage')", "3F000")
        assertError(s, "SELECT current_setting('nosuch')", "42704")
    }

    // MARK: statements clients send on connect

    func testSettingsClientsSetAndShow() throws {
        let s = try demo()
        for sql in ["SET extra_float_digits = 3", "SET application_name = 'PostgreSQL JDBC Driver'", "SET DateStyle = 'ISO'",
                    "set search_path = \"public\"", "SET client_min_messages = warning", "SET bytea_output = 'hex'",
                    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED", "SET myapp.tenant = '7'"] {
            XCTAssertEqual(try s.execute(sql).commandTag, "SET", sql)
        }
        XCTAssertEqual(try single(s, "SHOW application_name"), .string("PostgreSQL JDBC Driver"))
        XCTAssertEqual(try single(s, "SHOW transaction isolation level"), .string("read committed"))
        XCTAssertEqual(try single(s, "show standard_conforming_strings"), .string("on"))
        XCTAssertEqual(try single(s, "SELECT current_setting('myapp.tenant')"), .string("7"))
        XCTAssertEqual(try single(s, "SELECT current_setting('jit') AS cur"), .string("on"))
        XCTAssertEqual(try single(s, "SELECT set_config('jit', 'off', false)"), .string("off"))
        XCTAssertEqual(try single(s, "SHOW jit"), .string("off"))
        XCTAssertEqual(try s.execute("BEGIN READ ONLY").commandTag, "BEGIN")
        XCTAssertEqual(try s.execute("ROLLBACK").commandTag, "ROLLBACK")
        assertError(s, "SET nosuch_setting = 1", "42704")
        assertError(s, "SHOW nosuch_setting", "42704")
        XCTAssertEqual(try single(s, "SELECT setting FROM pg_settings WHERE name = 'application_name'"), .string("PostgreSQL JDBC Driver"))
    }

    // MARK: arrays for catalog queries

    func testArraysAnyUnnestAndSubscripts() throws {
        let s = try demo()
        XCTAssertEqual(try single(s, "SELECT (ARRAY[10, 20, 30])[2]"), .int(20))
        XCTAssertEqual(try single(s, "SELECT (ARRAY[10, 20, 30])[4]"), .null)
        XCTAssertEqual(try single(s, "SELECT ARRAY[1, 2.5]"), .list([.decimal(10), .decimal(25)]))
        XCTAssertEqual(try single(s, "SELECT 2 = ANY('{1,2}'::int[])"), .bool(true))
        XCTAssertEqual(try single(s, "SELECT 3 = ANY('{1,NULL}'::int[])"), .null)
        XCTAssertEqual(try single(s, "SELECT 3 = ANY('{}'::int[])"), .bool(false))
        XCTAssertEqual(try single(s, "SELECT 3 <> ALL('{1,2}'::int[])"), .bool(true))
        XCTAssertEqual(try single(s, "SELECT 'd' = any('{d,f}'::\"char\"[])"), .bool(true))
        XCTAssertEqual(try rows(s, "SELECT oid FROM pg_type WHERE oid = any('{1014,23}'::oid[]) ORDER BY 1"), [[.int(23)], [.int(1014)]])
        XCTAssertEqual(try rows(s, "SELECT unnest(a) AS v, generate_subscripts(a, 1) AS i FROM (SELECT ARRAY[7, 8] a UNION ALL SELECT '{}'::int[]) t ORDER BY 2"),
                       [[.int(7), .int(1)], [.int(8), .int(2)]])
        // A dimension that is not a constant (SQLAlchemy binds it as $1::INTEGER) is checked per row.
        XCTAssertEqual(try rows(s, "SELECT t.k, generate_subscripts(t.a, t.d) FROM (VALUES (1, ARRAY[5, 6], 1), (2, ARRAY[7], 2)) t(k, a, d) ORDER BY 2"),
                       [[.int(1), .int(1)], [.int(1), .int(2)]])
        assertError(s, "SELECT generate_subscripts(ARRAY[1], 2)", "0A000")
        XCTAssertEqual(try single(s, "SELECT ARRAY(SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p%' ORDER BY 1)"),
                       .list([.string("pg_catalog"), .string("public")]))
        XCTAssertEqual(try rows(s, "SELECT x.n, (SELECT count(*) FROM generate_series(1, x.n) g) FROM (VALUES (2), (0)) x(n) ORDER BY 1"),
                       [[.int(0), .int(0)], [.int(2), .int(2)]])
        XCTAssertEqual(try rows(s, "SELECT (k).x, (k).n FROM (SELECT information_schema._pg_expandarray(ARRAY[5, 6]) AS k) s"),
                       [[.int(5), .int(1)], [.int(6), .int(2)]])
        XCTAssertEqual(try rows(s, "SELECT x FROM unnest(ARRAY['a', 'b']) x"), [[.string("a")], [.string("b")]])
        XCTAssertEqual(try rows(s, "SELECT t.k, u FROM (VALUES (1, ARRAY[5, 6]), (2, NULL)) t(k, a), unnest(t.a) u ORDER BY 2"),
                       [[.int(1), .int(5)], [.int(1), .int(6)]])
        XCTAssertEqual(try single(s, "SELECT ARRAY[1] || ARRAY[2, 3]"), .list([.int(1), .int(2), .int(3)]))
        XCTAssertEqual(try single(s, "SELECT ARRAY['x'] || 'y'"), .list([.string("x"), .string("y")]))
        XCTAssertEqual(try single(s, "SELECT 'a' || 'b'"), .string("ab"))
        XCTAssertEqual(try single(s, "SELECT ARRAY(SELECT 1 WHERE false)"), .list([]))
        assertError(s, "SELECT ARRAY[]", "42P18")
        assertError(s, "SELECT (ARRAY[1,2])[1:2]", "0A000")
        assertError(s, "SELECT (1)[1]", "42804")
        assertError(s, "SELECT 1 < ANY('{1,2}'::int[])", "0A000")
        assertError(s, "SELECT 1 = ANY(5)", "42804")
    }

    // MARK: security: metadata only, and only what the user may see

    func testCatalogRelationsNeverContainData() throws {
        let s = try demo()
        _ = try s.execute("CREATE TABLE secrets (k text, v text)")
        _ = try s.execute("INSERT INTO secrets VALUES ('api-key', 'topsecret-7f3a')")
        for relation in SystemRelation.all {
            let result = try s.execute("SELECT * FROM \(relation.schema).\(relation.name)")
            for row in try result.allRows() {
                for v in row { XCTAssertFalse("\(v)".contains("topsecret"), "\(relation.name) shows table data") }
            }
        }
    }

    func testCatalogListsOnlyWhatTheUserMaySelect() throws {
        final class DenySecrets: AccessControl {
            let sessionUser = "analyst"
            var currentUser: String { sessionUser }
            var isSuperuser: Bool { false }
            func isMember(of role: String) -> Bool { role == "analyst" }
            func checkSelect(_ relation: RelationName, as user: String) throws {
                if relation.name == "secrets" { throw SQLError(SQLState.insufficientPrivilege, "permission denied for table secrets") }
            }
            func checkReadFiles() throws {}
            func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition? { nil }
            func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]? { nil }
        }
        let s = try demo()
        _ = try s.execute("CREATE TABLE secrets (k text)")
        let open = CatalogSnapshot.build(base: s.database.catalog, access: UnrestrictedAccess(), settings: s.settings,
                                         tableFunctions: nil, backendPID: 1)
        let denied = CatalogSnapshot.build(base: s.database.catalog, access: DenySecrets(), settings: s.settings,
                                           tableFunctions: nil, backendPID: 1)
        XCTAssertNotNil(open.relation(schema: "public", name: "secrets"))
        XCTAssertNil(denied.relation(schema: "public", name: "secrets"))
        XCTAssertNotNil(denied.relation(schema: "public", name: "customers"))
        XCTAssertTrue(denied.users.contains { $0.name == "analyst" && !$0.superuser })
    }
}
