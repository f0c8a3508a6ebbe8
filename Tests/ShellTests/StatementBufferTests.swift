// The REPL's statement buffer: when a statement is complete, what is left
// pending, and which continuation marker the prompt shows.

import XCTest
@testable import Shell

final class StatementBufferTests: XCTestCase {
    func testStatementSpanningLinesCompletesAtSemicolon() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "SELECT 1,"), [])
        XCTAssertEqual(buffer.open, .nothing)
        XCTAssertFalse(buffer.isEmpty)
        XCTAssertEqual(buffer.feed(line: "  2;"), ["SELECT 1,\n  2;"])
        XCTAssertTrue(buffer.isEmpty)
    }

    func testSeveralStatementsOnOneLineAndARemainder() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "SELECT 1; SELECT 2; SELECT"), ["SELECT 1;", "SELECT 2;"])
        XCTAssertEqual(buffer.pending, "SELECT\n")
        XCTAssertEqual(buffer.feed(line: "3;"), ["SELECT\n3;"])
    }

    func testSemicolonsInsideQuotesCommentsAndDollarQuotesDoNotEnd() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "SELECT 'a;"), [])
        XCTAssertEqual(buffer.open, .singleQuote)
        XCTAssertEqual(buffer.open.marker, "'")
        XCTAssertEqual(buffer.feed(line: "b';"), ["SELECT 'a;\nb';"])

        XCTAssertEqual(buffer.feed(line: "SELECT $fn$ x; $fn$ ||"), [])
        XCTAssertEqual(buffer.open, .nothing)
        XCTAssertEqual(buffer.feed(line: "$$ ; "), [])
        XCTAssertEqual(buffer.open, .dollarQuote(tag: "$$"))
        XCTAssertEqual(buffer.feed(line: "$$;").count, 1)

        XCTAssertEqual(buffer.feed(line: "SELECT /* ; /* nested ; */"), [])
        XCTAssertEqual(buffer.open, .blockComment)
        XCTAssertEqual(buffer.open.marker, "*")
        XCTAssertEqual(buffer.feed(line: "*/ 1 -- trailing ; comment"), [])
        XCTAssertEqual(buffer.feed(line: ";"), ["SELECT /* ; /* nested ; */\n*/ 1 -- trailing ; comment\n;"])

        XCTAssertEqual(buffer.feed(line: "SELECT \"a;b\", E'it\\'s;'"), [])
        XCTAssertEqual(buffer.open, .nothing)
        XCTAssertEqual(buffer.feed(line: ";").count, 1)
    }

    func testParenthesesHoldTheStatementOpen() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "SELECT (1 +"), [])
        XCTAssertEqual(buffer.open, .parentheses(depth: 1))
        XCTAssertEqual(buffer.open.marker, "(")
        XCTAssertEqual(buffer.feed(line: "2);"), ["SELECT (1 +\n2);"])
    }

    func testBlankAndCommentOnlyInputIsNotAStatement() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "   "), [])
        XCTAssertTrue(buffer.isEmpty)
        XCTAssertEqual(buffer.feed(line: "-- just a note"), [])
        XCTAssertTrue(buffer.isEmpty)
        XCTAssertEqual(buffer.feed(line: ";;"), [])
        XCTAssertEqual(buffer.feed(line: "SELECT 1; -- done"), ["SELECT 1;"])
        XCTAssertTrue(buffer.isEmpty)
        XCTAssertEqual(buffer.pending, "")
    }

    func testTakeRestReturnsAnUnterminatedFinalStatement() {
        var buffer = StatementBuffer()
        _ = buffer.feed(line: "SELECT 42")
        XCTAssertEqual(buffer.takeRest(), "SELECT 42\n")
        XCTAssertNil(buffer.takeRest())
    }

    func testAHugeStatementIsScannedOnce() {
        // 200,000 lines of one INSERT: quadratic rescanning would take minutes.
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "INSERT INTO t VALUES"), [])
        for i in 0..<200_000 { XCTAssertTrue(buffer.feed(line: "(\(i), 'it''s; \(i)'),").isEmpty) }
        let done = buffer.feed(line: "(0, 'end');")
        XCTAssertEqual(done.count, 1)
        XCTAssertTrue(done[0].hasSuffix("(0, 'end');"))
        XCTAssertTrue(buffer.isEmpty)
    }

    func testLookaheadAcrossFeeds() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(text: "SELECT 'a'"), [])
        XCTAssertEqual(buffer.feed(text: "'b' -"), [])
        XCTAssertEqual(buffer.feed(text: "- c;\n"), [])
        XCTAssertEqual(buffer.feed(text: "; SELECT $x"), ["SELECT 'a''b' -- c;\n;"])
        XCTAssertEqual(buffer.feed(text: "y$ ; $x"), [])
        XCTAssertEqual(buffer.open, .dollarQuote(tag: "$xy$"))
        XCTAssertEqual(buffer.feed(text: "y$;"), ["SELECT $xy$ ; $xy$;"])
        XCTAssertEqual(StatementBuffer.openState(after: "SELECT * FROM read_parquet('da"), .singleQuote)
    }

    func testPositionalParameterIsNotADollarQuote() {
        var buffer = StatementBuffer()
        XCTAssertEqual(buffer.feed(line: "SELECT $1;"), ["SELECT $1;"])
    }
}
