// Late materialisation in the Parquet scan (ParquetLateMaterialization.swift):
// a scan given a ScanRowFilter must hand out exactly the rows of a plain
// scan that the filter keeps, in order, with the positions nobody keeps as
// NULLs — with NULLs in the filter column, pages where every row or no row
// fails, several row groups, split row groups and partition columns — and
// its page counts must show the other columns' pages without survivors
// were never read.

import Columnar
import Foundation
import Formats
@testable import Lake
import Planner
import XCTest

final class ScanLateMaterialisationTests: XCTestCase {
    // pages.parquet: 2 row groups × 10 pages of 50 rows, page index written, 8 columns:
    // id 0…999, down, u, dec, s, maybe (NULL for rows 0…199), f, grp.
    private func pages() throws -> ParquetTableSource {
        try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/skipping/pages.parquet", hivePartitioning: true))
    }

    /// A filter over whole rows: `keep` sees the batch's row (non-read positions are NULL placeholders).
    private func filter(reads: Set<Int>, keeps: Set<Int>? = nil, _ keep: @escaping ([Value]) throws -> Bool) -> ScanRowFilter {
        ScanRowFilter(reads: reads, keeps: keeps) { b in
            var out = ContiguousArray<Int32>()
            for i in 0..<b.count {
                let row = b.row(i)
                for (p, v) in row.enumerated() where !reads.contains(p) && !v.isNull {
                    XCTFail("position \(p) is not a placeholder while the filter runs")
                }
                if try keep(row) { out.append(Int32(i)) }
            }
            return out
        }
    }

    private func filteredScan(_ t: ParquetTableSource, columns: [Int], predicates: [ScanPredicate] = [], _ f: ScanRowFilter)
        throws -> (rows: [[Value]], stats: ScanStatistics) {
        let stats = ScanStatistics()
        var rows: [[Value]] = []
        for m in try t.morsels(columns: columns, predicates: predicates, filter: f, statistics: stats) {
            try m.forEachBatch(statistics: stats) { b in
                XCTAssertEqual(b.columns.count, columns.count)
                XCTAssertGreaterThan(b.count, 0)
                for i in 0..<b.count { rows.append(b.row(i)) }
            }
        }
        return (rows, stats)
    }

    /// The late scan's rows equal the plain scan's rows the predicate keeps (non-kept positions NULL).
    @discardableResult
    private func assertSameAsEager(_ t: ParquetTableSource, columns: [Int], reads: Set<Int>, keeps: Set<Int>? = nil,
                                   predicates: [ScanPredicate] = [], line: UInt = #line,
                                   _ keep: @escaping ([Value]) -> Bool) throws -> (rows: Int, stats: ScanStatistics) {
        let eager = try scan(t, columns: columns, predicates: predicates).rows.filter(keep)
        let late = try filteredScan(t, columns: columns, predicates: predicates, filter(reads: reads, keeps: keeps, keep))
        let expected = eager.map { row in row.enumerated().map { p, v in (keeps?.contains(p) ?? true) ? v : Value.null } }
        // Compared as text: the fixture holds a NaN, which is not equal to itself as a Value.
        XCTAssertEqual(late.rows.map { "\($0)" }, expected.map { "\($0)" }, line: line)
        return (late.rows.count, late.stats)
    }

    func testOnePageSurvivesAndOtherColumnsReadOnlyThatPage() throws {
        let t = try pages()
        let all = Array(0..<8)
        let r = try assertSameAsEager(t, columns: all, reads: [0]) { $0[0] == .int(123) }
        XCTAssertEqual(r.rows, 1)
        // id: all 20 pages; each of the 7 other columns: only the page holding row 123.
        XCTAssertEqual(r.stats.pagesScanned, 20 + 7)
        XCTAssertEqual(r.stats.pagesSkipped, 7 * 19)
    }

