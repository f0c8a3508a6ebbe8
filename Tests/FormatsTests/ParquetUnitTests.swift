// Unit tests for the Parquet building blocks: the Thrift compact decoder,
// the RLE/bit-packed hybrid, DELTA_BINARY_PACKED, every codec, value
// conversion helpers, statistics decoding, the public ParquetFile API on
// corpus files (schema types, dictionary vectors, concurrent row groups)
// and ValueJSON's rendering rules.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ThriftCompactTests: XCTestCase {
    // field 1 i32 -3; field 2 binary "ab"; field 5 list<i32> [1,2]; field 20 (long form) struct {1: true};
    // field 6 (long form, id going down) bool false; STOP
    let sample: [UInt8] = [0x15, 0x05, 0x18, 0x02, 0x61, 0x62, 0x39, 0x25, 0x02, 0x04,
                           0x0C, 0x28, 0x11, 0x00, 0x02, 0x0C, 0x00]

    func testReadsFieldsAndSkipsUnknownStruct() throws {
        var r = ThriftReader(sample, context: "test")
        var i32: Int32?, bin: [UInt8]?, list: [Int32]?, flag: Bool?
        var skipped: [Int16] = []
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): i32 = try r.readI32()
            case (2, .binary): bin = try r.readBinary()
            case (5, .list): list = try r.readList { r, _ in try r.readI32() }
            case (6, _): flag = try r.readBool(t)
            default: skipped.append(id); try r.skip(t)
            }
        }
        XCTAssertEqual(i32, -3)
        XCTAssertEqual(bin, Array("ab".utf8))
        XCTAssertEqual(list, [1, 2])
        XCTAssertEqual(flag, false)
        XCTAssertEqual(skipped, [20])
        XCTAssertEqual(r.pos, sample.count)
    }

    func testTruncatedInputThrowsDataCorrupted() {
        for cut in 0..<sample.count - 1 {
            var r = ThriftReader(Array(sample[..<cut]), context: "test")
            XCTAssertThrowsError(try r.readStruct { r, _, t in try r.skip(t) }) { e in
                XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.dataCorrupted)
            }
        }
    }

    func testDeepNestingIsRefused() {
        // 200 nested struct fields (field 1, type struct) never closed.
        let bytes = [UInt8](repeating: 0x1C, count: 200)
        var r = ThriftReader(bytes, context: "test")
        XCTAssertThrowsError(try r.skip(.structure)) { e in
            XCTAssertTrue((e as? SQLError)?.message.contains("nested too deeply") ?? false)
        }
    }

    func testBinaryLengthBeyondDataThrows() {
        var r = ThriftReader([0x18, 0x7f, 0x01], context: "test")
        XCTAssertThrowsError(try r.readStruct { r, _, t in try r.skip(t) })
    }
}

