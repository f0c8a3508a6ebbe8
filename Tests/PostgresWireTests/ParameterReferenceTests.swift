// A `$n` that can have no value is an error, as in PostgreSQL 15 (checked
// with libpq): in a simple query every `$n` is 42P02 "there is no parameter
// $n" (with its position); `$0` is 42P02 at Parse too; a Parse whose query
// skips a parameter it does not declare (`SELECT $2`) is 42P18; a Bind with
// the wrong number of values is 08P01. Before, such a `$n` read as NULL.
// `LIMIT $1` / `OFFSET $2` are bigint parameters applied at Bind.

import Columnar
import Engine
import NIOCore
import XCTest
@testable import PostgresWire

final class ParameterReferenceTests: XCTestCase {
    var sink: CollectingSink!
    var processor: QueryProcessor!

    override func setUpWithError() throws {
        (processor, sink) = try makeProcessor()
    }

    private func errorFields(_ m: [BackendMessage]) -> [ErrorFields] {
        m.compactMap { if case .error(let f) = $0 { return f }; return nil }
    }

    func testSimpleQueryParameterIs42P02WithPosition() {
        processor.handle(.query("SELECT 1, $2 + 1"))
        let m = sink.drain()
        XCTAssertEqual(errors(m), [SQLState.undefinedParameter])
        XCTAssertEqual(errorFields(m).first?.message, "there is no parameter $2")
        XCTAssertEqual(errorFields(m).first?.position, 11)
        XCTAssertEqual(m.last, .readyForQuery(.idle))
        // Also inside statements the server runs itself, and the session stays usable.
        processor.handle(.query("BEGIN; DECLARE c CURSOR FOR SELECT $1; ROLLBACK"))
        XCTAssertEqual(errors(sink.drain()), [SQLState.undefinedParameter])
        processor.handle(.query("ROLLBACK; SELECT 7"))
        XCTAssertEqual(decodeRows(sink.drain()), [["7"]])
    }

    func testParseRefusesDollarZeroAndSkippedUndeclaredParameters() {
        for (query, types, state) in [("SELECT $0", [Int32](), SQLState.undefinedParameter),
                                      ("SELECT 1, $3", [], SQLState.indeterminateDatatype),
                                      ("SELECT $1, $3", [], SQLState.indeterminateDatatype)] {
            processor.handle(.parse(name: "", query: query, parameterTypes: types))
            processor.handle(.sync)
            XCTAssertEqual(errors(sink.drain()), [state], query)
        }
        XCTAssertEqual(errorFields({ processor.handle(.parse(name: "", query: "SELECT $1, $3", parameterTypes: [])); processor.handle(.sync); return sink.drain() }()).first?.message,
                       "could not determine data type of parameter $2")
        // A declared type fills the gap; an unreferenced parameter then needs a value all the same.
        processor.handle(.parse(name: "", query: "SELECT $2::int + 1", parameterTypes: [25]))
        processor.handle(.describe(kind: .statement, name: ""))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [nil, Array("41".utf8)], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertTrue(m.contains(.parameterDescription([25, 23])), "\(m)")
        XCTAssertEqual(decodeRows(m), [["42"]])
        processor.handle(.parse(name: "", query: "SELECT $2::int + 1", parameterTypes: [25]))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [Array("41".utf8)], resultFormats: [])))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), [SQLState.protocolViolation])
    }

    func testLimitAndOffsetParametersAreBigintAndApplyAtBind() {
        processor.handle(.query("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2), (3), (4)"))
        _ = sink.drain()
        processor.handle(.parse(name: "", query: "SELECT x FROM t ORDER BY x LIMIT $1 OFFSET $2", parameterTypes: []))
        processor.handle(.describe(kind: .statement, name: ""))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [Array("2".utf8), Array("1".utf8)], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertTrue(m.contains(.parameterDescription([20, 20])), "\(m)")
        XCTAssertEqual(decodeRows(m), [["2"], ["3"]])
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [Array("-1".utf8), nil], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        XCTAssertEqual(errors(sink.drain()), ["2201W"])
    }

    func testSessionExecuteWithoutValuesIs42P02() throws {
        let s = try Database().connect()
        XCTAssertThrowsError(try s.execute("SELECT $1").allRows()) {
            XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.undefinedParameter)
        }
        XCTAssertEqual(try s.execute("SELECT 1").allRows(), [[.int(1)]])
    }
}
