// Row groups split into row ranges when a scan has fewer row groups than
// 4 × cores, and the last `cores` row groups otherwise
// (ParquetTableSource.splitPlan): the parts read page by page must give
// exactly the rows, in the same order, of the unsplit scan, with and
// without pushed-down predicates, and a row group the page index rules out
// is reported skipped once, not once per part. Small fixtures are split by
// lowering the minimum part size for the test.

import Columnar
@testable import Formats
@testable import Lake
import Planner
import XCTest

final class RowGroupSplitTests: XCTestCase {
    private func source() throws -> ParquetTableSource {
        // pages.parquet: 2 row groups × 10 pages of 50 rows, page index written.
        try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/skipping/pages.parquet", hivePartitioning: true))
    }

    private func scanned(_ t: ParquetTableSource, split: Bool, predicates: [ScanPredicate] = [])
        throws -> (rows: [String], morsels: Int, stats: ScanStatistics) {
        let saved = ParquetTableSource.minimumPartRows
        ParquetTableSource.minimumPartRows = split ? 60 : Int64.max
        defer { ParquetTableSource.minimumPartRows = saved }
        let stats = ScanStatistics()
        let columns = Array(0..<t.fields.count)
        let morsels = try t.morsels(columns: columns, predicates: predicates, statistics: stats)
        var rows: [String] = []
        for m in morsels {
            try m.forEachBatch(statistics: stats) { b in
                XCTAssertEqual(b.columns.count, columns.count)
                for i in 0..<b.count { rows.append("\(b.row(i))") }
            }
        }
        return (rows, morsels.count, stats)
    }

    func testSplitPartsReadTheSameRowsInOrder() throws {
        let t = try source()
        let whole = try scanned(t, split: false)
        XCTAssertEqual(whole.morsels, 2)
        XCTAssertEqual(whole.rows.count, 1000)
        let parts = try scanned(t, split: true)
        if ParquetTableSource.cores > 1 {
            // 4 × cores wanted over 2 row groups, at most 500 / 60 parts each.
            XCTAssertEqual(parts.morsels, 2 * min((4 * ParquetTableSource.cores + 1) / 2, 8))
        }
        XCTAssertEqual(parts.rows, whole.rows)
        XCTAssertEqual(parts.stats.rowGroupsScanned, 2)
    }

    /// Files without a page index split too: the parts locate their pages from the page headers
    /// (v1 and v2 data pages), and read the same rows as the unsplit scan of the indexed file.
    func testFilesWithoutAPageIndexSplitAlike() throws {
        let whole = try scanned(try source(), split: false)
        for name in ["pages_noindex.parquet", "pages_noindex_v2.parquet"] {
            let t = try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/skipping/" + name, hivePartitioning: true))
            let parts = try scanned(t, split: true)
            if ParquetTableSource.cores > 1 {
                XCTAssertEqual(parts.morsels, 2 * min((4 * ParquetTableSource.cores + 1) / 2, 8), name)
            }
            XCTAssertEqual(parts.rows, whole.rows, name)
            // Pushed-down predicates only skip: without a page index nothing inside a row group goes.
            let p: [ScanPredicate] = [.compare(column: 0, op: .ge, value: .int(500))]
            let filteredWhole = try scanned(t, split: false, predicates: p), filteredParts = try scanned(t, split: true, predicates: p)
            XCTAssertEqual(filteredParts.rows, filteredWhole.rows, name)
            XCTAssertEqual(filteredParts.rows, Array(whole.rows[500...]), name)
        }
    }

