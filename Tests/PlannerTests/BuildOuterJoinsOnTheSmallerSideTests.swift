// Before/after plan tests for the BuildOuterJoinsOnTheSmallerSide rule.

import XCTest
import Columnar
@testable import Planner

final class BuildOuterJoinsOnTheSmallerSideTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { BuildOuterJoinsOnTheSmallerSide.apply(p) }

    func testSmallPreservedSideOfLeftJoinBecomesTheBuildSideOfARightJoin() throws {
        // customers (10k) LEFT JOIN orders (1M): orders probes a table of customers, the unmatched
        // customers come out as the right join's remainder, and the columns keep their order.
        try assertRewrite("SELECT c.id, o.amount FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.amount > c.id", rule,
            before: """
            Project #0 AS id, #5 AS amount
              Left Join on ((#4 = #0) AND (#5 > CAST(#0 AS double precision)))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS id, #5 AS amount
              Project #4 AS id, #5 AS name, #6 AS country, #0 AS id, #1 AS customer_id, #2 AS amount, #3 AS note
                Right Join on ((#1 = #4) AND (#2 > CAST(#4 AS double precision)))
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
            """)
    }

    func testFullJoinBuildsOnItsSmallerInput() throws {
        try assertRewrite("SELECT * FROM countries r FULL JOIN customers c ON c.country = r.code", rule,
            before: """
            Project #0 AS code, #1 AS region, #2 AS id, #3 AS name, #4 AS country
              Full Join on (#4 = #0)
                Scan countries [code, region]
                Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS code, #1 AS region, #2 AS id, #3 AS name, #4 AS country
              Project #3 AS code, #4 AS region, #0 AS id, #1 AS name, #2 AS country
                Full Join on (#2 = #3)
                  Scan customers [id, name, country]
                  Scan countries [code, region]
            """)
    }

    func testJoinsAlreadyBuildingOnTheSmallerSideAreKept() throws {
        let sql = "SELECT * FROM orders o LEFT JOIN customers c ON o.customer_id = c.id"
        let plan = try PlanFixture.bind(sql)
        XCTAssertEqual(rule(plan).explain(), plan.explain())
        // A full join whose right input is already the smaller one.
        let full = try PlanFixture.bind("SELECT * FROM customers c FULL JOIN countries r ON c.country = r.code")
        XCTAssertEqual(rule(full).explain(), full.explain())
    }

    func testEstimatesWithinTheMarginKeepTheWrittenOrder() throws {
        // customers filtered to a third (3,333 rows) against customers (10k): not twice as large.
        let sql = "SELECT * FROM customers a LEFT JOIN customers b ON a.id = b.id AND b.id > 5"
        let plan = PushOuterJoinConditionsIntoInputs.apply(try PlanFixture.bind(sql))
        XCTAssertEqual(rule(plan).explain(), plan.explain())
        // The same with the left side filtered: 3,333 × 2 ≤ 10,000, so it is turned around.
        let small = PushDownFilters.apply(try PlanFixture.bind(
            "SELECT * FROM (SELECT * FROM customers WHERE id > 5) a LEFT JOIN customers b ON a.id = b.id"))
        XCTAssertTrue(rule(small).explain().contains("Right Join"), rule(small).explain())
    }

    func testJoinsWithoutAnEqualityBetweenTheInputsAreKept() throws {
        for sql in ["SELECT * FROM countries r LEFT JOIN orders o ON o.amount > 10",
                    "SELECT * FROM countries r LEFT JOIN orders o ON o.note < r.code",
                    "SELECT * FROM countries r LEFT JOIN orders o ON o.note = 'x' AND r.code = 'y'",
                    "SELECT * FROM countries r LEFT JOIN orders o ON o.note = r.code AND random() > 0.5"] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}
