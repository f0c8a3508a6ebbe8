// The oid type on the wire: type OID 26 (arrays 1028) in RowDescription and
// ParameterDescription, oidsend/oidrecv's four unsigned bytes, arrays of
// every supported element type accepted as parameters by their array OIDs,
// as PostgreSQL 15 reports them (asyncpg looks element types up by these).

import Columnar
import Engine
import NIOCore
import XCTest
@testable import PostgresWire

final class OIDWireTests: XCTestCase {
    var sink: CollectingSink!
    var processor: QueryProcessor!

    override func setUpWithError() throws {
        (processor, sink) = try makeProcessor()
    }

    private func descriptions(_ m: [BackendMessage]) -> [ColumnDescription]? {
        for message in m { if case .rowDescription(let cols) = message { return cols } }
        return nil
    }

    func testTypeOIDsOfOIDColumnsAndArrays() throws {
        XCTAssertEqual(PostgresType.oid(.oid), 26)
        XCTAssertEqual(PostgresType.oid(.array(.oid)), 1028)
        XCTAssertEqual(PostgresType.typeSize(.oid), 4)
        processor.handle(.query("SELECT c.oid, c.relnamespace, 'pg_class'::regclass, (SELECT array_agg(oid) FROM pg_class WHERE oid = 1259) FROM pg_class c WHERE c.oid = 1259"))
        let m = sink.drain()
        let cols = try XCTUnwrap(descriptions(m))
        XCTAssertEqual(cols.map(\.typeOID), [26, 26, 26, 1028])
        XCTAssertEqual(decodeRows(m), [["1259", "11", "1259", "{1259}"]])
    }

    func testBinaryOIDIsFourUnsignedBytes() throws {
        var b = ByteBuffer()
        try PostgresType.writeBinary(.int(4_294_967_295), type: .oid, into: &b)
        XCTAssertEqual(Array(b.readableBytesView), [255, 255, 255, 255])
        XCTAssertEqual(try PostgresType.readBinary([255, 255, 255, 254], type: .oid), .int(4_294_967_294))
        XCTAssertEqual(try PostgresType.readBinary([0, 0, 4, 235], type: .oid), .int(1259))
        XCTAssertThrowsError(try PostgresType.readBinary([0, 0, 0, 0, 0, 0, 4, 235], type: .oid)) {
            XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.invalidBinaryRepresentation)
        }
        // A binary oid[] round-trips with element OID 26 in its header.
        b.clear()
        try PostgresType.writeBinary(.list([.int(1259), .null, .int(4_294_967_295)]), type: .array(.oid), into: &b)
        let bytes = Array(b.readableBytesView)
        XCTAssertEqual(Array(bytes[8..<12]), [0, 0, 0, 26])
        XCTAssertEqual(try PostgresType.readBinary(bytes, type: .array(.oid)), .list([.int(1259), .null, .int(4_294_967_295)]))
    }

    func testDeclaredParameterOIDsAreEchoed() {
        // pgjdbc declares varchar[] (1015) and refuses a ParameterDescription that says text[] (1009).
        processor.handle(.parse(name: "", query: "SELECT $1::varchar[], $2", parameterTypes: [1015, 0]))
        processor.handle(.describe(kind: .statement, name: ""))
        processor.handle(.sync)
        XCTAssertTrue(sink.drain().contains(.parameterDescription([1015, 25])))
    }

    func testTwoDimensionalBinaryArrayParameterIsUnsupported() {
        var b = ByteBuffer()
        for v: Int32 in [2, 0, 23, 1, 1, 1, 1, 4, 7] { b.writeInteger(v) }  // {{7}}
        XCTAssertThrowsError(try PostgresType.readBinary(Array(b.readableBytesView), type: .array(.int32))) {
            XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.featureNotSupported)
        }
    }

    func testBinaryOIDResultAndParameterThroughTheExtendedProtocol() throws {
        processor.handle(.parse(name: "", query: "SELECT relname, oid FROM pg_class WHERE oid = ANY($1)", parameterTypes: [1028]))
        processor.handle(.describe(kind: .statement, name: ""))
        // {1259, 1247} as a binary oid[]: ndim 1, no nulls, element 26, 2 elements from 1.
        var array = ByteBuffer()
        for v: Int32 in [1, 0, 26, 2, 1, 4, 1259, 4, 1247] { array.writeInteger(v) }
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [1], parameters: [Array(array.readableBytesView)],
                                           resultFormats: [0, 1])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertTrue(m.contains(.parameterDescription([1028])), "\(m)")
        XCTAssertEqual(try XCTUnwrap(descriptions(m)).map(\.typeOID), [25, 26])
        XCTAssertEqual(errors(m), [])
        var names: [String] = []
        for case .dataRows(var b, _) in m {
            while b.readableBytes > 0 {
                b.moveReaderIndex(forwardBy: 7)
                let len = Int(b.readInteger(as: Int32.self) ?? 0)
                names.append(b.readString(length: len) ?? "")
                XCTAssertEqual(b.readInteger(as: Int32.self), 4)
                let oid = b.readInteger(as: UInt32.self)
                XCTAssertTrue(oid == 1259 || oid == 1247)
            }
        }
        XCTAssertEqual(names.sorted(), ["pg_class", "pg_type"])
    }

    func testParameterInferredAsOIDAndArrayOIDsMapToTypes() {
        processor.handle(.parse(name: "s", query: "SELECT relname FROM pg_class WHERE oid = $1", parameterTypes: []))
        processor.handle(.describe(kind: .statement, name: "s"))
        processor.handle(.bind(BindMessage(portal: "", statement: "s", parameterFormats: [], parameters: [Array("1259".utf8)], resultFormats: [])))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        let m = sink.drain()
        XCTAssertTrue(m.contains(.parameterDescription([26])), "\(m)")
        XCTAssertEqual(decodeRows(m), [["pg_class"]])
        // Array OIDs clients send for parameters (psycopg types lists of Decimal/date/… by them).
        let expected: [Int32: DataType] = [1231: .array(.decimal(precision: DataType.maxDecimalPrecision, scale: 6)), 1182: .array(.date),
                                           1115: .array(.timestamp), 1185: .array(.timestamptz), 1187: .array(.interval),
                                           1028: .array(.oid), 1015: .array(.text), 1000: .array(.boolean), 2951: .array(.uuid)]
        for (oid, type) in expected { XCTAssertEqual(PostgresType.dataType(oid: oid), type, "\(oid)") }
        XCTAssertEqual(PostgresType.dataType(oid: 2205), .oid)
        XCTAssertNil(PostgresType.dataType(oid: 1010))  // tid[]: no such element type here
    }
}
