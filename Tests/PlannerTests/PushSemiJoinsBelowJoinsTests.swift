// Before/after plan tests for the PushSemiJoinsBelowJoins rule. The plans
// "before" are what the rule meets in the optimizer: subqueries decorrelated
// into semi/anti joins, filters pushed down.

import XCTest
import Columnar
@testable import Planner

final class PushSemiJoinsBelowJoinsTests: XCTestCase {
    private func prepared(_ sql: String) throws -> LogicalPlan {
        PushDownFilters.apply(DecorrelateSubqueries.apply(try PlanFixture.bind(sql)))
    }

    @discardableResult
    private func check(_ sql: String, before: String, after: String, file: StaticString = #filePath, line: UInt = #line) throws -> LogicalPlan {
        let plan = try prepared(sql)
        XCTAssertEqual(plan.explain(), before, "plan before the rule", file: file, line: line)
        let rewritten = PushSemiJoinsBelowJoins.apply(plan)
        XCTAssertEqual(rewritten.explain(), after, "plan after the rule", file: file, line: line)
        assertSameOutput(plan, rewritten, file: file, line: line)
        return rewritten
    }

    /// TPC-H Q18's shape: a selective IN over the key of the left input moves onto that input.
    func testSelectiveInMovesOntoTheLeftInputSupplyingItsKey() throws {
        try check("""
            SELECT c.name, o.amount FROM orders o, customers c
            WHERE o.id IN (SELECT id FROM orders GROUP BY id HAVING sum(amount) > 300) AND c.id = o.customer_id
            """,
            before: """
            Project #5 AS name, #2 AS amount
              Semi Join on (#0 = #7)
                Inner Join on (#4 = #1)
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
                Project #0 AS id
                  Filter (#1 > 300)
                    Aggregate keys=[#0] aggs=[sum(#2)]
                      Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #5 AS name, #2 AS amount
              Inner Join on (#4 = #1)
                Semi Join on (#0 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Project #0 AS id
                    Filter (#1 > 300)
                      Aggregate keys=[#0] aggs=[sum(#2)]
                        Scan orders [id, customer_id, amount, note]
                Scan customers [id, name, country]
            """)
    }

    func testSelectiveInMovesOntoTheRightInputWithItsColumnsRenumbered() throws {
        try check("""
            SELECT c.name FROM customers c JOIN orders o ON c.id = o.customer_id
            WHERE o.id IN (SELECT id FROM orders GROUP BY id HAVING sum(amount) > 300)
            """,
            before: """
            Project #1 AS name
              Semi Join on (#3 = #7)
                Inner Join on (#0 = #4)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
                Project #0 AS id
                  Filter (#1 > 300)
                    Aggregate keys=[#0] aggs=[sum(#2)]
                      Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #1 AS name
              Inner Join on (#0 = #4)
                Scan customers [id, name, country]
                Semi Join on (#0 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Project #0 AS id
                    Filter (#1 > 300)
                      Aggregate keys=[#0] aggs=[sum(#2)]
                        Scan orders [id, customer_id, amount, note]
            """)
    }

    /// Every customer has orders (as far as estimates tell): the semi join removes little and stays
    /// above the join, which may shrink its input more.
    func testUnselectiveSemiJoinStays() throws {
        let plan = try prepared("""
            SELECT c.name FROM customers c JOIN countries k ON k.code = c.country
            WHERE c.id IN (SELECT customer_id FROM orders)
            """)
        guard case .join(_, _, .semi, _)? = plan.inputs.first else { return XCTFail(plan.explain()) }
        XCTAssertEqual(PushSemiJoinsBelowJoins.apply(plan).explain(), plan.explain())
    }

    /// The same estimate read the other way: an anti join that removes most rows moves.
    func testAntiJoinRemovingMostRowsMoves() throws {
        try check("""
            SELECT c.name, k.region FROM customers c JOIN countries k ON k.code = c.country
            WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
            """,
            before: """
            Project #1 AS name, #4 AS region
              Anti Join on (#0 = #6)
                Inner Join on (#3 = #2)
                  Scan customers [id, name, country]
                  Scan countries [code, region]
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #1 AS name, #4 AS region
              Inner Join on (#3 = #2)
                Anti Join on (#0 = #4)
                  Scan customers [id, name, country]
                  Scan orders [id, customer_id, amount, note]
                Scan countries [code, region]
            """)
    }

