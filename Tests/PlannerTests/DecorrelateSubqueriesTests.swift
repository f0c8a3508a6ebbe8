// Before/after plan tests for the DecorrelateSubqueries rule.

import XCTest
import Columnar
@testable import Planner

final class DecorrelateSubqueriesTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { DecorrelateSubqueries.apply(p) }

    func testExistsBecomesSemiJoinKeepingInnerFilter() throws {
        try assertRewrite("SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.amount > o.id)", rule,
            before: """
            Project #1 AS name
              Filter EXISTS(subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Semi Join on (#0 = #4)
                Scan customers [id, name, country]
                Filter (#2 > CAST(#0 AS double precision))
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testNotExistsBecomesAntiJoinAndOtherConjunctsStay() throws {
        try assertRewrite("SELECT name FROM customers c WHERE country = 'NL' AND NOT EXISTS (SELECT * FROM orders o WHERE c.id = o.customer_id LIMIT 1)", rule,
            before: """
            Project #1 AS name
              Filter ((#2 = 'NL') AND NOT EXISTS(subquery))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Filter (#2 = 'NL')
                Anti Join on (#0 = #4)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testNonEqualityCorrelationBecomesResidualJoinCondition() throws {
        try assertRewrite("SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.note <> c.name)", rule,
            before: """
            Project #1 AS name
              Filter EXISTS(subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Semi Join on ((#0 = #4) AND (#6 <> #1))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """)
    }

    func testUncorrelatedAndCorrelatedInBecomeSemiJoins() throws {
        try assertRewrite("SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE amount > 5)", rule,
            before: """
            Project #1 AS name
              Filter #0 IN (subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Semi Join on (#0 = #3)
                Scan customers [id, name, country]
                Project #1 AS customer_id
                  Filter (#2 > 5)
                    Scan orders [id, customer_id, amount, note]
            """)
        try assertRewrite("SELECT name FROM customers c WHERE id IN (SELECT customer_id FROM orders o WHERE o.note = c.name)", rule,
            before: """
            Project #1 AS name
              Filter #0 IN (subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Semi Join on ((#0 = #4) AND (#1 = #6))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """)
    }

    func testEqualsAnyIsTreatedAsIn() throws {
        try assertRewrite("SELECT name FROM customers WHERE id = ANY (SELECT customer_id FROM orders)", rule,
            before: """
            Project #1 AS name
              Filter #0 = ANY (subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Semi Join on (#0 = #3)
                Scan customers [id, name, country]
                Project #1 AS customer_id
                  Scan orders [id, customer_id, amount, note]
            """)
        // <> ANY is not a membership test.
        let plan = try PlanFixture.bind("SELECT name FROM customers WHERE id <> ANY (SELECT customer_id FROM orders)")
        XCTAssertEqual(rule(plan).explain(), plan.explain())
    }

    func testNotInOnlyWhenBothSidesAreNotNull() throws {
        // customers.id and orders.id are NOT NULL: NOT IN is an anti join.
        try assertRewrite("SELECT name FROM customers WHERE id NOT IN (SELECT id FROM orders)", rule,
            before: """
            Project #1 AS name
              Filter #0 NOT IN (subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Anti Join on (#0 = #3)
                Scan customers [id, name, country]
                Project #0 AS id
                  Scan orders [id, customer_id, amount, note]
            """)
        // orders.customer_id may be NULL, which makes NOT IN unknown rather than true: left alone.
        let sql = "SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)"
        let plan = try PlanFixture.bind(sql)
        XCTAssertEqual(rule(plan).explain(), plan.explain())
    }

    func testUnsupportedShapesAreLeftAlone() throws {
        for sql in [
            // Non-equality correlation.
            "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id > c.id)",
            // Under OR: not a filter conjunct.
            "SELECT name FROM customers c WHERE id IN (SELECT customer_id FROM orders o WHERE o.note = c.name) OR id = 3",
            // Correlation under an aggregate (EXISTS of an aggregate is always true).
            "SELECT name FROM customers c WHERE EXISTS (SELECT count(*) FROM orders o WHERE o.customer_id = c.id)",
            // Scalar subquery.
            "SELECT c.name FROM customers c WHERE c.id > (SELECT max(o.id) FROM orders o WHERE o.customer_id = c.id)",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }

    func testWholeOptimizerOutputOfDecorrelatedQuery() throws {
        let plan = try PlanFixture.bind("SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)")
        let optimized = Optimizer.optimize(plan)
        XCTAssertEqual(optimized.explain(), """
            Project #1 AS name
              Anti Join on (#0 = #2)
                Scan customers [id, name]
                Scan orders [customer_id]
            """)
        assertSameOutput(plan, optimized)
    }
}
