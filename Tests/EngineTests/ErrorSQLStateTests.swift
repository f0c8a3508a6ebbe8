// SQLSTATEs that must be PostgreSQL's exact ones (sqllogictest only checks
// that some error happens): argument and type-modifier errors found by
// comparing Tests/slt against PostgreSQL 15 with sqlstate_check.py.

import XCTest
import Columnar
@testable import Engine

final class ErrorSQLStateTests: XCTestCase {
    private func assertState(_ s: Session, _ sql: String, _ state: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try s.execute(sql).allRows()
            XCTFail("expected \(state) from: \(sql)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testPostgreSQLStates() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE t (a int)").allRows()
        _ = try s.execute("INSERT INTO t VALUES (1), (2)").allRows()
        assertState(s, "SELECT a FROM t LIMIT -1", "2201W")
        assertState(s, "SELECT a FROM t OFFSET -1", "2201X")
        assertState(s, "SELECT ntile(0) OVER () FROM t", "22014")
        assertState(s, "SELECT chr(-1)", "22023")
        assertState(s, "SELECT 'x'::varchar(0)", "22023")
        assertState(s, "CREATE TABLE bad (c char(0))", "22023")
        assertState(s, "SELECT 'x'::varchar(10485761)", "22023")
        assertState(s, "WITH RECURSIVE r(n) AS (SELECT n FROM r UNION ALL SELECT 1) SELECT * FROM r", "42P19")
        // Valid lengths still work.
        XCTAssertEqual(try s.execute("SELECT 'abc'::varchar(2), 'x'::char(1)").allRows(), [[.string("ab"), .string("x")]])
    }
}
