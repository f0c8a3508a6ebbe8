// Before/after plan tests for the PushOuterJoinConditionsIntoInputs rule.

import XCTest
import Columnar
@testable import Planner

final class PushOuterJoinConditionsIntoInputsTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { PushOuterJoinConditionsIntoInputs.apply(p) }

    func testLeftJoinConditionOnTheLookedUpSideFiltersThatSide() throws {
        try assertRewrite("SELECT c.id, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.note NOT LIKE '%x%' AND c.country = 'NL'", rule,
            before: """
            Project #0 AS id, #3 AS id
              Left Join on ((#4 = #0) AND (#6 !~~ '%x%') AND (#2 = 'NL'))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """,
            // The conjunct on c (the preserved side) decides padding and stays.
            after: """
            Project #0 AS id, #3 AS id
              Left Join on ((#4 = #0) AND (#2 = 'NL'))
                Scan customers [id, name, country]
                Filter (#3 !~~ '%x%')
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testRightJoinConditionOnTheLeftSideFiltersTheLeftSide() throws {
        try assertRewrite("SELECT o.id, c.id FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id AND o.amount > 5", rule,
            before: """
            Project #0 AS id, #4 AS id
              Right Join on ((#1 = #4) AND (#2 > 5))
                Scan orders [id, customer_id, amount, note]
                Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS id, #4 AS id
              Right Join on (#1 = #4)
                Filter (#2 > 5)
                  Scan orders [id, customer_id, amount, note]
                Scan customers [id, name, country]
            """)
    }

    func testSemiJoinConditionOnTheRightSideFiltersTheRightSide() throws {
        let plan = try PlanFixture.bind("SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.amount > 5)")
        let semi = DecorrelateSubqueries.apply(plan)
        // A semi join whose condition holds the single-side conjunct (as other rules may leave it).
        guard case .project(.join(let l, let r, .semi, let condition?), let exprs, let fields) = semi else {
            return XCTFail(semi.explain())
        }
        let merged: LogicalPlan = .project(.join(l, unfiltered(r), .semi, condition: .and(PushDownFilters.conjuncts(condition) + [rightFilter(r, width: l.fields.count)].compactMap { $0 })), exprs, fields: fields)
        XCTAssertEqual(merged.explain(), """
            Project #1 AS name
              Semi Join on ((#0 = #4) AND (#5 > 5))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """)
        XCTAssertEqual(rule(merged).explain(), """
            Project #1 AS name
              Semi Join on (#0 = #4)
                Scan customers [id, name, country]
                Filter (#2 > 5)
                  Scan orders [id, customer_id, amount, note]
            """)
    }

    func testFullAndInnerJoinsAndConditionsOverBothSidesStay() throws {
        for sql in [
            "SELECT 1 FROM customers c FULL JOIN orders o ON o.customer_id = c.id AND o.amount > 5",
            "SELECT 1 FROM customers c JOIN orders o ON o.customer_id = c.id AND o.amount > 5",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.amount > c.id",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND random() > 0.5",
            "SELECT 1 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND c.name = 'x'",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }

    /// The semi join's right input without the filter decorrelation put on it, and that filter's
    /// predicate renumbered over the join's output.
    private func unfiltered(_ r: LogicalPlan) -> LogicalPlan {
        if case .filter(let input, _) = r { return input }
        return r
    }

    private func rightFilter(_ r: LogicalPlan, width: Int) -> BoundExpr? {
        if case .filter(_, let p) = r { return PushDownFilters.shift(p, width) }
        return nil
    }
}
