// Adversarial tests for row policies: no row outside the policies is ever
// visible — not through results, counts, joins, subqueries, set operations,
// views, EXPLAIN ANALYZE, nor error side channels (a division by zero that
// only a hidden row would trigger). Permissive policies OR-combine; RLS with
// no policy shows no rows; superusers bypass.

import XCTest
import Columnar
import Planner
@testable import Engine

final class RowPolicyAdversarialTests: XCTestCase {
    /// Only the hidden rows' values (the masks are off here, to isolate row policies).
    let hidden = ["Hidden", "Harriet", "Hugo", "harriet.qzx4", "hugo.qzx5", "444-44-4444", "555-55-5555", "999999.99", "77777.77", "1975-11-30", "1969-04-01"]

    func rlsOnly() -> TestAccess {
        let a = TestAccess()
        a.policy("people", "eu_only", "region = 'EU'")
        return a
    }

    func testTheLeakCheckSeesRawValuesWithoutPolicies() throws {
        // The harness itself: unrestricted, the hidden rows do show up (so the checks below can fail).
        let s = try PersonalData.session(TestAccess())
        let shown = show(s, "SELECT * FROM people")
        XCTAssertTrue(shown.text.contains("Hidden Harriet"))
        XCTAssertTrue(shown.text.contains("harriet.qzx4@corp.example"))
        XCTAssertEqual(shown.rows.count, 5)
    }

