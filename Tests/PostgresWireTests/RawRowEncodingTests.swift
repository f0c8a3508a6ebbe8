// DataRow encoding through one raw reservation per chunk of rows
// (RowEncoder.encodeRaw) against the per-cell ByteBuffer path, which a batch
// takes when one of its columns has no raw form: the cells of the shared
// columns must come out byte for byte the same, and every message's length
// word must match its bytes, across chunk boundaries too.

import Columnar
import NIOCore
import XCTest
@testable import PostgresWire

final class RawRowEncodingTests: XCTestCase {
    /// Each DataRow's cells as raw bytes (nil for NULL), checking the message framing on the way.
    private func cells(_ buffer: ByteBuffer, file: StaticString = #filePath, line: UInt = #line) -> [[[UInt8]?]] {
        var b = buffer
        var rows: [[[UInt8]?]] = []
        while b.readableBytes > 0 {
            let start = b.readerIndex
            XCTAssertEqual(b.readInteger(as: UInt8.self), UInt8(ascii: "D"), file: file, line: line)
            let length = Int(b.readInteger(as: Int32.self) ?? 0)
            let columns = Int(b.readInteger(as: Int16.self) ?? 0)
            var row: [[UInt8]?] = []
            for _ in 0..<columns {
                let n = Int(b.readInteger(as: Int32.self) ?? -1)
                row.append(n < 0 ? nil : b.readBytes(length: n))
            }
            XCTAssertEqual(b.readerIndex - start, 1 + length, "DataRow length word", file: file, line: line)
            rows.append(row)
        }
        return rows
    }

    /// Columns with a raw form, in every format, with NULLs, extremes and strings long enough
    /// that 3,000 rows cross several 64 KiB chunks.
    private func rawColumns(rows n: Int) -> (columns: [Vector], types: [DataType]) {
        var ints: [Value] = [], floats: [Value] = [], strings: [Value] = [], bools: [Value] = []
        for i in 0..<n {
            ints.append(i % 7 == 3 ? .null : .int([Int64.min, Int64.max, 0, -1][i % 4] &+ Int64(i % 4 == 2 ? i * 1_000_003 : 0)))
            floats.append(i % 5 == 1 ? .null : .double(Double(i) * -0.125))
            strings.append(i % 11 == 4 ? .null : .string(String(repeating: "é", count: i % 97) + "\(i)"))
            bools.append(i % 13 == 6 ? .null : .bool(i % 2 == 0))
        }
        let columns = [Vector.from(ints, type: .int64), Vector.from(ints, type: .int32), Vector.from(ints, type: .oid),
                       Vector.from(floats, type: .float64), Vector.from(strings, type: .text), Vector.from(bools, type: .boolean),
                       Vector.constant(.int(-907), type: .int64, count: n), Vector.constant(.null, type: .int64, count: n),
                       Vector.constant(.string("same"), type: .text, count: n)]
        return (columns, [.int64, .int32, .oid, .float64, .text, .boolean, .int64, .int64, .text])
    }

    private func encode(_ columns: [Vector], _ types: [DataType], formats: [Int16], rows: Range<Int>) throws -> ByteBuffer {
        let count = columns.first?.count ?? 0
        var out = ByteBuffer()
        try RowEncoder(types: types, formats: formats, options: TextFormatOptions())
            .encode(Batch(columns: columns, count: count), rows: rows, into: &out)
        return out
    }

    func testRawCellsMatchThePerCellPathInTextAndBinary() throws {
        let n = 3_000
        let (columns, types) = rawColumns(rows: n)
        // A date column has no raw form: with it, the batch takes the per-cell path.
        let dates = Vector.from((0..<n).map { .int(Int64($0)) }, type: .date)
        for format: Int16 in [0, 1] {
            // float8 has a raw form in binary only.
            let kept = columns.indices.filter { format == 1 || types[$0] != .float64 }
            let columns = kept.map { columns[$0] }, types = kept.map { types[$0] }
            let encoder = RowEncoder(types: types + [.date], formats: [format], options: TextFormatOptions())
            XCTAssertNotNil(try encoder.rawCells(columns), "every column but the date has a raw form")
            XCTAssertNil(try encoder.rawCells(columns + [dates]))
            for rows in [0..<n, 17..<2_111, 5..<5] {
                let raw = cells(try encode(columns, types, formats: [format], rows: rows))
                let general = cells(try encode(columns + [dates], types + [.date], formats: [format], rows: rows))
                XCTAssertEqual(raw.count, rows.count)
                XCTAssertEqual(raw, general.map { Array($0.dropLast()) }, "format \(format), rows \(rows)")
            }
        }
    }

    func testRawTextCellsReadAsPostgreSQLWritesThem() throws {
        var (columns, types) = rawColumns(rows: 8)
        columns.remove(at: 3); types.remove(at: 3)
        let rows = cells(try encode(columns, types, formats: [], rows: 0..<8)).map { $0.map { $0.map { String(decoding: $0, as: UTF8.self) } } }
        XCTAssertEqual(rows[0], ["-9223372036854775808", "-9223372036854775808", "-9223372036854775808", "0", "t", "-907", nil, "same"])
        XCTAssertEqual(rows[1][0], "9223372036854775807")
        XCTAssertEqual(rows[2][0], "2000006")
        XCTAssertEqual(rows[3], [nil, nil, nil, "ééé3", "f", "-907", nil, "same"])
        XCTAssertEqual(rows[4][3], nil)
    }

    func testDecimalDigitsAtEveryLength() {
        var values: [Int64] = [0, Int64.min, Int64.max, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<19 {
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1), power * 5 + 7]
            power = power &* 10
        }
        var space = [UInt8](repeating: 0, count: RawWireWriter.decimalBytes)
        for v in values {
            let text = space.withUnsafeMutableBytes { buffer -> String in
                var w = RawWireWriter(buffer)
                let n = w.decimal(v)
                XCTAssertEqual(n, w.count)
                return String(decoding: buffer.prefix(n), as: UTF8.self)
            }
            XCTAssertEqual(text, String(v))
        }
    }
}
