// Before/after plan tests for the PushDisjunctionsIntoJoinInputs rule. The
// plans "before" have their filters pushed already, as in the optimizer.

import XCTest
import Columnar
@testable import Planner

final class PushDisjunctionsIntoJoinInputsTests: XCTestCase {
    private func prepared(_ sql: String) throws -> LogicalPlan {
        PushDownFilters.apply(try PlanFixture.bind(sql))
    }

    private func check(_ sql: String, before: String, after: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let plan = try prepared(sql)
        XCTAssertEqual(plan.explain(), before, "plan before the rule", file: file, line: line)
        let rewritten = PushDisjunctionsIntoJoinInputs.apply(plan)
        XCTAssertEqual(rewritten.explain(), after, "plan after the rule", file: file, line: line)
        assertSameOutput(plan, rewritten, file: file, line: line)
    }

    /// TPC-H Q7's shape: each branch names one country per side, so each side keeps two.
    func testEachInputGetsTheOrOfItsOwnParts() throws {
        try check("""
            SELECT a.name, b.name FROM customers a JOIN customers b ON a.id = b.id
            WHERE (a.country = 'FR' AND b.country = 'DE') OR (a.country = 'DE' AND b.country = 'FR')
            """,
            before: """
            Project #1 AS name, #4 AS name
              Inner Join on ((((#2 = 'FR') AND (#5 = 'DE')) OR ((#2 = 'DE') AND (#5 = 'FR'))) AND (#0 = #3))
                Scan customers [id, name, country]
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name, #4 AS name
              Inner Join on ((((#2 = 'FR') AND (#5 = 'DE')) OR ((#2 = 'DE') AND (#5 = 'FR'))) AND (#0 = #3))
                Filter ((#2 = 'FR') OR (#2 = 'DE'))
                  Scan customers [id, name, country]
                Filter ((#2 = 'DE') OR (#2 = 'FR'))
                  Scan customers [id, name, country]
            """)
    }

    /// Only the side every branch restricts gets a filter; the condition stays whole on the join.
    func testASideSomeBranchLeavesFreeGetsNothing() throws {
        try check("""
            SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id
            WHERE (c.country = 'FR' AND o.amount > 10) OR (c.country = 'DE' AND o.note = c.name)
            """,
            before: """
            Project #1 AS name
              Inner Join on ((((#2 = 'FR') AND (#5 > 10)) OR ((#2 = 'DE') AND (#6 = #1))) AND (#4 = #0))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #1 AS name
              Inner Join on ((((#2 = 'FR') AND (#5 > 10)) OR ((#2 = 'DE') AND (#6 = #1))) AND (#4 = #0))
                Filter ((#2 = 'FR') OR (#2 = 'DE'))
                  Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """)
    }

    /// Within a bigger join tree the derived filter travels down to the input it reads.
    func testDerivedFilterSinksToItsScan() throws {
        try check("""
            SELECT 1 FROM orders o JOIN customers c ON o.customer_id = c.id JOIN countries k ON k.code = c.country
            WHERE (o.amount > 5 AND k.region = 'EU') OR (o.amount < 1 AND k.region = 'US')
            """,
            before: """
            Project 1 AS ?column?
              Inner Join on ((((#2 > 5) AND (#8 = 'EU')) OR ((#2 < 1) AND (#8 = 'US'))) AND (#7 = #6))
                Inner Join on (#1 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
                Scan countries [code, region]
            """,
            after: """
            Project 1 AS ?column?
              Inner Join on ((((#2 > 5) AND (#8 = 'EU')) OR ((#2 < 1) AND (#8 = 'US'))) AND (#7 = #6))
                Inner Join on (#1 = #4)
                  Filter ((#2 > 5) OR (#2 < 1))
                    Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
                Filter ((#1 = 'EU') OR (#1 = 'US'))
                  Scan countries [code, region]
            """)
    }

    /// An OR with a branch free of one side, a volatile part, or an outer join: no filter for that side.
    func testNothingToDeriveLeavesThePlan() throws {
        for sql in [
            "SELECT 1 FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.country = 'FR' OR o.amount > 10",
            "SELECT 1 FROM customers c JOIN orders o ON o.customer_id = c.id WHERE (c.country = 'FR' AND o.amount > random()) OR (c.name = 'x' AND o.amount > random())",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND ((c.country = 'FR' AND o.amount > 1) OR (c.country = 'DE' AND o.amount > 2))",
        ] {
            let plan = try prepared(sql)
            let rewritten = PushDisjunctionsIntoJoinInputs.apply(plan).explain()
            if sql.contains("random") {
                // The customers' parts are plain and move; the volatile orders' parts never do.
                XCTAssertTrue(rewritten.contains("Filter ((#2 = 'FR') OR (#1 = 'x'))"), rewritten)
                XCTAssertEqual(rewritten.components(separatedBy: "random()").count, plan.explain().components(separatedBy: "random()").count, rewritten)
            } else {
                XCTAssertEqual(rewritten, plan.explain(), sql)
            }
        }
    }
}
