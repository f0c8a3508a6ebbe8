// RowDescription's table OID and column attribute number: filled for result
// columns that are plain references to a table (or view) column, zero for
// anything else, on every path that describes rows (simple query, Describe
// statement/portal, FETCH), and equal to what pg_class / pg_attribute say.

import Columnar
import Engine
import NIOCore
import XCTest
@testable import PostgresWire

final class RowDescriptionOriginTests: XCTestCase {
    var sink: CollectingSink!
    var processor: QueryProcessor!

    override func setUpWithError() throws {
        (processor, sink) = try makeProcessor()
        processor.handle(.query("CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a')"))
        _ = sink.drain()
    }

    private func descriptions(_ m: [BackendMessage]) -> [ColumnDescription]? {
        for message in m { if case .rowDescription(let cols) = message { return cols } }
        return nil
    }

    /// pg_class.oid and pg_attribute.attnum of t.name, asked through the same connection.
    private func catalogSource() throws -> (Int32, Int16) {
        processor.handle(.query("SELECT a.attrelid::int8, a.attnum FROM pg_attribute a WHERE a.attrelid = 't'::regclass AND a.attname = 'name'"))
        let rows = decodeRows(sink.drain())
        let oid = try XCTUnwrap(rows.first?[0].flatMap { Int32($0) })
        let attnum = try XCTUnwrap(rows.first?[1].flatMap { Int16($0) })
        return (oid, attnum)
    }

    func testSimpleQueryReportsTableColumnAndZerosForExpressions() throws {
        let (oid, attnum) = try catalogSource()
        XCTAssertNotEqual(oid, 0)
        XCTAssertEqual(attnum, 2)
        processor.handle(.query("SELECT x.name, 1 AS one, upper(x.name) FROM t x"))
        let cols = try XCTUnwrap(descriptions(sink.drain()))
        XCTAssertEqual(cols.map(\.tableOID), [oid, 0, 0])
        XCTAssertEqual(cols.map(\.columnNumber), [attnum, 0, 0])
        // The encoded message carries them: 'T', length, count, name\0, then table OID (int32) and attribute number (int16).
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        BackendEncoder.encode(.rowDescription([cols[0]]), into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        XCTAssertEqual(Array(bytes[7..<12]), Array("name\0".utf8))
        let start = 12
        XCTAssertEqual(Int32(bigEndian: bytes[start..<start + 4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }), oid)
        XCTAssertEqual(Int16(bigEndian: bytes[start + 4..<start + 6].withUnsafeBytes { $0.loadUnaligned(as: Int16.self) }), attnum)
    }

    func testExtendedDescribeStatementPortalAndFetch() throws {
        let (oid, attnum) = try catalogSource()
        processor.handle(.parse(name: "s", query: "SELECT name, id + $1 FROM t", parameterTypes: []))
        processor.handle(.describe(kind: .statement, name: "s"))
        processor.handle(.sync)
        var cols = try XCTUnwrap(descriptions(sink.drain()))
        XCTAssertEqual(cols.map(\.tableOID), [oid, 0])
        XCTAssertEqual(cols.map(\.columnNumber), [attnum, 0])
        processor.handle(.bind(BindMessage(portal: "p", statement: "s", parameterFormats: [], parameters: [Array("1".utf8)], resultFormats: [])))
        processor.handle(.describe(kind: .portal, name: "p"))
        processor.handle(.sync)
        cols = try XCTUnwrap(descriptions(sink.drain()))
        XCTAssertEqual(cols.map(\.tableOID), [oid, 0])
        processor.handle(.query("BEGIN; DECLARE c CURSOR FOR SELECT id, name FROM t; FETCH 1 FROM c"))
        cols = try XCTUnwrap(descriptions(sink.drain()))
        XCTAssertEqual(cols.map(\.tableOID), [oid, oid])
        XCTAssertEqual(cols.map(\.columnNumber), [1, attnum])
        processor.handle(.query("ROLLBACK"))
    }
}
