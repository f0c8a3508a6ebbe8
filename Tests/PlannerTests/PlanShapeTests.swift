// The optimizer skips rules a plan gives nothing to act on (PlanShape.swift):
// what the shape finds, and that skipping never changes the optimised plan.

import XCTest
import Columnar
@testable import Planner

final class PlanShapeTests: XCTestCase {
    func testShapeFindsOperatorsAndSubqueries() throws {
        let one = PlanShape(try PlanFixture.bind("SELECT 1"))
        XCTAssertFalse(one.hasJoin || one.hasFilter || one.hasLimit || one.hasScan || one.mayNeedDecorrelation)

        let filtered = PlanShape(try PlanFixture.bind("SELECT name FROM customers WHERE id > 3 LIMIT 2"))
        XCTAssertTrue(filtered.hasFilter && filtered.hasScan && filtered.hasLimit)
        XCTAssertFalse(filtered.hasJoin || filtered.mayNeedDecorrelation)

        let joined = PlanShape(try PlanFixture.bind("SELECT 1 FROM orders o JOIN customers c ON o.customer_id = c.id"))
        XCTAssertTrue(joined.hasJoin)
        XCTAssertFalse(joined.mayNeedDecorrelation)

        for sql in ["SELECT (SELECT max(id) FROM customers)",
                    "SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders)",
                    "SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)",
                    "SELECT country, count(*) FROM customers GROUP BY country"] {
            XCTAssertTrue(PlanShape(try PlanFixture.bind(sql)).mayNeedDecorrelation, sql)
        }
    }

    func testSkippingRulesGivesTheSamePlans() throws {
        let queries = [
            "SELECT 1",
            "SELECT 1 + 2 AS x, 'a' || 'b'",
            "VALUES (1, 'a'), (2, 'b')",
            "SELECT name FROM customers",
            "SELECT name FROM customers WHERE id > 3 AND 1 = 1",
            "SELECT name FROM customers ORDER BY name LIMIT 3 OFFSET 1",
            "SELECT * FROM (SELECT name, id + 1 AS x FROM customers) s LIMIT 3",
            "SELECT o.amount, c.name FROM orders o JOIN customers c ON o.customer_id = c.id WHERE c.country = 'NL'",
            "SELECT c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount > 10",
            "SELECT name FROM customers UNION SELECT note FROM orders",
            "SELECT DISTINCT country FROM customers WHERE id < 10",
            "SELECT country, count(*) FROM customers GROUP BY country HAVING count(*) > 1",
            "SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE amount > 5)",
            "SELECT (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c",
        ]
        for sql in queries {
            // Bound twice: rules may update scan nodes (classes) in place.
            let skipping = Optimizer.optimize(try PlanFixture.bind(sql)).explain(revealPolicies: true)
            let everyRule = Optimizer.optimize(try PlanFixture.bind(sql), skippingInapplicableRules: false).explain(revealPolicies: true)
            XCTAssertEqual(skipping, everyRule, sql)
        }
    }
}
