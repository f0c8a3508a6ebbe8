// AggregateSubqueriesToWindows seen through SQL: each shape it rewrites
// returns the same rows with the rule on and off (`lakesql.disabled_rules`),
// over keys with NULLs, groups repeated by duplicate outer keys, and values
// the subquery computes over no rows; the rewritten plans really hold a
// window and read the shared table once.

import XCTest
import Columnar
@testable import Engine

final class AggregateSubqueriesToWindowsResultTests: XCTestCase {
    private func session() throws -> Session { try DecorrelationTables.session() }

    private func plan(_ s: Session, _ sql: String) throws -> String { try DecorrelationTables.plan(s, sql) }

    private static let rewritten = [
        // Q2: equality with a correlated min; p repeats keys, so groups are repeated.
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = 2 AND f.q = (SELECT min(f2.q) FROM f f2 WHERE f2.k = p.k) ORDER BY 1, 2",
        // Q17: avg of an exact numeric, under an expression.
        "SELECT sum(f.price), count(*) FROM f, p WHERE p.k = f.k AND p.grp = 1 AND f.price < (SELECT 0.9 * avg(f2.price) FROM f f2 WHERE f2.k = p.k)",
        // The subquery's own conditions and a third relation, shared by both sides.
        """
        SELECT p.id, f.id, g.kind FROM p, f, g WHERE p.k = f.k AND f.k2 = g.code AND g.kind = 'even' AND p.name LIKE 'n1%'
          AND f.q = (SELECT max(f2.q) FROM f f2, g g2 WHERE f2.k = p.k AND f2.k2 = g2.code AND g2.kind = 'even') ORDER BY 1, 2
        """,
        // Two correlation keys.
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = f.k2 AND f.q = (SELECT max(f2.q) FROM f f2 WHERE f2.k = p.k AND f2.k2 = p.grp) ORDER BY 1, 2",
        // One table, correlated on its own key (NULL keys, NULL values): rows with their group's maximum.
        "SELECT id, k, nq FROM f WHERE nq = (SELECT max(f2.nq) FROM f f2 WHERE f2.k = f.k) ORDER BY id",
        // A NULL key's subquery sees no rows: its value is NULL, not its partition's.
        "SELECT id FROM f WHERE (SELECT max(f2.q) FROM f f2 WHERE f2.k = f.k) IS NULL ORDER BY id",
        "SELECT id FROM f WHERE coalesce((SELECT min(f2.nq) FROM f f2 WHERE f2.k = f.k), -1) < 1 ORDER BY id",
        // … and the subquery's own expression over its aggregates sees them NULL for that key.
        "SELECT id FROM f WHERE (SELECT coalesce(max(f2.nq), -1) FROM f f2 WHERE f2.k = f.k) < 0 ORDER BY id",
        // bool_and and a comparison other than equality with the subquery.
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = 3 AND f.flag = (SELECT bool_and(f2.flag) FROM f f2 WHERE f2.k = p.k) ORDER BY 1, 2",
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = 0 AND f.q >= (SELECT max(f2.q) - 2 FROM f f2 WHERE f2.k = p.k) ORDER BY 1, 2",
    ]

    private static let untouched = [
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = 2 AND f.q > (SELECT sum(f2.q) / 40 FROM f f2 WHERE f2.k = p.k) ORDER BY 1, 2",
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND f.id > 100 AND f.q = (SELECT min(f2.q) FROM f f2 WHERE f2.k = p.k) ORDER BY 1, 2",
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND f.q = (SELECT min(f2.q) FROM f f2 WHERE f2.k = p.k AND f2.q > 3) ORDER BY 1, 2",
    ]

    func testSameRowsWithTheRuleOnAndOff() throws {
        let s = try session()
        var on: [[[Value]]] = [], plansOn: [String] = []
        for sql in Self.rewritten + Self.untouched {
            on.append(try s.execute(sql).allRows())
            plansOn.append(try plan(s, sql))
        }
        _ = try s.execute("SET lakesql.disabled_rules = 'AggregateSubqueriesToWindows'").allRows()
        for (i, sql) in (Self.rewritten + Self.untouched).enumerated() {
            let off = try s.execute(sql).allRows()
            XCTAssertFalse(off.isEmpty, sql)
            XCTAssertEqual("\(on[i])", "\(off)", sql)
            let planOff = try plan(s, sql)
            XCTAssertFalse(planOff.contains("Window"), planOff)
            if i < Self.rewritten.count {
                XCTAssertTrue(plansOn[i].contains("Window ["), "rule applies to: \(sql)\n\(plansOn[i])")
                // f is scanned once instead of twice (bool_and is left to a per-row subquery without the rule).
                if !planOff.contains("(subquery)") { XCTAssertEqual(plansOn[i].components(separatedBy: "Scan f ").count, planOff.components(separatedBy: "Scan f ").count - 1,
                               "\(plansOn[i])\n\(planOff)") }
            } else {
                XCTAssertEqual(plansOn[i], planOff, "rule leaves alone: \(sql)")
            }
        }
    }

