// End-to-end behaviour of sessions: statement kinds, error SQLSTATEs and
// positions, memory limit, cancellation, EXPLAIN, lake tables.

import XCTest
import Columnar
@testable import Engine

final class SessionTests: XCTestCase {
    private func session() throws -> Session { try Database().connect() }

    private func rows(_ s: Session, _ sql: String) throws -> [[Value]] {
        try s.execute(sql).allRows()
    }

    private func assertError(_ s: Session, _ sql: String, _ state: String, position: Int? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try rows(s, sql)
            XCTFail("expected \(state) from: \(sql)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
            if let position { XCTAssertEqual(e.position, position, e.message, file: file, line: line) }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testCreateInsertSelectAndCommandTags() throws {
        let s = try session()
        XCTAssertEqual(try s.execute("CREATE TABLE t (a int, b text)").commandTag, "CREATE TABLE")
        let insert = try s.execute("INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'z')")
        XCTAssertEqual(try insert.allRows().count, 0)
        XCTAssertEqual(insert.commandTag, "INSERT 0 3")
        let q = try s.execute("SELECT a, b FROM t WHERE a > 1 ORDER BY a")
        XCTAssertEqual(q.fields.map(\.name), ["a", "b"])
        XCTAssertEqual(try q.allRows(), [[.int(2), .null], [.int(3), .string("z")]])
        XCTAssertEqual(q.commandTag, "SELECT 2")
    }

    func testErrorsCarrySQLStateAndCharacterPosition() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE t (a int)")
        assertError(s, "SELECT nope FROM t", SQLState.undefinedColumn, position: 8)
        assertError(s, "SELECT 'é', nope FROM t", SQLState.undefinedColumn, position: 13)
        assertError(s, "SELECT * FROM missing", SQLState.undefinedTable, position: 15)
        assertError(s, "SELECT 1 +", SQLState.syntaxError)
        assertError(s, "SELECT a, count(*) FROM t", SQLState.groupingError)
        assertError(s, "SELECT 1 / 0", SQLState.divisionByZero)
        assertError(s, "SELECT 2147483647::int + 1", SQLState.numericValueOutOfRange)
        assertError(s, "SELECT 'abc'::int", SQLState.invalidTextRepresentation)
        assertError(s, "SELECT nosuchfunction(1)", SQLState.undefinedFunction)
        assertError(s, "CREATE TABLE t (b int)", SQLState.duplicateTable)
        assertError(s, "SELECT * FROM t, t", SQLState.duplicateAlias)
    }

    /// Inputs that once crashed the engine now give results or errors.
    func testFormerCrashesGiveResultsOrErrors() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE t (v1 int, v2 int)")
        _ = try rows(s, "INSERT INTO t VALUES (1,1), (1,2), (2,1)")
        XCTAssertEqual(try rows(s, "SELECT nth_value(v2, v2 * NULL) OVER (PARTITION BY v1 ORDER BY v2) FROM t"), [[.null], [.null], [.null]])
        XCTAssertEqual(try rows(s, "SELECT nth_value(v2, v1) OVER (ORDER BY v2 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t ORDER BY v1, v2"),
                       [[.int(1)], [.int(1)], [.int(1)]])
        assertError(s, "SELECT sum(v1) OVER (ORDER BY v1 ROWS BETWEEN v2 PRECEDING AND CURRENT ROW) FROM t", SQLState.invalidColumnReference)
        XCTAssertEqual(try rows(s, "SELECT round('-1049578239572094512.32415'::numeric(30,10), -18)::text, round('-1049578239572094512.32415'::numeric(30,10), -19)::text"), [[.string("-1000000000000000000"), .string("0")]])
        assertError(s, "SELECT (v1 + 1) IN (SELECT a + (v1 + 1) FROM t AS x(a, b)) FROM t GROUP BY (v1 + 1)", SQLState.groupingError)
    }

