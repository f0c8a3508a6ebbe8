// Tests for the sqllogictest runner against a fake engine: pass/fail/skip
// counting, statement ok/error, query errors, column-count checks, halt,
// a fresh database per file, the per-record timeout, file discovery and the
// markdown report.

import XCTest
import Foundation
import Columnar
import Engine
@testable import SQLLogicTest

final class SQLLogicTestRunnerTests: XCTestCase {
    private let oneTwoThree: FakeConnection.Response = .rows([Field(name: "a", type: .int32)], [[.int(3)], [.int(1)], [.int(2)]])

    func testCountsPassFailAndSkip() {
        let engine = FakeEngine { [oneTwoThree] in
            [
                "CREATE TABLE t(a INT)": .ok,
                "SELECT a FROM t": oneTwoThree,
                "SELECT bad": .failure(SQLError(SQLState.undefinedColumn, "column \"bad\" does not exist")),
                "SELECT a, a FROM t": .rows([Field(name: "a", type: .int32), Field(name: "a", type: .int32)], [[.int(1), .int(1)]]),
            ]
        }
        let text = """
        statement ok
        CREATE TABLE t(a INT)

        query I rowsort
        SELECT a FROM t
        ----
        1
        2
        3

        query I nosort
        SELECT a FROM t
        ----
        1
        2
        3

        statement error
        SELECT bad

        statement ok
        SELECT bad

        query I nosort
        SELECT bad
        ----

        skipif postgresql
        query I nosort
        SELECT never
        ----
        1

        onlyif mysql
        statement ok
        SELECT never

        query I nosort
        SELECT a, a FROM t
        ----
        1\t1

        statement error
        CREATE TABLE t(a INT)

        query I rowsort
        SELECT a FROM t
        ----
        3 values hashing to c0710d6b4f15dfa88f600b0e6b624077
        """
        let runner = SLTRunner(engine: engine, options: SLTRunnerOptions(timeoutSeconds: 0, collectFailures: true))
        let result = runner.run(records: SLTParser.parse(text), path: "x.slt")
        // Passed: create, rowsort, statement error, hash. Failed: nosort order, statement ok error,
        // query error, column count, statement error that succeeded.
        XCTAssertEqual(result.passed, 4)
        XCTAssertEqual(result.failed, 5)
        XCTAssertEqual(result.skipped, 2)
        XCTAssertEqual(result.summaryLine, "x.slt: 4 passed, 5 failed, 2 skipped")
        XCTAssertEqual(result.failures.map(\.line), [11, 21, 24, 38, 43])
        XCTAssertTrue(result.failures[0].message.contains("expected:\n    1\n    2\n    3\ngot:\n    3\n    1\n    2"))
        XCTAssertTrue(result.failures[1].message.contains("column \"bad\" does not exist (SQLSTATE 42703)"))
        XCTAssertEqual(result.failures[3].message, "expected 1 columns, got 2")
        XCTAssertEqual(result.failures[4].message, "statement succeeded, but an error was expected")
        XCTAssertFalse(engine.connections[0].executed.contains("SELECT never"))
    }

    func testRendersThroughTheColumnKinds() {
        let engine = FakeEngine {
            ["SELECT *": .rows([Field(name: "i", type: .float64), Field(name: "r", type: .int32),
                                Field(name: "t", type: .text), Field(name: "b", type: .boolean)],
                               [[.double(3), .int(2), .string(""), .bool(true)],
                                [.null, .null, .string("a\tb"), .bool(false)]])]
        }
        let text = "query IRTT nosort\nSELECT *\n----\n3\t2.000\t(empty)\ttrue\nNULL\tNULL\ta@b\tfalse\n"
        let result = SLTRunner(engine: engine, options: .init(timeoutSeconds: 0)).run(records: SLTParser.parse(text), path: "f")
        XCTAssertEqual(result.passed, 1)
        XCTAssertEqual(result.failed, 0)
    }

    func testHaltStopsTheFile() {
        let engine = FakeEngine { ["SELECT 1": .ok] }
        let text = "statement ok\nSELECT 1\n\nskipif lakesql\nhalt\n\nstatement ok\nSELECT 1\n\nhalt\n\nstatement ok\nSELECT 1\n"
        let result = SLTRunner(engine: engine, options: .init(timeoutSeconds: 0)).run(records: SLTParser.parse(text), path: "f")
        XCTAssertEqual(result.passed, 2)
        XCTAssertEqual(result.failed + result.skipped, 0)
    }