    // pages_noindex(_v2).parquet: pages.parquet's rows written without a page index (v1 and v2
    // data pages); the reader locates the pages by walking their headers.
    func testFilesWithoutAPageIndexLocateThePagesFromTheirHeaders() throws {
        let indexed = try ParquetFile(path: LakeFixtures.tests + "/skipping/pages.parquet")
        for name in ["pages_noindex.parquet", "pages_noindex_v2.parquet"] {
            let path = LakeFixtures.tests + "/skipping/" + name
            let file = try ParquetFile(path: path)
            for g in 0..<2 {
                for l in 0..<8 {
                    XCTAssertNil(try file.pageLocations(rowGroup: g, leaf: l), name)
                    let walked = try XCTUnwrap(file.readablePageLocations(rowGroup: g, leaf: l), name)
                    let expected = try XCTUnwrap(indexed.pageLocations(rowGroup: g, leaf: l))
                    XCTAssertEqual(walked.map(\.rows), expected.map(\.rows), "\(name) row group \(g) leaf \(l)")
                }
            }
            let t = try ParquetTableSource(files: LakeTableFunctions.resolve(path, hivePartitioning: true))
            let one = try assertSameAsEager(t, columns: Array(0..<8), reads: [0]) { $0[0] == .int(123) }
            XCTAssertEqual(one.rows, 1, name)
            XCTAssertEqual(one.stats.pagesScanned, 20 + 7, name)
            XCTAssertEqual(one.stats.pagesSkipped, 7 * 19, name)
            // Survivors in a few pages of both row groups, NULLs in a filter column.
            let few = try assertSameAsEager(t, columns: Array(0..<8), reads: [0, 5]) {
                guard case .int(let id) = $0[0] else { return false }
                return (id / 50) % 7 == 3 && (id % 3 == 0 || $0[5].isNull)
            }
            XCTAssertGreaterThan(few.rows, 0, name)
            XCTAssertGreaterThan(few.stats.pagesSkipped, 0, name)
        }
    }

