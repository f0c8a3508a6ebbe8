// Shared helpers for the SQLSyntax tests: parse-and-print shorthands so that
// precedence and structure can be asserted through the fully parenthesised
// printer output, plus error capture.

import XCTest
#if canImport(Glibc)
import Glibc  // links libm, which Columnar's floating-point rounding needs in the test bundle
#endif
import Columnar
@testable import SQLSyntax

/// Parses an expression and prints it back fully parenthesised.
func printedExpr(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        return SQLPrinter.print(try Parser.parseExpression(sql))
    } catch {
        XCTFail("\(sql): \(error)", file: file, line: line)
        return "<error>"
    }
}

/// Parses exactly one statement.
func parseOne(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> Statement? {
    do {
        let statements = try Parser.parse(sql)
        XCTAssertEqual(statements.count, 1, "statement count for \(sql)", file: file, line: line)
        return statements.first?.statement
    } catch {
        XCTFail("\(sql): \(error)", file: file, line: line)
        return nil
    }
}

/// Parses one statement and prints it back.
func printedStatement(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    guard let statement = parseOne(sql, file: file, line: line) else { return "<error>" }
    return SQLPrinter.print(statement)
}

/// Parses a query statement.
func parseQuery(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> Query? {
    guard let statement = parseOne(sql, file: file, line: line) else { return nil }
    guard case .query(let query) = statement else {
        XCTFail("not a query: \(sql)", file: file, line: line)
        return nil
    }
    return query
}

/// The select core of a simple query.
func parseSelect(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> SelectCore? {
    guard let query = parseQuery(sql, file: file, line: line) else { return nil }
    guard case .select(let core) = query.body else {
        XCTFail("not a plain SELECT: \(sql)", file: file, line: line)
        return nil
    }
    return core
}

/// The error thrown when parsing `sql`, or nil (with a failure) when it parses.
func parseError(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> SQLError? {
    do {
        _ = try Parser.parse(sql)
        XCTFail("expected an error for: \(sql)", file: file, line: line)
        return nil
    } catch let error as SQLError {
        return error
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return nil
    }
}

/// print(parse(sql)) must be a fixed point: printing the re-parsed output gives the same text.
func assertRoundTrip(_ sql: String, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let first = try Parser.parse(sql)
        XCTAssertFalse(first.isEmpty, "no statements: \(sql)", file: file, line: line)
        for parsed in first {
            let printed = SQLPrinter.print(parsed.statement)
            let reparsed = try Parser.parse(printed)
            XCTAssertEqual(reparsed.count, parsed.statement.isEmptyStatement ? 0 : 1, "reparse of \(printed)", file: file, line: line)
            if let again = reparsed.first {
                XCTAssertEqual(SQLPrinter.print(again.statement), printed, "round trip of \(sql)", file: file, line: line)
            }
        }
    } catch {
        XCTFail("\(sql): \(error)", file: file, line: line)
    }
}

extension Statement {
    var isEmptyStatement: Bool {
        if case .empty = self { return true }
        return false
    }
}