    func testAggregateAndWindowArgumentChecks() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE t (a int, b text)")
        assertError(s, "SELECT sum(*) FROM t", SQLState.wrongObjectType)
        assertError(s, "SELECT nosuch(*) FROM t", SQLState.wrongObjectType)
        assertError(s, "SELECT string_agg(DISTINCT b, ',' ORDER BY a) FROM t", SQLState.invalidColumnReference)
        assertError(s, "SELECT sum(DISTINCT a) OVER () FROM t", SQLState.featureNotSupported)
        assertError(s, "SELECT ntile(1.5) OVER (ORDER BY a) FROM t", SQLState.undefinedFunction)
        assertError(s, "SELECT lag(a, 1.5) OVER (ORDER BY a) FROM t", SQLState.undefinedFunction)
        assertError(s, "SELECT row_number() OVER (ROWS BETWEEN NULL PRECEDING AND CURRENT ROW) FROM t", SQLState.nullValueNotAllowed)
        assertError(s, "SELECT row_number() OVER (ROWS BETWEEN CURRENT ROW AND -1 FOLLOWING) FROM t", "22013")
        assertError(s, "SELECT rank() OVER (ORDER BY a, b RANGE BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) FROM t", SQLState.windowingError)
        XCTAssertEqual(try s.execute("SELECT count(*), string_agg(DISTINCT b, ',' ORDER BY b) FROM t").allRows(), [[.int(0), .null]])
    }

    func testGenerateSeriesOverTimestampsAndNumerics() throws {
        let s = try session()
        let months = try rows(s, "SELECT count(*), min(t)::text, max(t)::text FROM generate_series(TIMESTAMP '2024-01-31 10:00', TIMESTAMP '2024-05-31', INTERVAL '1 month') t")
        XCTAssertEqual(months, [[.int(5), .string("2024-01-31 10:00:00"), .string("2024-05-29 10:00:00")]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM generate_series(DATE '2024-03-01', '2024-03-31', INTERVAL '1 week')"), [[.int(5)]])
        XCTAssertEqual(try rows(s, "SELECT sum(x)::text FROM generate_series(1.0, 2.0, 0.25) x"), [[.string("7.50")]])
        assertError(s, "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-02', INTERVAL '0 days')", SQLState.invalidParameterValue)
        assertError(s, "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-02')", SQLState.undefinedFunction)
    }

    func testWindowAggregatesWithDifferentFiltersStayApart() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE f (x int, y int)")
        _ = try rows(s, "INSERT INTO f VALUES (1, 0), (2, 0), (3, 1)")
        XCTAssertEqual(try rows(s, "SELECT x, count(*) OVER (PARTITION BY y), count(*) FILTER (WHERE x = 1) OVER (PARTITION BY y) FROM f ORDER BY x"),
                       [[.int(1), .int(2), .int(1)], [.int(2), .int(2), .int(1)], [.int(3), .int(1), .int(0)]])
    }

    func testDivisionByZeroInAnUntakenBranchIsNotRaised() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE t (a int)")
        _ = try rows(s, "INSERT INTO t VALUES (0), (2)")
        XCTAssertEqual(try rows(s, "SELECT CASE WHEN a = 0 THEN -1 ELSE 10 / a END FROM t ORDER BY 1"), [[.int(-1)], [.int(5)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM t WHERE a <> 0 AND 10 / a = 5"), [[.int(1)]])
    }

    func testMemoryLimitFailsTheQueryWith53200() throws {
        let s = try session()
        _ = try rows(s, "SET memory_limit = '64kB'")
        assertError(s, "SELECT * FROM generate_series(1, 200000) g ORDER BY 1 DESC", SQLState.outOfMemory)
        _ = try rows(s, "RESET memory_limit")
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM (SELECT * FROM generate_series(1, 200000) g ORDER BY 1 DESC) x"), [[.int(200000)]])
        assertError(s, "SET memory_limit = 'lots'", SQLState.invalidParameterValue)
    }

    func testCancelStopsARunningQueryWith57014() throws {
        let s = try session()
        let result = try s.execute("SELECT count(*) FROM generate_series(1, 3000) a, generate_series(1, 3000) b")
        s.cancel()
        XCTAssertThrowsError(try result.allRows()) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.queryCanceled)
        }
        // The session stays usable.
        XCTAssertEqual(try rows(s, "SELECT 1"), [[.int(1)]])
    }

    func testExplainAndExplainAnalyze() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE t (a int)")
        _ = try rows(s, "INSERT INTO t SELECT g FROM generate_series(1, 10) g")
        let plan = try rows(s, "EXPLAIN SELECT a FROM t WHERE a > 5").map { row -> String in
            if case .string(let line) = row[0] { return line }
            return ""
        }
        XCTAssertTrue(plan.contains { $0.contains("Filter") })
        XCTAssertTrue(plan.contains { $0.contains("Scan t") })
        let analyzed = try rows(s, "EXPLAIN ANALYZE SELECT a FROM t WHERE a > 5").map { row -> String in
            if case .string(let line) = row[0] { return line }
            return ""
        }
        XCTAssertTrue(analyzed.first?.contains("actual rows=5") ?? false, analyzed.joined(separator: "\n"))
        XCTAssertTrue(analyzed.contains { $0.contains("Filter") }, analyzed.joined(separator: "\n"))
        _ = try rows(s, "SET threads = 1")
        let sequential = try rows(s, "EXPLAIN ANALYZE SELECT a FROM t WHERE a > 5").map { row -> String in
            if case .string(let line) = row[0] { return line }
            return ""
        }
        XCTAssertTrue(sequential.contains { $0.contains("Filter") && $0.contains("actual rows=5") }, sequential.joined(separator: "\n"))
        XCTAssertTrue(analyzed.last?.contains("(5 rows)") ?? false)
    }

    func testSettingsAndTransactions() throws {
        let s = try session()
        _ = try rows(s, "SET application_name = 'tests'")
        XCTAssertEqual(try rows(s, "SHOW application_name"), [[.string("tests")]])
        assertError(s, "SHOW no_such_setting", SQLState.undefinedObject)
        assertError(s, "SET TIME ZONE 'Mars/Olympus'", SQLState.invalidParameterValue)
        XCTAssertEqual(try s.execute("BEGIN").commandTag, "BEGIN")
        XCTAssertEqual(try s.execute("COMMIT").commandTag, "COMMIT")
    }

    func testViewsAndCTEs() throws {
        let s = try session()
        _ = try rows(s, "CREATE TABLE t (a int)")
        _ = try rows(s, "INSERT INTO t VALUES (1), (2), (3)")
        _ = try rows(s, "CREATE VIEW big AS SELECT a FROM t WHERE a >= 2")
        XCTAssertEqual(try rows(s, "SELECT sum(a) FROM big"), [[.int(5)]])
        XCTAssertEqual(try rows(s, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 3"),
                       [[.int(1)], [.int(2)], [.int(3)]])
        _ = try rows(s, "DROP VIEW big")
        assertError(s, "SELECT * FROM big", SQLState.undefinedTable)
    }

    func testExternalTablesListFilesAtQueryTimeAndCastDeclaredColumns() throws {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/demo").standardized.path
        let s = try session()
        _ = try rows(s, "CREATE EXTERNAL TABLE ev STORED AS PARQUET LOCATION '\(demo)/events'")
        XCTAssertEqual(try rows(s, "SELECT count(DISTINCT dt) FROM ev"), [[.int(14)]])
        _ = try rows(s, "CREATE EXTERNAL TABLE c (customer_id integer, country text) STORED AS PARQUET LOCATION '\(demo)/customers'")
        let q = try s.execute("SELECT * FROM c LIMIT 1")
        XCTAssertEqual(q.fields.map(\.name), ["customer_id", "country"])
        XCTAssertEqual(q.fields.map(\.type), [.int32, .text])
        assertError(s, "CREATE EXTERNAL TABLE bad STORED AS CSV LOCATION '/nonexistent/x.csv'", SQLState.undefinedFile)
        assertError(s, "CREATE EXTERNAL TABLE bad STORED AS XML LOCATION 'x'", SQLState.syntaxError)
        XCTAssertEqual(try s.execute("CREATE EXTERNAL TABLE IF NOT EXISTS ev STORED AS PARQUET LOCATION 'x'").commandTag, "CREATE EXTERNAL TABLE")
    }

    func testDemoLakeTablesAndPartitionColumn() throws {
        let lake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/demo").standardized.path
        let s = try Database(options: DatabaseOptions(lakePath: lake)).connect()
        let total = try rows(s, "SELECT count(*) FROM events")
        let oneDay = try rows(s, "SELECT count(*) FROM events WHERE dt = DATE '2026-11-03'")
        guard case .int(let all)? = total.first?.first, case .int(let day)? = oneDay.first?.first else {
            return XCTFail("no counts")
        }
        XCTAssertGreaterThan(day, 0)
        XCTAssertLessThan(day, all)
        XCTAssertEqual(try rows(s, "SELECT count(DISTINCT dt) FROM events"), [[.int(14)]])
    }
}

