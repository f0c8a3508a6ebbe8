// Before/after plan tests for the ReorderJoins rule.

import XCTest
import Columnar
@testable import Planner

final class ReorderJoinsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { ReorderJoins.apply(PushDownFilters.apply(p)) }

    func testLargestTableProbesAndConnectedSmallerTablesBuild() throws {
        // countries (200) ⋈ customers (10k) ⋈ orders (1M), written smallest first. The dimensions join
        // each other first (customers probing countries), so orders probes one hash table, not two.
        try assertRewrite("SELECT c.name, r.region FROM countries r, customers c, orders o WHERE o.customer_id = c.id AND c.country = r.code", rule,
            before: """
            Project #3 AS name, #1 AS region
              Filter ((#6 = #2) AND (#4 = #0))
                Inner Join
                  Inner Join
                    Scan countries [code, region]
                    Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #3 AS name, #1 AS region
              Project #7 AS code, #8 AS region, #4 AS id, #5 AS name, #6 AS country, #0 AS id, #1 AS customer_id, #2 AS amount, #3 AS note
                Inner Join on (#1 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Inner Join on (#2 = #3)
                    Scan customers [id, name, country]
                    Scan countries [code, region]
            """)
    }

    func testConnectedTableIsPreferredOverSmallerCrossProduct() throws {
        // countries is the smallest, but only customers joins orders by an equality.
        try assertRewrite("SELECT 1 FROM orders o, countries r, customers c WHERE o.customer_id = c.id AND c.country = r.code", rule,
            before: """
            Project 1 AS ?column?
              Filter ((#1 = #6) AND (#8 = #4))
                Inner Join
                  Inner Join
                    Scan orders [id, customer_id, amount, note]
                    Scan countries [code, region]
                  Scan customers [id, name, country]
            """,
            after: """
            Project 1 AS ?column?
              Project #0 AS id, #1 AS customer_id, #2 AS amount, #3 AS note, #7 AS code, #8 AS region, #4 AS id, #5 AS name, #6 AS country
                Inner Join on (#1 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Inner Join on (#2 = #3)
                    Scan customers [id, name, country]
                    Scan countries [code, region]
            """)
    }

    func testFiltersShrinkEstimatesAndAlreadyGoodOrderIsKept() throws {
        // A filtered customers (10k × 0.1) still builds; orders stays the probe side, no projection needed.
        try assertRewrite("SELECT o.amount FROM orders o JOIN customers c ON o.customer_id = c.id WHERE c.country = 'NL'", rule,
            before: """
            Project #2 AS amount
              Filter (#6 = 'NL')
                Inner Join on (#1 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
            """,
            after: """
            Project #2 AS amount
              Inner Join on (#1 = #4)
                Scan orders [id, customer_id, amount, note]
                Filter (#2 = 'NL')
                  Scan customers [id, name, country]
            """)
        let filtered = try PlanFixture.bind("SELECT * FROM customers WHERE id > 1")
        XCTAssertEqual(ReorderJoins.estimate(filtered), 10_000 * FilterSelectivity.range, accuracy: 1e-6)
    }

    func testOuterJoinsAreNotReordered() throws {
        let sql = "SELECT * FROM countries r LEFT JOIN orders o ON o.note = r.code"
        let plan = try PlanFixture.bind(sql)
        XCTAssertEqual(rule(plan).explain(), PushDownFilters.apply(plan).explain())
    }

    func testTransitiveEqualityGivesTheJoinAKey() throws {
        // o.customer_id = c.id and c.id = x.id imply o.customer_id = x.id, so orders and the filtered
        // customers join first (on a key) although the query never equates them directly; x probes
        // that build on one key: x.id = c.id and x.id = o.customer_id say the same there.
        let plan = try PlanFixture.bind("""
            SELECT 1 FROM orders o, customers c, customers x
            WHERE o.customer_id = c.id AND c.id = x.id AND x.country = 'NL'
            """)
        let reordered = rule(plan)
        XCTAssertEqual(reordered.explain(), """
            Project 1 AS ?column?
              Project #3 AS id, #4 AS customer_id, #5 AS amount, #6 AS note, #0 AS id, #1 AS name, #2 AS country, #7 AS id, #8 AS name, #9 AS country
                Inner Join on (#4 = #0)
                  Scan customers [id, name, country]
                  Inner Join on (#1 = #4)
                    Scan orders [id, customer_id, amount, note]
                    Filter (#2 = 'NL')
                      Scan customers [id, name, country]
            """)
        assertSameOutput(plan, reordered)
    }
}

/// A reference to a materialised CTE is estimated from its definition (MaterializedCTE.swift).
final class ReorderJoinsMaterializedCTETests: XCTestCase {
    func testCTEReferenceIsEstimatedFromItsDefinition() throws {
        // o reads orders (1M rows): it probes, customers (10k) builds, whatever order they are written in.
        try assertRewrite("WITH o AS MATERIALIZED (SELECT id, customer_id FROM orders) SELECT 1 FROM customers c, o WHERE o.customer_id = c.id",
                          { ReorderJoins.apply(PushDownFilters.apply($0)) },
            before: """
            Project 1 AS ?column?
              Filter (#4 = #0)
                Inner Join
                  Scan customers [id, name, country]
                  CTE Scan on o
            CTE o
              Project #0 AS id, #1 AS customer_id
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project 1 AS ?column?
              Project #2 AS id, #3 AS name, #4 AS country, #0 AS id, #1 AS customer_id
                Inner Join on (#1 = #2)
                  CTE Scan on o
                  Scan customers [id, name, country]
            CTE o
              Project #0 AS id, #1 AS customer_id
                Scan orders [id, customer_id, amount, note]
            """)
    }
}
