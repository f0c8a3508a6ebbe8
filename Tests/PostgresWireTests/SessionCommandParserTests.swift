// Parsing of the statements the wire server runs itself (cursors, COPY TO
// STDOUT, DISCARD, DEALLOCATE, LISTEN) and the top-level statement splitter.

import Columnar
import SQLSyntax
import XCTest

final class SessionCommandParserTests: XCTestCase {
    func command(_ sql: String) throws -> SessionCommand? {
        let sources = try StatementSplitter.split(sql)
        XCTAssertEqual(sources.count, 1)
        return try SessionCommandParser.parse(sources[0])
    }

    func testSplitterKeepsSemicolonsInsideStringsAndParentheses() throws {
        let parts = try StatementSplitter.split("SELECT ';'; ; SELECT (1); -- c;\n SELECT $$a;b$$")
        XCTAssertEqual(parts.map(\.text), ["SELECT ';'", "SELECT (1)", "SELECT $$a;b$$"])
        XCTAssertEqual(parts[1].offset, 14)
    }

    func testCursorStatements() throws {
        XCTAssertEqual(try command("DECLARE \"c\" BINARY NO SCROLL CURSOR WITH HOLD FOR SELECT 1"),
                       .declareCursor(name: "c", binary: true, hold: true, query: "SELECT 1", queryOffset: 50))
        XCTAssertEqual(try command("declare c cursor without hold for select 2"),
                       .declareCursor(name: "c", binary: false, hold: false, query: "select 2", queryOffset: 34))
        XCTAssertEqual(try command("FETCH FORWARD 5000 FROM \"mx_cur\""), .fetch(name: "mx_cur", direction: .forward(5000), move: false))
        XCTAssertEqual(try command("FETCH c"), .fetch(name: "c", direction: .forward(1), move: false))
        XCTAssertEqual(try command("FETCH ALL IN c"), .fetch(name: "c", direction: .forward(nil), move: false))
        XCTAssertEqual(try command("MOVE NEXT FROM c"), .fetch(name: "c", direction: .forward(1), move: true))
        XCTAssertEqual(try command("CLOSE ALL"), .closeCursor(nil))
        XCTAssertEqual(try command("CLOSE c"), .closeCursor("c"))
        XCTAssertThrowsError(try command("FETCH BACKWARD 1 FROM c")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.featureNotSupported) }
        XCTAssertThrowsError(try command("FETCH 1 FROM c extra")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.syntaxError) }
        XCTAssertThrowsError(try command("DECLARE c FOR SELECT 1")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.syntaxError) }
    }

    func testOtherSessionCommands() throws {
        XCTAssertEqual(try command("DISCARD ALL"), .discardAll)
        XCTAssertEqual(try command("DEALLOCATE \"_PLAN0x1\""), .deallocate("_PLAN0x1"))
        XCTAssertEqual(try command("DEALLOCATE PREPARE ALL"), .deallocate(nil))
        XCTAssertEqual(try command("UNLISTEN *"), .unlisten)
        XCTAssertNil(try command("SELECT 1"))
        XCTAssertNil(try command("SET x = 1"))
    }

    func testCopy() throws {
        XCTAssertEqual(try command("COPY (SELECT a FROM t) TO STDOUT WITH (FORMAT csv, HEADER)"),
                       .copyTo(CopyToStatement(query: "SELECT a FROM t", format: .csv, header: true)))
        XCTAssertEqual(try command("copy s.t (a, b) to stdout delimiter '|' null 'NULL'"),
                       .copyTo(CopyToStatement(query: "SELECT a, b FROM s.t", format: .text, header: false, delimiter: "|", null: "NULL")))
        XCTAssertThrowsError(try command("COPY t FROM STDIN")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.featureNotSupported) }
        XCTAssertThrowsError(try command("COPY t TO '/etc/passwd'")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.featureNotSupported) }
        XCTAssertThrowsError(try command("COPY t TO STDOUT (FORMAT binary)")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.featureNotSupported) }
        XCTAssertThrowsError(try command("COPY t TO STDOUT (FORMAT xml)")) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.syntaxError) }
    }
}