final class ParallelScanTests: XCTestCase {
    /// The parallel scan pipeline returns exactly the sequential rows, in the same order.
    func testParallelAndSequentialScansAgree() throws {
        let lake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/demo").standardized.path
        let s = try Database(options: DatabaseOptions(lakePath: lake)).connect()
        _ = try s.execute("CREATE TABLE m (a int, b text)").allRows()
        for i in 0..<20 {
            _ = try s.execute("INSERT INTO m SELECT g, 'v' || g FROM generate_series(\(i * 100), \(i * 100 + 99)) g").allRows()
        }
        let queries = [
            "SELECT event_id, user_id, event_type FROM events WHERE price > 20 AND event_type <> 'view'",
            "SELECT order_id, line_no, quantity * unit_price FROM order_items WHERE quantity >= 2",
            "SELECT a, upper(b) FROM m WHERE a % 7 = 3",
            "SELECT event_type, count(*), sum(price), min(dt), max(event_ts), avg(price) FILTER (WHERE country = 'BR') FROM events WHERE price > 10 GROUP BY event_type",
            "SELECT a % 13, count(*), string_agg(b, ',') FROM m GROUP BY 1",
            "SELECT count(*), sum(a) FROM m WHERE a < 0",
        ]
        for q in queries {
            _ = try s.execute("SET threads = 1").allRows()
            let sequential = try s.execute(q).allRows()
            _ = try s.execute("SET threads = 2").allRows()
            let parallel = try s.execute(q).allRows()
            XCTAssertFalse(sequential.isEmpty, q)
            XCTAssertEqual(parallel, sequential, q)
        }
        XCTAssertThrowsError(try s.execute("SET threads = 0").allRows())
    }

    func testLimitAboveAParallelScanReturnsAndStopsWorkers() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE m (a int)").allRows()
        for i in 0..<50 { _ = try s.execute("INSERT INTO m SELECT g FROM generate_series(\(i * 1000), \(i * 1000 + 999)) g").allRows() }
        XCTAssertEqual(try s.execute("SELECT a FROM m WHERE a % 2 = 0 LIMIT 3").allRows(), [[.int(0)], [.int(2)], [.int(4)]])
    }
}