    func testSplitPartsWithPushdown() throws {
        let t = try source()
        let cases: [[ScanPredicate]] = [
            [.compare(column: 0, op: .eq, value: .int(123))],              // one page of row group 0; row group 1 skipped
            [.compare(column: 0, op: .ge, value: .int(430)), .compare(column: 0, op: .lt, value: .int(620))],
            [.isNull(column: 5, negated: false)],
        ]
        for p in cases {
            let whole = try scanned(t, split: false, predicates: p)
            let parts = try scanned(t, split: true, predicates: p)
            XCTAssertEqual(parts.rows, whole.rows, "\(p)")
            XCTAssertEqual(parts.stats.rowGroupsSkipped, whole.stats.rowGroupsSkipped, "\(p): a skipped row group counts once")
            XCTAssertEqual(parts.stats.rowGroupsScanned, whole.stats.rowGroupsScanned, "\(p)")
        }
    }

    /// Below 4 × cores row groups every one is split (about 4 × cores morsels); from there on only
    /// the last `cores` are, in `tailParts`; one core splits nothing; no part under the minimum.
    func testSplitPlanSplitsFewRowGroupsOrTheLastOnes() {
        let million: Int64 = 1_000_000
        let tail = ParquetTableSource.tailParts
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: Array(repeating: million, count: 3), cores: 2), [3, 3, 3])
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: Array(repeating: million, count: 7), cores: 2), Array(repeating: 2, count: 7))
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: Array(repeating: million, count: 10), cores: 2),
                       Array(repeating: 1, count: 8) + [tail, tail])
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: Array(repeating: million, count: 20), cores: 4),
                       Array(repeating: 1, count: 16) + Array(repeating: tail, count: 4))
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: Array(repeating: million, count: 10), cores: 1), Array(repeating: 1, count: 10))
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: [], cores: 2), [])
        // Parts of at least minimumPartRows: a small last row group splits less or not at all.
        let minimum = ParquetTableSource.minimumPartRows
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: Array(repeating: million, count: 8) + [2 * minimum, minimum - 1], cores: 2),
                       Array(repeating: 1, count: 8) + [2, 1])
        XCTAssertEqual(ParquetTableSource.splitPlan(rows: [minimum * 100, 3 * minimum], cores: 2), [4, 3])
    }

    /// The collecting read() path over two columns (one with NULLs) agrees with and without splitting.
    func testReadOfSomeColumnsOverSplitRowGroups() throws {
        let saved = ParquetTableSource.minimumPartRows
        defer { ParquetTableSource.minimumPartRows = saved }
        var answers: [[[Value]]] = []
        for minimum in [Int64.max, 60] {
            ParquetTableSource.minimumPartRows = minimum
            let t = try source()
            var rows: [[Value]] = []
            for m in try t.morsels(columns: [0, 5], predicates: [], statistics: ScanStatistics()) {
                for b in try m.read(statistics: ScanStatistics()) { for i in 0..<b.count { rows.append(b.row(i)) } }
            }
            answers.append(rows)
        }
        XCTAssertEqual(answers[0].count, 1000)
        XCTAssertEqual(answers[0], answers[1])
    }
}

/// Where a split row group is cut (RowGroupSplit): at page starts that cut the fewest compressed
/// bytes in two, within a quarter of a part of the even split; and the parts of a row group read
/// one after another decode its dictionary once (the morsels pin it).
final class RowGroupCutTests: XCTestCase {
    /// Pages of `size` rows each (the last one shorter) over `rows` rows, `bytes` compressed bytes per page.
    private func pages(rows: Int64, size: Int64, bytes: Int64) -> [ParquetPageLocation] {
        stride(from: Int64(0), to: rows, by: Int(size)).map {
            ParquetPageLocation(rows: $0..<min($0 + size, rows), offset: 4 + $0, compressedSize: bytes)
        }
    }

