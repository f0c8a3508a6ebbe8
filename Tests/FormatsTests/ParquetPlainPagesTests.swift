// The copy-free decode paths: PLAIN fixed-width pages decompressed straight
// into the value arrays (required columns' v1 pages, v2 pages' value
// sections, dictionary pages), uncompressed pages decoded in place, physical
// columns converted batch by batch from a range of the decoded values, and
// one decoded dictionary shared by the reads of a row group that overlap in
// time. Fixtures: Fixtures/lake-tests/plainpages (generate.py), one file per
// codec (none, snappy, zstd, gzip) and data page version; every value is a
// formula of its row number, recomputed here.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetPlainPagesTests: XCTestCase {
    static let folder = LakeTestFixtures.path("plainpages")
    static let files = ["none", "snappy", "zstd", "gzip"].flatMap { c in ["1", "2"].map { "\(c)-v\($0).parquet" } }
    static let rows = 2000

    /// The value generate.py wrote in column `name` at row `i`.
    fileprivate func expected(_ name: String, _ i: Int) -> Value {
        switch name {
        case "i32": return .int(Int64((i * 37) % 2001 - 1000))
        case "i64": return .int(Int64(i) * 1_000_003 - 7)
        case "f32": return .double(Double(Float(Double(i) * 0.5)))
        case "f64": return .double(Double(i) * 0.25 - 3)
        case "d": return .int(Int64(i - 500))
        case "dec": return .decimal(Int128(i * 101 - 5000))
        case "opt": return i % 5 == 2 ? .null : .int(Int64(i * 3))
        case "fb": return .int(Int64(i < 400 ? i / 4 : i * 7))
        default: return .null
        }
    }

    func testEveryCodecAndPageVersionDecodesTheFormulas() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            XCTAssertEqual(f.numRows, Int64(Self.rows), name)
            let names = f.schema.map(\.name)
            XCTAssertEqual(names, ["i32", "i64", "f32", "f64", "d", "dec", "opt", "fb"])
            var row = 0
            for batch in try f.readAll() {
                for k in 0..<batch.count {
                    for (c, column) in names.enumerated() {
                        XCTAssertEqual(batch.columns[c].value(at: k), expected(column, row + k), "\(name) \(column) row \(row + k)")
                    }
                }
                row += batch.count
            }
            XCTAssertEqual(row, Self.rows, name)
        }
    }

    /// Batches cut from physical columns (converted from a range of the decoded values) equal
    /// the whole-vector path a row selection takes, for ranges at the start, middle and end.
    func testBatchRangesMatchSelectionsUnderEveryCodec() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            let columns = Array(0..<f.schema.count)
            var firstRow = 0
            for g in 0..<f.rowGroupCount {
                let whole = try f.readColumns(rowGroup: g, columns: columns)
                let n = whole.rows
                var physical = 0
                for c in columns { if case .physical = whole.columns[c] { physical += 1 } }
                XCTAssertGreaterThanOrEqual(physical, 6, "\(name): required plain columns stay physical")
                for r in [0..<1, 3..<250, (n - 17)..<n, 0..<n] {
                    let picked = try f.readColumns(rowGroup: g, columns: columns, selection: RowSelection([Int64(r.lowerBound)..<Int64(r.upperBound)]))
                    XCTAssertEqual(picked.rows, r.count)
                    for c in columns {
                        let s = try whole.slice(c, r)
                        let p = try picked.slice(c, 0..<r.count)
                        XCTAssertEqual(s.count, r.count)
                        for k in 0..<r.count {
                            let want = expected(f.schema[c].name, firstRow + r.lowerBound + k)
                            XCTAssertEqual(s.value(at: k), want, "\(name) group \(g) \(f.schema[c].name) row \(r.lowerBound + k)")
                            XCTAssertEqual(p.value(at: k), want, "\(name) group \(g) \(f.schema[c].name) selected row \(r.lowerBound + k)")
                        }
                    }
                }
                firstRow += n
            }
        }
    }

    /// Selections keeping few scattered rows are converted row by row (only the selected rows'
    /// values are placed: ParquetVectors.flatColumn(rows:)), NULLs of the optional column
    /// included, and give the same values as the whole read.
    func testSparseSelectionsGiveTheSelectedRowsValues() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            let columns = Array(0..<f.schema.count)
            let n = Int(f.metadata.rowGroups[0].numRows)
            for step in [9, 97, 331] {
                let rows = stride(from: step / 2, to: n, by: step).map { Int64($0) } + [Int64(n - 1)]
                let read = try f.readColumns(rowGroup: 0, columns: columns, selection: RowSelection(rows.map { $0..<$0 + 1 }))
                XCTAssertEqual(read.rows, rows.count, name)
                for c in columns {
                    let v = try read.slice(c, 0..<read.rows)
                    for (k, row) in rows.enumerated() {
                        XCTAssertEqual(v.value(at: k), expected(f.schema[c].name, Int(row)), "\(name) \(f.schema[c].name) row \(row), every \(step)")
                    }
                }
            }
        }
    }

    /// The same for a dictionary-encoded string column with NULLs (s) against the same values
    /// stored without a dictionary (plain), in every row group of the file.
    func testSparseSelectionsOfDictionaryStrings() throws {
        let f = try ParquetFile(path: Self.folder + "/../dictionary/strings.parquet")
        let names = f.schema.map(\.name)
        guard let s = names.firstIndex(of: "s"), let plain = names.firstIndex(of: "plain") else { return XCTFail("\(names)") }
        for g in 0..<f.rowGroupCount {
            let whole = try f.readColumns(rowGroup: g, columns: [s, plain])
            let all = whole.vectors
            for step in [10, 53] {
                let rows = stride(from: 1, to: whole.rows, by: step).map { Int64($0) }
                let read = try f.readColumns(rowGroup: g, columns: [s, plain], selection: RowSelection(rows.map { $0..<$0 + 1 }))
                let picked = read.vectors
                var nulls = 0
                for (k, row) in rows.enumerated() {
                    XCTAssertEqual(picked[0].value(at: k), all[0].value(at: Int(row)), "group \(g) s row \(row)")
                    XCTAssertEqual(picked[1].value(at: k), all[1].value(at: Int(row)), "group \(g) plain row \(row)")
                    XCTAssertEqual(picked[0].value(at: k), picked[1].value(at: k))
                    if picked[0].isNull(k) { nulls += 1 }
                }
                if step == 10 { XCTAssertGreaterThan(nulls, 0, "group \(g): the selection holds NULLs") }
            }
        }
    }

    /// A selection of several row ranges (some inside one page, some across pages) keeps
    /// exactly those rows, in order, for every column, whether read page by page or whole.
    func testSelectionsOfSeveralRanges() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            let columns = Array(0..<f.schema.count)
            let ranges: [Range<Int64>] = [3..<10, 50..<420, 433..<434, 650..<700]
            let read = try f.readColumns(rowGroup: 0, columns: columns, selection: RowSelection(ranges))
            let rows = ranges.flatMap { $0 }.map { Int($0) }
            XCTAssertEqual(read.rows, rows.count)
            for c in columns {
                let v = try read.slice(c, 0..<read.rows)
                for (k, row) in rows.enumerated() {
                    XCTAssertEqual(v.value(at: k), expected(f.schema[c].name, row), "\(name) \(f.schema[c].name) row \(row)")
                }
                let whole = read.vectors[c]
                XCTAssertEqual(whole.value(at: read.rows - 1), expected(f.schema[c].name, 699))
            }
        }
    }

    /// Two reads of one row group that overlap in time decode its dictionary once and hand
    /// out the same dictionary vector; once both are dropped nothing stays cached.
    func testOverlappingReadsShareOneDictionary() throws {
        let f = try ParquetFile(path: Self.folder + "/snappy-v1.parquet")
        // A dictionary column that never falls back: the first 100 rows of `fb` (codes 0...24).
        let fb = f.schema.firstIndex { $0.name == "fb" }!
        var firstBytes: Int64 = 0
        func dictionaryOf(_ read: ParquetColumnsRead) throws -> Vector? {
            if case .dictionary(_, let values) = try read.slice(0, 0..<read.rows).storage { return values }
            return nil
        }
        do {
            let first = try f.readColumns(rowGroup: 0, columns: [fb], selection: RowSelection([0..<100]))
            let second = try f.readColumns(rowGroup: 0, columns: [fb], selection: RowSelection([0..<100]))
            let a = try XCTUnwrap(dictionaryOf(first)), b = try XCTUnwrap(dictionaryOf(second))
            XCTAssertTrue(a === b, "the second read reuses the first one's dictionary vector")
            // ... and does not fetch the dictionary page's bytes again (only its data pages).
            XCTAssertLessThan(second.bytesRead, first.bytesRead)
            XCTAssertEqual(second.pagesRead, first.pagesRead)
            firstBytes = first.bytesRead
            XCTAssertEqual((0..<100).map { (try? second.slice(0, 0..<100))?.value(at: $0) }, (0..<100).map { expected("fb", $0) })
            XCTAssertGreaterThan(f.dictionaries.liveSlots, 0)
            // Another row group has its own dictionary.
            let other = try f.readColumns(rowGroup: 1, columns: [fb], selection: RowSelection([0..<10]))
            if let c = try dictionaryOf(other) { XCTAssertFalse(c === a) }
        }
        XCTAssertEqual(f.dictionaries.liveSlots, 0, "no read holds a dictionary: none is kept")
        // A later read decodes it again (and still gets the right values).
        let again = try f.readColumns(rowGroup: 0, columns: [fb], selection: RowSelection([0..<100]))
        XCTAssertEqual(try again.slice(0, 99..<100).value(at: 0), expected("fb", 99))
        XCTAssertEqual(again.bytesRead, firstBytes, "nothing held the dictionary: its page is fetched again")
    }

    /// A pin keeps a row group's dictionary for reads that follow one another without overlapping
    /// (the parts of a split row group on busy workers); dropping it releases the dictionary.
    func testPinnedDictionaryServesReadsInTurn() throws {
        let f = try ParquetFile(path: Self.folder + "/snappy-v1.parquet")
        let fb = f.schema.firstIndex { $0.name == "fb" }!
        let leaf = try XCTUnwrap(f.roots[fb].leafIndex)
        var pin: ParquetDictionaryPin? = f.pinDictionaries(rowGroup: 0, leaves: [leaf])
        XCTAssertNotNil(pin)
        var bytes: [Int64] = []
        for _ in 0..<2 {
            let read = try f.readColumns(rowGroup: 0, columns: [fb], selection: RowSelection([0..<100]))
            XCTAssertEqual(try read.slice(0, 99..<100).value(at: 0), expected("fb", 99))
            bytes.append(read.bytesRead)
        }
        XCTAssertLessThan(bytes[1], bytes[0], "the second read finds the pinned dictionary and skips its page")
        XCTAssertEqual(f.dictionaries.liveSlots, 1)
        pin = nil
        XCTAssertEqual(f.dictionaries.liveSlots, 0)
        let again = try f.readColumns(rowGroup: 0, columns: [fb], selection: RowSelection([0..<100]))
        XCTAssertEqual(again.bytesRead, bytes[0], "unpinned, the dictionary page is fetched again")
    }

    /// Reads on several threads at once, each part of each row group, agree with the formulas
    /// (the dictionary slot's lock serialises the first decode).
    func testConcurrentPartsAgree() throws {
        let f = try ParquetFile(path: Self.folder + "/zstd-v2.parquet")
        let columns = Array(0..<f.schema.count)
        let names = f.schema.map(\.name)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 24) { k in
            let g = k % f.rowGroupCount
            let part = (k / f.rowGroupCount) % 4
            do {
                let rowsInGroup = Int(try f.rowGroup(g).numRows)
                let lo = rowsInGroup * part / 4, hi = rowsInGroup * (part + 1) / 4
                let read = try f.readColumns(rowGroup: g, columns: columns, selection: RowSelection([Int64(lo)..<Int64(hi)]))
                for (c, name) in names.enumerated() {
                    let v = try read.slice(c, 0..<read.rows)
                    for i in 0..<read.rows where v.value(at: i) != expected(name, 700 * g + lo + i) {
                        failures.add("group \(g) part \(part) \(name) row \(lo + i)")
                    }
                }
            } catch {
                failures.add("\(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
    }

    /// A page whose header promises more bytes than the codec produces is an XX001 error on the
    /// direct path too, never a crash or garbage values.
    /// A string chunk whose dictionary overflows: the codes read so far become plain values and
    /// the later PLAIN pages append to them. Every value comes back, and the bytes were reserved
    /// for the chunk when the codes were flattened (grown page by page, doubling, the array would
    /// end up to twice as large as its contents, each growth copying all of it).
    func testStringsFallingBackFromTheDictionaryReserveTheChunkOnce() throws {
        let f = try ParquetFile(path: Self.folder + "/../dictionary/fallback_strings.parquet")
        let rg = f.metadata.rowGroups[0]
        guard let meta = rg.columns[0].metaData, let chunk = try f.fetchChunks(rg, leaves: [0])[0] else { return XCTFail("no chunk") }
        let d = try f.chunkReader(meta, leaf: f.leaves[0]).read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
        XCTAssertNil(d.indices, "the chunk fell back to plain values")
        XCTAssertGreaterThan(d.dataPages, 3)
        guard case .bytes(let strings) = d.values else { return XCTFail("not byte arrays") }
        XCTAssertEqual(strings.count, 4000)
        for i in [0, 1, 150, 1999, 3999] { XCTAssertEqual(strings.string(at: i), String(format: "value-%06d", i * 7)) }
        XCTAssertEqual(strings.bytes.count, 4000 * 12)
        XCTAssertLessThanOrEqual(strings.bytes.capacity, strings.bytes.count * 5 / 4, "reserved once at the average length")
        let all = try f.readAll().flatMap { b in (0..<b.count).map { b.columns[0].value(at: $0) } }
        XCTAssertEqual(all, (0..<4000).map { .string(String(format: "value-%06d", $0 * 7)) })
    }

    /// The chunk reservation from a sample: its exact average (22.44 bytes, not 22) and an
    /// eighth more, capped at 64 times the sample, nothing without a sample or values to come.
    func testChunkByteReservationFromASample() {
        XCTAssertEqual(PlainDecoder.chunkBytes(sampleBytes: 2_244, sampleValues: 100, values: 1_000), 22_440 + 2_805)
        XCTAssertEqual(PlainDecoder.chunkBytes(sampleBytes: 1_000, sampleValues: 1, values: 1_000_000), 64_000)
        XCTAssertEqual(PlainDecoder.chunkBytes(sampleBytes: 0, sampleValues: 0, values: 10), 0)
        XCTAssertEqual(PlainDecoder.chunkBytes(sampleBytes: 50, sampleValues: 5, values: -3), 0)
    }

    func testTruncatedCompressedPageIsAnError() throws {
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Self.folder + "/snappy-v1.parquet")))
        // Corrupt the first data page of column i64 in its middle (its PLAIN values are snappy literals).
        let f = try ParquetFile(source: MemorySource(bytes, name: "x"))
        let meta = try XCTUnwrap(f.metadata.rowGroups[0].columns[1].metaData)
        let start = Int(meta.dataPageOffset)
        var tr = ThriftReader(bytes, start: start, end: bytes.count, context: "test")
        let header = try tr.readPageHeader()
        let body = tr.pos
        // Snappy's preamble (the uncompressed length varint) made smaller: the codec rejects it.
        bytes[body] = bytes[body] &- 8
        let broken = try ParquetFile(source: MemorySource(bytes, name: "broken.parquet"))
        XCTAssertGreaterThan(header.compressedPageSize, 0)
        XCTAssertThrowsError(try broken.readColumns(rowGroup: 0, columns: [1]).vectors) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.dataCorrupted, "\(e)")
        }
    }
}