final class ParquetEncodingTests: XCTestCase {
    func testRLEHybridRunsAndBitPackedGroups() throws {
        // RLE run: 5 × 3 (bit width 2); bit-packed group of 8: 0,1,2,3,0,1,2,3
        let data: [UInt8] = [0x0A, 0x03, 0x03, 0xE4, 0xE4]
        var out = ContiguousArray<Int32>()
        try data.withUnsafeBufferPointer { p in
            try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: 2, count: 13, into: &out)
        }
        XCTAssertEqual(Array(out), [3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3])
        var more = ContiguousArray<Int32>()
        XCTAssertThrowsError(try data.withUnsafeBufferPointer { p in
            try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: 2, count: 14, into: &more)
        })
    }

    func testRLEBitWidthZeroIsAllZeros() throws {
        var out = ContiguousArray<Int32>()
        try [UInt8]().withUnsafeBufferPointer { p in
            try RLEHybrid.decode(p, start: 0, end: 0, bitWidth: 0, count: 4, into: &out)
        }
        XCTAssertEqual(Array(out), [0, 0, 0, 0])
        XCTAssertEqual(RLEHybrid.bitWidth(forMax: 0), 0)
        XCTAssertEqual(RLEHybrid.bitWidth(forMax: 1), 1)
        XCTAssertEqual(RLEHybrid.bitWidth(forMax: 3), 2)
        XCTAssertEqual(RLEHybrid.bitWidth(forMax: 4), 3)
    }

    func testDeltaBinaryPacked() throws {
        // block 128, 4 miniblocks, 5 values, first 7; values 7,5,3,10,10 -> min delta -2, adjusted 0,0,9,2 in 4 bits
        var data: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x0E, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x29]
        data += [UInt8](repeating: 0, count: 14)
        var out = ContiguousArray<Int64>()
        var pos = 0
        try data.withUnsafeBufferPointer { p in try DeltaBinaryPacked.decode(p, pos: &pos, end: p.count, into: &out) }
        XCTAssertEqual(Array(out), [7, 5, 3, 10, 10])
        XCTAssertEqual(pos, data.count)
        // Truncated miniblock must throw.
        var short = ContiguousArray<Int64>()
        var p2 = 0
        XCTAssertThrowsError(try Array(data.prefix(20)).withUnsafeBufferPointer { p in
            try DeltaBinaryPacked.decode(p, pos: &p2, end: p.count, into: &short)
        })
    }

    func testDeltaBinaryPackedSingleValueAndWrapping() throws {
        // one value: Int64.max (zigzag = UInt64.max - 1)
        var data: [UInt8] = [0x80, 0x01, 0x04, 0x01]
        var z = UInt64.max - 1
        while z >= 0x80 { data.append(UInt8(z & 0x7f) | 0x80); z >>= 7 }
        data.append(UInt8(z))
        var out = ContiguousArray<Int64>()
        var pos = 0
        try data.withUnsafeBufferPointer { p in try DeltaBinaryPacked.decode(p, pos: &pos, end: p.count, into: &out) }
        XCTAssertEqual(Array(out), [Int64.max])
    }

    func testByteStreamSplit() throws {
        let values: [Float] = [1.5, -2.25, 1e10]
        var planes = [UInt8](repeating: 0, count: 12)
        for (i, v) in values.enumerated() {
            let bits = v.bitPattern
            for b in 0..<4 { planes[b * 3 + i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(b))) }
        }
        let plain = try planes.withUnsafeBufferPointer { p in try ByteStreamSplit.decode(p, start: 0, end: 12, count: 3, width: 4) }
        let decoded = plain.withUnsafeBytes { raw in (0..<3).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        XCTAssertEqual(decoded, values)
    }

    func testPlainByteArraysRejectOverlongLength() {
        let data: [UInt8] = [0x02, 0, 0, 0, 0x61, 0x62, 0x09, 0, 0, 0, 0x63]
        var col = StringColumn()
        var pos = 0
        XCTAssertThrowsError(try data.withUnsafeBufferPointer { p in
            try PlainDecoder.byteArrays(p, pos: &pos, end: p.count, count: 2, into: &col)
        })
        // Lengths are all checked before any byte is copied: a bad page leaves the column as it was.
        XCTAssertEqual(col.count, 0)
        XCTAssertEqual(col.bytes.count, 0)
        // A second length cut short by the page's end, likewise.
        let cut: [UInt8] = [0x02, 0, 0, 0, 0x61, 0x62, 0x01, 0]
        pos = 0
        XCTAssertThrowsError(try cut.withUnsafeBufferPointer { p in
            try PlainDecoder.byteArrays(p, pos: &pos, end: p.count, count: 2, into: &col)
        })
        XCTAssertEqual(col.count, 0)
        XCTAssertEqual(col.offsets.count, 1)
        // The same values with a length that fits decode in full.
        let good: [UInt8] = [0x02, 0, 0, 0, 0x61, 0x62, 0x01, 0, 0, 0, 0x63]
        pos = 0
        XCTAssertNoThrow(try good.withUnsafeBufferPointer { p in
            try PlainDecoder.byteArrays(p, pos: &pos, end: p.count, count: 2, into: &col)
        })
        XCTAssertEqual([col.string(at: 0), col.string(at: 1)], ["ab", "c"])
        XCTAssertEqual(pos, good.count)
    }

    /// Values of every length from 0 to 40 bytes (the word-copy paths, the byte-exact one, the
    /// last values near the buffer's end), over two pages appended to one column whose offsets
    /// were reserved for the whole chunk, as a column chunk reads them.
    func testPlainByteArraysOfEveryLengthOverTwoPages() throws {
        var state: UInt64 = 7
        func byte() -> UInt8 { state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: state >> 33) }
        let values: [[UInt8]] = (0..<300).map { i in (0..<(i * 7 % 41)).map { _ in byte() } }
        func page(_ part: ArraySlice<[UInt8]>) -> [UInt8] {
            part.flatMap { v in withUnsafeBytes(of: UInt32(v.count).littleEndian, Array.init) + v }
        }
        var col = StringColumn()
        col.offsets.reserveCapacity(values.count + 1)
        for part in [values[0..<120], values[120...]] {
            let data = page(part)
            var pos = 0
            try data.withUnsafeBufferPointer { p in
                try PlainDecoder.byteArrays(p, pos: &pos, end: p.count, count: part.count, into: &col)
            }
            XCTAssertEqual(pos, data.count)
        }
        XCTAssertEqual(col.count, values.count)
        for (i, v) in values.enumerated() { XCTAssertEqual(col.byteArray(at: i), v, "value \(i)") }
    }

    func testInt96ToMicros() throws {
        // 2009-03-01 00:01:00: Julian day 2454892, 60 s of nanos
        var data = [UInt8]()
        let nanos: Int64 = 60_000_000_000
        for i in 0..<8 { data.append(UInt8(truncatingIfNeeded: nanos >> (8 * Int64(i)))) }
        let day: Int32 = 2_454_892
        for i in 0..<4 { data.append(UInt8(truncatingIfNeeded: day >> (8 * Int32(i)))) }
        var out = ContiguousArray<Int64>()
        var pos = 0
        try data.withUnsafeBufferPointer { p in try PlainDecoder.int96(p, pos: &pos, end: 12, count: 1, into: &out) }
        XCTAssertEqual(ValueJSON.timestamp(out[0], utc: false), "2009-03-01T00:01:00.000000")
    }

    func testWideDecimalText() {
        // 10^40 + 5 needs 17 bytes; and its negation.
        let big: [UInt8] = [0x1d, 0x63, 0x29, 0xf1, 0xc3, 0x5c, 0xa4, 0xbf, 0xab, 0xb9, 0xf5, 0x61, 0x00, 0x00, 0x00, 0x00, 0x05]
        // (10**40 + 5 == 0x1d6329f1c35ca4bfabb9f5610000000005)
        XCTAssertEqual(big.withUnsafeBufferPointer { ParquetVectors.wideDecimalText($0, 0..<17, scale: 2) },
                       "100000000000000000000000000000000000000.05")
        let neg: [UInt8] = [0xFF, 0xFB, 0x2E]
        XCTAssertEqual(neg.withUnsafeBufferPointer { ParquetVectors.wideDecimalText($0, 0..<3, scale: 3) }, "-1.234")
        XCTAssertEqual([UInt8(0)].withUnsafeBufferPointer { ParquetVectors.wideDecimalText($0, 0..<1, scale: 2) }, "0.00")
    }

    func testTypeMapping() throws {
        func map(_ p: ParquetPhysicalType, logical: ParquetLogicalType? = nil, converted: Int32? = nil, length: Int32? = nil,
                 precision: Int32? = nil, scale: Int32? = nil) throws -> DataType {
            var e = SchemaElement()
            e.type = p; e.logicalType = logical; e.convertedType = converted; e.typeLength = length
            e.precision = precision; e.scale = scale
            return try ParquetSchemaBuilder.mapType(e, physical: p, file: "f", path: ["c"]).0
        }
        XCTAssertEqual(try map(.int64, converted: 14), .decimal(precision: 20, scale: 0))
        XCTAssertEqual(try map(.int32, converted: 13), .int64)
        XCTAssertEqual(try map(.int32, converted: 11), .int16)
        XCTAssertEqual(try map(.int32, logical: .integer(bitWidth: 16, signed: false)), .int32)
        XCTAssertEqual(try map(.int32, logical: .integer(bitWidth: 8, signed: true)), .int16)
        XCTAssertEqual(try map(.fixedLenByteArray, logical: .float16, length: 2), .float32)
        XCTAssertEqual(try map(.fixedLenByteArray, logical: .uuid, length: 16), .uuid)
        XCTAssertEqual(try map(.int64, logical: .timestamp(adjustedToUTC: true, unit: .nanos)), .timestamptz)
        XCTAssertEqual(try map(.int64, logical: .timestamp(adjustedToUTC: false, unit: .millis)), .timestamp)
        XCTAssertEqual(try map(.int64, converted: 9), .timestamptz)
        XCTAssertEqual(try map(.int96), .timestamp)
        XCTAssertEqual(try map(.byteArray), .bytea)
        XCTAssertEqual(try map(.byteArray, logical: .json), .text)
        XCTAssertEqual(try map(.byteArray, logical: .unsupported(99)), .bytea)
        XCTAssertEqual(try map(.fixedLenByteArray, converted: 5, length: 9, precision: 20, scale: 2), .decimal(precision: 20, scale: 2))
        XCTAssertEqual(try map(.fixedLenByteArray, logical: .decimal(scale: 2, precision: 50), length: 30), .text)
        // An annotation that does not fit the physical type falls back to the physical type.
        XCTAssertEqual(try map(.int32, logical: .timestamp(adjustedToUTC: true, unit: .micros)), .int32)
        XCTAssertEqual(try map(.int32, converted: 5, precision: 30, scale: 2), .int32)
    }

    /// A hand-built v1 data page with deprecated BIT_PACKED definition levels and PLAIN int32 values.
    func testDataPageWithBitPackedLevels() throws {
        let header: [UInt8] = [0x15, 0x00, 0x15, 0x1A, 0x15, 0x1A,
                               0x2C, 0x15, 0x0A, 0x15, 0x00, 0x15, 0x08, 0x15, 0x06, 0x00, 0x00]
        var body: [UInt8] = [0xB0]  // levels 1,0,1,1,0 MSB-first
        for v: Int32 in [7, 8, 9] { for i in 0..<4 { body.append(UInt8(truncatingIfNeeded: v >> (8 * Int32(i)))) } }
        let leaf = ParquetLeaf(index: 0, path: ["x"], physical: .int32, typeLength: 0, maxDef: 1, maxRep: 0,
                               type: .int32, kind: .int32, element: SchemaElement())
        let reader = ColumnChunkReader(leaf: leaf, codec: .uncompressed, file: "mem")
        let decoded = try reader.read(header + body, expectedValues: 5)
        let v = try ParquetVectors.flatColumn(decoded, leaf: leaf, file: "mem")
        XCTAssertEqual((0..<5).map { v.value(at: $0) }, [.int(7), .null, .int(8), .int(9), .null])
        // The same page claiming more values than the chunk has must be refused.
        XCTAssertThrowsError(try reader.read(header + body, expectedValues: 4))
        // Truncated body.
        XCTAssertThrowsError(try reader.read(header + body.prefix(8), expectedValues: 5))
    }

    func testHalfFloatAndBigEndianDecimal() {
        XCTAssertEqual(ParquetVectors.halfToDouble(0x3C00), 1.0)
        XCTAssertEqual(ParquetVectors.halfToDouble(0xC000), -2.0)
        XCTAssertEqual(ParquetVectors.halfToDouble(0x0001), 5.960464477539063e-08)
        XCTAssertTrue(ParquetVectors.halfToDouble(0x7E00).isNaN)
        XCTAssertEqual(ParquetVectors.halfToDouble(0xFC00), -.infinity)
        let bytes: [UInt8] = [0xFF, 0xFB, 0x2E]  // -1234
        XCTAssertEqual(bytes.withUnsafeBufferPointer { ParquetVectors.bigEndianSigned($0, 0..<3) }, -1234)
    }
}

