// The bind kept from describe (the wire protocol's Parse) for the next
// execution: reused only when nothing changed, never across DDL by another
// session, a statement run in between, or a different text.

import XCTest
import Columnar
import SQLSyntax
@testable import Engine

final class PreparedBindingTests: XCTestCase {
    private func parsed(_ sql: String) throws -> ParsedStatement {
        guard let p = try Parser.parse(sql).first else { throw SQLError(SQLState.syntaxError, "empty") }
        return p
    }

    func testDescribeThenExecuteReusesTheBindOnce() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE t (a int)").allRows()
        _ = try s.execute("INSERT INTO t VALUES (1), (2)").allRows()
        let p = try parsed("SELECT a FROM t ORDER BY a")
        _ = try s.describe(p, parameterTypes: [:], count: 0)
        XCTAssertNotNil(s.preparedBinding)
        XCTAssertEqual(try s.execute(p).allRows(), [[.int(1)], [.int(2)]])
        XCTAssertNil(s.preparedBinding, "a kept bind is given out once")
        XCTAssertEqual(try s.execute(p).allRows(), [[.int(1)], [.int(2)]])
    }

    func testTableReplacedByAnotherSessionBetweenDescribeAndExecuteIsRebound() throws {
        let db = try Database()
        let s = db.connect(), other = db.connect()
        _ = try s.execute("CREATE TABLE t (a int)").allRows()
        let p = try parsed("SELECT * FROM t")
        _ = try s.describe(p, parameterTypes: [:], count: 0)
        _ = try other.execute("DROP TABLE t").allRows()
        _ = try other.execute("CREATE TABLE t (x text, y text)").allRows()
        _ = try other.execute("INSERT INTO t VALUES ('p', 'q')").allRows()
        let result = try s.execute(p)
        XCTAssertEqual(result.fields.map(\.name), ["x", "y"])
        XCTAssertEqual(try result.allRows(), [[.string("p"), .string("q")]])
    }

    func testStatementInBetweenInvalidatesTheKeptBind() throws {
        let s = try Database().connect()
        let p = try parsed("SELECT current_setting('application_name') AS v")
        _ = try s.describe(p, parameterTypes: [:], count: 0)
        _ = try s.execute("SET application_name = 'after'").allRows()
        let before = s.statementsRun
        XCTAssertNotEqual(s.preparedBinding?.key.statementsRun, before)
        XCTAssertEqual(try s.execute(p).allRows(), [[.string("after")]])
    }

    func testDifferentTextOrParametersAreNotReused() throws {
        let s = try Database().connect()
        _ = try s.describe(try parsed("SELECT 1 AS a"), parameterTypes: [:], count: 0)
        let other = try s.execute(try parsed("SELECT 'x' AS b"))
        XCTAssertEqual(other.fields.map(\.name), ["b"])
        XCTAssertEqual(try other.allRows(), [[.string("x")]])
        _ = try s.describe(try parsed("SELECT $1::int AS a"), parameterTypes: [:], count: 1)
        XCTAssertNil(s.preparedBinding, "statements with parameters are bound again with their values")
    }

    /// The wire protocol runs statements through execute(_:parameters:): pg_catalog must be
    /// a fresh snapshot per statement there too, so a CREATE shows in the next catalog query.
    func testCatalogQueriesSeeEarlierDDLOnTheSameConnection() throws {
        let s = try Database().connect()
        let count = try parsed("SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'zz'")
        XCTAssertEqual(try s.execute(count).allRows(), [[.int(0)]])
        _ = try s.execute(try parsed("CREATE TABLE zz (x int)")).allRows()
        XCTAssertEqual(try s.execute(count).allRows(), [[.int(1)]])
        _ = try s.describe(count, parameterTypes: [:], count: 0)
        _ = try s.execute(try parsed("DROP TABLE zz")).allRows()
        XCTAssertEqual(try s.execute(count).allRows(), [[.int(0)]], "a kept bind must not outlive DDL")
    }
}