    func testLargeWindowsGroupByHashing() throws {
        // Every row its own partition, and partitions of many rows: the hashed path of the window
        // operator over more than one batch, with the query's own window for comparison.
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE w AS SELECT x AS id, x % 1000 AS k, (x * 7919) % 10007 AS v FROM generate_series(1, 30000) AS r(x)").allRows()
        for key in ["id", "k"] {
            let rewritten = try s.execute("SELECT count(*), sum(v) FROM w WHERE v = (SELECT max(w2.v) FROM w w2 WHERE w2.\(key) = w.\(key))").allRows()
            let windowed = try s.execute("SELECT count(*), sum(v) FROM (SELECT v, max(v) OVER (PARTITION BY \(key)) AS m FROM w) t WHERE v = m").allRows()
            let grouped = try s.execute("SELECT count(*), sum(w.v) FROM w JOIN (SELECT \(key) AS g, max(v) AS m FROM w GROUP BY \(key)) t ON t.g = w.\(key) AND w.v = t.m").allRows()
            XCTAssertEqual("\(rewritten)", "\(grouped)", key)
            XCTAssertEqual("\(windowed)", "\(grouped)", key)
            XCTAssertTrue(try plan(s, "SELECT id FROM w WHERE v = (SELECT max(w2.v) FROM w w2 WHERE w2.\(key) = w.\(key))").contains("Window ["))
        }
        // A query's own window still returns its rows in partition order, as PostgreSQL does.
        let ordered = try s.execute("SELECT k FROM (SELECT k, max(v) OVER (PARTITION BY k) FROM w WHERE id <= 3000) t").allRows()
        XCTAssertEqual(ordered.map { "\($0[0])" }, ordered.map { $0[0] }.sorted { "\($0)".count == "\($1)".count ? "\($0)" < "\($1)" : "\($0)".count < "\($1)".count }.map { "\($0)" })
    }

    func testGroupTotalsGiveTheSameRowsWithTheRuleOnAndOff() throws {
        let s = try session()
        let queries = [
            // Q11: groups whose value exceeds a share of the total, over a join (NULL keys form a group).
            """
            SELECT f.k, sum(f.price * f.q) AS v FROM f, g WHERE f.k2 = g.code AND g.kind = 'even' GROUP BY f.k
            HAVING sum(f.price * f.q) > (SELECT sum(f2.price * f2.q) * 0.01 FROM f f2, g g2 WHERE f2.k2 = g2.code AND g2.kind = 'even')
            ORDER BY v DESC, f.k
            """,
            "SELECT k, count(*) FROM f GROUP BY k HAVING count(*) >= (SELECT count(*) / 61 FROM f) ORDER BY k",
            "SELECT k, count(nq) FROM f GROUP BY k HAVING count(nq) * 70 > (SELECT count(nq) FROM f) ORDER BY k",
            "SELECT k2, max(q), min(q) FROM f GROUP BY k2 HAVING max(q) = (SELECT max(q) FROM f) AND min(q) = (SELECT min(q) FROM f) ORDER BY k2",
        ]
        let empty = "SELECT k, count(*) FROM f WHERE q > 100 GROUP BY k HAVING count(*) > (SELECT count(*) FROM f WHERE q > 100)"
        var on: [[[Value]]] = [], plansOn: [String] = []
        for sql in queries + [empty] {
            on.append(try s.execute(sql).allRows())
            plansOn.append(try plan(s, sql))
        }
        _ = try s.execute("SET lakesql.disabled_rules = 'GroupTotalsToWindows'").allRows()
        for (i, sql) in (queries + [empty]).enumerated() {
            let off = try s.execute(sql).allRows()
            XCTAssertEqual(off.isEmpty, i == queries.count, sql)
            XCTAssertEqual("\(on[i])", "\(off)", sql)
            XCTAssertTrue(plansOn[i].contains("Window ["), "rule applies to: \(sql)\n\(plansOn[i])")
            XCTAssertFalse(try plan(s, sql).contains("Window ["), sql)
        }
    }

    func testCombinationsOfAggregateComparisonAndConditionsMatchTheRuleOff() throws {
        // Every aggregate (rewritten or not) against every comparison, with conditions that are
        // the same on both sides, on one side only, or absent: the two plans must agree.
        let s = try session()
        // sum and count scaled into q's range, so that a sum over repeated groups would show.
        let calls = ["min(f2.q)", "max(f2.nq)", "avg(f2.price)", "avg(f2.q) + 0", "sum(f2.q) / 40", "count(*) / 6", "count(f2.nq) / 6", "max(f2.price) - 1"]
        let comparisons = ["=", "<", ">=", "<>", "IS NOT DISTINCT FROM"]
        let conditions = [("", ""), (" AND f.q > 3", " AND f2.q > 3"), (" AND f.k2 = 1", ""), ("", " AND f2.nq IS NULL")]
        var queries: [String] = []
        for (i, call) in calls.enumerated() {
            for (j, op) in comparisons.enumerated() {
                let (outer, inner) = conditions[(i + j) % conditions.count]
                let column = call.contains("price") || call.contains("avg") ? "price" : "q"
                queries.append("SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = \(j)\(outer) AND f.\(column) \(op) (SELECT \(call) FROM f f2 WHERE f2.k = p.k\(inner)) ORDER BY 1, 2")
                queries.append("SELECT f.id FROM f WHERE f.id % 3 = \(i % 3)\(outer) AND f.\(column) \(op) (SELECT \(call) FROM f f2 WHERE f2.k = f.k\(inner)) ORDER BY 1")
            }
        }
        var on: [String] = [], windows = 0
        for sql in queries {
            on.append("\(try s.execute(sql).allRows())")
            if try plan(s, sql).contains("Window [") { windows += 1 }
        }
        _ = try s.execute("SET lakesql.disabled_rules = 'AggregateSubqueriesToWindows'").allRows()
        for (i, sql) in queries.enumerated() {
            XCTAssertEqual(on[i], "\(try s.execute(sql).allRows())", sql)
        }
        // The rewritten share: min, max and the exact avg with matching conditions.
        XCTAssertGreaterThan(windows, 10)
        XCTAssertLessThan(windows, queries.count)
    }
}
