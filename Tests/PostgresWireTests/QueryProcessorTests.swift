// The query phase without sockets: messages in, backend messages out, against
// a real in-memory Database. Covers simple queries with several statements,
// empty queries, transaction status (I/T/E, 25P02 until ROLLBACK), the
// extended protocol (named/unnamed statements and portals, inferred parameter
// types, row limits with PortalSuspended, skip-to-Sync after errors),
// cursors, COPY TO STDOUT, DISCARD ALL and statement timeouts.

import Columnar
import Engine
import NIOCore
import XCTest
@testable import PostgresWire

/// A query processor on a session of a fresh in-memory database, answering into a new sink.
func makeProcessor() throws -> (QueryProcessor, CollectingSink) {
    let sink = CollectingSink()
    return (QueryProcessor(session: try Database().connect(), sink: sink, processID: 1, secretKey: 2), sink)
}

final class CollectingSink: BackendSink {
    var messages: [BackendMessage] = []
    var writable = true
    /// Runs before each pull of a batch (a deterministic stand-in for a timer firing mid-query).
    var beforePull: (() -> Void)?
    func send(_ message: BackendMessage) { messages.append(message) }
    func flush() {}
    func awaitWritable() -> Bool { beforePull?(); return writable }

    func drain() -> [BackendMessage] { defer { messages = [] }; return messages }
}

/// Decodes DataRow messages of a `.dataRows` buffer into text cells.
func decodeRows(_ messages: [BackendMessage]) -> [[String?]] {
    var rows: [[String?]] = []
    for m in messages {
        guard case .dataRows(var b, _) = m else { continue }
        while b.readableBytes > 0 {
            _ = b.readInteger(as: UInt8.self)
            _ = b.readInteger(as: Int32.self)
            let n = Int(b.readInteger(as: Int16.self) ?? 0)
            var row: [String?] = []
            for _ in 0..<n {
                let len = Int(b.readInteger(as: Int32.self) ?? -1)
                if len < 0 { row.append(nil) } else { row.append(b.readString(length: len)) }
            }
            rows.append(row)
        }
    }
    return rows
}

func tags(_ messages: [BackendMessage]) -> [String] {
    messages.compactMap { if case .commandComplete(let t) = $0 { return t }; return nil }
}

func errors(_ messages: [BackendMessage]) -> [String] {
    messages.compactMap { if case .error(let f) = $0 { return f.sqlState }; return nil }
}

final class QueryProcessorTests: XCTestCase {
    var sink: CollectingSink!
    var processor: QueryProcessor!

    override func setUpWithError() throws {
        (processor, sink) = try makeProcessor()
        processor.handle(.query("CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL)"))
        _ = sink.drain()
    }

    func testStartSendsStatusKeyAndReady() {
        processor.start(user: "u", applicationName: "psql", isSuperuser: false, serverVersion: "15.0 (LakeSQL)")
        let m = sink.drain()
        XCTAssertTrue(m.contains(.parameterStatus(name: "server_version", value: "15.0 (LakeSQL)")))
        XCTAssertTrue(m.contains(.parameterStatus(name: "integer_datetimes", value: "on")))
        XCTAssertTrue(m.contains(.parameterStatus(name: "application_name", value: "psql")))
        XCTAssertTrue(m.contains(.parameterStatus(name: "is_superuser", value: "off")))
        XCTAssertEqual(m.suffix(2), [.backendKeyData(processID: 1, secretKey: 2), .readyForQuery(.idle)])
    }

    func testSimpleQueryWithSeveralStatements() {
        processor.handle(.query("SELECT id FROM t ORDER BY id; SET application_name = 'x'; SELECT name FROM t WHERE id = 2"))
        let m = sink.drain()
        XCTAssertEqual(tags(m), ["SELECT 3", "SET", "SELECT 1"])
        XCTAssertEqual(decodeRows(m), [["1"], ["2"], ["3"], ["b"]])
        XCTAssertEqual(m.last, .readyForQuery(.idle))
        guard case .rowDescription(let cols)? = m.first else { return XCTFail("no RowDescription") }
        XCTAssertEqual(cols.map(\.typeOID), [23])
    }

    func testEmptyQueries() {
        processor.handle(.query(""))
        XCTAssertEqual(sink.drain(), [.emptyQueryResponse, .readyForQuery(.idle)])
        processor.handle(.query(" ; ;"))
        XCTAssertEqual(sink.drain(), [.emptyQueryResponse, .readyForQuery(.idle)])
    }

