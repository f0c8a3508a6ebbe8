// Syntax error tests: PostgreSQL's messages and 1-based character positions,
// expected-token details, and robustness (deep nesting gives 54001 rather than
// a crash; truncated and garbled inputs always throw instead of trapping).

import XCTest
import Columnar
@testable import SQLSyntax

final class ErrorTests: XCTestCase {
    func testSyntaxErrorAtToken() throws {
        let e = try XCTUnwrap(parseError("SELECT * FORM t"))
        XCTAssertEqual(e.sqlState, SQLState.syntaxError)
        XCTAssertEqual(e.message, "syntax error at or near \"FORM\"")
        XCTAssertEqual(e.position, 10)
    }

    func testExpectedClausesAfterIncompleteQuery() throws {
        let e = try XCTUnwrap(parseError("SELECT * FORM t"))
        XCTAssertEqual(e.detail, "expected one of: FROM, WHERE, GROUP BY, HAVING, WINDOW, QUALIFY, UNION, INTERSECT, EXCEPT, ORDER BY, LIMIT, FETCH, OFFSET, \";\", end of input")
        let e2 = try XCTUnwrap(parseError("SELECT a FROM t WHERE b GROUP BY a foo"))
        XCTAssertEqual(e2.detail, "expected one of: HAVING, WINDOW, QUALIFY, UNION, INTERSECT, EXCEPT, ORDER BY, LIMIT, FETCH, OFFSET, \";\", end of input")
        let e3 = try XCTUnwrap(parseError("SELECT a FROM t ORDER BY a LIMIT 1 foo"))
        XCTAssertEqual(e3.detail, "expected one of: OFFSET, \";\", end of input")
        let e4 = try XCTUnwrap(parseError("COMMIT foo"))
        XCTAssertEqual(e4.detail, "expected one of: \";\", end of input")
    }

    func testSyntaxErrorAtEndOfInput() throws {
        let e = try XCTUnwrap(parseError("SELECT 1 +"))
        XCTAssertEqual(e.message, "syntax error at end of input")
        XCTAssertEqual(e.position, 11)
        let e2 = try XCTUnwrap(parseError("SELECT (1"))
        XCTAssertEqual(e2.message, "syntax error at end of input")
        XCTAssertEqual(e2.detail, "expected \")\"")
    }

    func testPositionsAreByteOffsetsConvertibleToCharacters() throws {
        let sql = "SELECT 'ééé' ,, 1"
        let e = try XCTUnwrap(parseError(sql))
        XCTAssertEqual(e.message, "syntax error at or near \",\"")
        XCTAssertEqual(e.position, 18)
        XCTAssertEqual(Parser.characterPosition(in: sql, byteOffset: (e.position ?? 0) - 1), 15)
        let end = try XCTUnwrap(parseError("SELECT 'é' ||"))
        XCTAssertEqual(end.position, 15)
        XCTAssertEqual(Parser.characterPosition(in: "SELECT 'é' ||", byteOffset: 14), 14)
    }

    func testPositionInLaterStatementIsRelativeToInput() throws {
        let e = try XCTUnwrap(parseError("SELECT 1; SELECT FROM WHERE"))
        XCTAssertEqual(e.message, "syntax error at or near \"WHERE\"")
        XCTAssertEqual(e.position, 23)
    }

    func testExpectedDetail() throws {
        let e = try XCTUnwrap(parseError("SELECT * FROM a JOIN b WHERE x"))
        XCTAssertEqual(e.message, "syntax error at or near \"WHERE\"")
        XCTAssertEqual(e.detail, "expected one of: ON, USING")
        let e2 = try XCTUnwrap(parseError("CREATE TABLE t AS"))
        XCTAssertEqual(e2.message, "syntax error at end of input")
        XCTAssertNotNil(e2.detail)
        let e3 = try XCTUnwrap(parseError("DROP FUNCTION f"))
        XCTAssertEqual(e3.detail, "expected one of: TABLE, VIEW, SCHEMA")
        let e4 = try XCTUnwrap(parseError("SELECT 1 2"))
        XCTAssertEqual(e4.message, "syntax error at or near \"2\"")
        XCTAssertEqual(e4.position, 10)
    }