final class ParquetCodecTests: XCTestCase {
    let payload = Array("hello parquet hello parquet hello parquet 0123456789".utf8)

    func hex(_ s: String) -> [UInt8] {
        var out = [UInt8]()
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16) ?? 0) }
        return out
    }

    func check(_ codec: ParquetCodec, _ blob: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(try Decompressor.decompress(codec, blob[...], outputSize: payload.count, what: "t"), payload, file: file, line: line)
        // Wrong sizes and garbage must be errors, not crashes.
        XCTAssertThrowsError(try Decompressor.decompress(codec, blob[...], outputSize: payload.count + 7, what: "t"), file: file, line: line)
        XCTAssertThrowsError(try Decompressor.decompress(codec, blob.prefix(blob.count / 2), outputSize: payload.count, what: "t"), file: file, line: line)
    }

    func testSnappy() { check(.snappy, hex("343868656c6c6f207061727175657420686a0e002430313233343536373839")) }
    func testGzip() { check(.gzip, hex("1f8b0800000000000203cb48cdc9c95728482c2a2c4d2d51c8c0c33330343236313533b7b004003da3700a34000000")) }
    func testZstd() { check(.zstd, hex("28b52ffd2034f50000c068656c6c6f207061727175657420303132333435363738390100c14c25")) }
    func testLZ4Raw() { check(.lz4Raw, hex("ef68656c6c6f2070617271756574200e0009a030313233343536373839")) }
    func testBrotli() { check(.brotli, hex("1b330000e4e5116980cf6f18e46db7e520fc08548fe7740ddbf7fc79609058d43cb200")) }

    func testLZ4AllThreeFramings() throws {
        let raw = hex("ef68656c6c6f2070617271756574200e0009a030313233343536373839")
        // Hadoop framing: BE uncompressed size, BE compressed size, raw block.
        func be(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        let hadoop = be(payload.count) + be(raw.count) + raw
        XCTAssertEqual(try Decompressor.decompress(.lz4, hadoop[...], outputSize: payload.count, what: "t"), payload)
        XCTAssertEqual(try Decompressor.decompress(.lz4, raw[...], outputSize: payload.count, what: "t"), payload)
        let frame = hex("04224d186040821d000000ef68656c6c6f2070617271756574200e0009a03031323334353637383900000000")
        XCTAssertEqual(try Decompressor.decompress(.lz4, frame[...], outputSize: payload.count, what: "t"), payload)
    }

    func testUncompressedSizeMismatch() {
        XCTAssertThrowsError(try Decompressor.decompress(.uncompressed, payload[...], outputSize: 3, what: "t"))
        XCTAssertThrowsError(try Decompressor.decompress(.lzo, payload[...], outputSize: 3, what: "t")) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.featureNotSupported)
        }
    }
}

