// Before/after plan tests for the AggregateSubqueriesToWindows rule, and the
// shapes it must leave to DecorrelateScalarSubqueries.

import XCTest
import Columnar
@testable import Planner

final class AggregateSubqueriesToWindowsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { AggregateSubqueriesToWindows.apply(p) }

    func testSubqueryOverTheOuterJoinBecomesAWindow() throws {
        // TPC-H Q2's shape: orders is read by both; customers is the outer query's extra relation.
        try assertRewrite("""
            SELECT c.name, o.id FROM customers c, orders o
            WHERE o.customer_id = c.id AND c.country = 'PT'
              AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)
            """, rule,
            before: """
            Project #1 AS name, #3 AS id
              Filter ((#4 = #0) AND (#2 = 'PT') AND (#5 = (subquery)))
                Inner Join
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #1 AS name, #3 AS id
              Project #0 AS id, #1 AS name, #2 AS country, #3 AS id, #4 AS customer_id, #5 AS amount, #6 AS note
                Filter (#5 = #7)
                  Window [max(#5) OVER(P:["#0"] O:[] F:default)]
                    Filter ((#4 = #0) AND (#2 = 'PT'))
                      Inner Join
                        Scan customers [id, name, country]
                        Scan orders [id, customer_id, amount, note]
            """)
    }

    func testOneTableGroupMaximumPartitionsByItsOwnKey() throws {
        // `x = x`: a NULL key matches no subquery row, so its value is NULL, not its partition's.
        try assertRewrite("SELECT id FROM orders o WHERE amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = o.customer_id)", rule,
            before: """
            Project #0 AS id
              Filter (#2 = (subquery))
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS id
              Project #0 AS id, #1 AS customer_id, #2 AS amount, #3 AS note
                Filter (#2 = CASE WHEN (#1 IS NULL) THEN NULL ELSE #4 END)
                  Window [max(#2) OVER(P:["#1"] O:[] F:default)]
                    Scan orders [id, customer_id, amount, note]
            """)
    }

    func testAvgOfExactNumbersAndExpressionsOverTheAggregate() throws {
        try assertRewrite("""
            SELECT o.id FROM customers c, orders o
            WHERE o.customer_id = c.id AND c.name LIKE 'a%'
              AND o.id < (SELECT 0.2 * avg(o2.id) FROM orders o2 WHERE o2.customer_id = c.id)
            """, rule,
            before: """
            Project #3 AS id
              Filter ((#4 = #0) AND (#1 ~~ 'a%') AND (CAST(#3 AS numeric(10,0)) < (subquery)))
                Inner Join
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #3 AS id
              Project #0 AS id, #1 AS name, #2 AS country, #3 AS id, #4 AS customer_id, #5 AS amount, #6 AS note
                Filter (CAST(#3 AS numeric(10,0)) < (0.2 * #7))
                  Window [avg(#3) OVER(P:["#0"] O:[] F:default)]
                    Filter ((#4 = #0) AND (#1 ~~ 'a%'))
                      Inner Join
                        Scan customers [id, name, country]
                        Scan orders [id, customer_id, amount, note]
            """)
    }

    func testShapesItCannotProveAreLeftAlone() throws {
        for sql in [
            // sum and count change when the extra relation repeats a group.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount > (SELECT sum(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)",
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.id > (SELECT count(*) FROM orders o2 WHERE o2.customer_id = c.id)",
            // avg of floats is not exact.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount > (SELECT avg(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)",
            // The outer query restricts orders further than the subquery does.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.note = 'x' AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)",
            // The subquery restricts orders further than the outer query does.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id AND o2.note = 'x')",
            // A condition between customers and orders other than the correlation.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.id > c.id AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)",
            // Correlated on a column of the shared relation that is not the subquery's own.
            "SELECT o.id FROM orders o WHERE o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = o.id)",
            // A relation of the subquery that the outer query does not read.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount = (SELECT max(o2.amount) FROM orders o2, countries k WHERE o2.customer_id = c.id AND k.code = o2.note)",
            // A table read twice by the outer query.
            "SELECT o.id FROM orders p, orders o WHERE o.customer_id = p.id AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = p.id)",
            // Not an equality correlation; an outer join; a volatile call.
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id > c.id)",
            "SELECT o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)",
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount = (SELECT max(o2.amount * random()) FROM orders o2 WHERE o2.customer_id = c.id)",
            // Keyed on a float.
            "SELECT o.id FROM orders o WHERE o.id = (SELECT max(o2.id) FROM orders o2 WHERE o2.amount = o.amount)",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}

final class GroupTotalsToWindowsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { GroupTotalsToWindows.apply(p) }

    func testHavingAgainstTheTotalOfTheSameRowsBecomesAWindow() throws {
        // TPC-H Q11's shape: the groups' sums add up to the subquery's sum.
        try assertRewrite("""
            SELECT o.customer_id, count(*) FROM customers c, orders o WHERE o.customer_id = c.id AND c.country = 'PT'
            GROUP BY o.customer_id
            HAVING count(*) > (SELECT count(*) / 100 FROM customers c2, orders o2 WHERE o2.customer_id = c2.id AND c2.country = 'PT')
            """, rule,
            before: """
            Project #0 AS customer_id, #1 AS count
              Filter (#1 > (subquery))
                Aggregate keys=[#4] aggs=[count(*)]
                  Filter ((#4 = #0) AND (#2 = 'PT'))
                    Inner Join
                      Scan customers [id, name, country]
                      Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS customer_id, #1 AS count
              Project #0 AS key, #1 AS count
                Filter (#1 > (#2 / 100))
                  Window [sum_of_counts(#1) OVER(P:[] O:[] F:default)]
                    Aggregate keys=[#4] aggs=[count(*)]
                      Filter ((#4 = #0) AND (#2 = 'PT'))
                        Inner Join
                          Scan customers [id, name, country]
                          Scan orders [id, customer_id, amount, note]
            """)
    }

    func testShapesItCannotProveAreLeftAlone() throws {
        for sql in [
            // Other rows: a condition only one side has; another table.
            "SELECT customer_id, max(id) FROM orders GROUP BY customer_id HAVING max(id) > (SELECT max(id) - 5 FROM orders WHERE note = 'x')",
            "SELECT customer_id, max(id) FROM orders WHERE note = 'x' GROUP BY customer_id HAVING max(id) > (SELECT max(id) - 5 FROM orders)",
            "SELECT customer_id, max(id) FROM orders GROUP BY customer_id HAVING max(id) > (SELECT max(id) - 5 FROM customers)",
            // A total the groups do not carry; a float sum; DISTINCT; avg.
            "SELECT customer_id, max(id) FROM orders GROUP BY customer_id HAVING max(id) > (SELECT min(id) FROM orders)",
            "SELECT customer_id, sum(amount) FROM orders GROUP BY customer_id HAVING sum(amount) > (SELECT sum(amount) / 10 FROM orders)",
            "SELECT customer_id, count(DISTINCT id) FROM orders GROUP BY customer_id HAVING count(DISTINCT id) > (SELECT count(DISTINCT id) / 10 FROM orders)",
            "SELECT customer_id, avg(id) FROM orders GROUP BY customer_id HAVING avg(id) > (SELECT avg(id) FROM orders)",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}