extension ParquetPlainPagesTests {
    /// The bound DecimalKernels.magnitudeBits finds: OR of x ^ (x >> 127) over the values.
    private func scannedBits(_ v: Vector) -> Int? {
        guard case .int128(let a) = v.storage else { return nil }
        var lo: UInt64 = 0, hi: UInt64 = 0
        for x in a {
            let m = UInt128(bitPattern: x ^ (x >> 127))
            lo |= UInt64(truncatingIfNeeded: m)
            hi |= UInt64(truncatingIfNeeded: m >> 64)
        }
        return hi != 0 ? 128 - hi.leadingZeroBitCount : 64 - lo.leadingZeroBitCount
    }

    /// INT32/INT64 decimals are widened to Int128 in a pass that also bounds them: every batch
    /// (whole-read slices, page-read selections, ranges at the start, middle and end) carries
    /// exactly the bound a scan of its values gives, and keeps it through slice and gather.
    func testWidenedDecimalsCarryTheirBound() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            let dec = try XCTUnwrap(f.schema.firstIndex { $0.name == "dec" })
            for g in 0..<f.rowGroupCount {
                let whole = try f.readColumns(rowGroup: g, columns: [dec])
                let n = whole.rows
                for r in [0..<1, 3..<250, (n - 17)..<n, 0..<n] {
                    let picked = try f.readColumns(rowGroup: g, columns: [dec], selection: RowSelection([Int64(r.lowerBound)..<Int64(r.upperBound)]))
                    for v in [try whole.slice(0, r), try picked.slice(0, 0..<r.count)] {
                        let carried = try XCTUnwrap(v.int128MagnitudeBits, "\(name) group \(g) rows \(r)")
                        XCTAssertEqual(carried, scannedBits(v), "\(name) group \(g) rows \(r)")
                        if v.count > 2 {
                            XCTAssertEqual(v.slice(1..<v.count - 1).int128MagnitudeBits, carried)
                            XCTAssertEqual(v.gather([Int32(v.count - 1), 0]).int128MagnitudeBits, carried)
                        }
                    }
                }
            }
        }
        // Negative values and the Int64 extremes widen with the bound a scan gives.
        let leaf = try XCTUnwrap(ParquetFile(path: Self.folder + "/none-v1.parquet").leaves.first { $0.kind == .decimalInt64 })
        for values: ContiguousArray<Int64> in [[0], [-1], [1, -2], [Int64.min], [Int64.max, 3], [Int64.min + 1, -7]] {
            let v = try XCTUnwrap(ParquetVectors.denseRange(.int64(values), 0..<values.count, leaf: leaf))
            XCTAssertEqual(v.int128MagnitudeBits, scannedBits(v), "\(values)")
            for x in values { XCTAssertLessThanOrEqual(Int128(x).magnitude, UInt128(1) << v.int128MagnitudeBits!) }
        }
    }

    /// Column chunks are read with pread into private buffers (no mmap): a file truncated under
    /// an open ParquetFile makes the next read an XX001 error, never a SIGBUS; a file replaced
    /// by rename keeps serving the opened one's bytes (the descriptor holds the old inode).
    func testTruncatedOrReplacedFileUnderAnOpenReader() throws {
        let dir = NSTemporaryDirectory() + "lakesql-truncate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let original = Self.folder + "/snappy-v1.parquet"
        let path = dir + "/t.parquet"
        try FileManager.default.copyItem(atPath: original, toPath: path)
        let f = try ParquetFile(path: path)
        let columns = Array(0..<f.schema.count)
        _ = try f.readColumns(rowGroup: 0, columns: columns).vectors
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        // Cut inside the first column chunk: every row group's data now lies past the end.
        XCTAssertGreaterThan(size, 200)
        XCTAssertEqual(truncate(path, 100), 0)
        for g in 0..<f.rowGroupCount {
            XCTAssertThrowsError(try f.readColumns(rowGroup: g, columns: columns).vectors, "group \(g)") { e in
                XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.dataCorrupted, "\(e)")
            }
        }
        // Replaced: a new file renamed over the path; the open reader still reads its own file whole.
        let path2 = dir + "/r.parquet"
        try FileManager.default.copyItem(atPath: original, toPath: path2)
        let g2 = try ParquetFile(path: path2)
        try FileManager.default.copyItem(atPath: Self.folder + "/zstd-v1.parquet", toPath: dir + "/new.parquet")
        XCTAssertEqual(rename(dir + "/new.parquet", path2), 0)
        var row = 0
        for batch in try g2.readAll() {
            for k in 0..<batch.count {
                for (c, column) in g2.schema.map(\.name).enumerated() {
                    XCTAssertEqual(batch.columns[c].value(at: k), expected(column, row + k))
                }
            }
            row += batch.count
        }
        XCTAssertEqual(row, Self.rows)
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