    /// Below a left join only into the preserved side: the padded side's columns are NULL above the join.
    func testOnlyThePreservedSideOfALeftJoin() throws {
        let selective = "(SELECT id FROM orders GROUP BY id HAVING sum(amount) > 300)"
        try check("""
            SELECT o.amount, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
            WHERE o.id IN \(selective)
            """,
            before: """
            Project #2 AS amount, #5 AS name
              Semi Join on (#0 = #7)
                Left Join on (#4 = #1)
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
                Project #0 AS id
                  Filter (#1 > 300)
                    Aggregate keys=[#0] aggs=[sum(#2)]
                      Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #2 AS amount, #5 AS name
              Left Join on (#4 = #1)
                Semi Join on (#0 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Project #0 AS id
                    Filter (#1 > 300)
                      Aggregate keys=[#0] aggs=[sum(#2)]
                        Scan orders [id, customer_id, amount, note]
                Scan customers [id, name, country]
            """)
        let padded = try prepared("""
            SELECT c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
            WHERE EXISTS (SELECT 1 FROM orders x WHERE x.customer_id = c.id GROUP BY x.customer_id HAVING sum(x.amount) > 300)
            """)
        XCTAssertEqual(PushSemiJoinsBelowJoins.apply(padded).explain(), padded.explain())
    }

    /// A condition with more than key equalities across the sides (TPC-H Q21) has no estimate, and
    /// one reading both join inputs cannot move at all.
    func testResidualConditionsAndKeysFromBothInputsStay() throws {
        for sql in [
            """
            SELECT c.name FROM orders o JOIN customers c ON c.id = o.customer_id
            WHERE NOT EXISTS (SELECT 1 FROM orders x WHERE x.customer_id = o.customer_id AND x.id <> o.id)
            """,
            """
            SELECT c.name FROM orders o JOIN customers c ON c.id = o.customer_id
            WHERE EXISTS (SELECT 1 FROM countries k WHERE k.code = c.country AND k.region = o.note)
            """,
        ] {
            let plan = try prepared(sql)
            XCTAssertTrue(plan.explain().contains("Semi Join") || plan.explain().contains("Anti Join"), plan.explain())
            XCTAssertEqual(PushSemiJoinsBelowJoins.apply(plan).explain(), plan.explain(), sql)
        }
    }

    /// A filter between the semi join and the join is crossed (the semi join keeps column positions);
    /// without a join below, the semi join stays above the filter, which shrinks its input first.
    func testMovesThroughFiltersOnlyWhenItGoesBelowAJoin() throws {
        let selective = "(SELECT id FROM orders GROUP BY id HAVING sum(amount) > 300)"
        try check("""
            SELECT o.amount FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
            WHERE c.name IS NULL AND o.id IN \(selective)
            """,
            before: """
            Project #2 AS amount
              Semi Join on (#0 = #7)
                Filter #5 IS NULL
                  Left Join on (#4 = #1)
                    Scan orders [id, customer_id, amount, note]
                    Scan customers [id, name, country]
                Project #0 AS id
                  Filter (#1 > 300)
                    Aggregate keys=[#0] aggs=[sum(#2)]
                      Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #2 AS amount
              Filter #5 IS NULL
                Left Join on (#4 = #1)
                  Semi Join on (#0 = #4)
                    Scan orders [id, customer_id, amount, note]
                    Project #0 AS id
                      Filter (#1 > 300)
                        Aggregate keys=[#0] aggs=[sum(#2)]
                          Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
            """)
        let lone = try prepared("SELECT amount FROM orders o WHERE o.amount > 1 AND o.id IN \(selective)")
        XCTAssertEqual(PushSemiJoinsBelowJoins.apply(lone).explain(), lone.explain())
    }

    func testKeptFractionComesFromKeyCounts() throws {
        let plan = try prepared("SELECT 1 FROM customers c WHERE c.id IN (SELECT customer_id FROM orders WHERE amount > 5)")
        guard case .join(let l, let r, .semi, let condition?)? = plan.inputs.first else { return XCTFail(plan.explain()) }
        // 250 000 estimated order rows against 10 000 customers: every customer kept.
        XCTAssertEqual(PushSemiJoinsBelowJoins.keptFraction(l, r, condition), 1)
        // And the other way round: 10 000 customer keys over 1 000 000 orders.
        let flipped = try prepared("SELECT 1 FROM orders o WHERE o.customer_id IN (SELECT id FROM customers)")
        guard case .join(let fl, let fr, .semi, let fc?)? = flipped.inputs.first else { return XCTFail(flipped.explain()) }
        XCTAssertEqual(try XCTUnwrap(PushSemiJoinsBelowJoins.keptFraction(fl, fr, fc)), 0.01, accuracy: 1e-9)
    }
}
