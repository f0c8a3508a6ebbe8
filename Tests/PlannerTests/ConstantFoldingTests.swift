// Before/after plan tests for the ConstantFolding rule.

import XCTest
import Columnar
@testable import Planner

final class ConstantFoldingTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { ConstantFolding.apply(p) }

    func testFoldsArithmeticAndDropsTrueConjuncts() throws {
        try assertRewrite("SELECT name, 2 * 3 + id FROM customers WHERE 1 + 1 = 2 AND id > 3", rule,
            before: """
            Project #1 AS name, ((2 * 3) + #0) AS ?column?
              Filter (((1 + 1) = 2) AND (#0 > 3))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name, (6 + #0) AS ?column?
              Filter (#0 > 3)
                Scan customers [id, name, country]
            """)
    }

    func testSimplifiesBooleanLogicAndDoubleNegation() throws {
        try assertRewrite("SELECT name FROM customers WHERE NOT NOT (id > 3 AND true) AND (false OR country = 'NL')", rule,
            before: """
            Project #1 AS name
              Filter (NOT NOT ((#0 > 3) AND 't') AND ('f' OR (#2 = 'NL')))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Filter ((#0 > 3) AND (#2 = 'NL'))
                Scan customers [id, name, country]
            """)
    }

    func testFalseOrNullFilterBecomesEmptyValues() throws {
        for sql in ["SELECT name FROM customers WHERE 2 < 1 AND id > 3", "SELECT name FROM customers WHERE NULL::boolean OR 1 > 2"] {
            let plan = try PlanFixture.bind(sql)
            let folded = ConstantFolding.apply(plan)
            XCTAssertEqual(folded.explain(), "Project #1 AS name\n  Values (0 rows)")
            guard case .project(.values(let rows, let fields), _, _) = folded else { return XCTFail("expected empty values") }
            XCTAssertTrue(rows.isEmpty)
            // The empty input keeps the scan's fields, so the projection above still reads #1 as text.
            XCTAssertEqual(fields.map(\.name), ["id", "name", "country"])
            XCTAssertEqual(fields.map(\.type), [.int32, .text, .text])
            assertSameOutput(plan, folded)
        }
    }

    func testNullOperandStaysInConjunction() {
        let x = BoundExpr.column(0, .boolean)
        let e = ConstantFolding.simplify(.and([x, .literal(.null, .null), .literal(.bool(true), .boolean)]))
        XCTAssertEqual(ExprFormatter.format(e), "(#0 AND NULL)")
        XCTAssertEqual(ExprFormatter.format(ConstantFolding.simplify(.or([x, .literal(.bool(true), .boolean)]))), "'t'")
        XCTAssertEqual(ExprFormatter.format(ConstantFolding.simplify(.not(.literal(.null, .boolean)))), "NULL")
    }

    func testLeavesSessionDependentAndFailingExpressionsAlone() throws {
        // now() depends on the statement time and 1/0 must fail only if it is evaluated.
        try assertRewrite("SELECT now(), CASE WHEN id > 0 THEN 1 ELSE 1 / 0 END FROM customers", rule,
            before: """
            Project now() AS now, CASE WHEN (#0 > 0) THEN 1 ELSE (1 / 0) END AS case
              Scan customers [id, name, country]
            """,
            after: """
            Project now() AS now, CASE WHEN (#0 > 0) THEN 1 ELSE (1 / 0) END AS case
              Scan customers [id, name, country]
            """)
    }
}