    /// A damaged page header: the walk gives up (no page locations) and the scan reports the
    /// corruption with its SQLSTATE instead of reading garbage or crashing.
    func testADamagedPageHeaderIsAnErrorNotACrash() throws {
        let path = LakeFixtures.tests + "/skipping/pages_noindex.parquet"
        let pages = try XCTUnwrap(ParquetFile(path: path).readablePageLocations(rowGroup: 0, leaf: 4))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[Int(pages[3].offset)] = 0xFF
        let damaged = FileManager.default.temporaryDirectory.appendingPathComponent("lakesql-damaged-\(UUID().uuidString).parquet")
        try Data(bytes).write(to: damaged)
        defer { try? FileManager.default.removeItem(at: damaged) }
        XCTAssertNil(try ParquetFile(path: damaged.path).readablePageLocations(rowGroup: 0, leaf: 4))
        let t = try ParquetTableSource(files: LakeTableFunctions.resolve(damaged.path, hivePartitioning: true))
        XCTAssertThrowsError(try filteredScan(t, columns: Array(0..<8), filter(reads: [0]) { $0[0] == .int(123) })) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.dataCorrupted, "\(error)")
        }
    }

    func testNullsInTheFilterColumn() throws {
        let t = try pages()
        let all = Array(0..<8)
        // maybe IS NULL: rows 0…199, pages 0…3 of row group 0.
        let isNull = try assertSameAsEager(t, columns: all, reads: [5]) { $0[5].isNull }
        XCTAssertEqual(isNull.rows, 200)
        XCTAssertEqual(isNull.stats.pagesScanned, 20 + 7 * 4)
        // A comparison with NULL keeps nothing there: maybe < 210 keeps 200…209.
        let less = try assertSameAsEager(t, columns: all, reads: [5]) {
            if case .int(let v) = $0[5] { return v < 210 }
            return false
        }
        XCTAssertEqual(less.rows, 10)
        XCTAssertEqual(less.stats.pagesScanned, 20 + 7)
    }

    func testRowGroupsOfManyBatchesAreEvaluatedWholeAndCutIntoBatches() throws {
        // order_items: row groups of 16,384 rows, order_id ascending. A row group is one filter
        // evaluation, its survivors then cut at batch boundaries: the first group's second batch
        // survives whole, its first batch in part, and later groups keep one order in 50.
        let t = try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.demo + "/order_items/part-0.parquet", hivePartitioning: true))
        let capacity = Batch.capacity
        let orders = try scan(t, columns: [0]).rows.map { row -> Int64 in if case .int(let o) = row[0] { return o }; return -1 }
        XCTAssertGreaterThanOrEqual(orders.count, 2 * capacity)
        let (low, high) = (orders[capacity], orders[2 * capacity - 1])
        let keep: ([Value]) -> Bool = { row in
            guard case .int(let order) = row[0], case .int(let quantity) = row[3] else { return false }
            return (order >= low && order <= high) || (order > high + 1_000 && order % 50 == 7) || (order < low && quantity > 1)
        }
        var batches: [Int] = []
        let stats = ScanStatistics()
        for m in try t.morsels(columns: [0, 1, 2, 3, 4], predicates: [], filter: filter(reads: [0, 3], keep), statistics: stats) {
            try m.forEachBatch(statistics: stats) { batches.append($0.count) }
        }
        XCTAssertTrue(batches.allSatisfy { $0 > 0 && $0 <= capacity }, "\(batches)")
        XCTAssertTrue(batches.contains(capacity), "a whole batch survives: \(batches)")
        XCTAssertGreaterThan(batches.count, 4, "more batches than row groups")
        let r = try assertSameAsEager(t, columns: [0, 1, 2, 3, 4], reads: [0, 3], keeps: [0, 2, 4], keep)
        XCTAssertGreaterThan(r.rows, capacity)
    }

    func testNoRowFailsReadsEverythingOnce() throws {
        let t = try pages()
        let r = try assertSameAsEager(t, columns: Array(0..<8), reads: [0]) { _ in true }
        XCTAssertEqual(r.rows, 1000)
        XCTAssertEqual(r.stats.pagesScanned, 8 * 20)
        XCTAssertEqual(r.stats.pagesSkipped, 0)
    }

    func testMostRowsSurvivingReadsTheOtherColumnsWhole() throws {
        let t = try pages()
        // 90% survive: the other columns are read like the filter's and cut per batch.
        let r = try assertSameAsEager(t, columns: [0, 4, 5, 7], reads: [0]) {
            guard case .int(let id) = $0[0] else { return false }
            return id % 10 != 3
        }
        XCTAssertEqual(r.rows, 900)
        XCTAssertEqual(r.stats.pagesScanned, 4 * 20)
        // With unkept positions, too.
        let unkept = try assertSameAsEager(t, columns: [0, 4, 5, 7], reads: [0], keeps: [2, 3]) {
            guard case .int(let id) = $0[0] else { return false }
            return id % 10 != 3 && id > 20
        }
        XCTAssertEqual(unkept.rows, 900 - 19)
    }

    func testSurvivorsInMostPagesReadTheOtherColumnsWhole() throws {
        let t = try pages()
        // 2% survive, one row in every page: nothing to skip, so the other columns are read whole
        // and only the batches with survivors are cut.
        let r = try assertSameAsEager(t, columns: Array(0..<8), reads: [0]) {
            guard case .int(let id) = $0[0] else { return false }
            return id % 50 == 25
        }
        XCTAssertEqual(r.rows, 20)
        XCTAssertEqual(r.stats.pagesScanned, 8 * 20)
        XCTAssertEqual(r.stats.pagesSkipped, 0)
    }

    func testLaterRowGroupsReadWithTheFilterColumnsOnceNothingWasSkipped() throws {
        let t = try pages()
        let saved = ParquetTableSource.minimumPartRows
        ParquetTableSource.minimumPartRows = 60
        defer { ParquetTableSource.minimumPartRows = saved }
        // Survivors in every page: after two parts read the other columns whole, the others read
        // them with the filter's column in one read; the rows stay those of the plain scan.
        let r = try assertSameAsEager(t, columns: Array(0..<8), reads: [0]) {
            guard case .int(let id) = $0[0] else { return false }
            return id % 50 == 25 || id % 50 == 26
        }
        XCTAssertEqual(r.rows, 40)
        XCTAssertGreaterThanOrEqual(r.stats.pagesScanned, 8 * 20)   // pages straddling two parts count in both
        let history = LateReadHistory()
        XCTAssertFalse(history.predictsWhole)
        history.record(skipped: false)
        history.record(skipped: false)
        XCTAssertTrue(history.predictsWhole)
        history.record(skipped: true)
        XCTAssertFalse(history.predictsWhole)
    }

    func testEveryRowFailsReadsOnlyTheFilterColumn() throws {
        let t = try pages()
        let r = try assertSameAsEager(t, columns: Array(0..<8), reads: [1]) { _ in false }
        XCTAssertEqual(r.rows, 0)
        XCTAssertEqual(r.stats.pagesScanned, 20)
        XCTAssertEqual(r.stats.pagesSkipped, 7 * 20)
        XCTAssertEqual(r.stats.rowGroupsScanned, 2)
    }

    func testScatteredSurvivorsAcrossRowGroupsAndFilterOnTwoColumns() throws {
        let t = try pages()
        // Every 100th row from 7: one row in every other page of both row groups.
        let r = try assertSameAsEager(t, columns: [4, 0, 7, 6], reads: [1, 2]) { row in
            guard case .int(let id) = row[1], case .string(let grp) = row[2] else { return false }
            return id % 100 == 7 && grp != ""
        }
        XCTAssertEqual(r.rows, 10)
        XCTAssertEqual(r.stats.pagesScanned, 2 * 20 + 2 * 10)
    }

    func testUnkeptPositionsAreNullPlaceholdersAndNotRead() throws {
        let t = try pages()
        // The operators above read only s (position 1): dec and f are never decoded, id is not carried.
        let r = try assertSameAsEager(t, columns: [0, 4, 3, 6], reads: [0], keeps: [1]) {
            guard case .int(let id) = $0[0] else { return false }
            return id >= 990
        }
        XCTAssertEqual(r.rows, 10)
        XCTAssertEqual(r.stats.pagesScanned, 20 + 1)
    }

    func testWithPushedDownPredicatesAndSplitRowGroups() throws {
        let t = try pages()
        let saved = ParquetTableSource.minimumPartRows
        ParquetTableSource.minimumPartRows = 60
        defer { ParquetTableSource.minimumPartRows = saved }
        let predicates: [ScanPredicate] = [.compare(column: 0, op: .ge, value: .int(430)), .compare(column: 0, op: .lt, value: .int(620))]
        let r = try assertSameAsEager(t, columns: Array(0..<8), reads: [0, 7], predicates: predicates) { row in
            guard case .int(let id) = row[0], case .string(let grp) = row[7] else { return false }
            return id >= 430 && id < 620 && id % 3 == 0 && (grp == "apple" || grp == "date")
        }
        XCTAssertEqual(r.rows, (430..<620).filter { $0 % 3 == 0 && $0 % 2 == ($0 < 500 ? 1 : 0) }.count)
        let scattered = try assertSameAsEager(t, columns: Array(0..<8), reads: [0]) {
            guard case .int(let id) = $0[0] else { return false }
            return id % 97 == 0
        }
        XCTAssertEqual(scattered.rows, 11)
    }

    func testPartitionColumnsInTheFilterAndTheOutput() throws {
        let t = try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/hive", hivePartitioning: true))
        XCTAssertEqual(t.fields.map(\.name), ["v", "k", "region"])
        // Filter on the partition column k and the file column v; region and v kept.
        let r = try assertSameAsEager(t, columns: [1, 2, 0], reads: [0, 2]) { row in
            guard case .int(let v) = row[2] else { return false }
            return row[0].isNull || v == 11
        }
        XCTAssertEqual(r.rows, 4)   // v = 11 in two regions, and k NULL (v = 99) in two regions
        // A filter on the partition column alone still decodes v only where it passes.
        let onlyK = try assertSameAsEager(t, columns: [0, 1], reads: [1]) { $0[1] == .int(2) }
        XCTAssertEqual(onlyK.rows, 2)
    }

    func testFilterErrorsPropagate() throws {
        let t = try pages()
        let failing = ScanRowFilter(reads: [0], keeps: nil) { _ in throw SQLError(SQLState.divisionByZero, "division by zero") }
        XCTAssertThrowsError(try filteredScan(t, columns: [0, 1], failing)) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.divisionByZero)
        }
    }

    func testSurvivorRangesMapReadRowsThroughASelection() {
        var s = SurvivorRanges(RowSelection([10..<20, 50..<55, 100..<200]))
        s.add(readRows: [0, 1], from: 0)
        s.add(readRows: 9..<12)     // 19, then 50 and 51
        s.add(readRows: [5], from: 10)          // 100
        s.add(readRows: 16..<18)    // 101, 102
        s.add(readRows: [0, 2, 3, 4, 200], from: 100)  // 185, 187…189 (200: past the selection)
        XCTAssertEqual(s.ranges, [10..<12, 19..<20, 50..<52, 100..<103, 185..<186, 187..<190])
    }

    /// Pieces of scattered survivors, added in bulk, give the ranges that mapping each read row
    /// through the selection one by one and merging neighbours gives, across the selection's
    /// range boundaries and piece boundaries (runs continuing from one piece into the next).
    func testSurvivorRangesFromPiecesMatchRowByRowMapping() {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        for round in 0..<200 {
            var base: [Range<Int64>] = [], at: Int64 = Int64(next(5))
            for _ in 0..<(1 + next(4)) {
                let n = Int64(1 + next(40))
                base.append(at..<at + n)
                at += n + Int64(next(3) == 0 ? 0 : 1 + next(20))
            }
            let selection = RowSelection(base)
            let read = Int(selection.rowCount)
            let mapped = selection.ranges.flatMap { $0 }
            var s = SurvivorRanges(selection)
            var expected: [Range<Int64>] = []
            var start = 0
            while start < read {
                let length = 1 + next(30)
                let rows = (0..<Swift.min(length, read - start)).filter { _ in next(3) != 0 }.map { Int32($0) }
                s.add(readRows: ContiguousArray(rows), from: start)
                for r in rows {
                    let row = mapped[start + Int(r)]
                    if let last = expected.last, last.upperBound == row { expected[expected.count - 1] = last.lowerBound..<row + 1 }
                    else { expected.append(row..<row + 1) }
                }
                start += length
            }
            XCTAssertEqual(s.ranges, expected, "round \(round), selection \(base)")
        }
    }

    /// The longest run of read rows without a survivor, which decides whether survivors can
    /// leave a page unread: before the first survivor, between two (inside a batch and across
    /// batches without any), after the last, and whole batches of survivors.
    func testLongestGapBetweenSurvivors() {
        typealias Piece = ParquetTableSource.Piece
        func piece(_ start: Int, _ batchRows: Int, _ rows: [Int32]?) -> Piece {
            Piece(start: start, batchRows: batchRows, rows: rows.map(ContiguousArray.init), filterVectors: [])
        }
        XCTAssertEqual(ParquetTableSource.longestGap([], readRows: 500), 500, "no survivor")
        XCTAssertEqual(ParquetTableSource.longestGap([piece(0, 100, [0, 1, 50, 99])], readRows: 100), 48)
        XCTAssertEqual(ParquetTableSource.longestGap([piece(0, 100, [30, 31])], readRows: 100), 68, "after the last")
        XCTAssertEqual(ParquetTableSource.longestGap([piece(0, 100, [80])], readRows: 100), 80, "before the first")
        // survivors at 99 and 320: batches 100…299 had none
        XCTAssertEqual(ParquetTableSource.longestGap([piece(0, 100, [99]), piece(300, 100, [20, 99])], readRows: 400), 220)
        XCTAssertEqual(ParquetTableSource.longestGap([piece(0, 100, nil), piece(100, 100, nil)], readRows: 200), 0, "every row")
        XCTAssertEqual(ParquetTableSource.longestGap([piece(0, 100, nil), piece(250, 50, [0])], readRows: 300), 150)
        // against the gaps of an explicit row set
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let readRows = Int.random(in: 1...600, using: &generator)
            let density = Int.random(in: 1...40, using: &generator)
            var kept: [Int] = []
            var pieces: [Piece] = []
            var start = 0
            while start < readRows {
                let n = Swift.min(64, readRows - start)
                let rows = (0..<n).filter { _ in Int.random(in: 0..<density, using: &generator) == 0 }
                if rows.count == n && Bool.random(using: &generator) {
                    pieces.append(piece(start, n, nil))
                } else if !rows.isEmpty {
                    pieces.append(piece(start, n, rows.map { Int32($0) }))
                }
                if !rows.isEmpty { kept += rows.map { start + $0 } }
                start += n
            }
            var longest = 0, next = 0
            for r in kept { longest = Swift.max(longest, r - next); next = r + 1 }
            longest = Swift.max(longest, readRows - next)
            XCTAssertEqual(ParquetTableSource.longestGap(pieces, readRows: readRows), longest)
        }
    }
}
