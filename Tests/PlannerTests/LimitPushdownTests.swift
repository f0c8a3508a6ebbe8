// Before/after plan tests for the LimitPushdown rule.

import XCTest
import Columnar
@testable import Planner

final class LimitPushdownTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { LimitPushdown.apply(p) }

    func testLimitMovesBelowProjections() throws {
        try assertRewrite("SELECT * FROM (SELECT name, id + 1 AS x FROM customers) s LIMIT 3 OFFSET 2", rule,
            before: """
            Limit 3 offset 2
              Project #0 AS name, #1 AS x
                Project #1 AS name, (#0 + 1) AS x
                  Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS name, #1 AS x
              Project #1 AS name, (#0 + 1) AS x
                Limit 3 offset 2
                  Scan customers [id, name, country]
            """)
    }

    func testStackedLimitsMerge() throws {
        // Inner keeps rows 1…10; the outer skips 2 of those and takes 5: rows 3…7.
        try assertRewrite("SELECT * FROM (SELECT * FROM customers LIMIT 10 OFFSET 1) s LIMIT 5 OFFSET 2", rule,
            before: """
            Limit 5 offset 2
              Project #0 AS id, #1 AS name, #2 AS country
                Limit 10 offset 1
                  Project #0 AS id, #1 AS name, #2 AS country
                    Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS id, #1 AS name, #2 AS country
              Project #0 AS id, #1 AS name, #2 AS country
                Limit 5 offset 3
                  Scan customers [id, name, country]
            """)
        // An outer offset past the inner limit leaves nothing.
        let scan = try PlanFixture.bind("SELECT * FROM customers")
        let merged = LimitPushdown.apply(.limit(.limit(scan, limit: 4, offset: 0), limit: nil, offset: 6))
        XCTAssertEqual(merged.explain(), """
            Project #0 AS id, #1 AS name, #2 AS country
              Limit 0 offset 6
                Scan customers [id, name, country]
            """)
    }

    func testLimitAboveSortStaysAndEmptyLimitVanishes() throws {
        try assertRewrite("SELECT name FROM customers ORDER BY name LIMIT 5", rule,
            before: """
            Limit 5 offset 0
              Sort #0 ASC
                Project #1 AS name
                  Scan customers [id, name, country]
            """,
            after: """
            Limit 5 offset 0
              Sort #0 ASC
                Project #1 AS name
                  Scan customers [id, name, country]
            """)
        // The binder drops LIMIT ALL itself; a hand-built one goes too.
        let plan = try PlanFixture.bind("SELECT name FROM customers")
        let limited = LogicalPlan.limit(plan, limit: nil, offset: 0)
        XCTAssertEqual(LimitPushdown.apply(limited).explain(), plan.explain())
        assertSameOutput(limited, LimitPushdown.apply(limited))
    }

    func testUnionAllBranchesGetLimitPlusOffset() throws {
        try assertRewrite("SELECT name FROM customers UNION ALL SELECT note FROM orders LIMIT 3 OFFSET 2", rule,
            before: """
            Limit 3 offset 2
              Union All
                Project #1 AS name
                  Scan customers [id, name, country]
                Project #3 AS note
                  Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Limit 3 offset 2
              Union All
                Project #1 AS name
                  Limit 5 offset 0
                    Scan customers [id, name, country]
                Project #3 AS note
                  Limit 5 offset 0
                    Scan orders [id, customer_id, amount, note]
            """)
        // UNION (distinct) needs every row of both branches.
        let distinct = try PlanFixture.bind("SELECT name FROM customers UNION SELECT note FROM orders LIMIT 3")
        XCTAssertEqual(rule(distinct).explain(), distinct.explain())
    }
}
