// WITH queries referenced more than once are computed once (MaterializedCTE.swift,
// CTEScanOperator.swift): the plans EXPLAIN shows for each materialisation choice,
// the same rows as the inlined (NOT MATERIALIZED) form, one evaluation seen by
// every reference, and masks and row policies applied exactly as when inlined.

import XCTest
import Columnar
@testable import Engine

final class MaterializedCTETests: XCTestCase {
    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE t AS SELECT g AS a, g % 7 AS k, CASE WHEN g % 5 = 0 THEN NULL ELSE g * 3 END AS v FROM generate_series(1, 3000) AS r(g)").allRows()
        return s
    }

    private func plan(_ s: Session, _ sql: String) throws -> [String] {
        try s.execute("EXPLAIN " + sql).allRows().compactMap { row -> String? in
            if case .string(let t)? = row.first { return t }
            return nil
        }
    }

    private func count(_ lines: [String], _ prefix: String) -> Int {
        lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }.count
    }

    func testReferencedTwiceIsComputedOnceAndShownOnce() throws {
        let s = try session()
        let lines = try plan(s, "WITH s AS (SELECT k, sum(v) AS total FROM t GROUP BY k) SELECT k FROM s WHERE total = (SELECT max(total) FROM s)")
        let text = lines.joined(separator: "\n")
        XCTAssertEqual(count(lines, "CTE s"), 1, text)
        XCTAssertEqual(count(lines, "CTE Scan on s"), 1, text)   // the subquery's own reference is not drawn
        XCTAssertEqual(count(lines, "Scan t"), 1, text)
        XCTAssertEqual(count(lines, "Aggregate"), 1, text)
        let join = try plan(s, "WITH s AS (SELECT a, k FROM t WHERE v > 100) SELECT count(*) FROM s x JOIN s y ON x.a = y.k")
        XCTAssertEqual(count(join, "CTE Scan on s"), 2, join.joined(separator: "\n"))
        XCTAssertEqual(count(join, "Scan t"), 1, join.joined(separator: "\n"))
    }

    func testReferencedOnceOrNotMaterializedIsInlined() throws {
        let s = try session()
        for sql in ["WITH s AS (SELECT a, k FROM t) SELECT a FROM s WHERE k = 3",
                    "WITH s AS NOT MATERIALIZED (SELECT a, k FROM t) SELECT count(*) FROM s x JOIN s y ON x.a = y.a",
                    // Unreferenced CTEs are not run at all.
                    "WITH unused AS (SELECT a / 0 FROM t), s AS (SELECT a FROM t) SELECT a FROM s"] {
            let lines = try plan(s, sql)
            XCTAssertEqual(count(lines, "CTE"), 0, "\(sql)\n\(lines.joined(separator: "\n"))")
        }
        // Inlined, the filter reaches the scan.
        XCTAssertTrue(try plan(s, "WITH s AS (SELECT a, k FROM t) SELECT a FROM s WHERE k = 3").joined().contains("pushdown"))
        XCTAssertEqual(try s.execute("WITH unused AS (SELECT a / 0 FROM t), s AS (SELECT a FROM t) SELECT count(*) FROM s").allRows(), [[.int(3000)]])
    }

    func testMaterializedOrVolatileIsMaterializedEvenWhenReferencedOnce() throws {
        let s = try session()
        for sql in ["WITH s AS MATERIALIZED (SELECT a, k FROM t) SELECT a FROM s WHERE k = 3",
                    "WITH s AS (SELECT a, random() AS r FROM t) SELECT a FROM s WHERE r < 2",
                    "WITH s AS NOT MATERIALIZED (SELECT a, random() AS r FROM t) SELECT a FROM s WHERE r < 2"] {
            let lines = try plan(s, sql)
            XCTAssertEqual(count(lines, "CTE Scan on s"), 1, "\(sql)\n\(lines.joined(separator: "\n"))")
            XCTAssertEqual(try s.execute(sql).allRows().count, sql.contains("k = 3") ? 429 : 3000, sql)
        }
    }

    /// Every query gives the same rows materialised and inlined (NOT MATERIALIZED).
    func testSameRowsMaterializedAndInlined() throws {
        let s = try session()
        let queries = [
            "WITH s AS %@ (SELECT k, sum(v) AS total FROM t GROUP BY k) SELECT k, total FROM s WHERE total = (SELECT max(total) FROM s)",
            "WITH s AS %@ (SELECT a, k, v FROM t WHERE v IS NOT NULL) SELECT x.a, y.a FROM s x JOIN s y ON x.k = y.k + 1 WHERE x.v > 50 AND y.a < 20",
            "WITH s AS %@ (SELECT a, k FROM t) SELECT a FROM t WHERE a IN (SELECT k FROM s) AND NOT EXISTS (SELECT 1 FROM s WHERE s.a = t.a * 1000)",
            "WITH s AS %@ (SELECT k, count(*) AS n FROM t GROUP BY k) SELECT t.a, (SELECT n FROM s WHERE s.k = t.k) FROM t WHERE t.a < 40",
            "WITH s AS %@ (SELECT a, v FROM t WHERE a < 10) SELECT x.a, y.v FROM s x LEFT JOIN s y ON x.a = y.a - 1",
            "WITH s AS %@ (SELECT a FROM t WHERE a < 0) SELECT count(*), (SELECT max(a) FROM s) FROM s",
        ]
        for q in queries {
            let materialized = try s.execute(q.replacingOccurrences(of: "%@", with: "MATERIALIZED")).allRows()
            let inlined = try s.execute(q.replacingOccurrences(of: "%@", with: "NOT MATERIALIZED")).allRows()
            let byDefault = try s.execute(q.replacingOccurrences(of: "%@", with: "")).allRows()
            XCTAssertFalse(materialized.isEmpty, q)
            XCTAssertEqual(materialized.map { "\($0)" }.sorted(), inlined.map { "\($0)" }.sorted(), q)
            XCTAssertEqual(byDefault.map { "\($0)" }.sorted(), inlined.map { "\($0)" }.sorted(), q)
        }
    }

    /// One evaluation for every reference: a join, a scalar subquery and a correlated one.
    func testEveryReferenceSeesOneEvaluation() throws {
        let s = try session()
        let rows = try s.execute("""
            WITH r AS (SELECT a, random() AS x FROM t WHERE a <= 100)
            SELECT count(*) FROM r p JOIN r q ON p.a = q.a
            WHERE p.x = q.x AND p.x = (SELECT x FROM r WHERE r.a = p.a) AND (SELECT sum(x) FROM r) = (SELECT sum(x) FROM r)
            """).allRows()
        XCTAssertEqual(rows, [[.int(100)]])
    }

    /// A CTE that fails fails the statement with its own SQLSTATE, whichever reference reads it first.
    func testErrorInDefinition() throws {
        let s = try session()
        for sql in ["WITH z AS (SELECT a / (a - 7) AS q FROM t) SELECT count(*) FROM z x JOIN z y ON x.q = y.q",
                    "WITH z AS (SELECT a / (a - 7) AS q FROM t) SELECT (SELECT max(q) FROM z), count(*) FROM z"] {
            XCTAssertThrowsError(try s.execute(sql).allRows(), sql) { e in
                XCTAssertEqual((e as? SQLError)?.sqlState, "22012", "\(e)")
            }
        }
        // The session is usable afterwards.
        XCTAssertEqual(try s.execute("WITH z AS (SELECT a FROM t) SELECT count(*) FROM z x JOIN z y ON x.a = y.a").allRows(), [[.int(3000)]])
    }

    /// A kept plan (the session's plan cache) must not hide a relation read inside a materialised
    /// CTE; one over constants is kept and evaluates its CTE afresh each time it runs.
    func testPlanCacheSeesRelationsReadInsideMaterializedCTEs() throws {
        let s = try session()
        let sql = "WITH c AS (SELECT max(a) AS m FROM t) SELECT x.m + y.m FROM c x, c y"
        XCTAssertEqual(try s.execute(sql).allRows(), [[.int(6000)]])
        XCTAssertEqual(s.cachedPlanCount, 0)
        _ = try s.execute("INSERT INTO t VALUES (4000, 1, 1)").allRows()
        XCTAssertEqual(try s.execute(sql).allRows(), [[.int(8000)]])
        let constant = "WITH r AS (SELECT random() AS x) SELECT a.x = b.x, a.x FROM r a, r b"
        let first = try s.execute(constant).allRows()
        XCTAssertEqual(s.cachedPlanCount, 1)
        let second = try s.execute(constant).allRows()
        XCTAssertEqual(first.first?.first, .bool(true))
        XCTAssertEqual(second.first?.first, .bool(true))
        XCTAssertNotEqual(first.first?.last, second.first?.last, "random() is drawn again at each run")
    }

    /// Masks and row policies apply inside the definition, once, exactly as when it is inlined.
    func testMasksAndRowPoliciesApplyToMaterializedCTEs() throws {
        let s = try PersonalData.session()
        for sql in ["WITH e AS (SELECT id, email, ssn FROM people) SELECT a.email, b.ssn FROM e a JOIN e b ON a.id = b.id",
                    "WITH e AS MATERIALIZED (SELECT email FROM people) SELECT email FROM e WHERE email = (SELECT max(email) FROM e)",
                    "EXPLAIN WITH e AS (SELECT id, email, ssn FROM people) SELECT a.email, b.ssn FROM e a JOIN e b ON a.id = b.id",
                    "EXPLAIN ANALYZE WITH e AS (SELECT id, email, ssn FROM people) SELECT a.email, b.ssn FROM e a JOIN e b ON a.id = b.id"] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
        let twice = assertNoLeak(s, "WITH e AS (SELECT id, email FROM people) SELECT a.id, b.email FROM e a JOIN e b ON a.id = b.id ORDER BY 1")
        let inlined = assertNoLeak(s, "WITH e AS NOT MATERIALIZED (SELECT id, email FROM people) SELECT a.id, b.email FROM e a JOIN e b ON a.id = b.id ORDER BY 1")
        XCTAssertEqual(twice.rows, inlined.rows)
        XCTAssertEqual(twice.rows.map { $0[0] }, ["1", "2", "3"])   // the row policy hides the US rows
    }
}