    func testCutsFallOnTheHeaviestColumnsPageStarts() {
        // 200,000 rows in 3 parts (even cuts 66,666 and 133,333); a wide column pages every
        // 20,000 rows, a narrow one every 7,000: the cuts move to the wide column's page starts.
        let wide = pages(rows: 200_000, size: 20_000, bytes: 100_000)
        let narrow = pages(rows: 200_000, size: 7_000, bytes: 5_000)
        let cuts = RowGroupSplit.boundaries(rows: 200_000, parts: 3, pages: [wide, narrow])
        XCTAssertEqual(cuts, [60_000, 140_000])
        for c in cuts { XCTAssertEqual(RowGroupSplit.cutBytes(at: c, pages: [wide]), 0) }
        // Where both columns start a page, nothing is cut in two (every 21,000 rows: lcm of 7 and 3 thousand).
        let a = pages(rows: 200_000, size: 3_000, bytes: 10), b = pages(rows: 200_000, size: 7_000, bytes: 10)
        let shared = RowGroupSplit.boundaries(rows: 200_000, parts: 2, pages: [a, b])
        XCTAssertEqual(shared, [105_000])
        XCTAssertEqual(RowGroupSplit.cutBytes(at: 105_000, pages: [a, b]), 0)
    }

    func testCutsStayNearTheEvenSplit() {
        // One page start far from the even cut (outside the quarter-part window) is not taken.
        let lopsided = [ParquetPageLocation(rows: 0..<10, offset: 4, compressedSize: 1_000),
                        ParquetPageLocation(rows: 10..<1_000, offset: 1_004, compressedSize: 1_000)]
        XCTAssertEqual(RowGroupSplit.boundaries(rows: 1_000, parts: 2, pages: [lopsided]), [500])
        // Cuts increase strictly and stay inside the row group for any page layout.
        for parts in 2...9 {
            for size: Int64 in [1, 3, 50, 333, 1_000, 5_000] {
                let p = pages(rows: 1_000, size: size, bytes: size)
                let cuts = RowGroupSplit.boundaries(rows: 1_000, parts: parts, pages: [p])
                XCTAssertEqual(cuts.count, parts - 1, "parts \(parts), pages of \(size)")
                XCTAssertEqual(cuts, cuts.sorted())
                XCTAssertEqual(Set(cuts).count, cuts.count)
                XCTAssertTrue(cuts.allSatisfy { $0 > 0 && $0 < 1_000 })
                for (k, c) in cuts.enumerated() {
                    XCTAssertLessThanOrEqual(abs(c - Int64(1_000 * (k + 1) / parts)), Int64(1_000 / parts / 4))
                }
            }
        }
        XCTAssertEqual(RowGroupSplit.boundaries(rows: 1, parts: 2, pages: []), [])
        XCTAssertEqual(RowGroupSplit.boundaries(rows: 100, parts: 1, pages: []), [])
    }

    func testCutBytesCountsOnlyPagesCutInTwo() {
        let p = pages(rows: 100, size: 10, bytes: 7), q = pages(rows: 100, size: 25, bytes: 100)
        XCTAssertEqual(RowGroupSplit.cutBytes(at: 50, pages: [p, q]), 0)
        XCTAssertEqual(RowGroupSplit.cutBytes(at: 30, pages: [p, q]), 100)
        XCTAssertEqual(RowGroupSplit.cutBytes(at: 31, pages: [p, q]), 107)
        XCTAssertEqual(RowGroupSplit.cutBytes(at: 0, pages: [p, q]), 0)
        XCTAssertEqual(RowGroupSplit.cutBytes(at: 100, pages: [p, q]), 0)
    }

