// Result-column origins (RowDescription's table OID and attribute number):
// which select items are plain references to a table or view column, and
// that the OIDs and positions agree with pg_class and pg_attribute, as
// PostgreSQL's markTargetListOrigin reports them.

import XCTest
import Columnar
import Planner
import SQLSyntax
@testable import Engine

final class ResultColumnOriginTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    private func demo() throws -> Session {
        try Database(options: DatabaseOptions(lakePath: Self.root.appendingPathComponent("Fixtures/demo").path)).connect()
    }

    private func single(_ s: Session, _ sql: String) throws -> Value {
        let rows = try s.execute(sql).allRows()
        XCTAssertEqual(rows.count, 1, sql)
        return rows.first?.first ?? .null
    }

    private func attnum(_ s: Session, _ table: String, _ column: String) throws -> Int16? {
        guard case .int(let n) = try single(s, "SELECT attnum FROM pg_attribute WHERE attrelid = '\(table)'::regclass AND attname = '\(column)'") else { return nil }
        return Int16(n)
    }

    private func oid(_ s: Session, _ table: String) throws -> Int32? {
        guard case .int(let o) = try single(s, "SELECT '\(table)'::regclass::oid") else { return nil }
        return Int32(o)
    }

    func testJoinSelectListOriginsMatchPgCatalog() throws {
        let s = try demo()
        let result = try s.execute("SELECT c.email, 1, o.total FROM customers c JOIN orders o ON o.customer_id = c.customer_id LIMIT 1")
        let customers = RelationName(schema: "public", name: "customers"), orders = RelationName(schema: "public", name: "orders")
        XCTAssertEqual(result.columnOrigins.count, 3)
        XCTAssertEqual(result.columnOrigins[0]?.relation, customers)
        XCTAssertNil(result.columnOrigins[1])
        XCTAssertEqual(result.columnOrigins[2]?.relation, orders)
        let sources = s.columnSources(of: result)
        XCTAssertEqual(sources[0], ResultColumnSource(tableOID: try XCTUnwrap(try oid(s, "customers")), attributeNumber: try XCTUnwrap(try attnum(s, "customers", "email"))))
        XCTAssertEqual(sources[1], .none)
        XCTAssertEqual(sources[2], ResultColumnSource(tableOID: try XCTUnwrap(try oid(s, "orders")), attributeNumber: try XCTUnwrap(try attnum(s, "orders", "total"))))
        XCTAssertNotEqual(sources[0].tableOID, 0)
        XCTAssertNotEqual(sources[2].attributeNumber, 0)
    }

    func testOnlyPlainColumnReferencesHaveOrigins() throws {
        let s = try demo()
        func origins(_ sql: String) throws -> [String?] {
            try s.execute(sql).columnOrigins.map { $0.map { "\($0.relation.name).\($0.attributeNumber)" } }
        }
        let email = try XCTUnwrap(try attnum(s, "customers", "email"))
        // Expressions, real casts and aggregates have none; grouped plain columns keep theirs, and so does a cast
        // to the column's own type (PostgreSQL 15 drops it: `SELECT b::text FROM t` reports t.b).
        XCTAssertEqual(try origins("SELECT email || '', customer_id::bigint, count(*), email, email::text FROM customers GROUP BY email, customer_id LIMIT 1"),
                       [nil, nil, nil, "customers.\(email)", "customers.\(email)"])
        // USING: the kept side's column, none for FULL joins (as PostgreSQL 15 reports).
        let id = try XCTUnwrap(try attnum(s, "customers", "customer_id"))
        XCTAssertEqual(try origins("SELECT customer_id FROM customers JOIN orders USING (customer_id) LIMIT 1"), ["customers.\(id)"])
        XCTAssertEqual(try origins("SELECT customer_id FROM customers FULL JOIN orders USING (customer_id) LIMIT 1"), [nil])
        // Followed through derived tables, CTEs and `*`.
        XCTAssertEqual(try origins("SELECT x.e FROM (SELECT email AS e FROM customers) x LIMIT 1"), ["customers.\(email)"])
        XCTAssertEqual(try origins("WITH w AS (SELECT email FROM customers) SELECT email FROM w LIMIT 1"), ["customers.\(email)"])
        let star = try s.execute("SELECT * FROM customers LIMIT 1")
        XCTAssertEqual(star.columnOrigins.map { $0?.attributeNumber }, Array(1...star.fields.count).map { Optional($0) })
        // Set operations and table functions have none.
        XCTAssertEqual(try origins("SELECT email FROM customers UNION SELECT email FROM customers"), [])
        // A recursive CTE is a UNION: its columns have none either (PostgreSQL 15 reports 0/0 for them, checked
        // with libpq's PQftable); WITH RECURSIVE over a CTE that does not refer to itself is an ordinary CTE.
        let recursive = try origins("WITH RECURSIVE r AS (SELECT customer_id, email FROM customers UNION ALL SELECT customer_id + 1, email FROM r WHERE false) SELECT email, customer_id FROM r LIMIT 1")
        XCTAssertTrue(recursive.allSatisfy { $0 == nil }, "\(recursive)")
        XCTAssertEqual(try origins("WITH RECURSIVE w AS (SELECT email FROM customers), q AS (SELECT 1 AS k UNION ALL SELECT k + 1 FROM q WHERE k < 2) SELECT w.email, q.k FROM w, q LIMIT 1"),
                       ["customers.\(email)", nil])
        XCTAssertEqual(try origins("SELECT g FROM generate_series(1, 2) g"), [nil])
        // A view reports itself, not the table under it (as PostgreSQL does).
        _ = try s.execute("CREATE VIEW contact AS SELECT 0 AS n, email FROM customers").allRows()
        XCTAssertEqual(try origins("SELECT email, n FROM contact LIMIT 1"), ["contact.2", "contact.1"])
        let view = try s.execute("SELECT email FROM contact LIMIT 1")
        XCTAssertEqual(s.columnSources(of: view), [ResultColumnSource(tableOID: try XCTUnwrap(try oid(s, "contact")), attributeNumber: 2)])
    }

    func testDescribeCarriesOrigins() throws {
        let s = try demo()
        let parsed = try XCTUnwrap(try Parser.parse("SELECT total, $1::int FROM orders").first)
        let d = try s.describe(parsed, parameterTypes: [:], count: 1)
        XCTAssertEqual(d.columnOrigins.map { $0?.relation.name }, ["orders", nil])
    }
}
