// Wire type mapping: OIDs and typmods in RowDescription, and binary
// numeric/date/timestamp/interval encodings checked against PostgreSQL's
// documented layouts, round-tripped through the parameter decoder.

import Columnar
import NIOCore
import XCTest
@testable import PostgresWire

final class PostgresTypeTests: XCTestCase {
    func testOIDsAndTypmods() {
        XCTAssertEqual(PostgresType.oid(.decimal(precision: 12, scale: 2)), 1700)
        XCTAssertEqual(PostgresType.typeModifier(.decimal(precision: 12, scale: 2)), 786438)
        XCTAssertEqual(PostgresType.oid(.char(2)), 1042)
        XCTAssertEqual(PostgresType.typeModifier(.char(2)), 6)
        XCTAssertEqual(PostgresType.typeModifier(.varchar(nil)), -1)
        XCTAssertEqual(PostgresType.oid(.array(.int32)), 1007)
        XCTAssertEqual(PostgresType.oid(.timestamptz), 1184)
        XCTAssertEqual(PostgresType.typeSize(.int64), 8)
        XCTAssertEqual(PostgresType.typeSize(.text), -1)
    }

    func numericBytes(_ mantissa: Int128, scale: Int) -> [Int16] {
        var b = ByteBuffer()
        PostgresType.writeNumeric(mantissa: mantissa, scale: scale, into: &b)
        var out: [Int16] = []
        while let v = b.readInteger(as: Int16.self) { out.append(v) }
        return out
    }

    func testNumericBinaryLayout() {
        // ndigits, weight, sign, dscale, digits (base 10000)
        XCTAssertEqual(numericBytes(1234567, scale: 2), [3, 1, 0, 2, 1, 2345, 6700])       // 12345.67
        XCTAssertEqual(numericBytes(-5, scale: 1), [1, -1, 0x4000, 1, 5000])                 // -0.5
        XCTAssertEqual(numericBytes(0, scale: 3), [0, 0, 0, 3])                              // 0.000
        XCTAssertEqual(numericBytes(100_000_000, scale: 0), [1, 2, 0, 0, 1])                 // 100000000
        XCTAssertEqual(numericBytes(12, scale: 5), [2, -1, 0, 5, 1, 2000])                      // 0.00012
    }

    func roundTrip(_ value: Value, _ type: DataType) throws -> Value {
        var b = ByteBuffer()
        try PostgresType.writeBinary(value, type: type, into: &b)
        return try PostgresType.readBinary(b.readBytes(length: b.readableBytes) ?? [], type: type)
    }

    func testBinaryRoundTrips() throws {
        let cases: [(Value, DataType)] = [
            (.decimal(1234567), .decimal(precision: 12, scale: 2)), (.decimal(-5), .decimal(precision: 5, scale: 1)),
            (.int(19782), .date), (.int(-1), .timestamp), (.int(1_700_000_000_000_000), .timestamptz),
            (.interval(Interval(months: 14, days: 3, micros: -5)), .interval), (.int(-32768), .int16),
            (.double(1.5), .float32), (.bool(true), .boolean), (.bytes([1, 2, 255]), .bytea),
            (.list([.int(1), .null, .int(3)]), .array(.int32)), (.string("grüße"), .text),
        ]
        for (v, t) in cases { XCTAssertEqual(try roundTrip(v, t), v, "\(t)") }
    }

    func testDateBinaryUsesThe2000Epoch() throws {
        var b = ByteBuffer()
        try PostgresType.writeBinary(.int(10_957), type: .date, into: &b)
        XCTAssertEqual(b.readInteger(as: Int32.self), 0)
    }

    func testBadBinaryParametersAre22P03() {
        for (bytes, type) in [([1, 2, 3], DataType.int32), ([0], .float64), ([0, 0, 0, 0, 0, 0], .timestamp),
                              ([0, 1, 0, 0, 0, 0, 0, 0], .decimal(precision: 10, scale: 2))] as [([UInt8], DataType)] {
            XCTAssertThrowsError(try PostgresType.readBinary(bytes, type: type)) {
                XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.invalidBinaryRepresentation, "\(type)")
            }
        }
    }

    func testTextRowEncodingFastPaths() throws {
        let batch = Batch(columns: [Vector.from([.int(-42), .null, .int(Int64.min)], type: .int64),
                                    Vector.from([.string("a"), .string(""), .null], type: .text)], count: 3)
        let encoder = RowEncoder(types: [.int64, .text], formats: [], options: TextFormatOptions())
        var b = ByteBuffer()
        try encoder.encode(batch, rows: 0..<3, into: &b)
        let rows = decodeRows([.dataRows(b, count: 3)])
        XCTAssertEqual(rows, [["-42", "a"], [nil, ""], ["-9223372036854775808", nil]])
    }
}