    /// The parts of a split row group, read one after another (not side by side), fetch its
    /// dictionary page once between them; when the morsels are dropped nothing is held.
    func testPartsReadInTurnFetchTheDictionaryOnce() throws {
        let saved = ParquetTableSource.minimumPartRows
        ParquetTableSource.minimumPartRows = 60
        defer { ParquetTableSource.minimumPartRows = saved }
        guard ParquetTableSource.cores > 1 else { throw XCTSkip("row groups are split only with more than one core") }
        // pages.parquet's `grp` (column 7) is dictionary-encoded, 10 pages of 50 rows per row group.
        let t = try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/skipping/pages.parquet", hivePartitioning: true))
        let file = t.opened[0]
        let leaf = try XCTUnwrap(file.roots[7].leafIndex)
        let meta = try XCTUnwrap(file.metadata.rowGroups[0].columns[leaf].metaData)
        let located = try XCTUnwrap(file.readablePageLocations(rowGroup: 0, leaf: leaf))
        let dictionaryBytes = located[0].offset - (meta.dictionaryPageOffset ?? located[0].offset)
        XCTAssertGreaterThan(dictionaryBytes, 0)
        var partBytes: [Int64] = []
        var expected: Int64 = dictionaryBytes
        var values: [Value] = []
        do {
            let morsels = try t.morsels(columns: [7], predicates: [], statistics: ScanStatistics())
                .compactMap { $0 as? ParquetRowGroupMorsel }.filter { $0.rowGroup == 0 }
            XCTAssertGreaterThan(morsels.count, 1)
            for m in morsels {
                let stats = ScanStatistics()
                try m.forEachBatch(statistics: stats) { b in for i in 0..<b.count { values.append(b.columns[0].value(at: i)) } }
                partBytes.append(stats.bytesRead)
                let rows = try XCTUnwrap(m.part?.rows)
                expected += located.filter { $0.rows.overlaps(rows) }.reduce(0) { $0 + $1.compressedSize }
                // The earlier parts' batches are gone; the pin alone keeps the dictionary.
            }
            XCTAssertGreaterThan(file.dictionaries.liveSlots, 0)
        }
        XCTAssertEqual(partBytes.reduce(0, +), expected, "parts \(partBytes): the dictionary page is fetched by the first part only")
        XCTAssertEqual(file.dictionaries.liveSlots, 0, "dropping the morsels releases the dictionary")
        let whole = try file.readColumns(rowGroup: 0, columns: [7])
        XCTAssertEqual(values, (0..<whole.rows).map { (try? whole.slice(0, $0..<$0 + 1))?.value(at: 0) ?? .null })
    }
}

/// The integer fast path of an IN list against min/max bounds gives the general path's answer.
final class IntegerListPruningTests: XCTestCase {
    func testIntegerListsAgreeWithTheGeneralComparison() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let lo = Int64.random(in: -50...50, using: &generator), hi = lo + Int64.random(in: 0...20, using: &generator)
            var values: [Value] = (0..<Int.random(in: 1...30, using: &generator)).map { _ in .int(Int64.random(in: -80...80, using: &generator)) }
            if Bool.random(using: &generator) { values.append(.null) }
            let stats = ChunkStatistics(min: .int(lo), max: .int(hi), nullCount: 0, rowCount: 10)
            let fast = ScanPruning.integersOutside(values, stats: stats, type: .int64)
            let general = values.allSatisfy { v in
                if case .int(let x) = v { return x < lo || x > hi }
                return true
            }
            XCTAssertEqual(fast, general, "\(values) against [\(lo), \(hi)]")
            XCTAssertEqual(ScanPruning.cannotMatch(.inList(column: 0, values: values), stats: stats, type: .int64), general)
        }
        // Not all integers, or bounds of another kind: the general path decides.
        let stats = ChunkStatistics(min: .int(0), max: .int(9), nullCount: 0, rowCount: 10)
        XCTAssertNil(ScanPruning.integersOutside([.double(4.5), .int(3)], stats: stats, type: .int64))
        XCTAssertNil(ScanPruning.integersOutside([.int(3)], stats: ChunkStatistics(min: .double(0), max: .int(9), nullCount: 0, rowCount: 10), type: .float64))
        XCTAssertNil(ScanPruning.integersOutside([.int(3)], stats: stats, type: .text))
        XCTAssertEqual(ScanPruning.integersOutside([.int(10), .int(-1)], stats: stats, type: .int64), true)
        XCTAssertEqual(ScanPruning.integersOutside([.int(10), .int(9)], stats: stats, type: .int64), false)
    }
}
