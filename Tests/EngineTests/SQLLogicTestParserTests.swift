// Tests for the sqllogictest parser: records, conditions, query headers,
// expected blocks (rows, zero rows, hash form) and malformed input.

import XCTest
@testable import SQLLogicTest

final class SQLLogicTestParserTests: XCTestCase {
    func testStatementsAndMultiLineSQL() {
        let records = SLTParser.parse("""
        # a comment
        statement ok
        CREATE TABLE t(a INTEGER,
          b TEXT)

        statement error this text is informational
        SELECT * FROM missing;
        """)
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].kind, .statement(expectError: false))
        XCTAssertEqual(records[0].sql, "CREATE TABLE t(a INTEGER,\n  b TEXT)")
        XCTAssertEqual(records[0].line, 2)
        XCTAssertEqual(records[1].kind, .statement(expectError: true))
        XCTAssertEqual(records[1].sql, "SELECT * FROM missing;")
        XCTAssertEqual(records[1].line, 6)
    }

    func testQueryHeaderAndRows() {
        let records = SLTParser.parse("query ITR rowsort label-42\nSELECT a,\n b, c FROM t\n----\n1\tx\t2.500\n2\ty\t0.000\n\n")
        XCTAssertEqual(records.count, 1)
        guard case .query(let q) = records[0].kind else { return XCTFail("not a query") }
        XCTAssertEqual(q.columns, [.integer, .text, .real])
        XCTAssertEqual(q.sortMode, .rowsort)
        XCTAssertEqual(q.label, "label-42")
        XCTAssertEqual(q.expected, .lines(["1\tx\t2.500", "2\ty\t0.000"]))
        XCTAssertEqual(records[0].sql, "SELECT a,\n b, c FROM t")
    }

    func testZeroRowsAndMissingSortMode() {
        let records = SLTParser.parse("query I\nSELECT 1 WHERE false\n----\n\nquery T valuesort\nSELECT 'a'\n----\na\n")
        XCTAssertEqual(records.count, 2)
        guard case .query(let q0) = records[0].kind, case .query(let q1) = records[1].kind else { return XCTFail() }
        XCTAssertEqual(q0.sortMode, .nosort)
        XCTAssertEqual(q0.expected, .lines([]))
        XCTAssertEqual(q1.sortMode, .valuesort)
        XCTAssertEqual(q1.expected, .lines(["a"]))
    }

    func testHashForm() {
        let records = SLTParser.parse("query III nosort\nSELECT * FROM t1\n----\n90 values hashing to 3c13dee48d9356ae19af2515e05e6b54\n")
        guard case .query(let q) = records.first?.kind else { return XCTFail() }
        XCTAssertEqual(q.expected, .hash(count: 90, md5: "3c13dee48d9356ae19af2515e05e6b54"))
        // Not quite the hash form: stays a result line.
        XCTAssertEqual(SLTParser.expectedForm(["3 values hashing to xyz"]), .lines(["3 values hashing to xyz"]))
        XCTAssertEqual(SLTParser.expectedForm(["1 values hashing to 3c13dee48d9356ae19af2515e05e6b54", "x"]),
                       .lines(["1 values hashing to 3c13dee48d9356ae19af2515e05e6b54", "x"]))
    }

    func testConditionsWithComments() {
        let records = SLTParser.parse("""
        skipif postgresql # added: PostgreSQL 15 returns a different result
        onlyif MySQL
        query I rowsort
        SELECT 1
        ----
        1
        """)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0].conditions, [SLTCondition(kind: .skipIf, engine: "postgresql"),
                                               SLTCondition(kind: .onlyIf, engine: "mysql")])
        XCTAssertEqual(records[0].line, 1)
    }

    func testConditionEvaluation() {
        let names: Set<String> = ["postgresql", "lakesql"]
        func record(_ conditions: [SLTCondition]) -> SLTRecord {
            SLTRecord(kind: .statement(expectError: false), sql: "", line: 1, conditions: conditions)
        }
        XCTAssertFalse(record([SLTCondition(kind: .skipIf, engine: "postgresql")]).runs(on: names))
        XCTAssertTrue(record([SLTCondition(kind: .skipIf, engine: "mysql")]).runs(on: names))
        XCTAssertFalse(record([SLTCondition(kind: .onlyIf, engine: "sqlite")]).runs(on: names))
        XCTAssertTrue(record([SLTCondition(kind: .onlyIf, engine: "lakesql")]).runs(on: names))
        XCTAssertTrue(record([]).runs(on: names))
        XCTAssertFalse(record([SLTCondition(kind: .skipIf, engine: "mssql"),
                               SLTCondition(kind: .onlyIf, engine: "oracle")]).runs(on: names))
        // Parsed names are lower-cased, so `skipif PostgreSQL` applies too.
        let parsed = SLTParser.parse("skipif PostgreSQL\nstatement ok\nSELECT 1\n")
        XCTAssertFalse(parsed[0].runs(on: names))
    }

    func testHashThresholdHaltAndUnknownRecords() {
        let records = SLTParser.parse("hash-threshold 8\n\nhalt\n\nfrobnicate now\nwith a body\n\nstatement ok\nSELECT 1\n")
        XCTAssertEqual(records.map(\.kind), [.hashThreshold(8), .halt,
                                             .invalid("unknown record type 'frobnicate'"), .statement(expectError: false)])
        XCTAssertEqual(records[3].line, 8)
        XCTAssertFalse(records[0].isCounted)
        XCTAssertTrue(records[2].isCounted)
    }

    func testMalformedQueryHeaderIsInvalid() {
        let records = SLTParser.parse("query I wobblysort\nSELECT 1\n----\n1\n\nquery\nSELECT 2\n")
        XCTAssertEqual(records.count, 2)
        if case .invalid = records[0].kind {} else { XCTFail("bad sort mode should be invalid") }
        if case .invalid = records[1].kind {} else { XCTFail("missing types should be invalid") }
    }

    func testCRLFLineEndingsAndTrailingBlankLines() {
        let records = SLTParser.parse("statement ok\r\nSELECT 1\r\n\r\nquery T nosort\r\nSELECT 'a'\r\n----\r\na\r\n\r\n\r\n")
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].sql, "SELECT 1")
        guard case .query(let q) = records[1].kind else { return XCTFail() }
        XCTAssertEqual(q.expected, .lines(["a"]))
    }

    func testHashLineInsideSQLIsNotAComment() {
        // `#` lines inside a record's SQL belong to the SQL.
        let records = SLTParser.parse("statement ok\nSELECT 1\n# not a comment here\n")
        XCTAssertEqual(records[0].sql, "SELECT 1\n# not a comment here")
    }
}
