// Before/after plan tests for the DecorrelateScalarSubqueries rule.

import XCTest
import Columnar
@testable import Planner

final class DecorrelateScalarSubqueriesTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { DecorrelateScalarSubqueries.apply(p) }

    func testAggregateInWhereBecomesGroupedLeftJoin() throws {
        try assertRewrite("SELECT id FROM orders o WHERE amount > (SELECT 0.5 * avg(o2.amount) FROM orders o2 WHERE o2.customer_id = o.customer_id AND o2.id > 3)", rule,
            before: """
            Project #0 AS id
              Filter (#2 > (subquery))
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS id
              Project #0 AS id, #1 AS customer_id, #2 AS amount, #3 AS note
                Filter (#2 > (0.5 * #5))
                  Left Join on (#1 = #4)
                    Scan orders [id, customer_id, amount, note]
                    Aggregate keys=[#1] aggs=[avg(#2)]
                      Filter (#0 > 3)
                        Scan orders [id, customer_id, amount, note]
            """)
    }

    func testSelectListSubqueryBecomesJoinedColumn() throws {
        try assertRewrite("SELECT name, (SELECT max(amount) FROM orders o WHERE o.customer_id = c.id) FROM customers c", rule,
            before: """
            Project #1 AS name, (subquery) AS max
              Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name, #4 AS max
              Left Join on (#0 = #3)
                Scan customers [id, name, country]
                Aggregate keys=[#1] aggs=[max(#2)]
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testExpressionOverAggregateIsEvaluatedAboveTheJoin() throws {
        // CASE over max() must see the NULL of an empty group, and count() of one is 0.
        try assertRewrite("""
            SELECT (SELECT CASE WHEN max(amount) > 1 THEN 'a' ELSE 'b' END FROM orders o WHERE o.customer_id = c.id),
                   (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c
            """, rule,
            before: """
            Project (subquery) AS case, (subquery) AS count
              Scan customers [id, name, country]
            """,
            after: """
            Project CASE WHEN (#4 > 1) THEN 'a' ELSE 'b' END AS case, COALESCE(#6, 0) AS count
              Left Join on (#0 = #5)
                Left Join on (#0 = #3)
                  Scan customers [id, name, country]
                  Aggregate keys=[#1] aggs=[max(#2)]
                    Scan orders [id, customer_id, amount, note]
                Aggregate keys=[#1] aggs=[count(*)]
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testUnsupportedShapesAreLeftAlone() throws {
        for sql in [
            // string_agg is not among the aggregates whose empty-input value is known.
            "SELECT name, (SELECT string_agg(note, ',') FROM orders o WHERE o.customer_id = c.id) FROM customers c",
            "SELECT name, (SELECT max(amount) FROM orders o WHERE o.customer_id > c.id) FROM customers c",
            // Not an aggregate: may return several rows (an error the join would hide).
            "SELECT name, (SELECT amount FROM orders o WHERE o.customer_id = c.id) FROM customers c",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}
