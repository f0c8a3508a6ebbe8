// INSERT … VALUES converts each row's values to the target columns one by one,
// as PostgreSQL 15 does (transformInsertRow): rows whose common type would not
// hold every value still insert, and the errors are PostgreSQL's SQLSTATEs.
// (Tests/slt/ddl_dml/insert_values_coercion.slt checks the stored rows too.)

import XCTest
import Columnar
@testable import Engine

final class InsertValuesCoercionTests: XCTestCase {
    private func assertError(_ s: Session, _ sql: String, _ state: String, position: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try s.execute(sql).allRows()
            XCTFail("expected \(state) from: \(sql)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
            if let position { XCTAssertEqual(e.position, position, e.message, file: file, line: line) }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testEachRowTakesTheTargetTypes() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE t (big bigint, o oid, n numeric(6,2), txt text)").allRows()
        _ = try s.execute("INSERT INTO t VALUES (1, 1, 1, 'x'), ('9999999999', '4294967295', '2.345', 5), (2, -1, 2.6, NULL)").allRows()
        XCTAssertEqual(try s.execute("SELECT big, o, n, txt FROM t ORDER BY big").allRows(),
                       [[.int(1), .int(1), .decimal(100), .string("x")], [.int(2), .int(4_294_967_295), .decimal(260), .null],
                        [.int(9_999_999_999), .int(4_294_967_295), .decimal(235), .string("5")]])
    }

    func testErrorsAreAssignmentErrors() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE t (big bigint, s varchar(2))").allRows()
        assertError(s, "INSERT INTO t (big) VALUES (1), ('1'::text)", SQLState.datatypeMismatch, position: 34)
        assertError(s, "INSERT INTO t (big) VALUES (1), ('x')", SQLState.invalidTextRepresentation, position: 34)
        assertError(s, "INSERT INTO t (s) VALUES ('ab'), ('abcd')", "22001")
        assertError(s, "INSERT INTO t (big) VALUES (1, 2)", SQLState.syntaxError)
        // A VALUES list in a subquery is not an INSERT row list: its common type (integer) applies.
        assertError(s, "INSERT INTO t (big) SELECT * FROM (VALUES (1), ('9999999999')) v(x)", SQLState.numericValueOutOfRange)
        XCTAssertEqual(try s.execute("SELECT count(*) FROM t").allRows(), [[.int(0)]])
    }
}
