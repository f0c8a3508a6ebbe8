// Red-team suite: attacks on masks and row policies set up the way a data
// steward would — real DDL through the SQLite catalog on the demo lake
// (customers: name hashed, email masked, phone and street tagged pii, birth
// date to the year; row policy: staff see GB customers only) — run as a
// restricted user through Engine sessions. Each attack asserts that real raw
// values of the fixture (full e-mails, names, phones, birth dates of visible
// rows; anything of hidden rows) never show, and that hidden rows are not
// counted. The other suites use an AccessControl double; this one goes
// through CatalogAccessControl, so it also covers the catalog's side.

import XCTest
import Foundation
import Columnar
@testable import Engine

final class RedTeamMaskingTests: XCTestCase {
    var directory = ""
    var db: Database!
    var admin: Session!
    var bob: Session!

    static let lake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/demo").path

    /// Raw values of the fixture: customer 4 (GB, visible masked) and customer 1 (AU, hidden).
    static let visibleEmail = "renee.allen4@example.com", visibleName = "Renée Allen", visiblePhone = "+44 555 188 8140",
               visibleBirth = "1959-09-06", visibleStreet = "74 Via Roma"
    static let hiddenEmail = "noah.lee1@example.com", hiddenName = "Noah Lee", hiddenPhone = "+61 555 044 0826",
               hiddenBirth = "1974-08-23", hiddenCity = "Melbourne"
    static let secrets = [visibleEmail, "renee.allen4", visibleName, visiblePhone, "188 8140", visibleBirth, visibleStreet,
                          hiddenEmail, "noah.lee1", hiddenName, hiddenPhone, "044 0826", hiddenBirth, hiddenCity]

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "redteam-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        db = try Database(options: DatabaseOptions(lakePath: RedTeamMaskingTests.lake, catalogPath: directory + "/catalog.db"))
        admin = db.connect()
        try run(admin, """
            CREATE ROLE staff; CREATE ROLE pii_reader;
            CREATE USER bob PASSWORD 'bobpw' IN ROLE staff;
            CREATE USER carol PASSWORD 'carolpw' IN ROLE staff, pii_reader;
            CREATE MASKING POLICY email_mask AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_email(val) END;
            CREATE MASKING POLICY redact_text AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_redact(val) END;
            CREATE MASKING POLICY year_only AS (val date) RETURNS date ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_year(val) END;
            CREATE MASKING POLICY hash_text AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_hash(val) END;
            ALTER TABLE customers ALTER COLUMN email SET MASKING POLICY email_mask;
            ALTER TABLE customers ALTER COLUMN name SET MASKING POLICY hash_text;
            ALTER TABLE customers ALTER COLUMN birth_date SET MASKING POLICY year_only;
            CREATE TAG pii; ALTER TAG pii SET MASKING POLICY redact_text;
            ALTER TABLE customers ALTER COLUMN phone SET TAG pii;
            ALTER TABLE customers ALTER COLUMN street_address SET TAG pii;
            ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY gb_only ON customers FOR SELECT TO staff USING (country = 'GB');
            CREATE POLICY pii_all ON customers FOR SELECT TO pii_reader USING (true);
            GRANT SELECT ON TABLE customers TO staff;
            CREATE VIEW customer_overview AS SELECT customer_id, name, email, phone, birth_date, city, country FROM customers;
            GRANT SELECT ON VIEW customer_overview TO staff;
            CREATE VIEW overview_eu AS SELECT * FROM customer_overview WHERE customer_id > 0;
            GRANT SELECT ON overview_eu TO staff;
            CREATE TABLE readable (v text);
            INSERT INTO readable VALUES ('noah.lee1@example.com'), ('renee.allen4@example.com'), ('x');
            GRANT SELECT ON readable TO staff;
            CREATE SCHEMA sandbox; GRANT CREATE ON SCHEMA sandbox TO bob;
            """)
        bob = try db.connect(user: "bob", client: "redteam")
    }

    override func tearDownWithError() throws {
        admin = nil; bob = nil; db = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    func run(_ s: Session, _ sql: String) throws { try s.executeScript(sql) { r in while try r.next() != nil {} } }

    /// Runs `sql` as bob (or `s`); fails if a raw value not typed in the statement shows anywhere.
    @discardableResult
    func attack(_ sql: String, as s: Session? = nil, file: StaticString = #filePath, line: UInt = #line) -> Shown {
        assertNoLeak(s ?? bob, sql, secrets: RedTeamMaskingTests.secrets, file: file, line: line)
    }

    func expectState(_ state: String, _ sql: String, as s: Session? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let shown = attack(sql, as: s, file: file, line: line)
        XCTAssertEqual(shown.error?.sqlState, state, "\(sql)\n\(shown.text)", file: file, line: line)
    }

    /// The harness sees raw values when no policy applies (so a passing attack means something).
    func testTheHarnessSeesRawValuesForTheSuperuserAndPiiReaders() throws {
        let raw = show(admin, "SELECT name, email, phone, birth_date FROM customers WHERE customer_id IN (1, 4) ORDER BY customer_id")
        XCTAssertEqual(raw.rows, [[Self.hiddenName, Self.hiddenEmail, Self.hiddenPhone, Self.hiddenBirth],
                                  [Self.visibleName, Self.visibleEmail, Self.visiblePhone, Self.visibleBirth]])
        let carol = try db.connect(user: "carol", client: "redteam")
        XCTAssertEqual(show(carol, "SELECT email FROM customers WHERE customer_id = 1").rows, [[Self.hiddenEmail]])
        XCTAssertEqual(show(bob, "SELECT count(*) FROM customers").rows, [["200"]])
        XCTAssertEqual(show(bob, "SELECT email FROM customers WHERE customer_id = 4").rows, [["r***@example.com"]])
    }

    func testPredicatesOnMaskedColumnsCompareMaskedValues() {
        for sql in ["SELECT count(*) FROM customers WHERE email = '\(Self.visibleEmail)'",
                    "SELECT count(*) FROM customers WHERE email LIKE 'renee.a%'",
                    "SELECT count(*) FROM customers WHERE email ~ '^renee\\.'",
                    "SELECT count(*) FROM customers WHERE name = '\(Self.visibleName)'",
                    "SELECT count(*) FROM customers WHERE phone LIKE '+44%'",
                    "SELECT count(*) FROM customers WHERE birth_date = DATE '\(Self.visibleBirth)'",
                    "SELECT count(*) FROM customers WHERE email IN ('\(Self.visibleEmail)', '\(Self.hiddenEmail)')",
                    "SELECT count(*) FROM customers WHERE customer_id = 4 AND email BETWEEN 'renee.' AND 'renee.b'",
                    "SELECT count(*) FROM customer_overview WHERE email = '\(Self.visibleEmail)'"] {
            XCTAssertEqual(attack(sql).rows, [["0"]], sql)
        }
        // Binary search on the raw value: `< 'renee.allen5'` and `< 'renee.allen3'` must agree,
        // because both compare with 'r***@example.com'.
        let lo = attack("SELECT count(*) FROM customers WHERE customer_id = 4 AND email < 'renee.allen3'").rows
        let hi = attack("SELECT count(*) FROM customers WHERE customer_id = 4 AND email < 'renee.allen5'").rows
        XCTAssertEqual(lo, hi)
        // Hidden rows match nothing, even on unmasked columns.
        XCTAssertEqual(attack("SELECT count(*) FROM customers WHERE customer_id = 1 OR city = '\(Self.hiddenCity)'").rows, [["0"]])
    }

    func testFunctionsCastsAndErrorOracles() {
        attack("SELECT length(email), md5(email), md5(name), upper(phone), substr(name, 1, 3) FROM customers WHERE customer_id = 4")
        for sql in ["SELECT email::int FROM customers", "SELECT name::int FROM customers", "SELECT phone::date FROM customers",
                    "SELECT street_address::numeric FROM customers", "SELECT to_date(email, 'YYYY') FROM customers",
                    "SELECT email::json FROM customers", "SELECT (email || 'x')::uuid FROM customers"] {
            let shown = attack(sql)
            XCTAssertNotNil(shown.error, sql)
        }
        // Errors that only a raw value or a hidden row would trigger never fire.
        for sql in ["SELECT 1 / (CASE WHEN email = '\(Self.visibleEmail)' THEN 0 ELSE 1 END) FROM customers",
                    "SELECT 1 / (CASE WHEN name = '\(Self.visibleName)' THEN 0 ELSE 1 END) FROM customers",
                    "SELECT count(*) FROM customers WHERE 1 / (CASE WHEN country = 'AU' THEN 0 ELSE 1 END) = 1",
                    "SELECT count(*) FROM customers WHERE 1 / (customer_id - 1) > -5",
                    "SELECT count(*) FROM customers WHERE (CASE WHEN customer_id = 1 THEN 'x' ELSE '1' END)::int = 1",
                    "SELECT count(*) FROM customers WHERE customer_id::text::int = 1",
                    "SELECT count(*) FROM customer_overview WHERE 1 / (CASE WHEN country = 'AU' THEN 0 ELSE 1 END) = 1"] {
            let shown = attack(sql)
            XCTAssertNil(shown.error, "\(sql)\n\(shown.text)")
        }
    }

    func testOrderingAggregatesGroupingAndWindows() {
        for sql in ["SELECT email, name FROM customers ORDER BY email, name LIMIT 5",
                    "SELECT min(email), max(email), min(name), max(name), min(phone), max(birth_date) FROM customers",
                    "SELECT string_agg(email, ','), array_agg(phone), string_agg(name, ',') FROM customers",
                    "SELECT email, count(*) FROM customers GROUP BY email ORDER BY 2 DESC",
                    "SELECT count(DISTINCT email), count(DISTINCT birth_date), count(DISTINCT street_address) FROM customers",
                    "SELECT DISTINCT ON (city) city, email FROM customers ORDER BY city, email",
                    "SELECT customer_id, lag(email) OVER (ORDER BY customer_id), first_value(name) OVER (PARTITION BY city),"
                        + " rank() OVER (ORDER BY birth_date) FROM customers",
                    "SELECT city, count(*), max(customer_id) FROM customers GROUP BY ROLLUP (city)",
                    "SELECT unnest(array_agg(email)) FROM customers",
                    "SELECT json_agg(email), jsonb_agg(name) FROM customers"] {
            attack(sql)
        }
        XCTAssertEqual(attack("SELECT count(*), count(DISTINCT country), max(customer_id) < 2000 FROM customers").rows.first?.prefix(2),
                       ["200", "1"])
    }

    func testSubqueriesJoinsCTEsAndSetOperations() throws {
        try run(admin, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO staff")
        // Hidden customers are not counted through joins or subqueries over orders.
        let visible = show(admin, "SELECT count(*) FROM orders o JOIN customers c USING (customer_id) WHERE c.country = 'GB'").rows
        for sql in ["SELECT count(*) FROM orders o JOIN customers c USING (customer_id)",
                    "SELECT count(*) FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id)",
                    "SELECT count(*) FROM orders o WHERE o.customer_id IN (SELECT customer_id FROM customers)",
                    "SELECT count(*) FROM orders o LEFT JOIN customers c USING (customer_id) WHERE c.customer_id IS NOT NULL"] {
            XCTAssertEqual(attack(sql).rows, visible, sql)
        }
        for sql in ["SELECT * FROM (VALUES (1), (4)) v(i), LATERAL (SELECT email, name FROM customers c WHERE c.customer_id = v.i) x",
                    "SELECT (SELECT email FROM customers WHERE customer_id = 4), (SELECT name FROM customers WHERE customer_id = 1)",
                    "WITH RECURSIVE r(n, e) AS (SELECT 1, (SELECT max(email) FROM customers) UNION ALL SELECT n + 1, e FROM r WHERE n < 3) SELECT * FROM r",
                    "WITH c AS MATERIALIZED (SELECT * FROM customers) SELECT email, name, phone FROM c WHERE customer_id IN (1, 4)",
                    "SELECT v FROM readable INTERSECT SELECT email FROM customers",
                    "SELECT email FROM customers UNION SELECT name FROM customers ORDER BY 1 LIMIT 20",
                    "SELECT c1.email, c2.name FROM customers c1 JOIN customers c2 ON c1.email = c2.email AND c1.customer_id = 4",
                    "SELECT r.v FROM readable r JOIN customers c ON c.email = r.v",
                    "SELECT * FROM customers NATURAL JOIN customer_overview",
                    "TABLE customers",
                    "SELECT * FROM overview_eu WHERE customer_id IN (1, 4)"] {
            attack(sql)
        }
        // EXCEPT against guesses (readable holds raw e-mails as guesses): every guess survives.
        XCTAssertEqual(show(bob, "SELECT v FROM readable EXCEPT SELECT email FROM customers ORDER BY 1").rows.count, 3)
        XCTAssertEqual(attack("SELECT count(*) FROM readable r WHERE r.v IN (SELECT email FROM customers)").rows, [["0"]])
    }

    func testViewsAndCopiesTheUserMakesStayMasked() throws {
        try run(bob, """
            CREATE VIEW sandbox.mine AS SELECT * FROM customers;
            CREATE VIEW sandbox.mine2 AS SELECT * FROM sandbox.mine UNION ALL SELECT * FROM customer_overview NATURAL JOIN customers;
            CREATE TABLE sandbox.copy AS SELECT * FROM customers;
            CREATE TABLE sandbox.notes (v text);
            INSERT INTO sandbox.notes SELECT email FROM customers;
            INSERT INTO sandbox.notes SELECT name FROM customer_overview;
            """)
        for sql in ["SELECT * FROM sandbox.mine", "SELECT * FROM sandbox.mine2", "SELECT * FROM sandbox.copy", "SELECT * FROM sandbox.notes"] {
            attack(sql)
        }
        // The copies hold masked values: even a superuser reading them finds no raw value.
        attack("SELECT * FROM sandbox.copy", as: admin)
        attack("SELECT * FROM sandbox.notes", as: admin)
        XCTAssertEqual(attack("SELECT count(*) FROM sandbox.copy").rows, [["200"]])
        XCTAssertEqual(attack("SELECT count(*) FROM sandbox.mine WHERE customer_id = 1").rows, [["0"]])
        // A user's own external table over the lake files needs READ FILES.
        expectState("42501", "CREATE EXTERNAL TABLE sandbox.raw STORED AS PARQUET LOCATION '\(Self.lake)/customers'")
        expectState("42501", "CREATE VIEW sandbox.raw AS SELECT * FROM read_parquet('\(Self.lake)/customers/*.parquet')")
    }

    /// mask_hash is not reversible by guessing only if nobody can hash chosen values with the
    /// catalog's key — including by attaching a hashing policy to a column of their own table.
    func testMaskHashCannotBeComputedOnChosenValues() throws {
        let masked = show(bob, "SELECT name FROM customers WHERE customer_id = 4").rows
        XCTAssertEqual(masked.first?.first?.count, 64)
        try run(bob, "CREATE TABLE sandbox.guesses (g text); INSERT INTO sandbox.guesses VALUES ('\(Self.visibleName)')")
        try run(bob, "CREATE VIEW sandbox.guess_view AS SELECT '\(Self.visibleName)'::text AS g")
        for sql in ["ALTER TABLE sandbox.guesses ALTER COLUMN g SET MASKING POLICY hash_text",
                    "ALTER TABLE sandbox.guess_view ALTER COLUMN g SET MASKING POLICY hash_text",
                    "ALTER TABLE sandbox.guesses ALTER COLUMN g SET TAG pii",
                    "SELECT mask_hash('\(Self.visibleName)')", "SELECT pg_catalog.mask_hash('\(Self.visibleName)')",
                    "SELECT \"mask_hash\"(g) FROM sandbox.guesses",
                    "CREATE VIEW sandbox.h AS SELECT mask_hash(g) AS h FROM sandbox.guesses",
                    "CREATE POLICY p ON sandbox.guesses USING (mask_hash(g) = 'x')"] {
            expectState("42501", sql)
        }
        // Whatever bob could do, no value he chose comes back hashed like the masked name.
        for sql in ["SELECT g FROM sandbox.guesses", "SELECT g FROM sandbox.guess_view",
                    "SELECT count(*) FROM customers c JOIN sandbox.guesses g ON c.name = g.g"] {
            let text = show(bob, sql).text
            XCTAssertFalse(text.contains(masked.first?.first ?? "?"), "\(sql)\n\(text)")
        }
        // The key shows nowhere a user can look.
        let key = try XCTUnwrap(db.catalogStore?.snapshot().secret)
        let hex = key.map { String(format: "%02x", $0) }.joined()
        for sql in ["SHOW ALL", "SELECT * FROM pg_settings", "SELECT * FROM lakesql_roles", "SELECT * FROM lakesql_masks",
                    "SELECT * FROM lakesql_grants", "EXPLAIN SELECT name FROM customers", "EXPLAIN ANALYZE SELECT name FROM customers"] {
            let text = show(bob, sql).text.lowercased()
            XCTAssertFalse(text.contains(hex) || text.contains(hex.prefix(16)), sql)
        }
    }

    func testIdentityCannotBeSpoofed() {
        for sql in ["SET ROLE pii_reader", "SET ROLE carol", "SET role = 'pii_reader'", "SET role TO pii_reader",
                    "SET SESSION AUTHORIZATION carol"] {
            XCTAssertNotNil(attack(sql).error, sql)
        }
        // The settings clients read to know who they are cannot be spoofed either.
        expectState("42501", "SET session_authorization = 'carol'")
        expectState("55P02", "SET is_superuser = on")
        expectState("42501", "SELECT set_config('role', 'pii_reader', false)")
        expectState("55P02", "RESET is_superuser")
        _ = show(bob, "RESET ALL")
        XCTAssertEqual(attack("SHOW is_superuser").rows, [["off"]])
        XCTAssertEqual(attack("SELECT current_setting('session_authorization'), current_setting('role')").rows, [["bob", "none"]])
        XCTAssertEqual(show(admin, "SHOW is_superuser").rows, [["on"]])
        _ = show(admin, "SET ROLE staff")
        XCTAssertEqual(show(admin, "SHOW is_superuser").rows, [["off"]])
        _ = show(admin, "RESET ROLE")
        XCTAssertEqual(show(admin, "SHOW is_superuser").rows, [["on"]])

        attack("SELECT email, name FROM customers WHERE customer_id = 4")
        XCTAssertEqual(attack("SELECT current_user, session_user, is_member('pii_reader'), pg_has_role('pii_reader', 'MEMBER')").rows,
                       [["bob", "bob", "f", "f"]])
        // A column or table named like the identity functions does not change what the policy sees.
        attack("SELECT email FROM (SELECT true AS is_member, * FROM customers) c WHERE customer_id = 4")
        attack("WITH pii_reader AS (SELECT 1) SELECT email FROM customers, pii_reader WHERE customer_id = 4")
    }

    func testSearchPathAndShadowing() throws {
        try run(bob, "CREATE TABLE sandbox.customers (customer_id int, email text)")
        for sql in ["SET search_path = sandbox, public; SELECT email FROM public.customers WHERE customer_id = 4",
                    "SET search_path = pg_catalog, public; SELECT email FROM customers",
                    "SELECT * FROM lake.customers WHERE customer_id = 1", "SELECT * FROM \"public\".\"customers\" WHERE customer_id = 1"] {
            attack(sql)
        }
        XCTAssertEqual(attack("SELECT count(*) FROM lake.customers").rows, [["200"]])
        // bob's own table named like the masked one is bob's, and the real one stays masked for him.
        expectState("42501", "ALTER TABLE public.customers ALTER COLUMN email UNSET MASKING POLICY")
        expectState("42501", "ALTER TABLE customers DISABLE ROW LEVEL SECURITY")
    }

    /// An unprivileged user's TEMP table must not replace a shared relation for other sessions.
    func testTempTablesDoNotShadowSharedRelationsForOthers() throws {
        expectState("42501", "CREATE TEMP TABLE customers (v text)")
        expectState("42501", "CREATE TEMP TABLE lakesql_audit (v text)")
        XCTAssertEqual(show(admin, "SELECT count(*) FROM customers").rows, [["2000"]])
        XCTAssertEqual(show(bob, "SELECT count(*) FROM customer_overview").rows, [["200"]])
        attack("SELECT * FROM customers")
    }

    func testSystemRelationsFilesAndAudit() throws {
        for sql in ["SELECT * FROM read_parquet('\(Self.lake)/customers/part-0.parquet')",
                    "SELECT * FROM '\(Self.lake)/customers/*.parquet'", "SELECT * FROM read_csv('\(Self.lake)/../demo/README.md')",
                    "SELECT * FROM read_json('\(Self.lake)/customers/part-0.parquet')",
                    "SELECT * FROM lakesql_audit", "SELECT * FROM public.lakesql_audit",
                    "SELECT * FROM (SELECT * FROM lakesql_audit) a"] {
            expectState("42501", sql)
        }
        for sql in ["SELECT * FROM pg_stats", "SELECT * FROM pg_class WHERE relname = 'customers'",
                    "SELECT * FROM pg_stat_user_tables", "SELECT * FROM information_schema.columns WHERE table_name = 'customers'",
                    "SELECT * FROM lakesql_masks", "SELECT * FROM lakesql_row_policies", "SELECT * FROM pg_views",
                    "SELECT pg_get_viewdef('customer_overview')", "SELECT * FROM lakesql_functions()", "SHOW ALL"] {
            attack(sql)
        }
        // Statements that would copy or re-run a query around the binder do not exist (COPY, PREPARE).
        for sql in ["COPY customers TO STDOUT", "COPY (SELECT * FROM customers) TO '\(directory)/out.csv'",
                    "PREPARE p(text) AS SELECT count(*) FROM customers WHERE email = $1"] {
            XCTAssertEqual(attack(sql).error?.sqlState, "42601", sql)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/out.csv"))
        // The superuser's statement text is audited with its literals redacted; bob cannot read it anyway.
        _ = show(admin, "SELECT count(*) FROM customers WHERE email = '\(Self.hiddenEmail)'")
        let audit = show(admin, "SELECT statement FROM lakesql_audit").text
        XCTAssertFalse(audit.contains(Self.hiddenEmail), audit)
        XCTAssertTrue(audit.contains("email = ?"), audit)
    }

    func testExplainShowsNoRawValuesNorHiddenRowCounts() {
        func normalized(_ sql: String) -> String {
            show(bob, sql).text.replacingOccurrences(of: #"[0-9.]+ ms"#, with: "", options: .regularExpression)
        }
        _ = show(bob, "SET threads = 1")
        for sql in ["EXPLAIN SELECT * FROM customers WHERE email = 'x'", "EXPLAIN ANALYZE SELECT * FROM customer_overview WHERE email > 'm'",
                    "EXPLAIN ANALYZE SELECT * FROM customers WHERE customer_id = 1",
                    "EXPLAIN ANALYZE SELECT count(*) FROM overview_eu"] {
            let shown = attack(sql)
            XCTAssertFalse(shown.text.contains("2000"), "\(sql)\n\(shown.text)")
            XCTAssertFalse(shown.text.contains("1800"), "\(sql)\n\(shown.text)")
        }
        // The same plan and counters whether the guess is a real raw value or not.
        let real = normalized("EXPLAIN ANALYZE SELECT count(*) FROM customers WHERE email = '\(Self.visibleEmail)'")
        let fake = normalized("EXPLAIN ANALYZE SELECT count(*) FROM customers WHERE email = 'zzzzzz.zzzzz@example.com'")
        XCTAssertEqual(real.replacingOccurrences(of: Self.visibleEmail, with: "zzzzzz.zzzzz@example.com"), fake)
        let hiddenId = normalized("EXPLAIN ANALYZE SELECT count(*) FROM customers WHERE customer_id = 1")
        let noId = normalized("EXPLAIN ANALYZE SELECT count(*) FROM customers WHERE customer_id = 999999")
        XCTAssertEqual(hiddenId.replacingOccurrences(of: "= 1)", with: "= 999999)"), noId)
    }

    /// An integer column under a mask (0 for non-readers): filters that the Parquet reader may
    /// answer while it decodes (`=`, `<>`, IN on an integer column) compare the masked values,
    /// never the stored ones, however the filter is written; the superuser's counts show the
    /// probes would find rows if they saw raw values.
    func testIntegerFiltersOnAMaskedColumnCompareMaskedValues() throws {
        try run(admin, """
            CREATE MASKING POLICY zero_id AS (val int) RETURNS int ->
              CASE WHEN is_member('pii_reader') THEN val ELSE 0 END;
            ALTER TABLE orders ALTER COLUMN customer_id SET MASKING POLICY zero_id;
            GRANT SELECT ON TABLE orders TO staff;
            """)
        let probes = ["SELECT count(*) FROM orders WHERE customer_id = 2",
                      "SELECT count(*) FROM orders WHERE 2 = customer_id",
                      "SELECT count(*) FROM orders WHERE customer_id IN (2, 3, 5)",
                      "SELECT count(*) FROM orders WHERE customer_id = 2 OR status = 'no such status'",
                      "SELECT count(*) FROM orders WHERE customer_id = 2::bigint"]
        for sql in probes {
            let raw = show(admin, sql)
            XCTAssertNil(raw.error, sql)
            XCTAssertNotEqual(raw.rows, [["0"]], "the superuser's probe finds rows: \(sql)")
            XCTAssertEqual(attack(sql).rows, [["0"]], "every masked value is 0: \(sql)")
        }
        let all = show(admin, "SELECT count(*) FROM orders").rows
        XCTAssertEqual(attack("SELECT count(*) FROM orders WHERE customer_id = 0").rows, all)
        XCTAssertEqual(attack("SELECT count(*) FROM orders WHERE customer_id IN (0, 2)").rows, all)
        XCTAssertEqual(attack("SELECT count(*) FROM orders WHERE customer_id <> 0").rows, [["0"]])
    }
}
