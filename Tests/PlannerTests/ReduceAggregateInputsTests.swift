// Before/after plan tests for ReduceAggregateInputs: a grouped aggregate
// joined on one of its keys with a filtered relation gets its input semi
// joined with that filtered relation's keys; every case where that would be
// wrong (outer join preserving the aggregate, anti/mark joins, scalar
// aggregates, policy barriers) or useless (unfiltered other side) is left
// alone. The plans "before" are what the rule meets in the optimizer:
// subqueries decorrelated, filters pushed down, joins ordered.

import XCTest
import Columnar
@testable import Planner

final class ReduceAggregateInputsTests: XCTestCase {
    private func prepared(_ plan: LogicalPlan) -> LogicalPlan {
        // Decorrelation without AggregateSubqueriesToWindows, which would take the Q2 and Q17 shapes.
        let decorrelated = DecorrelateScalarSubqueries.apply(DecorrelateToMarkJoins.apply(DecorrelateSubqueries.apply(plan)))
        let pushed = PushDownFilters.apply(PushOuterJoinConditionsIntoInputs.apply(SimplifyOuterJoins.apply(decorrelated)))
        return ReorderJoins.apply(MarkJoinsFilteredOnTheMarkToSemiJoins.apply(pushed))
    }

    private func prepared(_ sql: String) throws -> LogicalPlan { prepared(try PlanFixture.bind(sql)) }

    private func check(_ sql: String, before: String, after: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let plan = try prepared(sql)
        XCTAssertEqual(plan.explain(), before, "plan before the rule", file: file, line: line)
        let rewritten = ReduceAggregateInputs.apply(plan)
        XCTAssertEqual(rewritten.explain(), after, "plan after the rule", file: file, line: line)
        assertSameOutput(plan, rewritten, file: file, line: line)
    }

    private func unchanged(_ plan: LogicalPlan, file: StaticString = #filePath, line: UInt = #line) {
        var aggregates = 0
        plan.visitPreOrder { if case .aggregate = $0 { aggregates += 1 } }
        XCTAssertGreaterThan(aggregates, 0, "the shape holds an aggregate", file: file, line: line)
        XCTAssertEqual(ReduceAggregateInputs.apply(plan).explain(revealPolicies: true), plan.explain(revealPolicies: true),
                       file: file, line: line)
    }

    /// TPC-H Q17's shape: a correlated scalar aggregate becomes a left join with the aggregate on
    /// the padded side; its input keeps only the keys of the filtered customers.
    func testCorrelatedScalarAggregateInputIsReducedToTheFilteredKeys() throws {
        try check("""
            SELECT c.name FROM customers c
            WHERE c.country = 'FR' AND 100 < (SELECT sum(o.amount) FROM orders o WHERE o.customer_id = c.id)
            """, before: """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Project #2 AS id, #3 AS name, #4 AS country, #0 AS key, #1 AS sum
                  Inner Join on (#2 = #0)
                    Filter (100 < #1)
                      Aggregate keys=[#1] aggs=[sum(#2)]
                        Scan orders [id, customer_id, amount, note]
                    Filter (#2 = 'FR')
                      Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Project #0 AS id, #1 AS name, #2 AS country
                Project #2 AS id, #3 AS name, #4 AS country, #0 AS key, #1 AS sum
                  Inner Join on (#2 = #0)
                    Filter (100 < #1)
                      Aggregate keys=[#1] aggs=[sum(#2)]
                        Semi Join on (#1 = #4)
                          Scan orders [id, customer_id, amount, note]
                          Project #0 AS id
                            Filter (#2 = 'FR')
                              Scan customers [id, name, country]
                    Filter (#2 = 'FR')
                      Scan customers [id, name, country]
            """)
    }

