// Row groups split into row ranges when a scan has fewer row groups than
// 4 × cores (ParquetTableSource.morsels): the parts read page by page must
// give exactly the rows, in the same order, of the unsplit scan, with and
// without pushed-down predicates, and a row group the page index rules out
// is reported skipped once, not once per part. Small fixtures are split by
// lowering the minimum part size for the test.

import Columnar
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
