// Before/after plan tests for the MergeProjections rule.

import XCTest
import Columnar
@testable import Planner

final class MergeProjectionsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { MergeProjections.apply(p) }

    func testStackedProjectionsCollapse() throws {
        try assertRewrite("SELECT x * 2, name FROM (SELECT name, id + 1 AS x FROM customers) s", rule,
            before: """
            Project (#1 * 2) AS ?column?, #0 AS name
              Project #1 AS name, (#0 + 1) AS x
                Scan customers [id, name, country]
            """,
            after: """
            Project ((#0 + 1) * 2) AS ?column?, #1 AS name
              Scan customers [id, name, country]
            """)
    }

    func testExpressionUsedTwiceIsNotDuplicated() throws {
        let sql = "SELECT x, x + 1 FROM (SELECT id * 3 AS x FROM customers) s"
        let plan = try PlanFixture.bind(sql)
        XCTAssertEqual(rule(plan).explain(), plan.explain())
    }

    func testJoinOrderProjectionMergesIntoSelectList() throws {
        let plan = try PlanFixture.bind("SELECT c.name, r.region FROM countries r, customers c, orders o WHERE o.customer_id = c.id AND c.country = r.code")
        let optimized = Optimizer.optimize(plan)
        XCTAssertEqual(optimized.explain(), """
            Project #2 AS name, #5 AS region
              Inner Join on (#0 = #1)
                Scan orders [customer_id]
                Inner Join on (#2 = #3)
                  Scan customers [id, name, country]
                  Scan countries [code, region]
            """)
        assertSameOutput(plan, optimized)
    }
}