    func testExpectedExpression() throws {
        let e = try XCTUnwrap(parseError("SELECT a FROM t WHERE"))
        XCTAssertEqual(e.detail, "expected an expression")
        let e2 = try XCTUnwrap(parseError("SELECT a FROM t WHERE x = FROM"))
        XCTAssertEqual(e2.message, "syntax error at or near \"FROM\"")
        XCTAssertEqual(e2.detail, "expected an expression")
        XCTAssertEqual(e2.position, 27)
    }

    func testMissingParenthesisAndGarbage() throws {
        XCTAssertEqual(parseError("SELECT count(* FROM t")?.message, "syntax error at or near \"FROM\"")
        XCTAssertEqual(parseError("SELECT a FROM t WHERE")?.message, "syntax error at end of input")
        XCTAssertEqual(parseError("SELEC 1")?.message, "syntax error at or near \"SELEC\"")
        XCTAssertEqual(parseError("SELECT 1)")?.message, "syntax error at or near \")\"")
        XCTAssertEqual(parseError("SELECT CAST(1 AS)")?.message, "syntax error at or near \")\"")
        XCTAssertEqual(parseError("SELECT a FROM t GROUP a")?.message, "syntax error at or near \"a\"")
        XCTAssertEqual(parseError("INSERT INTO t")?.message, "syntax error at end of input")
        XCTAssertEqual(parseError("SELECT * FROM select")?.message, "syntax error at or near \"select\"")
        XCTAssertEqual(parseError("SELECT 1 AS")?.message, "syntax error at end of input")
    }

    func testUnterminatedLiteralsThroughParse() throws {
        let e = try XCTUnwrap(parseError("SELECT 'abc"))
        XCTAssertEqual(e.message, "unterminated quoted string at or near \"'abc\"")
        XCTAssertEqual(e.position, 8)
        XCTAssertEqual(parseError("SELECT 1 /* x")?.message, "unterminated /* comment at or near \"/* x\"")
        XCTAssertEqual(parseError("SELECT \"x")?.sqlState, SQLState.syntaxError)
    }

    func testDeepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 1000) + "1" + String(repeating: ")", count: 1000)
        let e = try XCTUnwrap(parseError("SELECT " + deep))
        XCTAssertEqual(e.sqlState, "54001")
        XCTAssertEqual(e.message, "stack depth limit exceeded")
        let deepSubqueries = String(repeating: "(SELECT ", count: 500) + "1" + String(repeating: ")", count: 500)
        XCTAssertEqual(parseError("SELECT " + deepSubqueries)?.sqlState, "54001")
        XCTAssertEqual(parseError("SELECT " + String(repeating: "- ", count: 5000) + "1")?.sqlState, "54001")
        XCTAssertEqual(parseError("SELECT " + String(repeating: "NOT ", count: 5000) + "true")?.sqlState, "54001")
        XCTAssertEqual(parseError("SELECT ARRAY" + String(repeating: "[", count: 2000))?.sqlState, "54001")
        XCTAssertEqual(parseError("SELECT * FROM " + String(repeating: "(", count: 2000) + "t")?.sqlState, "54001")
        XCTAssertEqual(parseError("SELECT 1" + String(repeating: "::int", count: 5000))?.sqlState, "54001")
        XCTAssertEqual(parseError("SELECT " + String(repeating: "CASE WHEN a THEN ", count: 1000))?.sqlState, "54001")
    }

    func testModerateNestingParses() throws {
        let nested = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        XCTAssertEqual(printedExpr(nested), "1")
        let sum = (1...500).map(String.init).joined(separator: " + ")
        XCTAssertNoThrow(try Parser.parseExpression(sum))
        let list = (1...5000).map(String.init).joined(separator: ", ")
        XCTAssertNoThrow(try Parser.parse("SELECT x IN (\(list))"))
    }

    func testEveryPrefixOfValidStatementsFailsCleanly() {
        // Truncated input must never trap; every prefix either parses or throws an SQLError.
        let statements = [
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT DISTINCT ON (a) a, sum(b) FILTER (WHERE c) OVER (PARTITION BY d ORDER BY e ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t JOIN u USING (a) WHERE x BETWEEN 1 AND 2 GROUP BY ROLLUP (a) HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST LIMIT 10 OFFSET 2;",
            "CREATE TABLE t (a int NOT NULL DEFAULT 1, b varchar(10)); INSERT INTO t (a) VALUES (E'x\\n', $$y$$);",
            "SELECT CASE WHEN a THEN b ELSE c END, EXTRACT(year FROM d), TRIM(BOTH 'x' FROM s), x::timestamp with time zone, INTERVAL '1' DAY, ARRAY[1,2][1:2] FROM 'f.parquet'",
        ]
        for sql in statements {
            var prefix = ""
            for ch in sql {
                prefix.append(ch)
                do {
                    _ = try Parser.parse(prefix)
                } catch let error as SQLError {
                    XCTAssertNotNil(error.position, "\(prefix) → \(error.message)")
                } catch {
                    XCTFail("non-SQLError for \(prefix)")
                }
            }
        }
    }

    func testGarbageNeverTraps() {
        let pieces = ["SELECT", "(", ")", ",", "'x'", "1", "FROM", "t", "::", "[", "]", "CASE", "WHEN", "END", "AND", "NOT",
                      "IN", "BETWEEN", "OVER", "$1", "*", "-", "JOIN", "ON", ";", "WITH", "AS", "ARRAY", "INTERVAL", "."]
        var seed: UInt64 = 42
        for _ in 0..<400 {
            var sql = ""
            for _ in 0..<12 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                sql += pieces[Int((seed >> 33) % UInt64(pieces.count))] + " "
            }
            do { _ = try Parser.parse(sql) } catch is SQLError {} catch { XCTFail("non-SQLError for \(sql)") }
        }
    }
}