    /// TPC-H Q2's shape: an inner join with a grouped derived table; the semi join moves down the
    /// aggregate input's inner join onto the scan supplying the key.
    func testInnerJoinWithGroupedDerivedTableReducesBelowItsJoins() throws {
        try check("""
            SELECT c.name, t.total FROM customers c
            JOIN (SELECT o.customer_id, sum(o.amount) AS total FROM orders o JOIN countries k ON k.code = o.note
                  GROUP BY o.customer_id) t ON t.customer_id = c.id
            WHERE c.country = 'FR'
            """, before: """
            Project #1 AS name, #4 AS total
              Project #2 AS id, #3 AS name, #4 AS country, #0 AS customer_id, #1 AS total
                Inner Join on (#0 = #2)
                  Project #0 AS customer_id, #1 AS total
                    Aggregate keys=[#1] aggs=[sum(#2)]
                      Inner Join on (#4 = #3)
                        Scan orders [id, customer_id, amount, note]
                        Scan countries [code, region]
                  Filter (#2 = 'FR')
                    Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name, #4 AS total
              Project #2 AS id, #3 AS name, #4 AS country, #0 AS customer_id, #1 AS total
                Inner Join on (#0 = #2)
                  Project #0 AS customer_id, #1 AS total
                    Aggregate keys=[#1] aggs=[sum(#2)]
                      Inner Join on (#4 = #3)
                        Semi Join on (#1 = #4)
                          Scan orders [id, customer_id, amount, note]
                          Project #0 AS id
                            Filter (#2 = 'FR')
                              Scan customers [id, name, country]
                        Scan countries [code, region]
                  Filter (#2 = 'FR')
                    Scan customers [id, name, country]
            """)
    }

    /// TPC-H Q20's shape: two keys traced to the same filtered relation give a two-column semi join.
    func testTwoKeysFromOneFilteredRelationGiveATwoColumnSemiJoin() throws {
        try check("""
            SELECT c.name, t.total FROM customers c
            JOIN (SELECT customer_id, note, sum(amount) AS total FROM orders GROUP BY customer_id, note) t
              ON t.customer_id = c.id AND t.note = c.country
            WHERE c.name LIKE 'A%'
            """, before: """
            Project #1 AS name, #5 AS total
              Project #3 AS id, #4 AS name, #5 AS country, #0 AS customer_id, #1 AS note, #2 AS total
                Inner Join on ((#0 = #3) AND (#1 = #5))
                  Project #0 AS customer_id, #1 AS note, #2 AS total
                    Aggregate keys=[#1, #3] aggs=[sum(#2)]
                      Scan orders [id, customer_id, amount, note]
                  Filter (#1 ~~ 'A%')
                    Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name, #5 AS total
              Project #3 AS id, #4 AS name, #5 AS country, #0 AS customer_id, #1 AS note, #2 AS total
                Inner Join on ((#0 = #3) AND (#1 = #5))
                  Project #0 AS customer_id, #1 AS note, #2 AS total
                    Aggregate keys=[#1, #3] aggs=[sum(#2)]
                      Semi Join on ((#1 = #4) AND (#3 = #5))
                        Scan orders [id, customer_id, amount, note]
                        Project #0 AS id, #2 AS country
                          Filter (#1 ~~ 'A%')
                            Scan customers [id, name, country]
                  Filter (#1 ~~ 'A%')
                    Scan customers [id, name, country]
            """)
    }

    /// IN over a grouped subquery with HAVING: a semi join with the aggregate on its right.
    func testSemiJoinOverHavingReducesTheAggregate() throws {
        try check("""
            SELECT c.name FROM customers c
            WHERE c.country = 'FR' AND c.id IN (SELECT customer_id FROM orders GROUP BY customer_id HAVING sum(amount) > 10)
            """, before: """
            Project #1 AS name
              Semi Join on (#0 = #3)
                Filter (#2 = 'FR')
                  Scan customers [id, name, country]
                Project #0 AS customer_id
                  Filter (#1 > 10)
                    Aggregate keys=[#1] aggs=[sum(#2)]
                      Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #1 AS name
              Semi Join on (#0 = #3)
                Filter (#2 = 'FR')
                  Scan customers [id, name, country]
                Project #0 AS customer_id
                  Filter (#1 > 10)
                    Aggregate keys=[#1] aggs=[sum(#2)]
                      Semi Join on (#1 = #4)
                        Scan orders [id, customer_id, amount, note]
                        Project #0 AS id
                          Filter (#2 = 'FR')
                            Scan customers [id, name, country]
            """)
    }

