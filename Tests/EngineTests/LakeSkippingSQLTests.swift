// Lake skipping seen through SQL: EXPLAIN ANALYZE reports files, row groups
// (with the cause of each skip) and pages scanned and skipped, and bytes
// read; `SET lake_skipping` turns kinds of skipping off, and every query
// returns the same rows with skipping on and off.

import XCTest
import Columnar
@testable import Engine

final class LakeSkippingSQLTests: XCTestCase {
    static let fixtures = LakeFixtureSupport.fixtures("skipping")

    private func scanLine(_ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try LakeFixtureSupport.scanLine(s, sql, file: file, line: line)
    }

    func testExplainAnalyzeShowsEachKindOfSkipping() throws {
        let s = try Database().connect()
        let pages = "read_parquet('\(Self.fixtures)/pages.parquet')"
        let bloom = "read_parquet('\(Self.fixtures)/bloom.parquet')"
        XCTAssertTrue(try scanLine(s, "SELECT count(*) FROM \(pages) WHERE id = 123").contains(
            "[files scanned=1 skipped=0; row groups scanned=1 skipped=1 (stats 1); pages scanned=1 skipped=9; bytes read="))
        XCTAssertTrue(try scanLine(s, "SELECT count(*) FROM \(pages) WHERE grp = 'banana'").contains(
            "row groups scanned=1 skipped=1 (dictionary 1); pages scanned=10 skipped=10"))
        XCTAssertTrue(try scanLine(s, "SELECT count(*) FROM \(bloom) WHERE s = 'key-500'").contains(
            "row groups scanned=1 skipped=1 (bloom 1)"))
        XCTAssertTrue(try scanLine(s, "SELECT count(*) FROM \(pages) WHERE id IN (1, 2) AND grp = 'banana'").contains(
            "row groups scanned=0 skipped=2 (stats 1, dictionary 1)"))
        // Bytes: one page of one column is far less than the whole column.
        func bytes(_ line: String) -> Int { Int(line.split(separator: "bytes read=").last?.prefix { $0.isNumber } ?? "") ?? -1 }
        let narrow = bytes(try scanLine(s, "SELECT count(*) FROM \(pages) WHERE id = 123"))
        try s.execute("SET lake_skipping = off").allRows().forEach { _ in }
        let off = try scanLine(s, "SELECT count(*) FROM \(pages) WHERE id = 123")
        XCTAssertTrue(off.contains("row groups scanned=2 skipped=0; pages scanned=20 skipped=0"), off)
        XCTAssertFalse(off.contains("pushdown"))
        XCTAssertGreaterThan(bytes(off), 5 * narrow)
        _ = try s.execute("SET lake_skipping = 'stats, dictionary'").allRows()
        XCTAssertTrue(try scanLine(s, "SELECT count(*) FROM \(pages) WHERE id = 123").contains("pages scanned=10 skipped=0"))
    }

    /// `date < DATE '…' + INTERVAL '…'` is a timestamp comparison in PostgreSQL; compared as dates
    /// (SimplifyDateTimestampComparisons) it reaches the scan and row-group statistics.
    func testDatePlusIntervalComparisonSkipsRowGroups() throws {
        let s = try Database().connect()
        let bloom = "read_parquet('\(Self.fixtures)/bloom.parquet')"
        let sql = "SELECT count(*) FROM \(bloom) WHERE dt < DATE '2020-01-01' + INTERVAL '1 day'"
        let skipping = try scanLine(s, sql)
        XCTAssertTrue(skipping.contains("row groups scanned=1 skipped=1 (stats 1)"), skipping)
        let on = try s.execute(sql).allRows()
        _ = try s.execute("SET lakesql.disabled_rules = 'SimplifyDateTimestampComparisons'").allRows()
        let casting = try scanLine(s, sql)
        XCTAssertTrue(casting.contains("row groups scanned=2 skipped=0"), casting)
        XCTAssertEqual("\(try s.execute(sql).allRows())", "\(on)")
    }

    func testResultsAreTheSameWithSkippingOnAndOff() throws {
        let s = try Database().connect()
        let pages = "read_parquet('\(Self.fixtures)/pages.parquet')"
        let bloom = "read_parquet('\(Self.fixtures)/bloom.parquet')"
        let duck = "read_parquet('\(Self.fixtures)/duckdb_bloom.parquet')"
        let queries = [
            "SELECT * FROM \(pages) WHERE id = 123",
            "SELECT id, s, grp FROM \(pages) WHERE id BETWEEN 95 AND 260 AND maybe IS NOT NULL ORDER BY id",
            "SELECT count(*), sum(id) FROM \(pages) WHERE maybe IS NULL OR id > 990",
            "SELECT id, f FROM \(pages) WHERE f > 490 OR f IS NULL ORDER BY id",
            "SELECT id FROM \(pages) WHERE f = 'NaN'::float8",
            "SELECT grp, count(*) FROM \(pages) WHERE grp IN ('banana', 'kiwi') GROUP BY grp",
            "SELECT id FROM \(pages) WHERE u >= 3000000998 AND down <= 1 ORDER BY id",
            "SELECT id, dec FROM \(pages) WHERE dec >= 1237.5 ORDER BY id",
            "SELECT id FROM \(pages) WHERE dec = 153.75",
            "SELECT * FROM \(bloom) WHERE i32 = 500 OR s = 'key-501' ORDER BY i32",
            "SELECT i32 FROM \(bloom) WHERE f64 = 0 ORDER BY i32",
            "SELECT i32 FROM \(bloom) WHERE i64 IN (500000003500, 1) ORDER BY i32",
            "SELECT id, city FROM \(duck) WHERE city IN ('north-5', 'south-5a', 'south-7') ORDER BY id",
            "SELECT count(*) FROM \(duck) WHERE bucket = 7 AND city = 'north-7'",
        ]
        for q in queries {
            _ = try s.execute("SET lake_skipping = on").allRows()
            let on = try s.execute(q).allRows()
            _ = try s.execute("SET lake_skipping = off").allRows()
            let off = try s.execute(q).allRows()
            XCTAssertEqual("\(on)", "\(off)", q)  // as text: NaN is not == NaN
            XCTAssertFalse(off.isEmpty, q)
        }
    }

    func testBadSkippingSettingIsAnError() throws {
        let s = try Database().connect()
        XCTAssertThrowsError(try s.execute("SET lake_skipping = 'stats, zonemaps'").allRows()) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, "22023")
        }
        XCTAssertEqual(try s.execute("SHOW lake_skipping").allRows(), [[.string("on")]])
    }
}