    func testErrorStopsTheRestAndKeepsSessionUsable() {
        processor.handle(.query("SELECT 1; SELECT * FROM missing; SELECT 2"))
        let m = sink.drain()
        XCTAssertEqual(tags(m), ["SELECT 1"])
        XCTAssertEqual(errors(m), [SQLState.undefinedTable])
        XCTAssertEqual(m.last, .readyForQuery(.idle))
        processor.handle(.query("SELECT 2"))
        XCTAssertEqual(decodeRows(sink.drain()), [["2"]])
    }

    func testErrorPositionCountsFromTheWholeQueryString() {
        processor.handle(.query("SELECT 1; SELECT nope FROM t"))
        guard let f = sink.drain().compactMap({ m -> ErrorFields? in if case .error(let f) = m { return f }; return nil }).first else {
            return XCTFail("no error")
        }
        XCTAssertEqual(f.sqlState, SQLState.undefinedColumn)
        XCTAssertEqual(f.position, 18)
    }

    func testTransactionStatusAndFailedBlock() {
        processor.handle(.query("BEGIN"))
        XCTAssertEqual(sink.drain().last, .readyForQuery(.inTransaction))
        processor.handle(.query("SELECT 1/0"))
        XCTAssertEqual(sink.drain().last, .readyForQuery(.failed))
        processor.handle(.query("SELECT 1"))
        let m = sink.drain()
        XCTAssertEqual(errors(m), [SQLState.inFailedSQLTransaction])
        XCTAssertEqual(m.last, .readyForQuery(.failed))
        processor.handle(.query("ROLLBACK"))
        XCTAssertEqual(sink.drain().last, .readyForQuery(.idle))
        processor.handle(.query("SELECT 1"))
        XCTAssertEqual(decodeRows(sink.drain()), [["1"]])
    }

    func testTransactionWarningsAreNotices() {
        processor.handle(.query("COMMIT"))
        var m = sink.drain()
        XCTAssertEqual(m.first, .notice(ErrorFields(severity: "WARNING", sqlState: SQLState.noActiveSQLTransaction,
                                                    message: "there is no transaction in progress")))
        XCTAssertEqual(tags(m), ["COMMIT"])
        processor.handle(.query("BEGIN; BEGIN"))
        m = sink.drain()
        XCTAssertEqual(m.filter { if case .notice = $0 { return true }; return false }.count, 1)
        XCTAssertEqual(m.last, .readyForQuery(.inTransaction))
    }

