// Filter selectivity estimates and the join order they lead to (ReorderJoins).

import XCTest
import Columnar
@testable import Planner

final class FilterSelectivityTests: XCTestCase {
    /// Estimated rows of `SELECT * FROM customers WHERE <predicate>` (customers: 10k rows, no distinct counts).
    private func customers(where predicate: String) throws -> Double {
        ReorderJoins.estimate(try PlanFixture.bind("SELECT * FROM customers WHERE \(predicate)"))
    }

    func testEachKindOfConjunctHasItsOwnGuess() throws {
        XCTAssertEqual(try customers(where: "country = 'NL'"), 1_000, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "'NL' = country"), 1_000, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "country <> 'NL'"), 9_000, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "id > 10"), 10_000.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "country IN ('NL', 'BE', 'LU')"), 3_000, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "name LIKE 'A%'"), 1_000, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "name NOT LIKE 'A%'"), 9_000, accuracy: 1e-6)
        XCTAssertEqual(try customers(where: "name IS NULL"), 1_000, accuracy: 1e-6)
    }

    func testConjunctionsMultiplyButBothBoundsOfOneColumnAreOneRange() throws {
        XCTAssertEqual(try customers(where: "country = 'NL' AND name LIKE 'A%'"), 100, accuracy: 1e-6)
        // d >= a AND d < b: a third, not a ninth.
        XCTAssertEqual(try customers(where: "id >= 10 AND id < 20"), 10_000.0 / 3, accuracy: 1e-6)
        // Bounds on two different columns are two ranges.
        XCTAssertEqual(try customers(where: "id >= 10 AND name > 'M'"), 10_000.0 / 9, accuracy: 1e-6)
        // Disjunction: s1 + s2 - s1·s2.
        XCTAssertEqual(try customers(where: "country = 'NL' OR country = 'BE'"), 10_000 * 0.19, accuracy: 1e-6)
    }

    func testEstimatesStayWithinZeroAndAllRows() throws {
        XCTAssertEqual(try customers(where: "country = 'NL' OR id > 1 OR name LIKE 'x' OR country <> 'BE'"), 10_000 * (1 - 0.9 * (2.0 / 3) * 0.9 * 0.1), accuracy: 1e-6)
        let long = (0..<12).map { "country <> 'X\($0)' AND name LIKE 'A\($0)%'" }.joined(separator: " AND ")
        XCTAssertEqual(try customers(where: long), 10_000 * FilterSelectivity.minimum, accuracy: 1e-9)
    }

    func testStronglyFilteredLargeTableBuildsAndTheSmallerTableProbes() throws {
        // orders (1M rows) cut by three conjuncts to ~3.3k estimated rows is smaller than customers
        // (10k): customers streams through as the probe and the filtered orders are hashed
        // (TPC-H Q12: filtered lineitem against all of orders). With one fixed fraction per
        // filter orders stayed the probe side (250k estimated rows).
        try assertRewrite("SELECT o.amount FROM orders o JOIN customers c ON o.customer_id = c.id WHERE o.amount > 5 AND o.note LIKE 'x%' AND o.id = 3",
                          { ReorderJoins.apply(PushDownFilters.apply($0)) },
            before: """
            Project #2 AS amount
              Filter ((#2 > 5) AND (#3 ~~ 'x%') AND (#0 = 3))
                Inner Join on (#1 = #4)
                  Scan orders [id, customer_id, amount, note]
                  Scan customers [id, name, country]
            """,
            after: """
            Project #2 AS amount
              Project #3 AS id, #4 AS customer_id, #5 AS amount, #6 AS note, #0 AS id, #1 AS name, #2 AS country
                Inner Join on (#4 = #0)
                  Scan customers [id, name, country]
                  Filter ((#2 > 5) AND (#3 ~~ 'x%') AND (#0 = 3))
                    Scan orders [id, customer_id, amount, note]
            """)
    }
}
