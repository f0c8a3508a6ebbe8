// Before/after plan tests for the MarkJoinsFilteredOnTheMarkToSemiJoins rule.
// The "before" plans are what DecorrelateToMarkJoins and PushDownFilters leave.

import XCTest
import Columnar
@testable import Planner

final class MarkJoinsFilteredOnTheMarkToSemiJoinsTests: XCTestCase {
    private func marked(_ sql: String) throws -> LogicalPlan {
        PushDownFilters.apply(DecorrelateToMarkJoins.apply(try PlanFixture.bind(sql)))
    }

    private func rule(_ p: LogicalPlan) -> LogicalPlan { MarkJoinsFilteredOnTheMarkToSemiJoins.apply(p) }

    func testInMarkKeptOnlyWhenTrueBecomesASemiJoinOnTheValue() throws {
        // The conjunct under CASE keeps the IN out of DecorrelateSubqueries; the filter on the mark
        // (plus another conjunct reading it) sits right above the mark join after pushdown.
        let before = try marked("SELECT name FROM customers c WHERE id IN (SELECT customer_id FROM orders WHERE amount > 1) AND CASE WHEN id IN (SELECT customer_id FROM orders WHERE amount > 1) THEN country ELSE name END = 'x'")
        // Each subquery has its own mark join; the one tested as a conjunct is filtered on its mark.
        XCTAssertEqual(before.explain(), """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (CASE WHEN #4 THEN #2 ELSE #1 END = 'x')
                  Mark Join mark #0 IN #4
                    Filter #3
                      Mark Join mark #0 IN #3
                        Scan customers [id, name, country]
                        Project #1 AS customer_id
                          Filter (#2 > 1)
                            Scan orders [id, customer_id, amount, note]
                    Project #1 AS customer_id
                      Filter (#2 > 1)
                        Scan orders [id, customer_id, amount, note]
            """)
        let after = rule(before)
        // The mark stays visible as the constant true ('t'); the CASE's own mark join stays.
        XCTAssertEqual(after.explain(), """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (CASE WHEN #4 THEN #2 ELSE #1 END = 'x')
                  Mark Join mark #0 IN #4
                    Project #0 AS id, #1 AS name, #2 AS country, 't' AS mark
                      Semi Join on (#0 = #3)
                        Scan customers [id, name, country]
                        Project #1 AS customer_id
                          Filter (#2 > 1)
                            Scan orders [id, customer_id, amount, note]
                    Project #1 AS customer_id
                      Filter (#2 > 1)
                        Scan orders [id, customer_id, amount, note]
            """)
        assertSameOutput(before, after)
    }

    func testNotExistsMarkBecomesAnAntiJoin() throws {
        let before = try marked("SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) AND CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) THEN 1 ELSE 0 END = 0")
        XCTAssertEqual(before.explain(), """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (CASE WHEN #4 THEN 1 ELSE 0 END = 0)
                  Mark Join on (#0 = #5)
                    Filter NOT #3
                      Mark Join on (#0 = #4)
                        Scan customers [id, name, country]
                        Scan orders [id, customer_id, amount, note]
                    Scan orders [id, customer_id, amount, note]
            """)
        let after = rule(before)
        XCTAssertEqual(after.explain(), """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (CASE WHEN #4 THEN 1 ELSE 0 END = 0)
                  Mark Join on (#0 = #5)
                    Project #0 AS id, #1 AS name, #2 AS country, 'f' AS mark
                      Anti Join on (#0 = #4)
                        Scan customers [id, name, country]
                        Scan orders [id, customer_id, amount, note]
                    Scan orders [id, customer_id, amount, note]
            """)
        assertSameOutput(before, after)
    }

    func testNotInAndMarksOutsideConjunctsStayMarkJoins() throws {
        for sql in [
            // NOT IN: a NULL value makes the mark NULL, not false — no anti join.
            "SELECT name FROM customers c WHERE NOT (id IN (SELECT customer_id FROM orders)) AND CASE WHEN id IN (SELECT customer_id FROM orders) THEN 1 ELSE 0 END = 0",
            // The mark under OR is not a conjunct of its own.
            "SELECT name FROM customers c WHERE id IN (SELECT customer_id FROM orders) OR id = 3",
            "SELECT id IN (SELECT customer_id FROM orders) FROM customers",
        ] {
            let plan = try marked(sql)
            XCTAssertTrue(plan.explain().contains("Mark Join"), sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}