    func testExtendedProtocolWithInferredParameterTypes() {
        processor.handle(.parse(name: "s", query: "SELECT name FROM t WHERE id = $1", parameterTypes: []))
        processor.handle(.describe(kind: .statement, name: "s"))
        processor.handle(.flush)
        var m = sink.drain()
        XCTAssertEqual(m.first, .parseComplete)
        XCTAssertEqual(m[1], .parameterDescription([23]))
        processor.handle(.bind(BindMessage(portal: "", statement: "s", parameterFormats: [], parameters: [Array("2".utf8)], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        m = sink.drain()
        XCTAssertEqual(m.first, .bindComplete)
        XCTAssertEqual(decodeRows(m), [["b"]])
        XCTAssertEqual(tags(m), ["SELECT 1"])
        XCTAssertEqual(m.last, .readyForQuery(.idle))
    }

    func testInsertParametersTakeTheColumnTypes() {
        processor.handle(.parse(name: "ins", query: "INSERT INTO t VALUES ($1, $2)", parameterTypes: []))
        processor.handle(.describe(kind: .statement, name: "ins"))
        processor.handle(.bind(BindMessage(portal: "", statement: "ins", parameterFormats: [], parameters: [Array("4".utf8), Array("d".utf8)], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertTrue(m.contains(.parameterDescription([23, 25])))
        XCTAssertEqual(tags(m), ["INSERT 0 1"])
        processor.handle(.query("SELECT name FROM t WHERE id = 4"))
        XCTAssertEqual(decodeRows(sink.drain()), [["d"]])
    }

    func testBinaryParameterAndBinaryResult() {
        processor.handle(.parse(name: "", query: "SELECT $1::int8 * 2 AS x", parameterTypes: [20]))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [1], parameters: [[0, 0, 0, 0, 0, 0, 0, 21]], resultFormats: [1])))
        processor.handle(.describe(kind: .portal, name: ""))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        guard case .rowDescription(let cols)? = m.first(where: { if case .rowDescription = $0 { return true }; return false }) else {
            return XCTFail("no RowDescription")
        }
        XCTAssertEqual(cols.first?.format, 1)
        XCTAssertEqual(cols.first?.typeOID, 20)
        guard case .dataRows(var b, 1)? = m.first(where: { if case .dataRows = $0 { return true }; return false }) else { return XCTFail("no row") }
        b.moveReaderIndex(forwardBy: 7)
        XCTAssertEqual(b.readInteger(as: Int32.self), 8)
        XCTAssertEqual(b.readInteger(as: Int64.self), 42)
    }

    func testRowLimitedExecuteSuspendsThenCompletes() {
        processor.handle(.parse(name: "", query: "SELECT id FROM t ORDER BY id", parameterTypes: []))
        processor.handle(.bind(BindMessage(portal: "p", statement: "", parameterFormats: [], parameters: [], resultFormats: [])))
        processor.handle(.execute(portal: "p", maxRows: 2))
        var m = sink.drain()
        XCTAssertEqual(decodeRows(m), [["1"], ["2"]])
        XCTAssertEqual(m.last, .portalSuspended)
        processor.handle(.execute(portal: "p", maxRows: 2))
        processor.handle(.sync)
        m = sink.drain()
        XCTAssertEqual(decodeRows(m), [["3"]])
        XCTAssertEqual(tags(m), ["SELECT 1"])
    }

    func testErrorSkipsToSync() {
        processor.handle(.parse(name: "", query: "SELECT * FROM missing", parameterTypes: []))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertEqual(errors(m), [SQLState.undefinedTable])
        XCTAssertEqual(m.count, 2)
        XCTAssertEqual(m.last, .readyForQuery(.idle))
    }

    func testBindErrors() {
        processor.handle(.bind(BindMessage(portal: "", statement: "nope", parameterFormats: [], parameters: [], resultFormats: [])))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), [SQLState.invalidSQLStatementName])
        processor.handle(.parse(name: "s", query: "SELECT $1::int4", parameterTypes: []))
        processor.handle(.bind(BindMessage(portal: "", statement: "s", parameterFormats: [], parameters: [], resultFormats: [])))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), [SQLState.protocolViolation])
        processor.handle(.bind(BindMessage(portal: "", statement: "s", parameterFormats: [1], parameters: [[1, 2, 3]], resultFormats: [])))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), [SQLState.invalidBinaryRepresentation])
        processor.handle(.bind(BindMessage(portal: "", statement: "s", parameterFormats: [], parameters: [Array("x".utf8)], resultFormats: [])))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), [SQLState.invalidTextRepresentation])
        processor.handle(.parse(name: "s", query: "SELECT 1", parameterTypes: []))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), ["42P05"])
    }

    func testDescribeNoDataAndClose() {
        processor.handle(.parse(name: "set", query: "SET application_name = 'y'", parameterTypes: []))
        processor.handle(.describe(kind: .statement, name: "set"))
        processor.handle(.close(kind: .statement, name: "set"))
        processor.handle(.describe(kind: .statement, name: "set"))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertEqual(Array(m.prefix(4)), [.parseComplete, .parameterDescription([]), .noData, .closeComplete])
        XCTAssertEqual(errors(m), [SQLState.invalidSQLStatementName])
    }

    func testCursorDeclareFetchClose() {
        processor.handle(.query("DECLARE c CURSOR FOR SELECT id FROM t ORDER BY id"))
        XCTAssertEqual(errors(sink.drain()), [SQLState.noActiveSQLTransaction])
        processor.handle(.query("BEGIN; DECLARE c CURSOR FOR SELECT id FROM t ORDER BY id; FETCH 2 FROM c"))
        var m = sink.drain()
        XCTAssertEqual(tags(m), ["BEGIN", "DECLARE CURSOR", "FETCH 2"])
        XCTAssertEqual(decodeRows(m), [["1"], ["2"]])
        // psycopg describes a DECLAREd cursor as a portal.
        processor.handle(.describe(kind: .portal, name: "c"))
        processor.handle(.sync)
        m = sink.drain()
        guard case .rowDescription(let cols)? = m.first else { return XCTFail("no description") }
        XCTAssertEqual(cols.map(\.name), ["id"])
        processor.handle(.query("FETCH FORWARD 5 FROM c; FETCH NEXT FROM c; CLOSE c; COMMIT"))
        m = sink.drain()
        XCTAssertEqual(tags(m), ["FETCH 1", "FETCH 0", "CLOSE CURSOR", "COMMIT"])
        XCTAssertEqual(decodeRows(m), [["3"]])
        processor.handle(.query("FETCH 1 FROM c"))
        XCTAssertEqual(errors(sink.drain()), [SQLState.invalidCursorName])
    }

    func testFetchThroughExtendedProtocolDescribesTheCursorRows() {
        processor.handle(.query("BEGIN; DECLARE c CURSOR FOR SELECT id, name FROM t ORDER BY id"))
        _ = sink.drain()
        processor.handle(.parse(name: "", query: "FETCH 2 FROM c", parameterTypes: []))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [], resultFormats: [])))
        processor.handle(.describe(kind: .portal, name: ""))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        guard case .rowDescription(let cols)? = m.first(where: { if case .rowDescription = $0 { return true }; return false }) else {
            return XCTFail("no RowDescription")
        }
        XCTAssertEqual(cols.map(\.name), ["id", "name"])
        XCTAssertEqual(decodeRows(m), [["1", "a"], ["2", "b"]])
        XCTAssertEqual(tags(m), ["FETCH 2"])
        XCTAssertEqual(m.last, .readyForQuery(.inTransaction))
    }

    func testHoldCursorSurvivesCommitAndWithoutHoldDoesNot() {
        processor.handle(.query("BEGIN; DECLARE h CURSOR WITH HOLD FOR SELECT id FROM t ORDER BY id; DECLARE n CURSOR FOR SELECT 1; COMMIT"))
        _ = sink.drain()
        processor.handle(.query("FETCH ALL FROM h"))
        XCTAssertEqual(decodeRows(sink.drain()), [["1"], ["2"], ["3"]])
        processor.handle(.query("FETCH ALL FROM n"))
        XCTAssertEqual(errors(sink.drain()), [SQLState.invalidCursorName])
    }

    func testCopyToStdoutTextAndCSV() {
        processor.handle(.query("COPY (SELECT id, name FROM t ORDER BY id) TO STDOUT"))
        var m = sink.drain()
        XCTAssertEqual(m.first, .copyOutResponse(binary: false, columns: 2))
        let text = m.compactMap { if case .copyData(let d) = $0 { return String(decoding: d, as: UTF8.self) }; return nil }.joined()
        XCTAssertEqual(text, "1\ta\n2\tb\n3\t\\N\n")
        XCTAssertEqual(tags(m), ["COPY 3"])
        processor.handle(.query("COPY t TO STDOUT WITH (FORMAT csv, HEADER)"))
        m = sink.drain()
        let csv = m.compactMap { if case .copyData(let d) = $0 { return String(decoding: d, as: UTF8.self) }; return nil }.joined()
        XCTAssertEqual(csv, "id,name\n1,a\n2,b\n3,\n")
    }

    func testPoolResetStatementsAndDiscard() {
        processor.handle(.query("CLOSE ALL; UNLISTEN *; RESET ALL; DEALLOCATE ALL; DISCARD ALL"))
        let m = sink.drain()
        XCTAssertEqual(tags(m), ["CLOSE CURSOR", "UNLISTEN", "RESET", "DEALLOCATE ALL", "DISCARD ALL"])
        XCTAssertEqual(errors(m), [])
    }

    func testClientGoneCancelsStreaming() {
        sink.writable = false
        processor.handle(.query("SELECT * FROM generate_series(1, 100000)"))
        let m = sink.drain()
        XCTAssertEqual(errors(m), [SQLState.queryCanceled])
        XCTAssertEqual(decodeRows(m), [])
    }

    func testStatementTimeoutCancelsWith57014() {
        var timers: [Int] = []
        var fire: (() -> Void)?
        processor.timeoutScheduler = { [processor] ms in
            timers.append(ms)
            fire = { processor!.session.cancel(reason: "canceling statement due to statement timeout") }
            return { fire = nil }
        }
        sink.beforePull = { fire?() }
        processor.handle(.query("SET statement_timeout = '1s'; SELECT * FROM generate_series(1, 100000)"))
        let m = sink.drain()
        XCTAssertEqual(timers, [1000])
        XCTAssertEqual(errors(m), [SQLState.queryCanceled])
        guard case .error(let f)? = m.first(where: { if case .error = $0 { return true }; return false }) else { return }
        XCTAssertEqual(f.message, "canceling statement due to statement timeout")
        // The timer is disarmed after the statement: the next one runs.
        processor.handle(.query("SET statement_timeout = 0; SELECT 1"))
        XCTAssertEqual(decodeRows(sink.drain()), [["1"]])
    }
}
