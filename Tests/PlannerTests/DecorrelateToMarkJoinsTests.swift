// Before/after plan tests for the DecorrelateToMarkJoins rule.

import XCTest
import Columnar
@testable import Planner

final class DecorrelateToMarkJoinsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { DecorrelateToMarkJoins.apply(p) }

    func testCorrelatedInUnderOrBecomesMarkJoinAndFilterOnTheMark() throws {
        try assertRewrite("SELECT name FROM customers c WHERE id IN (SELECT customer_id FROM orders o WHERE o.note = c.name) OR id = 3", rule,
            before: """
            Project #1 AS name
              Filter (#0 IN (subquery) OR (#0 = 3))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (#3 OR (#0 = 3))
                  Mark Join mark #0 IN #4 on (#1 = #6)
                    Scan customers [id, name, country]
                    Scan orders [id, customer_id, amount, note]
            """)
    }

    func testUncorrelatedInAsSelectListValue() throws {
        try assertRewrite("SELECT id IN (SELECT customer_id FROM orders) AS has_orders FROM customers", rule,
            before: """
            Project #0 IN (subquery) AS has_orders
              Scan customers [id, name, country]
            """,
            after: """
            Project #3 AS has_orders
              Mark Join mark #0 IN #3
                Scan customers [id, name, country]
                Project #1 AS customer_id
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testExistsInsideCaseKeepsInnerFilterOnTheRightSide() throws {
        try assertRewrite("SELECT CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.amount > 10) THEN 'big' ELSE 'small' END FROM customers c", rule,
            before: """
            Project CASE WHEN EXISTS(subquery) THEN 'big' ELSE 'small' END AS case
              Scan customers [id, name, country]
            """,
            after: """
            Project CASE WHEN #3 THEN 'big' ELSE 'small' END AS case
              Mark Join on (#0 = #4)
                Scan customers [id, name, country]
                Filter (#2 > 10)
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testNotInWithOnlyANonEqualityCorrelationIsNotOfTheMark() throws {
        // The IN test itself is the hash key; the correlation is checked on the pairs.
        try assertRewrite("SELECT name FROM customers c WHERE id NOT IN (SELECT customer_id FROM orders o WHERE o.note <> c.name) OR country = 'NL'", rule,
            before: """
            Project #1 AS name
              Filter (#0 NOT IN (subquery) OR (#2 = 'NL'))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (NOT #3 OR (#2 = 'NL'))
                  Mark Join mark #0 IN #4 on (#6 <> #1)
                    Scan customers [id, name, country]
                    Scan orders [id, customer_id, amount, note]
            """)
    }

    func testNullableNotInConjunctThatCannotBeAnAntiJoin() throws {
        // orders.customer_id may be NULL, so this is no anti join (DecorrelateSubqueries leaves it); a mark keeps the NULLs.
        try assertRewrite("SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)", rule,
            before: """
            Project #1 AS name
              Filter #0 NOT IN (subquery)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter NOT #3
                  Mark Join mark #0 IN #3
                    Scan customers [id, name, country]
                    Project #1 AS customer_id
                      Scan orders [id, customer_id, amount, note]
            """)
    }

    func testBinderCastOfTheProbeIsPartOfTheTest() throws {
        try assertRewrite("SELECT name FROM customers WHERE id IN (SELECT amount FROM orders) OR id = 2", rule,
            before: """
            Project #1 AS name
              Filter (CAST(#0 AS double precision) IN (subquery) OR (#0 = 2))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Filter (#3 OR (#0 = 2))
                  Mark Join mark CAST(#0 AS double precision) IN #3
                    Scan customers [id, name, country]
                    Project #2 AS amount
                      Scan orders [id, customer_id, amount, note]
            """)
    }

    func testNotEqualsAllAndEqualsAnyStackTwoMarks() throws {
        try assertRewrite("SELECT id <> ALL (SELECT customer_id FROM orders), id = ANY (SELECT customer_id FROM orders) FROM customers", rule,
            before: """
            Project #0 <> ALL (subquery) AS ?column?, #0 = ANY (subquery) AS ?column?
              Scan customers [id, name, country]
            """,
            after: """
            Project NOT #3 AS ?column?, #4 AS ?column?
              Mark Join mark #0 IN #4
                Mark Join mark #0 IN #3
                  Scan customers [id, name, country]
                  Project #1 AS customer_id
                    Scan orders [id, customer_id, amount, note]
                Project #1 AS customer_id
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testAProbeThatCouldFailStaysPerRowWhereOnlySomeRowsEvaluateIt() throws {
        // 10 / id in a CASE branch: the rows the WHEN rejects must never divide.
        let guarded = "SELECT CASE WHEN id <> 0 THEN 10 / id IN (SELECT customer_id FROM orders) END FROM customers"
        let plan = try PlanFixture.bind(guarded)
        XCTAssertEqual(rule(plan).explain(), plan.explain())
        // A column probe cannot fail: the CASE branch still gets its mark.
        try assertRewrite("SELECT CASE WHEN id <> 0 THEN id IN (SELECT customer_id FROM orders) END FROM customers", rule,
            before: """
            Project CASE WHEN (#0 <> 0) THEN #0 IN (subquery) END AS case
              Scan customers [id, name, country]
            """,
            after: """
            Project CASE WHEN (#0 <> 0) THEN #3 END AS case
              Mark Join mark #0 IN #3
                Scan customers [id, name, country]
                Project #1 AS customer_id
                  Scan orders [id, customer_id, amount, note]
            """)
        // A separate WHERE conjunct is pushed below the join, so the failing probe is safe there.
        let optimized = Optimizer.optimize(try PlanFixture.bind(
            "SELECT name FROM customers WHERE id <> 0 AND (10 / id IN (SELECT customer_id FROM orders) OR name = 'x')"))
        XCTAssertEqual(optimized.explain(), """
            Project #1 AS name
              Filter (#2 OR (#1 = 'x'))
                Mark Join mark (10 / #0) IN #2
                  Filter (#0 <> 0)
                    Scan customers [id, name]
                  Project #0 AS customer_id
                    Scan orders [customer_id]
            """)
    }

    func testUnsupportedShapesAreLeftAlone() throws {
        for sql in [
            // Correlated EXISTS without an equality to hash on.
            "SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id > c.id) OR id = 1",
            // Uncorrelated EXISTS: computed once anyway.
            "SELECT EXISTS (SELECT 1 FROM orders) FROM customers",
            // < ANY is no membership test.
            "SELECT id < ANY (SELECT customer_id FROM orders) FROM customers",
            // Correlation below an aggregate.
            "SELECT id IN (SELECT max(customer_id) FROM orders o WHERE o.note = c.name) FROM customers c",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }

    func testPlainConjunctsStillBecomeSemiJoinsInTheWholeOptimizer() throws {
        let plan = try PlanFixture.bind("SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)")
        XCTAssertTrue(Optimizer.optimize(plan).explain().contains("Semi Join"))
        XCTAssertFalse(Optimizer.optimize(plan).explain().contains("Mark Join"))
    }

    func testWholeOptimizerPrunesBothSidesAndKeepsTheMarkAboveFilters() throws {
        let plan = try PlanFixture.bind("SELECT name FROM customers c WHERE (id IN (SELECT customer_id FROM orders o WHERE o.note = c.name) OR id = 3) AND country = 'NL'")
        let optimized = Optimizer.optimize(plan)
        XCTAssertEqual(optimized.explain(), """
            Project #1 AS name
              Filter (#3 OR (#0 = 3))
                Mark Join mark #0 IN #3 on (#1 = #4)
                  Filter (#2 = 'NL')
                    Scan customers [id, name, country] pushdown: #2 = string("NL")
                  Scan orders [customer_id, note]
            """)
        assertSameOutput(plan, optimized)
    }
}