    func testEachFileGetsAFreshConnection() throws {
        let dir = try temporaryFolder()
        try "statement ok\nCREATE TABLE t(a INT)\n".write(toFile: dir + "/a.slt", atomically: true, encoding: .utf8)
        try "statement ok\nCREATE TABLE t(a INT)\n".write(toFile: dir + "/b.slt", atomically: true, encoding: .utf8)
        let engine = FakeEngine { ["CREATE TABLE t(a INT)": .ok] }
        let runner = SLTRunner(engine: engine, options: .init(timeoutSeconds: 0))
        _ = runner.runFile(at: dir + "/a.slt")
        _ = runner.runFile(at: dir + "/b.slt")
        XCTAssertEqual(engine.connections.count, 2)
        XCTAssertEqual(engine.connections.map(\.executed), [["CREATE TABLE t(a INT)"], ["CREATE TABLE t(a INT)"]])
    }

    func testTimeoutCancelsAndCountsAsFailed() {
        let engine = FakeEngine { ["SELECT slow": .hang, "SELECT 1": .ok] }
        let text = "statement ok\nSELECT slow\n\nstatement ok\nSELECT 1\n"
        let start = Date()
        let result = SLTRunner(engine: engine, options: .init(timeoutSeconds: 0.2, collectFailures: true))
            .run(records: SLTParser.parse(text), path: "f")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(result.passed, 1)
        XCTAssertEqual(result.failed, 1)
        XCTAssertTrue(result.failures.first?.message.hasPrefix("timed out after 0.2 s") ?? false)
    }

    func testFileTimeBudgetFailsTheRemainingRecords() {
        let engine = FakeEngine { ["SELECT slow": .slow(0.3), "SELECT 1": .ok] }
        let text = "statement ok\nSELECT slow\n\nstatement ok\nSELECT 1\n\nhash-threshold 8\n\nstatement ok\nSELECT 1\n\nskipif postgresql\nstatement ok\nSELECT 1\n"
        var outcomes: [SLTOutcome] = []
        let result = SLTRunner(engine: engine, options: .init(timeoutSeconds: 0, fileTimeoutSeconds: 0.1, collectFailures: true))
            .run(records: SLTParser.parse(text), path: "f") { outcome, _ in outcomes.append(outcome) }
        XCTAssertEqual([result.passed, result.failed, result.skipped], [1, 2, 1])
        XCTAssertEqual(outcomes, [.passed, .failed, .failed, .skipped])
        XCTAssertEqual(result.failures.map(\.line), [4])
        XCTAssertTrue(result.failures.first?.message.hasPrefix("file time budget of 0.1 s used up") ?? false)
        // Only the slow statement actually ran.
        XCTAssertEqual(engine.connections.first?.executed, ["SELECT slow"])
    }

    func testUnopenableDatabaseFailsEveryRunnableRecord() {
        struct Broken: SLTEngine {
            func connectToFreshDatabase() throws -> SLTConnection { throw SQLError(SQLState.ioError, "disk on fire") }
        }
        let result = SLTRunner(engine: Broken()).run(records: SLTParser.parse("statement ok\nA\n\nskipif postgresql\nstatement ok\nB\n"), path: "f")
        XCTAssertEqual(result.failed, 1)
        XCTAssertEqual(result.skipped, 1)
    }

