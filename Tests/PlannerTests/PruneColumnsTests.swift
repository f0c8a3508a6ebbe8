// Before/after plan tests for the PruneColumns rule (projection pushdown).

import XCTest
import Columnar
@testable import Planner

final class PruneColumnsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { PruneColumns.apply(p) }

    func testScansReadOnlyWhatJoinFilterAndProjectionNeed() throws {
        try assertRewrite("SELECT o.amount FROM orders o JOIN customers c ON o.customer_id = c.id WHERE c.country = 'NL'",
                          { PruneColumns.apply(PushDownFilters.apply($0)) },
            before: """
            Project #2 AS amount
              Filter (#6 = 'NL')
                Inner Join on (#1 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS amount
              Inner Join on (#0 = #2)
                Scan orders [customer_id, amount]
                Filter (#1 = 'NL')
                  Scan customers [id, country]
            """)
    }

    func testAggregateInputsAndCountStar() throws {
        try assertRewrite("SELECT c.country, max(c.id) FROM customers c, orders o WHERE c.id = o.customer_id GROUP BY c.country", rule,
            before: """
            Project #0 AS country, #1 AS max
              Aggregate keys=[#2] aggs=[max(#0)]
                Filter (#0 = #4)
                  Inner Join
                    Scan customers [id, name, country]
                    Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS country, #1 AS max
              Aggregate keys=[#1] aggs=[max(#0)]
                Filter (#0 = #2)
                  Inner Join
                    Scan customers [id, country]
                    Scan orders [customer_id]
            """)
        // count(*) needs no column, but the scan still reads one to count rows.
        try assertRewrite("SELECT count(*) FROM orders", rule,
            before: """
            Project #0 AS count
              Aggregate keys=[] aggs=[count(*)]
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS count
              Aggregate keys=[] aggs=[count(*)]
                Scan orders [id]
            """)
    }

    func testUnusedProjectionsAreDroppedAndSortKeysKept() throws {
        try assertRewrite("SELECT name FROM (SELECT name, id + 1 AS x, country FROM customers) s ORDER BY country", rule,
            before: """
            Project #0 AS name
              Sort #1 ASC
                Project #0 AS name, #2 AS ?hidden?
                  Project #1 AS name, (#0 + 1) AS x, #2 AS country
                    Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS name
              Sort #1 ASC
                Project #0 AS name, #1 AS ?hidden?
                  Project #0 AS name, #1 AS country
                    Scan customers [name, country]
            """)
    }

    func testWindowKeepsPartitionAndOrderColumns() throws {
        try assertRewrite("SELECT row_number() OVER (PARTITION BY country ORDER BY id) FROM customers", rule,
            before: """
            Project #3 AS row_number
              Window [row_number() OVER(P:["#2"] O:["#0 ASC NULLS LAST"] F:default)]
                Scan customers [id, name, country]
            """,
            after: """
            Project #2 AS row_number
              Window [row_number() OVER(P:["#1"] O:["#0 ASC NULLS LAST"] F:default)]
                Scan customers [id, country]
            """)
    }

    func testSetOperationBranchesArePrunedIndependently() throws {
        try assertRewrite("SELECT name FROM customers UNION SELECT note FROM orders", rule,
            before: """
            Union
              Project #1 AS name
                Scan customers [id, name, country]
              Project #3 AS note
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Union
              Project #0 AS name
                Scan customers [name]
              Project #0 AS note
                Scan orders [note]
            """)
    }

    func testCorrelatedSubqueryKeepsItsInputColumnsInPlace() throws {
        // The subquery reads outer0.#0 as a position in the filter's input row: nothing below may move.
        let plan = try assertRewrite(
            "SELECT c.name FROM customers c WHERE c.name > (SELECT max(o.note) FROM orders o WHERE o.customer_id = c.id)", rule,
            before: """
            Project #1 AS name
              Filter (#1 > (subquery))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Filter (#1 > (subquery))
                Scan customers [id, name, country]
            """)
        XCTAssertEqual(plan.fields.map(\.type), [.text])
    }
}