    /// Nothing selects the other side's keys: a semi join with all of them would only cost.
    func testUnfilteredOtherSideIsLeftAlone() throws {
        unchanged(try prepared("""
            SELECT c.name, t.total FROM customers c
            JOIN (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) t ON t.customer_id = c.id
            """))
    }

    /// The aggregate's rows are preserved by the outer join: every group shows, matched or not.
    func testOuterJoinPreservingTheAggregateIsLeftAlone() throws {
        let plan = try prepared("""
            SELECT t.customer_id, t.total, c.name
            FROM (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) t
            LEFT JOIN customers c ON c.id = t.customer_id AND c.country = 'FR'
            """)
        guard case .join(_, _, .left, _)? = plan.inputs.first else { return XCTFail(plan.explain()) }
        unchanged(plan)
    }

    /// A scalar aggregate yields a row (NULL) even for an empty input.
    func testAggregateWithoutGroupByIsLeftAlone() throws {
        unchanged(try prepared("""
            SELECT c.name FROM customers c, (SELECT max(customer_id) AS m FROM orders) t
            WHERE t.m = c.id AND c.country = 'FR'
            """))
    }

    func testAntiAndMarkJoinsAreLeftAlone() throws {
        let anti = try prepared("""
            SELECT c.name FROM customers c WHERE c.country = 'FR'
            AND NOT EXISTS (SELECT 1 FROM (SELECT customer_id FROM orders GROUP BY customer_id) t WHERE t.customer_id = c.id)
            """)
        var sawAnti = false
        anti.visitPreOrder { if case .join(_, _, .anti, _) = $0 { sawAnti = true } }
        XCTAssertTrue(sawAnti, anti.explain())
        unchanged(anti)
        let mark = try prepared("""
            SELECT c.name FROM customers c WHERE c.country = 'FR'
            AND (c.name = 'x' OR c.id IN (SELECT customer_id FROM orders GROUP BY customer_id HAVING sum(amount) > 10))
            """)
        var sawMark = false
        mark.visitPreOrder { if case .markJoin = $0 { sawMark = true } }
        XCTAssertTrue(sawMark, mark.explain())
        unchanged(mark)
    }

    /// A volatile filter yields other rows when S runs a second time; grouping sets add groups
    /// (the grand total) that no key of the other side selects.
    func testVolatileFiltersAndGroupingSetsAreLeftAlone() throws {
        let volatile = try prepared("""
            SELECT c.name, t.total FROM customers c
            JOIN (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) t ON t.customer_id = c.id
            WHERE random() < c.id
            """)
        // PushDownFilters keeps the volatile filter above the join; put it on the customers scan
        // by hand, where the rule would otherwise take it as S (as it does a stable one).
        guard case .project(.filter(.project(.join(let l, let r, .inner, let c), _, _), let predicate), _, _) = volatile
        else { return XCTFail(volatile.explain()) }
        unchanged(.join(l, .filter(r, predicate), .inner, condition: c))
        let stable = LogicalPlan.join(l, .filter(r, .isNull(.column(1, .text), negated: true)), .inner, condition: c)
        XCTAssertNotEqual(ReduceAggregateInputs.apply(stable).explain(), stable.explain())
        unchanged(try prepared("""
            SELECT c.name, t.total FROM customers c
            JOIN (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY GROUPING SETS ((customer_id), ())) t
              ON t.customer_id = c.id
            WHERE c.country = 'FR'
            """))
    }

    /// Nothing is taken from inside a policy barrier, nor is a barrier's input reduced.
    func testPolicyBarriersAreLeftAlone() throws {
        let access = StubAccess()
        access.policy("customers", "fr_only", "country = 'FR'")
        access.policy("orders", "big_only", "amount > 5")
        let filteredSideSecured = prepared(try PolicyFixture.bind("""
            SELECT c.name, t.total FROM customers c
            JOIN (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) t ON t.customer_id = c.id
            WHERE c.name LIKE 'A%'
            """, access))
        unchanged(filteredSideSecured)
    }
}
