// Column chunks whose dictionary overflows, so their first pages are dictionary-encoded and
// the rest PLAIN: a late read's sparse path keeps the early pages' codes and converts only the
// rows it keeps (DecodedColumn.fallbackCodes), and the dictionary page is decoded only when a
// dictionary-encoded page is read. Fixture: Fixtures/lake-tests/dictionary/fallback_indexed.parquet
// (generate.py): 4,000 rows in pages of 100 with a page index; `n` (int64) falls back after
// 300 rows, `s` (strings) after 200, both with NULLs; every value a formula of its row.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetDictionaryFallbackTests: XCTestCase {
    static let path = LakeTestFixtures.path("dictionary/fallback_indexed.parquet")

    /// The value generate.py wrote in column `c` (0: n, 1: s) at row `i`.
    private func expected(_ c: Int, _ i: Int) -> Value {
        if c == 0 { return i % 11 == 3 ? .null : .int(Int64((i * 7919) % 100003)) }
        return i % 13 == 5 ? .null : .string(String(format: "value-%06d", i * 7))
    }

    /// Scattered single rows over the whole chunk (before and after the fall-back, NULLs
    /// included) read through the page index give each row's value.
    func testSparseReadsAcrossTheFallBack() throws {
        let f = try ParquetFile(path: Self.path)
        XCTAssertNotNil(try f.pageLocations(rowGroup: 0, leaf: 0), "the fixture has a page index")
        for (step, offset) in [(9, 0), (23, 4), (97, 50)] {
            let rows = stride(from: offset, to: 4000, by: step).map { Int64($0) }
            let read = try f.readColumns(rowGroup: 0, columns: [0, 1], selection: RowSelection(rows.map { $0..<$0 + 1 }))
            XCTAssertEqual(read.rows, rows.count)
            for c in 0..<2 {
                let v = try read.slice(c, 0..<read.rows)
                var nulls = 0, early = 0
                for (k, row) in rows.enumerated() {
                    XCTAssertEqual(v.value(at: k), expected(c, Int(row)), "column \(c) row \(row), every \(step)")
                    if v.isNull(k) { nulls += 1 }
                    if row < 200 { early += 1 }
                }
                if step < 50 { XCTAssertGreaterThan(nulls, 0, "the selection holds NULLs") }
                XCTAssertGreaterThan(early, 0, "the selection holds rows of dictionary-encoded pages")
            }
        }
    }

    /// A reader told to defer the conversion keeps the codes of the pages before the
    /// fall-back and the PLAIN values after it; converting selected rows from that form gives
    /// the same values, and a whole-chunk conversion refuses it rather than misplace values.
    /// Without the flag the codes are converted as the first PLAIN page arrives.
    func testDeferredCodesAndThePlainValuesAfterThem() throws {
        let f = try ParquetFile(path: Self.path)
        let rg = f.metadata.rowGroups[0]
        let chunks = try f.fetchChunks(rg, leaves: [0, 1])
        for c in 0..<2 {
            guard let meta = rg.columns[c].metaData, let chunk = chunks[c] else { return XCTFail("no chunk \(c)") }
            let fallsBackAt = c == 0 ? 300 : 200
            let definedBefore = (0..<fallsBackAt).filter { expected(c, $0) != .null }.count
            let definedAll = (0..<4000).filter { expected(c, $0) != .null }.count

            var reader = try f.chunkReader(meta, leaf: f.leaves[c])
            reader.defersFallbackConversion = true
            let deferred = try reader.read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
            XCTAssertNil(deferred.indices)
            XCTAssertEqual(deferred.fallbackCodes?.count, definedBefore, "column \(c)")
            XCTAssertEqual(deferred.values.count, definedAll - definedBefore, "column \(c)")
            let rows = ContiguousArray(stride(from: 1, to: 4000, by: 7).map { Int32($0) })
            let picked = try ParquetVectors.flatColumn(deferred, leaf: f.leaves[c], file: "fixture", rows: rows)
            XCTAssertEqual(picked.count, rows.count)
            for (k, row) in rows.enumerated() {
                XCTAssertEqual(picked.value(at: k), expected(c, Int(row)), "column \(c) row \(row)")
            }
            XCTAssertThrowsError(try ParquetVectors.flatColumn(deferred, leaf: f.leaves[c], file: "fixture")) { e in
                XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.internalError, "\(e)")
            }

            let converted = try f.chunkReader(meta, leaf: f.leaves[c]).read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
            XCTAssertNil(converted.fallbackCodes)
            XCTAssertEqual(converted.values.count, definedAll)
            let whole = try ParquetVectors.flatColumn(converted, leaf: f.leaves[c], file: "fixture")
            XCTAssertEqual((0..<4000).map { whole.value(at: $0) }, (0..<4000).map { expected(c, $0) }, "column \(c)")
        }
    }

    /// Pages after the fall-back are read without decoding the dictionary page: no read holds
    /// a decoded dictionary. A read that takes a dictionary-encoded page decodes it.
    func testPlainPagesAloneLeaveTheDictionaryUndecoded() throws {
        let f = try ParquetFile(path: Self.path)
        for selection in [RowSelection([3000..<3100]), RowSelection([2210..<2211, 3333..<3334, 3999..<4000])] {
            let read = try f.readColumns(rowGroup: 0, columns: [0, 1], selection: selection)
            XCTAssertGreaterThan(read.bytesRead, 0)
            XCTAssertEqual(f.dictionaries.liveSlots, 0, "\(selection): no dictionary decoded")
            let rows = selection.ranges.flatMap { $0 }
            for c in 0..<2 {
                let v = try read.slice(c, 0..<read.rows)
                XCTAssertEqual((0..<rows.count).map { v.value(at: $0) }, rows.map { expected(c, Int($0)) }, "column \(c)")
            }
        }
        let early = try f.readColumns(rowGroup: 0, columns: [0, 1], selection: RowSelection([150..<160, 3000..<3001]))
        XCTAssertEqual(f.dictionaries.liveSlots, 2, "both chunks' dictionaries decoded and held by the read")
        let v = try early.slice(1, 0..<early.rows)
        XCTAssertEqual((0..<11).map { v.value(at: $0) }, (Array(150..<160) + [3000]).map { expected(1, $0) })
    }
}
