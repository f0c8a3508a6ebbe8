// QUALIFY (DuckDB's filter on window results, absent from PostgreSQL, so the
// sqllogictest oracle cannot check it): the filter runs after the window
// functions, may repeat a window expression or name a select-list alias,
// and input columns win over aliases.

import XCTest
import Columnar
@testable import Engine

final class QualifyTests: XCTestCase {
    private func rows(_ s: Session, _ sql: String) throws -> [[Value]] { try s.execute(sql).allRows() }

    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try rows(s, "CREATE TABLE sales (region text, amount int)")
        _ = try rows(s, "INSERT INTO sales VALUES ('n', 10), ('n', 30), ('n', 20), ('s', 5), ('s', 50), ('w', NULL)")
        return s
    }

    func testWindowExpressionAndAliasFilterAfterTheWindows() throws {
        let s = try session()
        let want: [[Value]] = [[.string("n"), .int(30)], [.string("s"), .int(50)], [.string("w"), .null]]
        XCTAssertEqual(try rows(s, "SELECT region, amount FROM sales QUALIFY row_number() OVER (PARTITION BY region ORDER BY amount DESC NULLS LAST) = 1 ORDER BY region"), want)
        XCTAssertEqual(try rows(s, "SELECT region, amount, row_number() OVER (PARTITION BY region ORDER BY amount DESC NULLS LAST) AS rn FROM sales QUALIFY rn = 1 ORDER BY region"),
                       want.map { $0 + [.int(1)] })
        // With GROUP BY: the window runs over the groups (DESC puts NULL first unless told otherwise).
        XCTAssertEqual(try rows(s, "SELECT region, sum(amount) AS total FROM sales GROUP BY region QUALIFY rank() OVER (ORDER BY sum(amount) DESC NULLS LAST) <= 2 ORDER BY total DESC NULLS LAST"),
                       [[.string("n"), .int(60)], [.string("s"), .int(55)]])
    }

    func testInputColumnsWinOverAliases() throws {
        let s = try session()
        // "amount" is the input column here, not the alias of region.
        XCTAssertEqual(try rows(s, "SELECT region AS amount FROM sales QUALIFY amount > 25 ORDER BY 1"),
                       [[.string("n")], [.string("s")]])
        XCTAssertThrowsError(try rows(s, "SELECT region AS r FROM sales QUALIFY (SELECT count(*) FROM sales x WHERE x.region = r) > 0")) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.undefinedColumn)
        }
    }
}