final class ParquetFileTests: XCTestCase {
    func corpus(_ name: String) throws -> String {
        let p = ParquetConformanceTests.corpus.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("corpus missing") }
        return p
    }

    func testSchemaTypesOfAlltypesTinyPages() throws {
        let f = try ParquetFile(path: try corpus("data/alltypes_tiny_pages.parquet"))
        XCTAssertEqual(f.schema.map(\.name), ["id", "bool_col", "tinyint_col", "smallint_col", "int_col", "bigint_col", "float_col",
                                              "double_col", "date_string_col", "string_col", "timestamp_col", "year", "month"])
        XCTAssertEqual(f.schema.map(\.type), [.int32, .boolean, .int16, .int16, .int32, .int64, .float32, .float64,
                                              .text, .text, .timestamp, .int32, .int32])
        XCTAssertEqual(f.numRows, 7300)
        let info = try f.rowGroup(0)
        XCTAssertEqual(info.numRows, 7300)
        XCTAssertEqual(info.statistics[0]?.min, .int(0))
        XCTAssertEqual(info.statistics[0]?.max, .int(7299))
        XCTAssertEqual(info.statistics[0]?.nullCount, 0)
        XCTAssertEqual(info.statistics[1]?.min, .bool(false))
        XCTAssertEqual(info.statistics[1]?.max, .bool(true))
        let batches = try f.readRowGroup(0, columns: [0, 9])
        XCTAssertEqual(batches.map(\.count).reduce(0, +), 7300)
        XCTAssertTrue(batches.allSatisfy { $0.count <= Batch.capacity })
        XCTAssertEqual(batches[0].columns.count, 2)
    }

    func testDeprecatedStatisticsUsedForSignedDecimal() throws {
        let f = try ParquetFile(path: try corpus("data/int32_decimal.parquet"))
        XCTAssertEqual(f.schema[0].type, .decimal(precision: 4, scale: 2))
        let s = try f.rowGroup(0).statistics[0]
        XCTAssertEqual(s?.min, .decimal(100))
        XCTAssertEqual(s?.max, .decimal(2400))
        let v = try f.readRowGroupColumns(0, columns: [0])[0]
        XCTAssertEqual(v.value(at: 0), .decimal(100))
        XCTAssertEqual(ValueJSON.render(v.value(at: 0), type: v.type), "\"1.00\"")
    }

    func testNaNBoundsAreDropped() throws {
        let f = try ParquetFile(path: try corpus("data/nan_in_stats.parquet"))
        let s = try f.rowGroup(0).statistics[0]
        XCTAssertNil(s?.max)
        XCTAssertNil(s?.min)
        XCTAssertEqual(s?.nullCount, 0)
    }

    func testDictionaryColumnStaysDictionaryEncoded() throws {
        let f = try ParquetFile(path: try corpus("data/alltypes_tiny_pages.parquet"))
        let v = try f.readRowGroupColumns(0, columns: [9])[0]
        guard case .dictionary(let idx, let values) = v.storage else { return XCTFail("expected a dictionary vector, got \(v.storage)") }
        XCTAssertEqual(idx.count, 7300)
        XCTAssertEqual(values.count, 10)
        XCTAssertEqual(v.value(at: 0), .string("2"))
        XCTAssertEqual(v.materialized().value(at: 1), .string("3"))
    }

    func testUnsignedAndNestedTypes() throws {
        let f = try ParquetFile(path: try corpus("data/nested_structs.rust.parquet"))
        XCTAssertTrue(f.schema.allSatisfy { $0.type == .json })
        let v = try f.readRowGroupColumns(0, columns: [0])[0]
        guard case .string(let text) = v.value(at: 0) else { return XCTFail("expected JSON text") }
        XCTAssertTrue(text.hasPrefix("{"))
        XCTAssertNoThrow(try JSONParser.parse(text))
    }

    func testRowGroupsReadConcurrentlyMatchSequential() throws {
        let f = try ParquetFile(path: try corpus("data/geospatial/geospatial.parquet"))
        XCTAssertGreaterThan(f.rowGroupCount, 4)
        let cols = Array(0..<f.schema.count)
        let sequential = try (0..<f.rowGroupCount).map { g in try f.readRowGroupColumns(g, columns: cols).map { c in (0..<c.count).map { c.value(at: $0) } } }
        let lock = NSLock()
        var parallel = [[[Value]]?](repeating: nil, count: f.rowGroupCount)
        var failures = 0
        DispatchQueue.concurrentPerform(iterations: f.rowGroupCount) { g in
            let r = try? f.readRowGroupColumns(g, columns: cols).map { c in (0..<c.count).map { c.value(at: $0) } }
            lock.lock(); parallel[g] = r; if r == nil { failures += 1 }; lock.unlock()
        }
        XCTAssertEqual(failures, 0)
        for g in 0..<f.rowGroupCount { XCTAssertEqual(parallel[g], sequential[g]) }
    }

    func testPageIndex() throws {
        let f = try ParquetFile(path: try corpus("data/alltypes_tiny_pages.parquet"))
        guard let oi = try f.offsetIndex(rowGroup: 0, leaf: 0) else { return XCTFail("expected an offset index") }
        XCTAssertGreaterThan(oi.pageLocations.count, 10)
        XCTAssertEqual(oi.pageLocations.first?.firstRowIndex, 0)
        XCTAssertTrue(zip(oi.pageLocations, oi.pageLocations.dropFirst()).allSatisfy { $0.firstRowIndex < $1.firstRowIndex && $0.offset < $1.offset })
        guard let ci = try f.columnIndex(rowGroup: 0, leaf: 0) else { return XCTFail("expected a column index") }
        XCTAssertEqual(ci.minValues.count, oi.pageLocations.count)
        XCTAssertEqual(ci.nullPages.count, oi.pageLocations.count)
        XCTAssertFalse(ci.nullPages.contains(true))
        // Page minima of the id column are all within the chunk's statistics.
        let mins = ci.minValues.compactMap { f.pageIndexValue($0, leaf: 0) }
        XCTAssertEqual(mins.count, ci.minValues.count)
        for case .int(let m) in mins { XCTAssertTrue((0...7299).contains(m)) }
    }

    func testChecksumVerification() throws {
        let good = try ParquetFile(path: try corpus("data/datapage_v1-snappy-compressed-checksum.parquet"), verifyChecksums: true)
        XCTAssertEqual(try good.readAll().map(\.count).reduce(0, +), 5120)
        let bad = try ParquetFile(path: try corpus("data/datapage_v1-corrupt-checksum.parquet"), verifyChecksums: true)
        XCTAssertThrowsError(try bad.readAll()) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.dataCorrupted)
            XCTAssertTrue((e as? SQLError)?.message.contains("CRC mismatch") ?? false, "\(e)")
        }
        // Without verification the stored (altered) values are returned.
        let lax = try ParquetFile(path: try corpus("data/datapage_v1-corrupt-checksum.parquet"))
        XCTAssertEqual(try lax.readAll().map(\.count).reduce(0, +), 5120)
        let dictBad = try ParquetFile(path: try corpus("data/rle-dict-uncompressed-corrupt-checksum.parquet"), verifyChecksums: true)
        XCTAssertThrowsError(try dictBad.readAll())
        let dictGood = try ParquetFile(path: try corpus("data/plain-dict-uncompressed-checksum.parquet"), verifyChecksums: true)
        XCTAssertEqual(try dictGood.readAll().map(\.count).reduce(0, +), 1000)
    }

    func testNoColumnsStillCountsRows() throws {
        let f = try ParquetFile(path: try corpus("data/alltypes_tiny_pages.parquet"))
        let batches = try f.readRowGroup(0, columns: [])
        XCTAssertEqual(batches.map(\.count).reduce(0, +), 7300)
        XCTAssertTrue(batches.allSatisfy { $0.columns.isEmpty })
    }

    func testZeroBoundsAreWidenedForSignedZeros() {
        var raw = ParquetStatisticsRaw()
        raw.minValue = Array(repeating: 0, count: 8)
        raw.maxValue = Array((-0.0 as Double).bitPattern.littleEndianBytes)
        let leaf = ParquetLeaf(index: 0, path: ["d"], physical: .double, typeLength: 0, maxDef: 1, maxRep: 0,
                               type: .float64, kind: .double, element: SchemaElement())
        let s = ParquetStatisticsDecoder.decode(raw, leaf: leaf)
        guard case .double(let lo)? = s.min, case .double(let hi)? = s.max else { return XCTFail("missing bounds") }
        XCTAssertEqual(lo.sign, .minus)
        XCTAssertEqual(hi.sign, .plus)
        // Unsigned columns ignore the deprecated (signed-order) min/max.
        var legacy = ParquetStatisticsRaw()
        legacy.min = [0, 0, 0, 0]; legacy.max = [0xff, 0xff, 0xff, 0xff]
        let u = ParquetLeaf(index: 0, path: ["u"], physical: .int32, typeLength: 0, maxDef: 1, maxRep: 0,
                            type: .int64, kind: .uint32, element: SchemaElement())
        XCTAssertNil(ParquetStatisticsDecoder.decode(legacy, leaf: u).min)
        legacy.minValue = [0, 0, 0, 0]; legacy.maxValue = [0xff, 0xff, 0xff, 0xff]
        XCTAssertEqual(ParquetStatisticsDecoder.decode(legacy, leaf: u).max, .int(4294967295))
    }

    func testOutOfRangeRowGroupAndColumn() throws {
        let f = try ParquetFile(path: try corpus("data/alltypes_plain.parquet"))
        XCTAssertThrowsError(try f.readRowGroup(5, columns: [0]))
        XCTAssertThrowsError(try f.readRowGroup(0, columns: [99]))
    }
}

