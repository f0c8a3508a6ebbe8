// Before/after plan tests for the SimplifyOuterJoins rule.

import XCTest
import Columnar
@testable import Planner

final class SimplifyOuterJoinsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { SimplifyOuterJoins.apply(p) }

    func testComparisonOnPaddedSideMakesLeftJoinInner() throws {
        let plan = try assertRewrite("SELECT c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount > 10", rule,
            before: """
            Project #1 AS name
              Filter (#5 > 10)
                Left Join on (#4 = #0)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #1 AS name
              Filter (#5 > 10)
                Inner Join on (#4 = #0)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """)
        XCTAssertEqual(plan.fields.map(\.name), ["name"])
    }

    func testFullJoinLosesOnlyTheRejectedPadding() throws {
        try assertRewrite("SELECT 1 FROM customers c FULL JOIN orders o ON o.customer_id = c.id WHERE c.country IS NOT NULL", rule,
            before: """
            Project 1 AS ?column?
              Filter #2 IS NOT NULL
                Full Join on (#4 = #0)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project 1 AS ?column?
              Filter #2 IS NOT NULL
                Left Join on (#4 = #0)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testNullTolerantFiltersKeepTheOuterJoin() throws {
        for sql in [
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount IS NULL",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount > 10 OR c.id = 1",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE coalesce(o.amount, 0) = 0",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE c.id = 3",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}
