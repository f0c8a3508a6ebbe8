// End to end with a SQLite catalog attached: users, roles, grants, 42501,
// SET ROLE and the identity functions, masks and row policies from the
// catalog, views with owner grants, READ FILES, persistence across reopen,
// concurrent writers, the audit log, system relations, policy export/apply.

import XCTest
import Foundation
import Columnar
import Catalog
@testable import Engine

final class CatalogEngineTests: XCTestCase {
    var directory = ""
    var path: String { directory + "/catalog.db" }

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "catalog-engine-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func open(_ p: String? = nil) throws -> Database { try Database(options: DatabaseOptions(catalogPath: p ?? path)) }

    func rows(_ s: Session, _ sql: String) throws -> [[Value]] { try s.execute(sql).allRows() }

    func run(_ s: Session, _ sql: String) throws { try s.executeScript(sql) { r in while try r.next() != nil {} } }

    func expectState(_ state: String, _ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try rows(s, sql), sql, file: file, line: line) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, state, "\(error)", file: file, line: line)
        }
    }

    /// A catalog with customers (email masked unless pii_reader), staff bob, pii reader carol.
    func setUpShop(_ db: Database) throws -> Session {
        let admin = db.connect()
        try run(admin, """
            CREATE TABLE customers (id int, email text, region text);
            INSERT INTO customers VALUES (1, 'ann@example.com', 'EU'), (2, 'ben@example.org', 'US');
            CREATE ROLE staff; CREATE ROLE pii_reader;
            CREATE USER bob PASSWORD 'bobpw' IN ROLE staff;
            CREATE USER carol PASSWORD 'carolpw' IN ROLE staff, pii_reader;
            CREATE MASKING POLICY email_mask AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_email(val) END;
            ALTER TABLE customers ALTER COLUMN email SET MASKING POLICY email_mask;
            """)
        return admin
    }

    func testGrantsDecideSelectAndErrorsArePostgres() throws {
        let db = try open()
        let admin = try setUpShop(db)
        let bob = try db.connect(user: "bob", client: "test")
        expectState("42501", bob, "SELECT id FROM customers")
        try run(admin, "GRANT SELECT ON TABLE customers TO staff")
        XCTAssertEqual(try rows(bob, "SELECT id FROM customers ORDER BY id"), [[.int(1)], [.int(2)]])
        try run(admin, "REVOKE SELECT ON customers FROM staff")
        expectState("42501", bob, "SELECT id FROM customers")
        try run(admin, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO staff")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM customers"), [[.int(2)]])
        // Non-superusers run no DDL.
        expectState("42501", bob, "CREATE ROLE x")
        expectState("42501", bob, "CREATE TABLE bobs (a int)")
        expectState("42501", bob, "GRANT pii_reader TO bob")
        expectState("42501", bob, "ALTER TABLE customers ALTER COLUMN email UNSET MASKING POLICY")
        expectState("42501", bob, "DROP TABLE customers")
        expectState("42501", bob, "INSERT INTO customers VALUES (3, 'x@y.z', 'EU')")
        try run(admin, "CREATE TABLE information_schema.hidden AS SELECT * FROM customers")
        XCTAssertThrowsError(try rows(bob, "SELECT * FROM information_schema.hidden"), "not open like the emulated system catalogs")
        expectState("42501", bob, "ALTER SYSTEM SET audit_retention_days = 1")
        // PostgreSQL's states for unknown and duplicate objects.
        expectState("42704", admin, "GRANT nobody TO bob")
        expectState("42704", admin, "DROP ROLE nobody")
        expectState("42710", admin, "CREATE ROLE staff")
        expectState("42704", admin, "ALTER TABLE customers ALTER COLUMN email SET MASKING POLICY nope")
        expectState("42703", admin, "ALTER TABLE customers ALTER COLUMN nope SET MASKING POLICY email_mask")
        expectState("2BP01", admin, "DROP MASKING POLICY email_mask")
        expectState("0LP01", admin, "GRANT bob TO staff")
        // Policies are bound when created: typos are reported then, not at every later query.
        expectState("42883", admin, "CREATE MASKING POLICY typo AS (v text) RETURNS text -> mask_emial(v)")
        expectState("42703", admin, "CREATE MASKING POLICY typo AS (v text) RETURNS text -> val")
        expectState("42804", admin, "CREATE MASKING POLICY typo AS (v text) RETURNS date -> v || 'x'")
        expectState("42703", admin, "CREATE POLICY typo ON customers USING (regoin = 'EU')")
        // Login: unknown user and NOLOGIN role refused with 28000.
        XCTAssertThrowsError(try db.connect(user: "mallory", client: "test")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, "28000") }
        XCTAssertThrowsError(try db.connect(user: "staff", client: "test")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, "28000") }
        // Users may change their own password, nothing else.
        try run(bob, "ALTER USER bob PASSWORD 'newpw'")
        XCTAssertTrue(ScramVerifier.matches(password: "newpw", verifier: try XCTUnwrap(db.passwordVerifier(for: "bob"))))
        expectState("42501", bob, "ALTER USER carol PASSWORD 'x'")
        expectState("42501", bob, "ALTER USER bob SUPERUSER")
    }

    func testAPlainUserCannotEscalate() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, """
            CREATE ROLE admins SUPERUSER; CREATE SCHEMA sandbox; GRANT CREATE ON SCHEMA sandbox TO staff;
            ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY nobody_sees ON customers TO pii_reader USING (false);
            """)
        let bob = try db.connect(user: "bob", client: "test")
        for sql in ["SET ROLE admins", "GRANT admins TO bob", "ALTER USER bob SUPERUSER", "ALTER ROLE staff SUPERUSER",
                    "CREATE USER sneaky SUPERUSER", "GRANT SELECT ON customers TO bob", "GRANT READ FILES TO bob",
                    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO bob", "GRANT CREATE ON SCHEMA public TO bob",
                    "ALTER TABLE customers OWNER TO bob", "ALTER TABLE customers DISABLE ROW LEVEL SECURITY",
                    "DROP POLICY nobody_sees ON customers", "CREATE POLICY mine ON customers TO bob USING (true)",
                    "ALTER TABLE customers ALTER COLUMN email UNSET MASKING POLICY", "ALTER TABLE customers ALTER COLUMN email SET TAG pii",
                    "CREATE MASKING POLICY noop AS (v text) RETURNS text -> v", "DROP MASKING POLICY email_mask",
                    "CREATE TAG pii", "ALTER SYSTEM SET audit_redact_literals = off", "DROP ROLE pii_reader",
                    "SELECT * FROM lakesql_audit", "CREATE VIEW sandbox.audit_copy AS SELECT * FROM lakesql_audit",
                    "CREATE VIEW sandbox.raw AS SELECT * FROM customers", "CREATE TABLE public.mine (a int)",
                    "CREATE SCHEMA mine", "DROP SCHEMA sandbox CASCADE", "INSERT INTO customers VALUES (9, 'x', 'EU')"] {
            expectState("42501", bob, sql)
        }
        // What bob may do in his sandbox stays his, and still shows him nothing he could not read.
        try run(bob, "CREATE TABLE sandbox.notes (t text); INSERT INTO sandbox.notes VALUES ('mine')")
        XCTAssertEqual(try rows(bob, "SELECT t FROM sandbox.notes"), [[.string("mine")]])
        XCTAssertEqual(try rows(bob, "SELECT current_user, is_member('admins')"), [[.string("bob"), .bool(false)]])
    }

    func testClientIntrospectionWorksForPlainUsers() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, "GRANT SELECT ON customers TO staff")
        let bob = try db.connect(user: "bob", client: "test")
        XCTAssertFalse(try rows(bob, "SELECT relname FROM pg_class WHERE relname = 'customers'").isEmpty)
        XCTAssertFalse(try rows(bob, "SELECT table_name FROM information_schema.tables WHERE table_name = 'customers'").isEmpty)
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'public'"), [[.int(1)]])
        XCTAssertEqual(try rows(bob, "SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN ('carol', 'pii_reader') ORDER BY 1"),
                       [[.string("carol"), .bool(false)], [.string("pii_reader"), .bool(false)]])
        XCTAssertEqual(try rows(bob, "SELECT has_table_privilege('customers', 'SELECT')"), [[.bool(true)]])
        try run(admin, "REVOKE SELECT ON customers FROM staff")
        // The relation is now hidden from bob's pg_class (pg_catalog emulation's choice), or not privileged.
        XCTAssertNotEqual(try? rows(bob, "SELECT has_table_privilege('customers', 'SELECT')"), [[.bool(true)]])
    }

    func testPasswordVerifierIsPostgresScramFormat() throws {
        let db = try open()
        _ = try setUpShop(db)
        let v = try XCTUnwrap(db.passwordVerifier(for: "carol"))
        XCTAssertTrue(v.hasPrefix("SCRAM-SHA-256$4096:"), v)
        XCTAssertTrue(ScramVerifier.matches(password: "carolpw", verifier: v))
        XCTAssertNil(db.passwordVerifier(for: "staff"), "roles without LOGIN have no verifier for the wire")
        XCTAssertNil(db.passwordVerifier(for: "nobody"))
        // A verifier given as the password is stored as is (PostgreSQL's dump form).
        try run(db.connect(), "CREATE USER dave PASSWORD '\(v)'")
        XCTAssertEqual(db.passwordVerifier(for: "dave"), v)
        // The password never reaches the file in clear.
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertNil(String(decoding: bytes, as: UTF8.self).range(of: "carolpw"))
        XCTAssertNil(try Database().passwordVerifier(for: "carol"), "no catalog, no verifiers")
    }

    func testSetRoleAndIdentityFunctions() throws {
        let db = try open()
        let admin = try setUpShop(db)
        let owner = try XCTUnwrap(rows(admin, "SELECT current_user").first?.first)
        XCTAssertEqual(try rows(admin, "SELECT session_user, current_role, user"), [[owner, owner, owner]])
        let carol = try db.connect(user: "carol", client: "test")
        XCTAssertEqual(try rows(carol, "SELECT current_user, session_user, is_member('pii_reader'), is_member('nope')"),
                       [[.string("carol"), .string("carol"), .bool(true), .bool(false)]])
        XCTAssertEqual(try rows(carol, "SELECT pg_has_role('staff', 'MEMBER'), pg_has_role('bob', 'staff', 'USAGE'), pg_has_role('carol', 'pii_reader', 'member with admin option')"),
                       [[.bool(true), .bool(true), .bool(false)]])
        expectState("42704", carol, "SELECT pg_has_role('ghost', 'MEMBER')")
        expectState("22023", carol, "SELECT pg_has_role('staff', 'FLY')")
        try run(carol, "SET ROLE staff")
        XCTAssertEqual(try rows(carol, "SELECT current_user, session_user, is_member('pii_reader')"),
                       [[.string("staff"), .string("carol"), .bool(false)]])
        XCTAssertEqual(try rows(carol, "SHOW role"), [[.string("staff")]])
        try run(carol, "RESET ROLE")
        XCTAssertEqual(try rows(carol, "SELECT current_user, is_member('pii_reader')"), [[.string("carol"), .bool(true)]])
        try run(carol, "SET ROLE staff; RESET ALL")
        XCTAssertEqual(try rows(carol, "SELECT current_user"), [[.string("carol")]])
        XCTAssertEqual(try rows(carol, "SHOW role"), [[.string("none")]])
        XCTAssertEqual(try rows(carol, "SHOW session_authorization"), [[.string("carol")]])
        expectState("42501", carol, "SET ROLE bob")
        expectState("22023", carol, "SET ROLE ghost")
        // A superuser who sets a plain role loses superuser rights until RESET ROLE.
        try run(admin, "SET ROLE staff")
        expectState("42501", admin, "SELECT * FROM customers")
        expectState("42501", admin, "CREATE ROLE x")
        try run(admin, "RESET ROLE")
        XCTAssertEqual(try rows(admin, "SELECT count(*) FROM customers"), [[.int(2)]])
    }

    func testMasksAndRowPoliciesFromTheCatalog() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, """
            GRANT SELECT ON customers TO staff;
            CREATE ROLE eu_staff; GRANT eu_staff TO bob;
            ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY eu_only ON customers FOR SELECT TO eu_staff USING (region = 'EU');
            CREATE POLICY pii_all ON customers FOR SELECT TO pii_reader USING (true);
            """)
        let bob = try db.connect(user: "bob", client: "test"), carol = try db.connect(user: "carol", client: "test")
        let bobRows = try rows(bob, "SELECT id, email FROM customers ORDER BY id")
        XCTAssertEqual(bobRows.count, 1)
        XCTAssertEqual(bobRows.first?.first, .int(1))
        XCTAssertNotEqual(bobRows.first?.last, .string("ann@example.com"), "bob sees the masked email")
        XCTAssertEqual(try rows(carol, "SELECT id, email FROM customers ORDER BY id"),
                       [[.int(1), .string("ann@example.com")], [.int(2), .string("ben@example.org")]])
        // Tags: a tagged column takes the tag's policy for its type.
        try run(admin, """
            CREATE MASKING POLICY redact_text AS (v text) RETURNS text -> '***';
            CREATE TAG pii; ALTER TAG pii SET MASKING POLICY redact_text;
            ALTER TABLE customers ALTER COLUMN region SET TAG pii;
            """)
        XCTAssertEqual(try rows(bob, "SELECT region FROM customers"), [[.string("***")]])
        XCTAssertEqual(try rows(admin, "SELECT table_name, column_name, policy, via_tag FROM lakesql_masks ORDER BY column_name"),
                       [[.string("public.customers"), .string("email"), .string("email_mask"), .null],
                        [.string("public.customers"), .string("region"), .string("redact_text"), .string("pii")]])
        XCTAssertEqual(try rows(bob, "SELECT policy, roles, using_expr FROM lakesql_row_policies ORDER BY policy"),
                       [[.string("eu_only"), .string("eu_staff"), .string("region = 'EU'")],
                        [.string("pii_all"), .string("pii_reader"), .string("true")]])
        // No policy for your roles: no rows.
        try run(admin, "DROP POLICY eu_only ON customers")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM customers"), [[.int(0)]])
        try run(admin, "ALTER TABLE customers DISABLE ROW LEVEL SECURITY")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM customers"), [[.int(2)]])
    }

    func testViewsCheckTheOwnersGrantsAndOwnersPersist() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, "CREATE VIEW customer_emails AS SELECT id, email FROM customers; GRANT SELECT ON VIEW customer_emails TO staff")
        let bob = try db.connect(user: "bob", client: "test")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM customer_emails"), [[.int(2)]])
        expectState("42501", bob, "SELECT count(*) FROM customers")
        let emails = try rows(bob, "SELECT email FROM customer_emails ORDER BY id")
        XCTAssertFalse(emails.contains([.string("ann@example.com")]), "masks follow the querying user inside views")
        // A steward with CREATE ON SCHEMA owns the views it creates.
        try run(admin, "CREATE SCHEMA shared; CREATE USER steward; GRANT CREATE ON SCHEMA shared TO steward; GRANT SELECT ON customers TO steward")
        let steward = try db.connect(user: "steward", client: "test")
        try run(steward, "CREATE VIEW shared.ids AS SELECT id FROM customers; GRANT SELECT ON shared.ids TO staff")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM shared.ids"), [[.int(2)]])
        expectState("42501", steward, "CREATE VIEW public.nope AS SELECT 1")
        try run(admin, "GRANT CREATE ON SCHEMA shared TO bob")
        expectState("42501", bob, "CREATE OR REPLACE VIEW shared.ids AS SELECT 1 AS id")
        let reopened = try open()
        let owner = try reopened.catalogStore?.snapshot().relations[RelationRef(schema: "shared", name: "ids")]?.owner
        XCTAssertEqual(owner, "steward")
        let bob2 = try reopened.connect(user: "bob", client: "test")
        XCTAssertEqual(try rows(bob2, "SELECT count(*) FROM shared.ids"), [[.int(0)]], "in-memory rows do not persist; the definitions do")
        // ALTER VIEW … OWNER TO hands the view (and whose grants it reads with) to another role.
        try run(reopened.connect(), "CREATE VIEW admin_ids AS SELECT id FROM customers; ALTER VIEW admin_ids OWNER TO steward; GRANT SELECT ON admin_ids TO staff")
        XCTAssertEqual(try rows(bob2, "SELECT count(*) FROM admin_ids"), [[.int(0)]])
        expectState("42501", bob2, "ALTER VIEW admin_ids OWNER TO bob")
        expectState("42P01", reopened.connect(), "ALTER TABLE not_stored OWNER TO bob")
        expectState("42704", reopened.connect(), "ALTER VIEW admin_ids OWNER TO ghost")
        // Revoking the owner's grant closes the view for everyone but superusers.
        try run(reopened.connect(), "REVOKE SELECT ON customers FROM steward")
        expectState("42501", bob2, "SELECT count(*) FROM shared.ids")
        expectState("42501", bob2, "SELECT count(*) FROM admin_ids")
    }

    func testReadFilesPrivilege() throws {
        let csv = directory + "/people.csv"
        try "id,name\n1,ann\n2,ben\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let db = try open()
        let admin = try setUpShop(db)
        let bob = try db.connect(user: "bob", client: "test")
        expectState("42501", bob, "SELECT count(*) FROM read_csv('\(csv)')")
        expectState("42501", bob, "SELECT count(*) FROM '\(csv)'")
        try run(admin, "GRANT READ FILES TO staff")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM read_csv('\(csv)')"), [[.int(2)]])
        try run(admin, "REVOKE READ FILES FROM staff")
        expectState("42501", bob, "SELECT count(*) FROM read_csv('\(csv)')")
        // An external table is a view owned by its creator: staff need SELECT on it, not READ FILES.
        try run(admin, "CREATE EXTERNAL TABLE people STORED AS CSV LOCATION '\(csv)'; GRANT SELECT ON people TO staff")
        XCTAssertEqual(try rows(bob, "SELECT count(*) FROM people"), [[.int(2)]])
        // Masks and row policies declared on an external table apply at its reference.
        try run(admin, """
            CREATE MASKING POLICY hide_name AS (v text) RETURNS text -> CASE WHEN is_member('pii_reader') THEN v ELSE mask_redact(v) END;
            ALTER TABLE people ALTER COLUMN name SET MASKING POLICY hide_name;
            ALTER TABLE people ENABLE ROW LEVEL SECURITY;
            CREATE POLICY first_only ON people TO staff USING (id = 1);
            """)
        let names = try rows(bob, "SELECT name FROM people")
        XCTAssertEqual(names.count, 1)
        XCTAssertNotEqual(names.first?.first, .string("ann"))
        XCTAssertEqual(try rows(db.connect(user: "carol", client: "test"), "SELECT name FROM people"), [[.string("ann")]])
        expectState("42703", admin, "ALTER TABLE people ALTER COLUMN nope SET MASKING POLICY hide_name")
    }

    func testDefinitionsPersistAcrossReopen() throws {
        let csv = directory + "/people.csv"
        try "id,name\n1,ann\n2,ben\n".write(toFile: csv, atomically: true, encoding: .utf8)
        do {
            let db = try open()
            try run(db.connect(), """
                CREATE SCHEMA sales;
                CREATE TABLE sales.orders (id bigint NOT NULL, amount numeric(10,2), note text);
                CREATE VIEW sales.big (order_id) AS SELECT id FROM sales.orders WHERE amount > 100;
                CREATE EXTERNAL TABLE people (id int, name text) STORED AS CSV LOCATION '\(csv)';
                CREATE TEMP TABLE scratch (a int);
                CREATE USER bob;
                """)
        }
        let db = try open()
        let s = db.connect()
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM people"), [[.int(2)]])
        XCTAssertEqual(try rows(s, "SELECT name FROM people WHERE id = 2"), [[.string("ben")]])
        try run(s, "INSERT INTO sales.orders VALUES (1, 150, 'x'), (2, 5, NULL)")
        XCTAssertEqual(try rows(s, "SELECT order_id FROM sales.big"), [[.int(1)]])
        expectState("23502", s, "INSERT INTO sales.orders VALUES (NULL, 1, 'x')")
        expectState("42P01", s, "SELECT * FROM scratch")
        XCTAssertNoThrow(try db.connect(user: "bob", client: "test"))
        // DROP persists too.
        try run(s, "DROP VIEW sales.big; DROP SCHEMA sales CASCADE")
        let again = try open().connect()
        expectState("42P01", again, "SELECT * FROM sales.orders")
        expectState("42P01", again, "SELECT * FROM sales.big")
    }

    func testTwoDatabasesOnOneFileSeeEachOthersDDL() throws {
        // Two Database objects are two SQLite connections, as two processes would be.
        let a = try open(), b = try open()
        let sa = a.connect(), sb = b.connect()
        try run(sa, "CREATE TABLE shared_t (x int); CREATE ROLE r1")
        XCTAssertEqual(try rows(sb, "SELECT count(*) FROM shared_t"), [[.int(0)]])
        expectState("42P07", sb, "CREATE TABLE shared_t (y int)")
        try run(sb, "GRANT SELECT ON shared_t TO r1; DROP TABLE shared_t")
        expectState("42P01", sa, "SELECT * FROM shared_t")
        // Concurrent DDL from both, many threads: nothing lost, nothing duplicated.
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            let db = i % 2 == 0 ? a : b
            do { try self.run(db.connect(), "CREATE TABLE t\(i) (a int); CREATE ROLE role\(i)") } catch { XCTFail("\(error)") }
        }
        let snapshot = try XCTUnwrap(a.catalogStore).snapshot()
        XCTAssertEqual(snapshot.relations.keys.filter { $0.name.hasPrefix("t") }.count, 20)
        XCTAssertEqual(snapshot.roles.keys.filter { $0.hasPrefix("role") }.count, 20)
        for i in [0, 7, 19] { XCTAssertEqual(try rows(sb, "SELECT count(*) FROM t\(i)"), [[.int(0)]]) }
    }

    func testAuditLog() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, "GRANT SELECT ON customers TO staff")
        let bob = try db.connect(user: "bob", client: "10.0.0.7:5555")
        XCTAssertEqual(try rows(bob, "SELECT id FROM customers WHERE email LIKE 'ann%'").count, 0)
        _ = try rows(bob, "SELECT email FROM customers")
        expectState("42501", bob, "SELECT * FROM lakesql_audit")
        expectState("42601", bob, "SELEC 'secret literal'")
        try run(admin, "CREATE USER eve PASSWORD 'hunter2'; ALTER SYSTEM SET audit_redact_literals = off")
        try run(admin, "SELECT 'visible now'")
        try run(admin, "ALTER USER eve PASSWORD 'hunter3'")
        expectState("0A000", admin, "EXPLAIN ALTER USER eve PASSWORD 'hunter4'")
        try run(admin, "GRANT auditor TO bob")
        let entries = try rows(bob, "SELECT user_name, client, roles, statement, objects, masks, rows_returned, sqlstate FROM lakesql_audit ORDER BY id")
        let bobs = entries.filter { $0[0] == .string("bob") }
        XCTAssertEqual(bobs[0], [.string("bob"), .string("10.0.0.7:5555"), .string("bob, staff"), .string("SELECT id FROM customers WHERE email LIKE ?"),
                                 .string("public.customers"), .string("public.customers.email: email_mask"), .int(0), .string("00000")])
        XCTAssertEqual(bobs[1][6], .int(2))
        XCTAssertEqual(bobs[2][7], .string("42501"))
        XCTAssertEqual(bobs[3][3], .string("SELEC ?"))
        XCTAssertEqual(bobs[3][7], .string("42601"))
        let texts = entries.compactMap { row -> String? in if case .string(let s) = row[3] { return s }; return nil }
        XCTAssertTrue(texts.contains("SELECT 'visible now'"), "redaction off shows literals")
        XCTAssertFalse(texts.contains { $0.contains("hunter") }, "passwords are never logged")
        XCTAssertFalse(texts.contains { $0.contains("secret literal") })
        XCTAssertFalse(texts.contains { $0.contains("bobpw") })
        // Retention prunes old entries.
        let store = try XCTUnwrap(db.catalogStore)
        try store.appendAudit(AuditEntry(time: 0, user: "old", roles: [], client: "x", statement: "SELECT 1"))
        XCTAssertEqual(try rows(admin, "SHOW audit_retention_days"), [[.string("365")]])
        try run(admin, "ALTER SYSTEM SET audit_retention_days = 30")
        XCTAssertEqual(try rows(admin, "SHOW audit_retention_days"), [[.string("30")]])
        XCTAssertEqual(try rows(admin, "SHOW audit_redact_literals"), [[.string("off")]])
        XCTAssertFalse(try store.auditEntries().contains { $0.user == "old" })
        expectState("22023", admin, "ALTER SYSTEM SET audit_retention_days = '-1'")
        expectState("42704", admin, "ALTER SYSTEM SET work_mem = 1")
    }

    func testStreamsAreAuditedWhenDroppedUnread() throws {
        let db = try open()
        let s = db.connect(client: "repl")
        do {
            let result = try s.execute("SELECT * FROM generate_series(1, 100000)")
            XCTAssertNotNil(try result.next())
        }
        let last = try XCTUnwrap(db.catalogStore?.auditEntries().last)
        XCTAssertEqual(last.statement, "SELECT * FROM generate_series(?, ?)")
        XCTAssertEqual(last.client, "repl")
        XCTAssertEqual(last.sqlState, "00000")
        XCTAssertGreaterThan(last.rows ?? 0, 0)
        XCTAssertLessThan(last.rows ?? 0, 100000, "only the rows actually read")
    }

    func testLongAuditLogIsScannedInRanges() throws {
        let db = try open()
        let store = try XCTUnwrap(db.catalogStore)
        try store.write {
            for i in 0..<20_000 {
                try store.appendAudit(AuditEntry(time: Clock.nowMicros(), user: "u\(i % 7)", roles: [], client: "x", statement: "SELECT \(i)"))
            }
        }
        let s = db.connect()
        // 20000 entries span three id ranges; every entry is seen exactly once.
        XCTAssertEqual(try rows(s, "SELECT count(*), count(DISTINCT id), min(statement), max(id) - min(id) FROM lakesql_audit WHERE client = 'x'"),
                       [[.int(20_000), .int(20_000), .string("SELECT 0"), .int(19_999)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM lakesql_audit WHERE user_name = 'u3'"), [[.int(2857)]])
    }

    func testSystemRelationsForTheREPL() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, "GRANT SELECT ON customers TO staff; GRANT READ FILES TO pii_reader")
        let bob = try db.connect(user: "bob", client: "test")
        let roles = try rows(bob, "SELECT name, kind, superuser, can_login, member_of FROM lakesql_roles WHERE name IN ('bob', 'carol', 'staff') ORDER BY name")
        XCTAssertEqual(roles, [[.string("bob"), .string("user"), .bool(false), .bool(true), .string("staff")],
                               [.string("carol"), .string("user"), .bool(false), .bool(true), .string("pii_reader, staff")],
                               [.string("staff"), .string("role"), .bool(false), .bool(false), .null]])
        XCTAssertEqual(try rows(bob, "SELECT grantee, privilege, object_type, object_name FROM lakesql_grants ORDER BY grantee"),
                       [[.string("pii_reader"), .string("READ FILES"), .string("files"), .null],
                        [.string("staff"), .string("SELECT"), .string("table"), .string("public.customers")]])
        // Without a catalog they do not exist (the REPL's \du then says so).
        expectState("42P01", try Database().connect(), "SELECT * FROM lakesql_roles")
    }

    func testPolicyExportApplyRoundTripAndAllOrNothing() throws {
        let db = try open()
        let admin = try setUpShop(db)
        try run(admin, """
            GRANT SELECT ON customers TO staff; GRANT READ FILES TO pii_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO pii_reader;
            CREATE TAG pii; CREATE MASKING POLICY redact_text AS (v text) RETURNS text -> '***';
            ALTER TAG pii SET MASKING POLICY redact_text; ALTER TABLE customers ALTER COLUMN region SET TAG pii;
            ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY eu ON customers TO staff, pii_reader USING (region = 'EU' OR id > 1);
            ALTER SYSTEM SET audit_retention_days = 90;
            CREATE ROLE "Data Team"; GRANT "Data Team" TO carol; GRANT SELECT ON "Sales"."Orders" TO "Data Team", PUBLIC;
            CREATE MASKING POLICY "odd;name" AS (v text) RETURNS text -> 'it''s; hidden';
            ALTER TABLE "Sales"."Orders" ALTER COLUMN "E-mail" SET MASKING POLICY "odd;name";
            """)
        let exported = try db.exportPolicies()
        XCTAssertTrue(exported.contains("GRANT SELECT ON TABLE \"Sales\".\"Orders\" TO public;"), exported)
        XCTAssertTrue(exported.contains("CREATE OR REPLACE MASKING POLICY email_mask AS (val text) RETURNS text ->"), exported)
        XCTAssertFalse(exported.contains("SCRAM"), "passwords are not exported")
        // Applying into a fresh catalog reproduces it exactly; applying twice changes nothing.
        let fresh = try open(directory + "/fresh.db")
        try fresh.applyPolicies(exported)
        try fresh.applyPolicies(exported)
        let reExported = try fresh.exportPolicies()
        XCTAssertEqual(reExported.split(separator: "\n").dropFirst(), exported.split(separator: "\n").dropFirst())
        // A failing file leaves the catalog unchanged.
        let before = try fresh.exportPolicies()
        let bad = "CREATE ROLE newcomer; GRANT SELECT ON customers TO newcomer; GRANT nobody TO newcomer;"
        XCTAssertThrowsError(try fresh.applyPolicies(bad)) { XCTAssertEqual(($0 as? SQLError)?.sqlState, "42704") }
        XCTAssertEqual(try fresh.exportPolicies(), before)
        XCTAssertNil(try fresh.catalogStore?.snapshot().roles["newcomer"])
        XCTAssertEqual(try fresh.catalogStore?.auditEntries().last?.sqlState, "42704", "the failed apply is audited")
        XCTAssertThrowsError(try fresh.applyPolicies("CREATE ROLE x; SELEC")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, "42601") }
        XCTAssertNil(try fresh.catalogStore?.snapshot().roles["x"])
    }

    func testCatalogDocExamplesRun() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Docs/CATALOG.md").standardized
        let text = try String(contentsOf: doc, encoding: .utf8)
        let blocks = text.components(separatedBy: "```sql\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        XCTAssertGreaterThanOrEqual(blocks.count, 3)
        let s = try open().connect()
        for block in blocks { XCTAssertNoThrow(try run(s, block), block) }
    }

    func testBadCatalogFilesGiveClearErrors() throws {
        FileManager.default.createFile(atPath: path, contents: Data("this is not sqlite at all".utf8 + [UInt8](repeating: 7, count: 5000)))
        XCTAssertThrowsError(try open()) { XCTAssertEqual(($0 as? SQLError)?.sqlState, "XX001") }
        let newer = directory + "/newer.db"
        _ = try open(newer)
        let raw = try CatalogStore(path: newer, owner: "x")
        _ = try raw.query("UPDATE schema_version SET version = 42")
        XCTAssertThrowsError(try open(newer)) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.configFileError) }
    }

    func testWithoutACatalogEverythingIsAsBefore() throws {
        let db = try Database()
        let s = try db.connect(user: "anyone", client: "test")
        XCTAssertEqual(try rows(s, "SELECT current_user, is_member('whatever')"), [[.string("anyone"), .bool(true)]])
        try run(s, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
        XCTAssertEqual(try rows(s, "SELECT * FROM t"), [[.int(1)]])
        expectState("0A000", s, "CREATE ROLE r")
        try run(s, "RESET ROLE")
    }
}
