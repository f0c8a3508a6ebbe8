// Definition levels kept implicit: a flat optional leaf whose pages hold no
// NULL decodes without a level array, and the first page with a NULL writes
// out the levels of the entries before it (as bits, for a maximum level of
// 1: DefinitionBits, checked here against plain arrays). Fixtures:
// Fixtures/lake-tests/levels (generate.py), v1 and v2 data pages, small
// pages, two row groups; every value is a formula of its row number,
// recomputed here.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetDefinitionLevelsTests: XCTestCase {
    static let folder = LakeTestFixtures.path("levels")
    static let files = ["v1.parquet", "v2.parquet"]
    static let rows = 2000

    /// The value generate.py wrote in column `name` at row `i` (a struct as its JSON text).
    private func expected(_ name: String, _ i: Int) -> Value {
        switch name {
        case "never": return .int(Int64(i * 3))
        case "late": return i >= 1300 && i % 7 == 3 ? .null : .int(Int64(i * 5))
        case "early": return i < 150 && i % 4 == 1 ? .null : .int(Int64(i - 9))
        case "gaps": return [120, 121, 125, 610, 611].contains(i % 1000) ? .null : .int(Int64(i * 2))
        case "word": return .string("w\(i % 13)")
        case "st": return .string("{\"a\":\(i * 2)}")
        case "stn": return i >= 1500 && i % 9 == 4 ? .null : .string("{\"a\":\(i + 1)}")
        default: return .null
        }
    }

    private func check(_ v: Value, _ name: String, _ row: Int, _ file: String, line: UInt = #line) {
        let want = expected(name, row)
        XCTAssertEqual(v, want, "\(file) \(name) row \(row)", line: line)
    }

    /// One column chunk decoded by the chunk reader itself.
    private func decoded(_ f: ParquetFile, rowGroup g: Int, leaf path: String) throws -> (DecodedColumn, ParquetLeaf) {
        let rg = f.metadata.rowGroups[g]
        guard let l = f.leaves.firstIndex(where: { $0.dottedPath == path }), let meta = rg.columns[l].metaData,
              let chunk = try f.fetchChunks(rg, leaves: [l])[l] else {
            throw SQLError(SQLState.internalError, "fixture \(f.name) has no chunk for \(path) in row group \(g)")
        }
        let d = try f.chunkReader(meta, leaf: f.leaves[l]).read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
        return (d, f.leaves[l])
    }

    func testEveryColumnDecodesItsFormulas() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            let names = f.schema.map(\.name)
            XCTAssertEqual(names, ["never", "late", "early", "gaps", "word", "st", "stn"])
            var row = 0
            for batch in try f.readAll() {
                for k in 0..<batch.count {
                    for (c, column) in names.enumerated() { check(batch.columns[c].value(at: k), column, row + k, name) }
                }
                row += batch.count
            }
            XCTAssertEqual(row, Self.rows, name)
        }
    }

    /// Which chunks keep their levels implicit, and the written-out levels of a chunk whose NULLs
    /// start on a later page: the maximum for every entry before, then the pages' own.
    func testLevelsStayImplicitUntilAPageHoldsANull() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            XCTAssertEqual(f.rowGroupCount, 2)
            for g in 0..<2 {
                let (never, _) = try decoded(f, rowGroup: g, leaf: "never")
                XCTAssertNil(never.defLevels, "\(name) group \(g): never NULL")
                XCTAssertEqual(never.definedEntries, 1000)
                let (word, _) = try decoded(f, rowGroup: g, leaf: "word")
                XCTAssertNil(word.defLevels, "\(name) group \(g): dictionary-coded, never NULL")
                XCTAssertNotNil(word.indices)
                let (st, leaf) = try decoded(f, rowGroup: g, leaf: "st.a")
                XCTAssertEqual(leaf.maxDef, 2)
                XCTAssertNil(st.defLevels, "\(name) group \(g): a struct's leaf, never NULL")
            }
            let (lateFirst, _) = try decoded(f, rowGroup: 0, leaf: "late")
            XCTAssertNil(lateFirst.defLevels, "\(name): row group 0 holds no NULL of late")
            let (late, leaf) = try decoded(f, rowGroup: 1, leaf: "late")
            // A flat leaf with maximum level 1 keeps its levels as bits (one per entry).
            XCTAssertNil(late.defLevels, "\(name): late's levels are bits")
            XCTAssertEqual(late.definedBits?.count, (1000 + 63) / 64, "\(name): one bit per entry")
            guard let levels = late.definitionLevels() else { return XCTFail("\(name): row group 1 of late holds NULLs") }
            XCTAssertEqual(levels.count, 1000)
            XCTAssertGreaterThan(late.dataPages, 2, "\(name): the NULLs start on a later page")
            for k in 0..<1000 {
                let row = 1000 + k
                XCTAssertEqual(levels[k], expected("late", row) == .null ? 0 : Int32(leaf.maxDef), "\(name) late row \(row)")
            }
            XCTAssertEqual(late.definedEntries, levels.filter { $0 == 1 }.count)
            let (early, _) = try decoded(f, rowGroup: 0, leaf: "early")
            XCTAssertEqual(early.definitionLevels()?.count, 1000, "\(name): NULLs on the first page, levels kept from the start")
            XCTAssertNotNil(early.definedBits, "\(name): as bits")
            // Pages without NULL before, between and after the pages with one.
            for g in 0..<2 {
                let (gaps, _) = try decoded(f, rowGroup: g, leaf: "gaps")
                XCTAssertGreaterThan(gaps.dataPages, 4, "\(name): small pages")
                guard let levels = gaps.definitionLevels() else { XCTFail("\(name): gaps holds NULLs"); continue }
                XCTAssertEqual(levels.count, 1000)
                for k in 0..<1000 { XCTAssertEqual(levels[k], expected("gaps", g * 1000 + k) == .null ? 0 : 1, "\(name) gaps row \(g * 1000 + k)") }
                XCTAssertEqual(gaps.definedEntries, 995)
            }
        }
    }

    /// Sparse late-materialised reads (positions of the selected rows among the stored values)
    /// and single ranges give the selected rows' values with and without written-out levels.
    func testSelectionsGiveTheSelectedRowsValues() throws {
        for name in Self.files {
            let f = try ParquetFile(path: Self.folder + "/" + name)
            let columns = Array(0..<f.schema.count)
            for g in 0..<f.rowGroupCount {
                let first = g * 1000
                for step in [1, 7, 97, 331] {
                    let rows = stride(from: step / 2, to: 1000, by: step).map { Int64($0) } + (step > 1 ? [999] : [])
                    let read = try f.readColumns(rowGroup: g, columns: columns, selection: RowSelection(rows.map { $0..<$0 + 1 }))
                    XCTAssertEqual(read.rows, rows.count)
                    for c in columns {
                        let v = try read.slice(c, 0..<read.rows)
                        for (k, row) in rows.enumerated() { check(v.value(at: k), f.schema[c].name, first + Int(row), "\(name) every \(step)") }
                    }
                }
                let range = try f.readColumns(rowGroup: g, columns: columns, selection: RowSelection([Int64(250)..<Int64(777)]))
                for c in columns {
                    let v = try range.slice(c, 0..<range.rows)
                    for k in 0..<range.rows { check(v.value(at: k), f.schema[c].name, first + 250 + k, "\(name) range") }
                }
            }
        }
    }

    func testOpensWithRunReadsOnlyAWholeRunOfTheValue() {
        // header = run length << 1 (RLE), then the value in (width + 7) / 8 bytes
        func bytes(_ b: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool { b.withUnsafeBufferPointer(body) }
        XCTAssertTrue(bytes([UInt8(10 << 1), 1]) { RLEHybrid.opensWithRun($0, start: 0, end: 2, bitWidth: 1, of: 1, covering: 10) })
        XCTAssertTrue(bytes([UInt8(12 << 1), 1]) { RLEHybrid.opensWithRun($0, start: 0, end: 2, bitWidth: 1, of: 1, covering: 10) })
        XCTAssertFalse(bytes([UInt8(9 << 1), 1]) { RLEHybrid.opensWithRun($0, start: 0, end: 2, bitWidth: 1, of: 1, covering: 10) },
                       "a run shorter than the page")
        XCTAssertFalse(bytes([UInt8(10 << 1), 0]) { RLEHybrid.opensWithRun($0, start: 0, end: 2, bitWidth: 1, of: 1, covering: 10) },
                       "a run of NULLs")
        XCTAssertFalse(bytes([UInt8(1 << 1) | 1, 0xFF]) { RLEHybrid.opensWithRun($0, start: 0, end: 2, bitWidth: 1, of: 1, covering: 8) },
                       "a bit-packed run")
        XCTAssertFalse(bytes([UInt8(10 << 1)]) { RLEHybrid.opensWithRun($0, start: 0, end: 1, bitWidth: 1, of: 1, covering: 10) },
                       "the value is cut off")
        XCTAssertFalse(bytes([0x80, 0x80]) { RLEHybrid.opensWithRun($0, start: 0, end: 2, bitWidth: 1, of: 1, covering: 1) },
                       "the header is cut off")
        // 300 << 1 = 600 as a varint (0xD8 0x04); width 9 stores the value in two bytes
        XCTAssertTrue(bytes([0xD8, 0x04, 0x02, 0x01]) { RLEHybrid.opensWithRun($0, start: 0, end: 4, bitWidth: 9, of: 258, covering: 300) })
    }
    /// Bits appended page by page (runs of set entries and 0/1 levels at every offset within a
    /// word) read back as the levels they came from, and counts over any range equal the
    /// levels' sums.
    func testDefinitionBitsAgreeWithTheLevels() {
        var state: UInt64 = 3
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<200 {
            var bits = ContiguousArray<UInt64>(), levels: [Int32] = []
            for _ in 0..<(1 + next(6)) {
                let n = next(150)
                if next(3) == 0 {
                    DefinitionBits.appendOnes(n, to: &bits, at: levels.count)
                    levels += Array(repeating: 1, count: n)
                } else {
                    let page = (0..<n).map { _ in Int32(next(4) == 0 ? 0 : 1) }
                    page.withUnsafeBufferPointer { DefinitionBits.append($0, to: &bits, at: levels.count) }
                    levels += page
                }
            }
            XCTAssertGreaterThanOrEqual(bits.count * 64, levels.count)
            XCTAssertEqual((0..<levels.count).map { DefinitionBits.isSet(bits, $0) ? Int32(1) : 0 }, levels)
            bits.withUnsafeBufferPointer { w in
                for _ in 0..<20 {
                    let a = next(levels.count + 1), b = a + next(levels.count - a + 1)
                    XCTAssertEqual(DefinitionBits.count(w, from: a, to: b), Int(levels[a..<b].reduce(0, +)), "\(a)..<\(b)")
                }
                XCTAssertEqual(DefinitionBits.count(w, from: 0, to: levels.count), Int(levels.reduce(0, +)))
            }
        }
    }
    /// Levels decoded straight to bits (RLEHybrid.decodeBits) equal the integer decoding's, over
    /// random streams of RLE runs and bit-packed runs (partial last groups, starting at every bit
    /// offset of a word), and a stream cut short, or with a run value above 1, is refused by both.
    func testLevelBitsDecodeAsTheIntegerLevels() throws {
        var state: UInt64 = 9
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        func varint(_ v: Int) -> [UInt8] {
            var v = UInt64(v), out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        for round in 0..<500 {
            var stream: [UInt8] = [], count = 0
            for _ in 0..<(1 + next(5)) {
                if next(2) == 0 {
                    let run = 1 + next(200)
                    stream += varint(run << 1) + [UInt8(next(2))]
                    count += run
                } else {
                    let groups = 1 + next(20)
                    stream += varint(groups << 1 | 1) + (0..<groups).map { _ in UInt8(next(256)) }
                    count += groups * 8
                }
            }
            let wanted = max(1, count - next(8))              // the last group may be partial
            let offset = next(130)                            // bits already in the array before
            var levels = ContiguousArray<Int32>(), ones = 0
            var bits = ContiguousArray<UInt64>(repeating: 0, count: (offset + 63) / 64)
            try stream.withUnsafeBufferPointer { p in
                XCTAssertNoThrow(try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: 1, count: wanted, into: &levels, ones: &ones))
                XCTAssertEqual(try? RLEHybrid.decodeBits(p, start: 0, end: p.count, count: wanted, into: &bits, at: offset), ones, "round \(round)")
            }
            XCTAssertEqual((0..<wanted).map { DefinitionBits.isSet(bits, offset + $0) ? Int32(1) : 0 }, Array(levels), "round \(round)")
            XCTAssertEqual((0..<offset).filter { DefinitionBits.isSet(bits, $0) }, [], "bits before the offset untouched")
            // Too few levels in the stream, and a run of 2.
            var more = ContiguousArray<UInt64>()
            try stream.withUnsafeBufferPointer { p in
                XCTAssertThrowsError(try RLEHybrid.decodeBits(p, start: 0, end: p.count, count: count + 1 + next(50), into: &more, at: 0))
            }
            try [UInt8](varint(6) + [2]).withUnsafeBufferPointer { p in
                XCTAssertThrowsError(try RLEHybrid.decodeBits(p, start: 0, end: p.count, count: 3, into: &more, at: 0))
            }
            // No level bytes at all for levels the page promises (not read as NULLs).
            try [UInt8]().withUnsafeBufferPointer { p in
                XCTAssertThrowsError(try RLEHybrid.decodeBits(p, start: 0, end: 0, count: 1 + next(9), into: &more, at: 0))
            }
        }
    }
}
