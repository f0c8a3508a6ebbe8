// DataRow encoding through one raw reservation per chunk of rows
// (RowEncoder.encodeRaw): every cell, direct or through the scratch buffer,
// must be byte for byte what PostgreSQL's output functions (ValueText,
// PostgresType.writeBinary) make of its Value, and every message's length
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

    /// A cell as PostgreSQL's output functions write it, from the column's Value.
    private func reference(_ v: Vector, _ row: Int, type: DataType, binary: Bool) throws -> [UInt8]? {
        let value = v.value(at: row)
        if value.isNull { return nil }
        if !binary { return Array(ValueText.format(value, type: type, options: TextFormatOptions()).utf8) }
        var b = ByteBuffer()
        try PostgresType.writeBinary(value, type: type, into: &b)
        return b.readBytes(length: b.readableBytes)
    }

    func testCellsMatchTheOutputFunctionsInTextAndBinary() throws {
        let n = 3_000
        var (columns, types) = rawColumns(rows: n)
        // Two columns without a direct form, between the others: their cells come from the
        // scratch buffer, a chunk at a time.
        columns.insert(Vector.from((0..<n).map { $0 % 9 == 2 ? .null : .int(Int64($0) - 1_000) }, type: .date), at: 2)
        types.insert(.date, at: 2)
        columns.append(Vector.from((0..<n).map { .decimal(Int128($0) * 1_000_001 - 7) }, type: .decimal(precision: 18, scale: 3)))
        types.append(.decimal(precision: 18, scale: 3))
        for format: Int16 in [0, 1] {
            let encoder = RowEncoder(types: types, formats: [format], options: TextFormatOptions())
            let kinds = try encoder.rawCells(columns)
            let general = kinds.indices.filter { if case .general = kinds[$0] { return true } else { return false } }
            // float8 has a direct form in binary only.
            XCTAssertEqual(general, format == 0 ? [2, 4, 10] : [2, 10])
            for rows in [0..<n, 17..<2_111, 5..<5] {
                let got = cells(try encode(columns, types, formats: [format], rows: rows))
                XCTAssertEqual(got.count, rows.count)
                for (k, row) in rows.enumerated() where k < got.count {
                    let expected = try columns.indices.map { try reference(columns[$0], row, type: types[$0], binary: format == 1) }
                    XCTAssertEqual(got[k], expected, "format \(format), row \(row)")
                    if got[k] != expected { return }
                }
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

    func testBatchesOfOnlyStringsFitTheirReservation() throws {
        // Strings add their bytes to a row's bound; their length words are part of the fixed bytes.
        let n = 2_000
        let strings = Vector.from((0..<n).map { .string(String(repeating: "x", count: $0 % 3)) }, type: .text)
        let empty = Vector.from((0..<n).map { _ in .string("") }, type: .varchar(nil))
        for columns in [[strings], [empty], [strings, empty, strings]] {
            let types = columns.map { $0.type }
            let got = cells(try encode(columns, types, formats: [], rows: 0..<n))
            XCTAssertEqual(got.count, n)
            for (k, row) in got.enumerated() {
                XCTAssertEqual(row.map { $0?.count }, columns.map { $0 === empty ? 0 : k % 3 })
            }
        }
    }

    func testDecimalCellsAtEveryLength() {
        var values: [Int64] = [0, Int64.min, Int64.max, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<19 {
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1), power * 5 + 7]
            power = power &* 10
        }
        var space = [UInt8](repeating: 0, count: RawWireWriter.decimalCellBytes)
        for v in values {
            let (length, text) = space.withUnsafeMutableBytes { buffer -> (Int32, String) in
                var w = RawWireWriter(buffer)
                w.decimalCell(v)
                let length = buffer.load(as: Int32.self).bigEndian
                XCTAssertEqual(Int(length) + 4, w.count)
                return (length, String(decoding: buffer[4..<w.count], as: UTF8.self))
            }
            XCTAssertEqual(text, String(v))
            XCTAssertEqual(Int(length), String(v).utf8.count)
        }
    }
}
