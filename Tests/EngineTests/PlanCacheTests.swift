// The session's plan cache (Session+PlanCache.swift): a repeated query that
// reads no relation reuses its plan, and the same text always gives the answer
// a fresh bind would after anything that could change it — SET (TimeZone,
// settings), SET ROLE / RESET ROLE, GRANT / REVOKE, role membership, DDL,
// masking and row-policy changes. Plans that read relations are never kept.

import XCTest
import Foundation
import Columnar
import SQLSyntax
@testable import Engine

final class PlanCacheTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "plan-cache-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func rows(_ s: Session, _ sql: String) throws -> [[Value]] { try s.execute(sql).allRows() }

    private func run(_ s: Session, _ sql: String) throws { try s.executeScript(sql) { r in while try r.next() != nil {} } }

    private func parsed(_ sql: String) throws -> ParsedStatement {
        guard let p = try Parser.parse(sql).first else { throw SQLError(SQLState.syntaxError, "empty") }
        return p
    }

    private func expectState(_ state: String, _ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try rows(s, sql), sql, file: file, line: line) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, state, "\(error)", file: file, line: line)
        }
    }

    // MARK: What is kept

    func testConstantQueryIsKeptAndAnswersTheSame() throws {
        let s = try Database().connect()
        XCTAssertEqual(s.cachedPlanCount, 0)
        XCTAssertEqual(try rows(s, "SELECT 1 AS one, 'x' || 'y' AS xy"), [[.int(1), .string("xy")]])
        XCTAssertEqual(s.cachedPlanCount, 1)
        let again = try s.execute("SELECT 1 AS one, 'x' || 'y' AS xy")
        XCTAssertEqual(again.fields.map(\.name), ["one", "xy"])
        XCTAssertEqual(try again.allRows(), [[.int(1), .string("xy")]])
        XCTAssertEqual(s.cachedPlanCount, 1)
    }

    func testDescribeKeepsThePlanForExecuteAndLaterStatements() throws {
        let s = try Database().connect()
        let p = try parsed("SELECT 41 + 1 AS answer")
        let d = try s.describe(p, parameterTypes: [:], count: 0)
        XCTAssertEqual(d.fields?.map(\.name), ["answer"])
        XCTAssertEqual(s.cachedPlanCount, 1)
        XCTAssertNil(s.preparedBinding, "a kept plan replaces the one-shot kept bind")
        XCTAssertEqual(try s.execute(p).allRows(), [[.int(42)]])
        let again = try s.describe(p, parameterTypes: [:], count: 0)
        XCTAssertEqual(again.fields?.map(\.name), ["answer"])
        XCTAssertEqual(try s.execute(p).allRows(), [[.int(42)]])
    }

    func testQueriesReadingRelationsOrWithParametersAreNotKept() throws {
        let s = try Database().connect()
        try run(s, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
        XCTAssertEqual(try rows(s, "SELECT a FROM t"), [[.int(1)]])
        XCTAssertEqual(try rows(s, "SELECT (SELECT max(a) FROM t) AS m"), [[.int(1)]])
        XCTAssertEqual(try rows(s, "SELECT x FROM generate_series(1, 2) AS g(x)"), [[.int(1)], [.int(2)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 't'"), [[.int(1)]])
        XCTAssertEqual(s.cachedPlanCount, 0)
        try run(s, "INSERT INTO t VALUES (5)")
        XCTAssertEqual(try rows(s, "SELECT (SELECT max(a) FROM t) AS m"), [[.int(5)]])
        _ = try s.describe(try parsed("SELECT $1::int AS a"), parameterTypes: [:], count: 1)
        var parameters = StatementParameters(types: [1: .int32], values: [1: .int(7)])
        XCTAssertEqual(try s.execute(try parsed("SELECT $1::int AS a"), parameters: parameters).allRows(), [[.int(7)]])
        parameters.values[1] = .int(8)
        XCTAssertEqual(try s.execute(try parsed("SELECT $1::int AS a"), parameters: parameters).allRows(), [[.int(8)]])
        XCTAssertEqual(s.cachedPlanCount, 0)
    }

    func testStatementTimeAndSessionFunctionsAreNotFrozenIntoTheKeptPlan() throws {
        let s = try Database().connect()
        _ = try rows(s, "SELECT now() AS t, current_user AS u, current_setting('application_name') AS a")
        guard let kept = s.planCache.plan("SELECT now() AS t, current_user AS u, current_setting('application_name') AS a") else {
            return XCTFail("not kept")
        }
        let shown = kept.plan.explain()
        XCTAssertTrue(shown.contains("now"), shown)
        XCTAssertTrue(shown.contains("current_setting"), shown)
    }

    /// Catalog functions must see the catalog when the kept plan runs (a fold under made-up contexts
    /// would freeze `'pg_class'::regclass::text` as its OID and pg_get_userbyid as unknown).
    func testCatalogFunctionsInAKeptPlanAnswerAsAFreshBind() throws {
        let s = try Database().connect()
        let sql = "SELECT 'pg_class'::regclass::text AS c, pg_get_userbyid(10) AS u, current_schemas(true) AS p"
        let expected: [[Value]] = [[.string("pg_class"), .string("lakesql"), .list([.string("pg_catalog"), .string("public")])]]
        XCTAssertEqual(try rows(s, sql), expected)
        XCTAssertEqual(try rows(s, sql), expected)
        XCTAssertEqual(try rows(s, "SELECT pg_get_userbyid(10) AS u"), [[.string("lakesql")]])
        XCTAssertEqual(try rows(s, "SELECT pg_get_userbyid(10) AS u"), [[.string("lakesql")]])
    }

    func testBoundedCapacity() throws {
        let s = try Database().connect()
        for i in 0..<(PlanCache.capacity + 5) { _ = try rows(s, "SELECT \(i) AS n") }
        XCTAssertLessThanOrEqual(s.cachedPlanCount, PlanCache.capacity)
        XCTAssertEqual(try rows(s, "SELECT 3 AS n"), [[.int(3)]])
    }

    // MARK: Invalidation without a governance catalog

    func testSettingsChangeGivesTheFreshAnswer() throws {
        let s = try Database().connect()
        let sql = "SELECT '2024-01-01 00:00:00+00'::timestamptz::text AS x"
        XCTAssertEqual(try rows(s, sql), [[.string("2024-01-01 00:00:00+00")]])
        XCTAssertEqual(try rows(s, sql), [[.string("2024-01-01 00:00:00+00")]])
        try run(s, "SET TimeZone = '+05:00'")
        XCTAssertEqual(try rows(s, sql), [[.string("2023-12-31 19:00:00-05")]])
        try run(s, "RESET TimeZone")
        XCTAssertEqual(try rows(s, sql), [[.string("2024-01-01 00:00:00+00")]])
        try run(s, "SET application_name = 'one'")
        XCTAssertEqual(try rows(s, "SELECT current_setting('application_name') AS a"), [[.string("one")]])
        try run(s, "SET application_name = 'two'")
        XCTAssertEqual(try rows(s, "SELECT current_setting('application_name') AS a"), [[.string("two")]])
    }

    func testViewReplacedOrDroppedByAnotherSessionIsSeen() throws {
        let db = try Database()
        let s = db.connect(), other = db.connect()
        try run(other, "CREATE VIEW v AS SELECT 'old' AS s")
        XCTAssertEqual(try rows(s, "SELECT s FROM v"), [[.string("old")]])
        XCTAssertEqual(s.cachedPlanCount, 1, "a view over no relation is kept")
        try run(other, "CREATE OR REPLACE VIEW v AS SELECT 'new' AS s")
        XCTAssertEqual(try rows(s, "SELECT s FROM v"), [[.string("new")]])
        try run(other, "DROP VIEW v")
        expectState(SQLState.undefinedTable, s, "SELECT s FROM v")
    }

    // MARK: Governance (SQLite catalog)

    /// A catalog with a masked customers table, a view over no relation, staff bob and pii reader carol.
    private func governed() throws -> (Database, Session) {
        let db = try Database(options: DatabaseOptions(catalogPath: directory + "/catalog.db"))
        let admin = db.connect()
        try run(admin, """
            CREATE TABLE customers (id int, email text, region text);
            INSERT INTO customers VALUES (1, 'ann@example.com', 'EU'), (2, 'ben@example.org', 'US');
            CREATE VIEW banner AS SELECT 'hello' AS msg;
            CREATE ROLE staff; CREATE ROLE pii_reader;
            CREATE USER bob PASSWORD 'bobpw' IN ROLE staff;
            CREATE USER carol PASSWORD 'carolpw' IN ROLE staff, pii_reader;
            CREATE MASKING POLICY email_mask AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_email(val) END;
            ALTER TABLE customers ALTER COLUMN email SET MASKING POLICY email_mask;
            GRANT SELECT ON TABLE customers TO staff;
            """)
        return (db, admin)
    }

    func testGrantAndRevokeOnAKeptViewGiveTheFreshAnswer() throws {
        let (db, admin) = try governed()
        let bob = try db.connect(user: "bob", client: "test")
        expectState("42501", bob, "SELECT msg FROM banner")
        try run(admin, "GRANT SELECT ON banner TO staff")
        XCTAssertEqual(try rows(bob, "SELECT msg FROM banner"), [[.string("hello")]])
        XCTAssertEqual(try rows(bob, "SELECT msg FROM banner"), [[.string("hello")]])
        XCTAssertEqual(bob.cachedPlanCount, 1)
        try run(admin, "REVOKE SELECT ON banner FROM staff")
        expectState("42501", bob, "SELECT msg FROM banner")
        try run(admin, "GRANT SELECT ON banner TO bob")
        XCTAssertEqual(try rows(bob, "SELECT msg FROM banner"), [[.string("hello")]])
    }

    func testSetRoleAndMembershipGiveTheFreshAnswer() throws {
        let (db, admin) = try governed()
        let carol = try db.connect(user: "carol", client: "test")
        let who = "SELECT current_user AS u, is_member('pii_reader') AS pii"
        XCTAssertEqual(try rows(carol, who), [[.string("carol"), .bool(true)]])
        XCTAssertEqual(try rows(carol, who), [[.string("carol"), .bool(true)]])
        try run(carol, "SET ROLE staff")
        XCTAssertEqual(try rows(carol, who), [[.string("staff"), .bool(false)]])
        try run(carol, "RESET ROLE")
        XCTAssertEqual(try rows(carol, who), [[.string("carol"), .bool(true)]])
        try run(admin, "REVOKE pii_reader FROM carol")
        XCTAssertEqual(try rows(carol, who), [[.string("carol"), .bool(false)]])
        // A kept view: SET ROLE to a role without the grant must be refused again.
        try run(admin, "GRANT SELECT ON banner TO carol")
        XCTAssertEqual(try rows(carol, "SELECT msg FROM banner"), [[.string("hello")]])
        try run(carol, "SET ROLE staff")
        expectState("42501", carol, "SELECT msg FROM banner")
        try run(carol, "RESET ROLE")
        XCTAssertEqual(try rows(carol, "SELECT msg FROM banner"), [[.string("hello")]])
    }

    func testMaskingAndRowPolicyChangesGiveTheFreshAnswer() throws {
        let (db, admin) = try governed()
        let bob = try db.connect(user: "bob", client: "test")
        let sql = "SELECT email FROM customers WHERE id = 1"
        let masked = try rows(bob, sql)
        XCTAssertNotEqual(masked, [[.string("ann@example.com")]])
        XCTAssertEqual(try rows(bob, sql), masked)
        try run(admin, "ALTER TABLE customers ALTER COLUMN email UNSET MASKING POLICY")
        XCTAssertEqual(try rows(bob, sql), [[.string("ann@example.com")]])
        try run(admin, "ALTER TABLE customers ALTER COLUMN email SET MASKING POLICY email_mask")
        XCTAssertEqual(try rows(bob, sql), masked)
        let regions = "SELECT region FROM customers ORDER BY id"
        XCTAssertEqual(try rows(bob, regions), [[.string("EU")], [.string("US")]])
        try run(admin, "ALTER TABLE customers ENABLE ROW LEVEL SECURITY; CREATE POLICY eu_only ON customers TO staff USING (region = 'EU')")
        XCTAssertEqual(try rows(bob, regions), [[.string("EU")]])
        try run(admin, "DROP POLICY eu_only ON customers")
        XCTAssertEqual(try rows(bob, regions), [], "RLS on without a policy for bob: no rows")
        XCTAssertEqual(bob.cachedPlanCount, 0, "plans reading relations are never kept")
    }
}