final class ValueJSONTests: XCTestCase {
    func testNumbers() {
        XCTAssertEqual(ValueJSON.render(.double(Double(Float(1.1))), type: .float32), "1.1")
        XCTAssertEqual(ValueJSON.render(.double(30.299999999999997), type: .float64), "30.299999999999997")
        XCTAssertEqual(ValueJSON.render(.double(0), type: .float64), "0.0")
        XCTAssertEqual(ValueJSON.render(.double(-0.0), type: .float32), "-0.0")
        XCTAssertEqual(ValueJSON.render(.double(.nan), type: .float64), "\"NaN\"")
        XCTAssertEqual(ValueJSON.render(.double(.infinity), type: .float32), "\"Infinity\"")
        XCTAssertEqual(ValueJSON.render(.double(-.infinity), type: .float64), "\"-Infinity\"")
        XCTAssertEqual(ValueJSON.render(.int(-42), type: .int64), "-42")
        XCTAssertEqual(ValueJSON.render(.decimal(18446744073709551615), type: .decimal(precision: 20, scale: 0)), "\"18446744073709551615\"")
        XCTAssertEqual(ValueJSON.render(.decimal(-1230), type: .decimal(precision: 5, scale: 2)), "\"-12.30\"")
        XCTAssertEqual(ValueJSON.render(.decimal(5), type: .decimal(precision: 5, scale: 2)), "\"0.05\"")
        XCTAssertEqual(ValueJSON.render(.decimal(-5), type: .decimal(precision: 5, scale: 3)), "\"-0.005\"")
        XCTAssertEqual(ValueJSON.render(.decimal(123), type: .decimal(precision: 5, scale: 0)), "\"123\"")
        XCTAssertEqual(ValueJSON.render(.bool(true), type: .boolean), "true")
        XCTAssertEqual(ValueJSON.render(.null, type: .int32), "null")
    }

