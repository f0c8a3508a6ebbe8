// Page reads that need only the rows near a page's start (a late read's selected rows): a
// PLAIN fixed-width page without NULLs is decompressed and decoded only as far as its last
// selected row (ColumnChunkReader.pageRowsNeeded), its later values left zero; a page with
// NULLs is decoded whole. Fixture: Fixtures/lake-tests/pages/leading.parquet (generate.py):
// 4,000 rows in PLAIN snappy pages of 500 with a page index; t optional without NULLs, r
// required, d optional with NULLs, e optional with NULLs in rows 2600–2604 only; every value
// a formula of its row. A page without NULLs after other values of its chunk is decompressed
// straight into the column's array, its level bytes written over the values before it and
// those put back.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetLeadingRowsTests: XCTestCase {
    static let path = LakeTestFixtures.path("pages/leading.parquet")

    private func expected(_ c: Int, _ i: Int) -> Value {
        switch c {
        case 0: return .int(Int64(i) * 1_000_003)
        case 1: return .int(Int64(i) * 7 - 3)
        case 3: return 2600 <= i && i < 2605 ? .null : .int(Int64(i) * 3 + 1)
        default: return i % 17 == 4 ? .null : .double(Double(i) * 0.5)
        }
    }

    /// Told how many rows of each page it needs, the reader decodes those rows' values of the
    /// pages without NULLs and leaves zeros after them (what shows that it stopped); the page
    /// with NULLs comes whole. Every page still counts all its rows.
    func testPagesWithoutNullsStopAfterTheRowsNeeded() throws {
        let f = try ParquetFile(path: Self.path)
        let rg = f.metadata.rowGroups[0]
        let chunks = try f.fetchChunks(rg, leaves: [0, 1, 2])
        let needs = [1, 37, 500, 250, 499, 2, 120, 64]
        for c in 0..<3 {
            guard let meta = rg.columns[c].metaData, let chunk = chunks[c] else { return XCTFail("no chunk \(c)") }
            var reader = try f.chunkReader(meta, leaf: f.leaves[c])
            reader.pageRowsNeeded = needs
            let d = try reader.read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
            XCTAssertEqual(d.entries, 4000)
            XCTAssertEqual(d.dataPages, 8)
            let v = try ParquetVectors.flatColumn(d, leaf: f.leaves[c], file: "fixture")
            var zeros = 0
            for (page, need) in needs.enumerated() {
                for k in 0..<500 {
                    let row = page * 500 + k
                    if k < need || c == 2 {
                        XCTAssertEqual(v.value(at: row), expected(c, row), "column \(c) row \(row)")
                    } else if v.value(at: row) == .int(0) {
                        zeros += 1
                    }
                }
            }
            let left = needs.reduce(0) { $0 + 500 - $1 }
            XCTAssertEqual(zeros, c == 2 ? 0 : left, "column \(c): the rows after those needed were not decoded")
        }
    }

    /// Whole pages and pages read in part: an optional column's pages without NULLs after its
    /// first go straight into the array (t: pages 2–8; e: pages 2–5, until the page with NULLs,
    /// after which its pages go through the page buffer), every value as written, the values
    /// before each such page (put back after its levels were written over them) included; a
    /// required column (its own direct path) and pages with NULLs are not decoded in place.
    func testPagesWithoutNullsDecompressStraightIntoTheColumn() throws {
        let f = try ParquetFile(path: Self.path)
        let rg = f.metadata.rowGroups[0]
        let chunks = try f.fetchChunks(rg, leaves: [0, 1, 2, 3])
        for needs in [nil, [500, 37, 500, 499, 1, 500, 250, 500]] {
            for (c, inPlace) in [(0, 7), (1, 0), (2, 0), (3, 4)] {
                guard let meta = rg.columns[c].metaData, let chunk = chunks[c] else { return XCTFail("no chunk \(c)") }
                var reader = try f.chunkReader(meta, leaf: f.leaves[c])
                reader.pageRowsNeeded = needs
                let d = try reader.read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
                XCTAssertEqual(d.entries, 4000)
                XCTAssertEqual(d.pagesDecodedInPlace, inPlace, "column \(c) needs \(String(describing: needs))")
                let v = try ParquetVectors.flatColumn(d, leaf: f.leaves[c], file: "fixture")
                for row in 0..<4000 where row % 500 < (needs?[row / 500] ?? 500) || c == 2 {
                    XCTAssertEqual(v.value(at: row), expected(c, row), "column \(c) row \(row)")
                }
            }
        }
    }

    /// Through readColumns: scattered rows and single rows near pages' starts give their values.
    func testSelectionsNearPageStartsGiveTheirValues() throws {
        let f = try ParquetFile(path: Self.path)
        XCTAssertNotNil(try f.pageLocations(rowGroup: 0, leaf: 0))
        let every211: [Range<Int64>] = stride(from: Int64(0), to: 4000, by: 211).map { $0..<$0 + 1 }
        let selections: [[Range<Int64>]] = [[3..<4], [501..<502, 1700..<1703, 2601..<2602, 3999..<4000], every211]
        for ranges in selections {
            let read = try f.readColumns(rowGroup: 0, columns: [0, 1, 2, 3], selection: RowSelection(ranges))
            let rows = ranges.flatMap { $0 }.map { Int($0) }
            XCTAssertEqual(read.rows, rows.count)
            for c in 0..<4 {
                let v = try read.slice(c, 0..<read.rows)
                XCTAssertEqual((0..<rows.count).map { v.value(at: $0) }, rows.map { expected(c, $0) }, "column \(c) \(ranges.prefix(3))")
            }
        }
    }

    /// Pages read in part: what a selection needs of each page it overlaps.
    func testRowsNeededPerPage() {
        var pages: [ParquetPageLocation] = []
        for k in 0..<4 {
            let first = Int64(k * 100)
            pages.append(ParquetPageLocation(rows: first..<first + 100, offset: Int64(k * 1000), compressedSize: 900))
        }
        XCTAssertEqual(ParquetFile.rowsNeeded(RowSelection([5..<6]), pages: [pages[0]]), [6])
        XCTAssertEqual(ParquetFile.rowsNeeded(RowSelection([5..<6, 150..<260, 399..<400]), pages: pages), [6, 100, 60, 100])
        XCTAssertEqual(ParquetFile.rowsNeeded(RowSelection([0..<1, 20..<30, 210..<211]), pages: [pages[0], pages[2]]), [30, 11])
    }
}