    func testCollectFilesSortedRecursiveWithParts() throws {
        let dir = try temporaryFolder()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sqlite/random", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/duckdb", withIntermediateDirectories: true)
        for f in ["sqlite/random/b.slt", "sqlite/a.slt", "duckdb/z.slt", "duckdb/notes.md", "top.slt"] {
            try "".write(toFile: dir + "/" + f, atomically: true, encoding: .utf8)
        }
        let files = try SLTSuite.collectFiles([dir])
        XCTAssertEqual(files.map(\.displayPath), ["duckdb/z.slt", "sqlite/a.slt", "sqlite/random/b.slt", "top.slt"].map { dir + "/" + $0 })
        XCTAssertEqual(files.map(\.part), ["duckdb", "sqlite", "sqlite", ""])
        XCTAssertThrowsError(try SLTSuite.collectFiles([dir + "/missing"]))
        // A sub-folder of a part still reports that part.
        XCTAssertEqual(try SLTSuite.collectFiles([dir + "/sqlite/random"]).map(\.part), ["sqlite"])
    }

    func testSuiteOutputAndMarkdownReport() {
        var a = SLTFileResult(path: "root/sqlite/a.slt"); a.passed = 3; a.failed = 1; a.skipped = 2
        var b = SLTFileResult(path: "root/duckdb/b.slt"); b.passed = 1; b.failed = 1
        var c = SLTFileResult(path: "root/sqlite/c.slt"); c.passed = 4
        var summary = SLTSuiteSummary()
        summary.files = [(SLTSuiteFile(path: a.path, displayPath: a.path, part: "sqlite"), a),
                         (SLTSuiteFile(path: b.path, displayPath: b.path, part: "duckdb"), b),
                         (SLTSuiteFile(path: c.path, displayPath: c.path, part: "sqlite"), c)]
        XCTAssertEqual(summary.totalLine, "8 passed, 2 failed")
        let report = SLTSuite.markdownReport(summary)
        XCTAssertTrue(report.contains("| `root/sqlite/a.slt` | 3 | 1 | 2 | 75.0% |\n"))
        XCTAssertTrue(report.contains("| sqlite/ | 2 | 7 | 1 | 2 | 87.5% |\n"))
        XCTAssertTrue(report.contains("| duckdb/ | 1 | 1 | 1 | 0 | 50.0% |\n"))
        XCTAssertTrue(report.contains("| **total** | 3 | 8 | 2 | 2 | 80.0% |\n"))
    }

    func testSuiteRunPrintsOneLinePerFileAndTotal() throws {
        let dir = try temporaryFolder()
        try "statement ok\nSELECT 1\n\nstatement ok\nSELECT 2\n".write(toFile: dir + "/one.slt", atomically: true, encoding: .utf8)
        let engine = FakeEngine { ["SELECT 1": .ok] }
        var lines: [String] = []
        let summary = SLTSuite.run(try SLTSuite.collectFiles([dir]), runner: SLTRunner(engine: engine), verbose: false) { lines.append($0) }
        XCTAssertEqual(lines, [dir + "/one.slt: 1 passed, 1 failed, 0 skipped", "1 passed, 1 failed"])
        XCTAssertEqual(summary.failed, 1)
    }

    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "slt-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}

// A fake engine for the runner tests: canned responses per SQL text, a log of
// what ran, and a response that blocks until cancelled (the timeout test).

final class FakeConnection: SLTConnection {
    enum Response {
        case ok
        case rows([Field], [[Value]])
        case failure(SQLError)
        /// Blocks until cancel() is called, then throws 57014.
        case hang
        /// Succeeds after sleeping this many seconds.
        case slow(Double)
    }

    var responses: [String: Response]
    private(set) var executed: [String] = []
    private let cancelled = DispatchSemaphore(value: 0)

    init(_ responses: [String: Response]) { self.responses = responses }

    var textOptions: TextFormatOptions { TextFormatOptions() }

    func cancel() { cancelled.signal() }

    func execute(_ sql: String) throws -> QueryResult {
        executed.append(sql)
        switch responses[sql] ?? .failure(SQLError(SQLState.syntaxError, "unknown SQL in fake: \(sql)")) {
        case .ok:
            return QueryResult(fields: [], returnsRows: false, commandTag: "OK", produce: { nil })
        case .failure(let e):
            throw e
        case .slow(let seconds):
            Thread.sleep(forTimeInterval: seconds)
            return QueryResult(fields: [], returnsRows: false, commandTag: "OK", produce: { nil })
        case .hang:
            _ = cancelled.wait(timeout: .now() + 10)
            throw SQLError(SQLState.queryCanceled, "canceling statement due to user request")
        case let .rows(fields, rows):
            var batch: Batch? = Batch(columns: fields.indices.map { c in
                Vector.from(rows.map { $0[c] }, type: fields[c].type)
            }, count: rows.count)
            return QueryResult(fields: fields, returnsRows: true, commandTag: "SELECT \(rows.count)", produce: {
                defer { batch = nil }
                return batch
            })
        }
    }
}

final class FakeEngine: SLTEngine {
    let makeResponses: () -> [String: FakeConnection.Response]
    private(set) var connections: [FakeConnection] = []

    init(_ responses: @escaping () -> [String: FakeConnection.Response]) { makeResponses = responses }

    func connectToFreshDatabase() throws -> SLTConnection {
        let c = FakeConnection(makeResponses())
        connections.append(c)
        return c
    }
}
