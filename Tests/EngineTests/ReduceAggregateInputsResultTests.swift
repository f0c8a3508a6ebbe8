// ReduceAggregateInputs seen through SQL: every shape it rewrites returns the
// same rows with the rule on and off (`lakesql.disabled_rules`), on keys with
// NULLs and duplicates on both sides, and the rewritten plans really hold the
// extra semi join.

import XCTest
import Columnar
@testable import Engine

final class ReduceAggregateInputsResultTests: XCTestCase {
    private func session() throws -> Session { try DecorrelationTables.session() }

    private func plan(_ s: Session, _ sql: String) throws -> String { try DecorrelationTables.plan(s, sql) }

    private func semiJoins(_ text: String) -> Int { text.components(separatedBy: "Semi Join").count - 1 }

    private static let reduced = [
        // Q17: correlated scalar aggregate, left join with the aggregate padded.
        "SELECT sum(f.q), count(*) FROM f, p WHERE p.k = f.k AND p.grp = 1 AND f.q < (SELECT avg(f2.q) FROM f f2 WHERE f2.k = p.k)",
        // Q2: equality with a correlated min.
        "SELECT p.id, f.id FROM p, f WHERE p.k = f.k AND p.grp = 2 AND f.q = (SELECT min(f2.q) FROM f f2 WHERE f2.k = p.k) ORDER BY 1, 2",
        "SELECT p.id, t.s, t.c FROM p JOIN (SELECT k, sum(q) AS s, count(*) AS c FROM f GROUP BY k) t ON t.k = p.k WHERE p.grp = 2 ORDER BY 1",
        "SELECT p.id, t.s FROM p LEFT JOIN (SELECT k, sum(q) AS s FROM f GROUP BY k) t ON t.k = p.k WHERE p.grp = 3 ORDER BY 1",
        // Q20: two keys.
        "SELECT p.id, t.s FROM p JOIN (SELECT k, k2, sum(q) AS s FROM f GROUP BY k, k2) t ON t.k = p.k AND t.k2 = p.grp WHERE p.name LIKE 'n1%' ORDER BY 1, 2",
        "SELECT id FROM p WHERE grp = 4 AND k IN (SELECT k FROM f GROUP BY k HAVING count(*) > 80) ORDER BY id",
    ]

    private static let untouched = [
        "SELECT t.k, t.s, p.id FROM (SELECT k, sum(q) AS s FROM f GROUP BY k) t LEFT JOIN p ON t.k = p.k AND p.grp = 0 ORDER BY 1, 3",
        "SELECT p.id FROM p, (SELECT max(k) AS m FROM f WHERE k < 40) t WHERE t.m = p.k AND p.grp = 4 ORDER BY 1",
        "SELECT id FROM p WHERE grp = 4 AND k NOT IN (SELECT k FROM f WHERE k IS NOT NULL GROUP BY k HAVING count(*) > 80) ORDER BY id",
    ]

    func testSameRowsWithTheRuleOnAndOff() throws {
        let s = try session()
        // The Q2 and Q17 shapes would become windows (AggregateSubqueriesToWindows) first.
        _ = try s.execute("SET lakesql.disabled_rules = 'AggregateSubqueriesToWindows'").allRows()
        var on: [[[Value]]] = [], plansOn: [String] = []
        for sql in Self.reduced + Self.untouched {
            on.append(try s.execute(sql).allRows())
            plansOn.append(try plan(s, sql))
        }
        _ = try s.execute("SET lakesql.disabled_rules = 'AggregateSubqueriesToWindows,ReduceAggregateInputs'").allRows()
        for (i, sql) in (Self.reduced + Self.untouched).enumerated() {
            let off = try s.execute(sql).allRows()
            XCTAssertFalse(off.isEmpty, sql)
            XCTAssertEqual("\(on[i])", "\(off)", sql)
            let planOff = try plan(s, sql)
            if i < Self.reduced.count {
                XCTAssertEqual(semiJoins(plansOn[i]), semiJoins(planOff) + 1, "rule applies to: \(sql)\n\(plansOn[i])")
            } else {
                XCTAssertEqual(plansOn[i], planOff, "rule leaves alone: \(sql)")
            }
        }
    }
}