    func testStringsBytesAndUUID() {
        XCTAssertEqual(ValueJSON.render(.string("a\"b\\c\n\u{1}é"), type: .text), "\"a\\\"b\\\\c\\n\\u0001é\"")
        XCTAssertEqual(ValueJSON.render(.bytes(Array("abc".utf8)), type: .bytea), "\"b64:YWJj\"")
        XCTAssertEqual(ValueJSON.render(.bytes([0xff]), type: .bytea), "\"b64:/w==\"")
        XCTAssertEqual(ValueJSON.render(.bytes([]), type: .bytea), "\"b64:\"")
        let u: [UInt8] = [0xF8, 0x1D, 0x4F, 0xAE, 0x7D, 0xEC, 0x11, 0xD0, 0xA7, 0x65, 0x00, 0xA0, 0xC9, 0x1E, 0x6B, 0xF6]
        XCTAssertEqual(ValueJSON.render(.bytes(u), type: .uuid), "\"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"")
        XCTAssertEqual(ValueJSON.render(.string("{\"a\":[1]}"), type: .json), "{\"a\":[1]}")
        XCTAssertEqual(ValueJSON.render(.list([.int(1), .null, .int(3)]), type: .array(.int32)), "[1,null,3]")
    }

    func testTemporal() {
        XCTAssertEqual(ValueJSON.render(.int(14304), type: .date), "\"2009-03-01\"")
        XCTAssertEqual(ValueJSON.render(.int(-719528), type: .date), "\"0000-01-01\"")
        XCTAssertEqual(ValueJSON.render(.int(2932897), type: .date), "\"+10000-01-01\"")
        XCTAssertEqual(ValueJSON.render(.int(-719529), type: .date), "\"-00001-12-31\"")
        XCTAssertEqual(ValueJSON.render(.int(1_235_865_660_000_000), type: .timestamp), "\"2009-03-01T00:01:00.000000\"")
        XCTAssertEqual(ValueJSON.render(.int(1_704_070_800_000_001), type: .timestamptz), "\"2024-01-01T01:00:00.000001Z\"")
        XCTAssertEqual(ValueJSON.render(.int(-1), type: .timestamp), "\"1969-12-31T23:59:59.999999\"")
        XCTAssertEqual(ValueJSON.render(.int(1_704_070_800_000_001), type: .timestamptz, options: TextFormatOptions(timeZoneOffsetSeconds: -3 * 3600 - 1800)),
                       "\"2023-12-31T21:30:00.000001-03:30\"")
        XCTAssertEqual(ValueJSON.render(.int(45_296_789_000), type: .time), "\"12:34:56.789000\"")
        XCTAssertEqual(ParquetNanos.format(1_704_141_296_123_456_789, type: .timestamp), "2024-01-01T20:34:56.123456789")
        XCTAssertEqual(ParquetNanos.format(45_296_000_000_001, type: .time), "12:34:56.000000001")
    }
}

extension UInt64 {
    var littleEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (8 * UInt64($0))) } }
}