final class DepthLimitTests: XCTestCase {
    func testNestingJustBelowTheLimitParses() throws {
        let levels = Parser.maxDepth / Parser.nestingCost - 10
        let nested = String(repeating: "(", count: levels) + "1" + String(repeating: ")", count: levels)
        XCTAssertEqual(printedExpr(nested), "1")
        let subqueries = String(repeating: "(SELECT ", count: levels / 3) + "1" + String(repeating: ")", count: levels / 3)
        XCTAssertNoThrow(try Parser.parse("SELECT " + subqueries))
    }
}

import Foundation

/// The native-stack guard: on a small thread stack, deep nesting must end in 54001, not SIGSEGV.
final class StackGuardTests: XCTestCase {
    private func parseOnThread(stackSize: Int, _ sql: String) -> Result<Int, SQLError>? {
        let done = expectation(description: "parsed")
        let box = ResultBox()
        let thread = Thread {
            do {
                box.result = .success(try Parser.parse(sql).count)
            } catch let error as SQLError {
                box.result = .failure(error)
            } catch {}
            done.fulfill()
        }
        thread.stackSize = stackSize
        thread.start()
        wait(for: [done], timeout: 60)
        return box.result
    }

    func testDeepNestingOnSmallStackThrows() {
        let levels = Parser.maxDepth / Parser.nestingCost - 2
        let nested = "SELECT " + String(repeating: "(", count: levels) + "1" + String(repeating: ")", count: levels)
        guard case .failure(let error)? = parseOnThread(stackSize: 256 * 1024, nested) else { return XCTFail("expected 54001") }
        XCTAssertEqual(error.sqlState, "54001")
        let subqueries = "SELECT " + String(repeating: "(SELECT ", count: levels / 2) + "1" + String(repeating: ")", count: levels / 2)
        guard case .failure(let error2)? = parseOnThread(stackSize: 256 * 1024, subqueries) else { return XCTFail("expected 54001") }
        XCTAssertEqual(error2.sqlState, "54001")
    }

    func testModerateNestingOnSmallStackParses() {
        let nested = "SELECT " + String(repeating: "(", count: 10) + "1" + String(repeating: ")", count: 10)
        guard case .success(1)? = parseOnThread(stackSize: 512 * 1024, nested) else { return XCTFail() }
    }

    func testMaximumNestingOnLargeStackParses() {
        let levels = Parser.maxDepth / Parser.nestingCost - 2
        let nested = "SELECT " + String(repeating: "(", count: levels) + "1" + String(repeating: ")", count: levels)
        guard case .success(1)? = parseOnThread(stackSize: 8 << 20, nested) else { return XCTFail() }
    }
}

private final class ResultBox: @unchecked Sendable {
    var result: Result<Int, SQLError>?
}