    func testHiddenRowsNeverAppear() throws {
        let s = try PersonalData.session(rlsOnly())
        XCTAssertEqual(assertNoLeak(s, "SELECT count(*) FROM people", secrets: hidden).rows, [["3"]])
        for sql in [
            "SELECT * FROM people",
            "SELECT * FROM people WHERE region = 'US'",
            "SELECT * FROM people WHERE region <> 'EU' OR true",
            "SELECT name FROM people WHERE id IN (4, 5)",
            "SELECT max(salary), min(birth), string_agg(name, ',') FROM people",
            "SELECT p.name FROM people p JOIN guesses g ON p.name = g.g",
            "SELECT g FROM guesses WHERE g IN (SELECT name FROM people)",
            "SELECT (SELECT count(*) FROM people q WHERE q.salary > p.salary) FROM people p",
            "SELECT name FROM people UNION ALL SELECT name FROM people WHERE region = 'US'",
            "WITH RECURSIVE r(i, n) AS (SELECT id, name FROM people UNION ALL SELECT i + 10, n FROM r WHERE i < 20) SELECT * FROM r",
            "SELECT name, row_number() OVER (ORDER BY salary DESC) FROM people",
            "SELECT * FROM people p1 FULL JOIN people p2 ON p1.id = p2.id + 3",
            "EXPLAIN ANALYZE SELECT * FROM people WHERE region = 'US'",
        ] {
            let shown = assertNoLeak(s, sql, secrets: hidden)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
        XCTAssertEqual(show(s, "SELECT count(*) FROM people WHERE region = 'US'").rows, [["0"]])
        // The user's own guess of a hidden name is not removed by EXCEPT: the hidden row is not there.
        XCTAssertEqual(show(s, "SELECT g FROM guesses EXCEPT SELECT name FROM people ORDER BY 1").rows.map { $0[0] },
                       ["111-11-1111", "Hidden Harriet", "ana.qzx1@corp.example"])
    }

    func testErrorSideChannelsNeverFireOnHiddenRows() throws {
        let s = try PersonalData.session(rlsOnly())
        for sql in [
            "SELECT id FROM people WHERE 1 / (CASE WHEN name = 'Hidden Harriet' THEN 0 ELSE 1 END) = 1",
            "SELECT id FROM people WHERE 1 / (CASE WHEN region = 'US' THEN 0 ELSE 1 END) = 1",
            "SELECT id FROM people WHERE (CASE WHEN salary > 500000 THEN name ELSE '1' END)::int = 1",
            "SELECT id FROM people WHERE name::int = 1 AND region = 'EU'",
            "SELECT 1 / (CASE WHEN region = 'US' THEN 0 ELSE 1 END) FROM people",
            "SELECT count(*) FROM people GROUP BY region HAVING 1 / (CASE WHEN region = 'US' THEN 0 ELSE 1 END) = 1",
            "SELECT id FROM people p WHERE EXISTS (SELECT 1 FROM people q WHERE q.id = p.id + 3 AND 1 / (CASE WHEN q.region = 'US' THEN 0 ELSE 1 END) = 1)",
            "SELECT id FROM people WHERE id = 4 AND 1 / 0 = 1",
        ] {
            let shown = assertNoLeak(s, sql, secrets: hidden)
            // Either no error, or one about a visible row's value: never a division by zero from a hidden row.
            XCTAssertNotEqual(shown.error?.sqlState, SQLState.divisionByZero, "\(sql): \(shown.text)")
        }
        // A cast error quotes the visible row it failed on.
        let cast = show(s, "SELECT id FROM people WHERE name::int = 1")
        XCTAssertEqual(cast.error?.sqlState, SQLState.invalidTextRepresentation)
        XCTAssertFalse(cast.text.contains("Hidden"))
    }

    func testProgressDisplaysDoNotCountRowsBelowABarrier() throws {
        let s = try PersonalData.session(TestAccess())
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)")
            s.accessControl = TestAccess()
            _ = try s.execute("SELECT * FROM people").allRows()
            XCTAssertEqual(s.progress.snapshot.rowsScanned, 5)
            s.accessControl = rlsOnly()
            XCTAssertEqual(try s.execute("SELECT * FROM people").allRows().count, 3)
            // 5 rows were read, 2 of them hidden: the count would tell.
            XCTAssertEqual(s.progress.snapshot.rowsScanned, 0, "threads \(threads)")
            XCTAssertEqual(s.progress.snapshot.morselsDone, s.progress.snapshot.morselsTotal)
        }
    }

    func testPermissivePoliciesCombineWithOr() throws {
        let a = rlsOnly()
        a.policy("people", "rich", "salary > 900000")
        let s = try PersonalData.session(a)
        XCTAssertEqual(show(s, "SELECT id FROM people ORDER BY id").rows.map { $0[0] }, ["1", "2", "3", "4"])
        XCTAssertEqual(s.lastAccessReport.rowPolicies.map(\.policies), [["eu_only", "rich"]])
    }

    func testRLSWithoutAPolicyForTheRoleShowsNoRows() throws {
        let a = TestAccess()
        a.rowPolicyTable["public.people"] = []
        let s = try PersonalData.session(a)
        XCTAssertEqual(assertNoLeak(s, "SELECT count(*) FROM people", secrets: hidden + ["Ana", "Ben"]).rows, [["0"]])
        XCTAssertEqual(assertNoLeak(s, "SELECT * FROM people", secrets: hidden + ["Ana", "Ben"]).rows, [])
        XCTAssertEqual(assertNoLeak(s, "SELECT g FROM guesses WHERE g IN (SELECT name FROM people)", secrets: ["Ana", "Ben"]).rows, [])
    }

    func testSuperuserBypassesRowPolicies() throws {
        let a = rlsOnly()
        a.isSuperuser = true
        let s = try PersonalData.session(a)
        XCTAssertEqual(show(s, "SELECT count(*) FROM people").rows, [["5"]])
    }

    func testViewsApplyTheQueryingRolesPolicies() throws {
        let s = try PersonalData.session(TestAccess())
        _ = try s.execute("CREATE VIEW everyone AS SELECT id, name, region FROM people")
        _ = try s.execute("CREATE VIEW everyone2 AS SELECT name FROM everyone")
        XCTAssertEqual(show(s, "SELECT count(*) FROM everyone2").rows, [["5"]])
        s.accessControl = rlsOnly()
        XCTAssertEqual(assertNoLeak(s, "SELECT * FROM everyone2 ORDER BY 1", secrets: hidden).rows, [["Ana"], ["Ben"], ["Cy"]])
    }

    func testPolicyWithASubqueryOnAMappingTable() throws {
        let a = TestAccess()
        a.policy("people", "my_regions", "region IN (SELECT r FROM allowed WHERE u = 'staff')")
        let s = try PersonalData.session(TestAccess())
        _ = try s.execute("CREATE TABLE allowed (u text, r text)")
        _ = try s.execute("INSERT INTO allowed VALUES ('staff', 'EU'), ('boss', 'US')")
        s.accessControl = a
        XCTAssertEqual(assertNoLeak(s, "SELECT name FROM people ORDER BY id", secrets: hidden).rows, [["Ana"], ["Ben"], ["Cy"]])
        // A correlated policy (EXISTS on the mapping table) gives the same rows.
        a.rowPolicyTable["public.people"] = [RowPolicyDefinition(name: "corr", roles: ["staff"],
            usingSQL: "EXISTS (SELECT 1 FROM allowed a WHERE a.r = people.region AND a.u = 'staff')")]
        XCTAssertEqual(assertNoLeak(s, "SELECT name FROM people ORDER BY id", secrets: hidden).rows, [["Ana"], ["Ben"], ["Cy"]])
        // The user cannot swap the mapping table for a CTE of their own.
        XCTAssertEqual(assertNoLeak(s, "WITH allowed AS (SELECT 'staff' AS u, 'US' AS r) SELECT name FROM people ORDER BY id",
                                    secrets: hidden).rows, [["Ana"], ["Ben"], ["Cy"]])
    }
}
