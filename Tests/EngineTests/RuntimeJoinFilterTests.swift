// Runtime join filters (Execution/RuntimeJoinFilter.swift): a finished hash-join
// build's key range, key list and bloom filter skip probe-side row groups by
// their statistics and drop probe rows before the pipeline's other joins.
// Every query must return the same rows, in the same order, with
// `lakesql.runtime_join_filters` on and off; EXPLAIN ANALYZE must show the
// skipped row groups where the statistics prove them useless and the rows
// the row filter dropped.

import Columnar
@testable import Engine
@testable import Execution
import Foundation
import XCTest

final class RuntimeJoinFilterTests: XCTestCase {
    /// Four row groups of ten rows: n 0…39, s 's00'…'s39', z NULL in row group 0 then 10…39.
    static let stats: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return "read_parquet('" + url.path + "/Fixtures/lake-tests/stats/data.parquet')"
    }()

    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("SET threads = 2").allRows()
        // d: a small dimension whose keys fall in row group 1 only (plus a NULL key).
        _ = try s.execute("CREATE TABLE d (k bigint, s text, label text)").allRows()
        _ = try s.execute("INSERT INTO d VALUES (12, 's12', 'a'), (14, 's14', 'b'), (15, 's99', 'c'), (NULL, 's13', 'n')").allRows()
        _ = try s.execute("CREATE TABLE empty_d (k bigint, s text)").allRows()
        // f: a fact table over many morsels; g, h: dimensions, h keeping few of f's rows.
        _ = try s.execute("CREATE TABLE f (id int, a int, b int, s text)").allRows()
        for m in 0..<20 {
            _ = try s.execute("""
                INSERT INTO f SELECT x, CASE WHEN x % 13 = 0 THEN NULL ELSE x % 400 END, x % 50, 's' || (x % 60)
                FROM generate_series(\(m * 100), \(m * 100 + 99)) x
                """).allRows()
        }
        _ = try s.execute("CREATE TABLE g (a int, ga text)").allRows()
        _ = try s.execute("INSERT INTO g SELECT x, 'g' || x FROM generate_series(0, 399) x").allRows()
        _ = try s.execute("CREATE TABLE h (b int, s text, hb text)").allRows()
        _ = try s.execute("INSERT INTO h VALUES (3, 's3', 'three'), (7, 's7', 'seven'), (7, 's57', 'seven-b'), (NULL, 's1', 'null')").allRows()
        return s
    }

    private func rows(_ s: Session, _ sql: String) throws -> [String] {
        try s.execute(sql).allRows().map { "\($0)" }
    }

    private func explain(_ s: Session, _ sql: String) throws -> [String] {
        try s.execute("EXPLAIN ANALYZE " + sql).allRows().compactMap { row -> String? in
            if case .string(let t)? = row.first { return t }
            return nil
        }
    }

    /// The rows with filters on, after checking they equal the rows with filters off (same order).
    @discardableResult
    private func assertSameOnAndOff(_ s: Session, _ sql: String, nonEmpty: Bool = true,
                                    file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        _ = try s.execute("SET lakesql.runtime_join_filters = off").allRows()
        let off = try rows(s, sql)
        _ = try s.execute("SET lakesql.runtime_join_filters = on").allRows()
        let on = try rows(s, sql)
        XCTAssertEqual(on, off, sql, file: file, line: line)
        if nonEmpty { XCTAssertFalse(on.isEmpty, sql, file: file, line: line) }
        return on
    }

    private func scanLine(_ lines: [String], _ table: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try XCTUnwrap(lines.first { $0.contains("Scan \(table)") || ($0.contains("Scan ") && $0.contains(table)) }, file: file, line: line)
    }

    func testRowGroupsOutsideTheBuildKeyRangeAreSkipped() throws {
        let s = try session()
        let sql = "SELECT t.n, t.s, d.label FROM \(Self.stats) t JOIN d ON t.n = d.k ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, sql).count, 3)
        let on = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(on.contains("row groups scanned=1 skipped=3 (runtime filter 3)"), on)
        XCTAssertTrue(on.contains("runtime filters: inner join on 3 build rows: n in [12, 15]"), on)
        _ = try s.execute("SET lakesql.runtime_join_filters = off").allRows()
        let off = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(off.contains("row groups scanned=4 skipped=0"), off)
        XCTAssertFalse(off.contains("runtime filters"), off)
    }

    func testStringKeysSkipByTheirByteRange() throws {
        let s = try session()
        // d.s spans 's12'…'s99', which rules out row group 0 ('s00'…'s09'); its four values as
        // an IN list rule out row groups 2 ('s20'…'s29') and 3 too.
        let sql = "SELECT t.n, d.label FROM \(Self.stats) t JOIN d ON t.s = d.s ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, sql), try rows(s, "SELECT 12::bigint, 'a' UNION ALL SELECT 13, 'n' UNION ALL SELECT 14, 'b'"))
        let line = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(line.contains("skipped=3 (runtime filter 3)"), line)
        XCTAssertTrue(line.contains("s in [s12, s99] (4 values)"), line)
    }

    func testMultiColumnKeysNeedEveryColumnInRange() throws {
        let s = try session()
        // n in [12, 15] rules out row groups 0, 2, 3 even though s alone rules out only row group 0.
        let sql = "SELECT t.n, d.label FROM \(Self.stats) t JOIN d ON t.n = d.k AND t.s = d.s ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, sql).count, 2)
        let line = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(line.contains("row groups scanned=1 skipped=3 (runtime filter 3)"), line)
    }

    func testNullKeysNeverMatchAndAllNullRowGroupsAreSkipped() throws {
        let s = try session()
        // z is NULL in all of row group 0; d's NULL key is no build key.
        let sql = "SELECT t.n, t.z, d.label FROM \(Self.stats) t JOIN d ON t.z = d.k ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, sql).count, 3)
        let line = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(line.contains("skipped=3 (runtime filter 3)"), line)
        // A build of only NULL keys holds nothing: the probe side is not read at all.
        let onlyNull = "SELECT t.n FROM \(Self.stats) t JOIN (SELECT k FROM d WHERE k IS NULL) x ON t.n = x.k"
        try assertSameOnAndOff(s, onlyNull, nonEmpty: false)
        XCTAssertTrue(try scanLine(try explain(s, onlyNull), "read_parquet").contains("row groups scanned=0 skipped=0"))
    }

    func testEmptyBuildSkipsTheProbeSide() throws {
        let s = try session()
        for sql in ["SELECT t.n FROM \(Self.stats) t JOIN empty_d e ON t.n = e.k",
                    "SELECT t.n, count(*) FROM \(Self.stats) t JOIN empty_d e ON t.n = e.k GROUP BY t.n"] {
            try assertSameOnAndOff(s, sql, nonEmpty: false)
            let line = try scanLine(try explain(s, sql), "read_parquet")
            XCTAssertTrue(line.contains("files scanned=0") && line.contains("row groups scanned=0"), line)
        }
        // Single-threaded the join runs in HashJoinOperator, which does not read its probe side either.
        _ = try s.execute("SET threads = 1").allRows()
        let line = try scanLine(try explain(s, "SELECT t.n FROM \(Self.stats) t JOIN empty_d e ON t.n = e.k"), "read_parquet")
        XCTAssertTrue(line.contains("files scanned=0"), line)
    }

    func testOuterAndAntiJoinsGetNoFilter() throws {
        let s = try session()
        for sql in ["SELECT t.n, d.label FROM \(Self.stats) t LEFT JOIN d ON t.n = d.k ORDER BY t.n",
                    "SELECT t.n, d.label FROM \(Self.stats) t FULL JOIN d ON t.n = d.k ORDER BY t.n, d.label",
                    "SELECT t.n FROM \(Self.stats) t WHERE NOT EXISTS (SELECT 1 FROM d WHERE d.k = t.n) ORDER BY t.n"] {
            XCTAssertEqual(try assertSameOnAndOff(s, sql).count >= 37, true, sql)
            let line = try scanLine(try explain(s, sql), "read_parquet")
            XCTAssertFalse(line.contains("runtime filter"), line)
        }
    }

    func testRowFilterDropsRowsBeforeEarlierJoins() throws {
        let s = try session()
        // f probes g first (every a matches) and h second (few b match): h's bloom filter and
        // range run before the g join and drop most of f's rows there.
        _ = try s.execute("SET lakesql.disabled_rules = 'ReorderJoins'").allRows()
        let sql = "SELECT f.id, g.ga, h.hb FROM f JOIN g ON f.a = g.a JOIN h ON f.b = h.b ORDER BY f.id, h.hb"
        let result = try assertSameOnAndOff(s, sql)
        // h holds b = 7 twice.
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM f WHERE a IS NOT NULL AND b IN (3, 7)").first,
                       try rows(s, "SELECT \(result.count) - count(*) FILTER (WHERE b = 7) FROM f WHERE a IS NOT NULL").first)
        let lines = try explain(s, sql)
        let scan = try scanLine(lines, "f [")
        XCTAssertTrue(scan.contains("runtime filters:"), lines.joined(separator: "\n"))
        guard let dropped = scan.split(separator: "dropped=").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            return XCTFail(scan)
        }
        XCTAssertGreaterThan(dropped, 1_500, scan)
    }

    func testAFilterOnALowerJoinsBuildColumnFiltersThatBuildInput() throws {
        let s = try session()
        _ = try s.execute("SET lakesql.disabled_rules = 'ReorderJoins'").allRows()
        // f probes g (build: all of g) and then h on g.a: h's keys are a build column of
        // the g join, so they filter g's scan before g is hashed (g keeps 2 of 400 rows).
        let sql = "SELECT f.id, g.ga, h.hb FROM f JOIN g ON f.a = g.a JOIN h ON g.a = h.b ORDER BY f.id, h.hb"
        let result = try assertSameOnAndOff(s, sql)
        XCTAssertEqual(result.count, try rows(s, "SELECT 1 FROM f WHERE a = 3 UNION ALL SELECT 1 FROM f WHERE a = 7 UNION ALL SELECT 1 FROM f WHERE a = 7").count)
        let lines = try explain(s, sql)
        let gScan = try scanLine(lines, "g [")
        XCTAssertTrue(gScan.contains("runtime filters: inner join on 3 build rows: a in [3, 7]"), lines.joined(separator: "\n"))
        XCTAssertTrue(gScan.contains("rows checked=400 dropped=398"), gScan)
        XCTAssertTrue(try XCTUnwrap(lines.first { $0.contains("Scan g [") }).contains("actual rows=2 "), gScan)
    }

    func testLargeBuildsTrialOnTheTableThenMakeABloomFilterOrStop() throws {
        let s = try session()
        _ = try s.execute("CREATE TABLE ids (id int)").allRows()
        _ = try s.execute("INSERT INTO ids SELECT x FROM generate_series(0, 1999) x").allRows()
        _ = try s.execute("CREATE TABLE labels (s text)").allRows()
        _ = try s.execute("INSERT INTO labels SELECT 's' || x FROM generate_series(0, 59) x").allRows()
        let (eager, trial) = (RuntimeJoinFilter.bloomEagerRows, RuntimeJoinFilter.adaptiveRows)
        RuntimeJoinFilter.bloomEagerRows = 0
        RuntimeJoinFilter.adaptiveRows = 64
        defer { (RuntimeJoinFilter.bloomEagerRows, RuntimeJoinFilter.adaptiveRows) = (eager, trial) }
        _ = try s.execute("SET lakesql.disabled_rules = 'ReorderJoins'").allRows()
        // Text keys have no bitmap, so builds past the eager size try the join's table first:
        // h's four labels keep few rows, its trial succeeds and it makes a bloom filter; labels
        // holds every label, its trial drops nothing and it stops.
        let sql = "SELECT f.id, h.hb FROM f JOIN g ON f.a = g.a JOIN h ON f.s = h.s JOIN labels l ON f.s = l.s ORDER BY f.id, h.hb"
        try assertSameOnAndOff(s, sql)
        let scan = try scanLine(try explain(s, sql), "f [")
        XCTAssertTrue(scan.contains("inner join on 4 build rows: s in [s1, s7] (4 values), bloom 8 B over 1 key after a trial"), scan)
        XCTAssertTrue(scan.contains("inner join on 60 build rows: s in [s0, s9], trial on the join's table, stopped after"), scan)
        // One integer key over a narrow range gets its exact bitmap at once, whatever the
        // build's size (no trial): ids' 2000 keys, which drop nothing and so stop.
        let ints = "SELECT f.id, h.hb FROM f JOIN g ON f.a = g.a JOIN h ON f.b = h.b JOIN ids ON f.id = ids.id ORDER BY f.id, h.hb"
        try assertSameOnAndOff(s, ints)
        let intScan = try scanLine(try explain(s, ints), "f [")
        XCTAssertTrue(intScan.contains("inner join on 3 build rows: b in [3, 7], bitmap 8 B of the key's range;"), intScan)
        XCTAssertTrue(intScan.contains("inner join on 2000 build rows: id in [0, 1999], bitmap 256 B of the key's range, stopped after"), intScan)
    }

    func testTheFirstJoinsKeysAreCheckedInTheParquetScan() throws {
        let s = try session()
        // d's keys 12, 14, 15 (and a NULL) lie in row group 1, the only one read: the scan itself
        // drops that group's other seven rows, so s and z are decoded for three rows only.
        let sql = "SELECT t.n, t.s, t.z, d.label FROM \(Self.stats) t JOIN d ON t.n = d.k ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, sql).count, 3)
        let on = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(on.contains("n in [12, 15] (3 values), bitmap 8 B of the key's range; rows checked=10 dropped=7"), on)
        // With a filter of the query's own in the scan that reads the key, the join's check runs
        // on that filter's survivors.
        let filtered = "SELECT t.n, t.s, d.label FROM \(Self.stats) t JOIN d ON t.n = d.k WHERE t.n <> 13 ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, filtered).count, 3)
        let filteredLine = try scanLine(try explain(s, filtered), "read_parquet")
        XCTAssertTrue(filteredLine.contains("rows checked=9 dropped=6"), filteredLine)
        // One that reads other columns only: the key would have to be decoded for every row
        // instead of for that filter's survivors, so the join checks its keys itself.
        let other = "SELECT t.n, t.s, d.label FROM \(Self.stats) t JOIN d ON t.n = d.k WHERE t.z <> 13 ORDER BY t.n"
        XCTAssertEqual(try assertSameOnAndOff(s, other).count, 3)
        let otherLine = try scanLine(try explain(s, other), "read_parquet")
        XCTAssertFalse(otherLine.contains("rows checked="), otherLine)
        // Without late materialisation the scan runs no filter: the first join probes every row.
        _ = try s.execute("SET lakesql.late_materialization = off").allRows()
        XCTAssertEqual(try assertSameOnAndOff(s, sql).count, 3)
        let off = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertFalse(off.contains("rows checked="), off)
    }

    /// An integer build column of up to 1,024 keys goes as a list that the Parquet scan checks
    /// against each page's min/max: only pages that may hold a key are read.
    func testAnIntegerKeyListSkipsPagesByThePageIndex() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        // pages.parquet: ids 0…999 in order, 2 row groups × 10 pages of 50 rows, page index written.
        let pages = "read_parquet('" + url.path + "/Fixtures/lake-tests/skipping/pages.parquet')"
        let s = try session()
        _ = try s.execute("CREATE TABLE keys (k bigint, tag text)").allRows()
        // 40 keys in three pages of row group 0 (ids 100–149, 300–349) and row group 1 (ids 760–799),
        // more than the 16 a list of other types may hold, plus a NULL and a key past the end.
        let values = (0..<40).map { i -> String in
            let id = [100 + i, 300 + i, 760 + i][i % 3]
            return "(\(id), 't\(i)')"
        } + ["(NULL, 'n')", "(5000, 'past')"]
        _ = try s.execute("INSERT INTO keys VALUES " + values.joined(separator: ", ")).allRows()
        let sql = "SELECT t.id, t.s, t.dec, k.tag FROM \(pages) t JOIN keys k ON t.id = k.k ORDER BY t.id"
        let kept = try assertSameOnAndOff(s, sql)
        XCTAssertEqual(kept.count, 40)
        let line = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertTrue(line.contains("id in [100, 5000] (41 values)"), line)
        // 3 of the 20 pages of each of the 3 columns read (both row groups hold a key).
        XCTAssertTrue(line.contains("row groups scanned=2 skipped=0; pages scanned=9 skipped=51"), line)
        // Without the page index the same rows come from every page.
        _ = try s.execute("SET lake_skipping = 'partitions,stats'").allRows()
        XCTAssertEqual(try assertSameOnAndOff(s, sql), kept)
        let whole = try scanLine(try explain(s, sql), "read_parquet")
        XCTAssertFalse(whole.contains("skipped=51"), whole)
        XCTAssertTrue(whole.contains("rows checked=1000 dropped=960"), whole)
    }

    func testOneIntegerKeyOverANarrowRangeIsAnExactBitmapElseABloomFilter() throws {
        let s = try session()
        _ = try s.execute("SET lakesql.disabled_rules = 'ReorderJoins'").allRows()
        // Negative and edge keys: the bitmap keeps exactly f's rows with b = 0 or b = 49.
        _ = try s.execute("CREATE TABLE edges (b int, label text)").allRows()
        _ = try s.execute("INSERT INTO edges VALUES (-3, 'm'), (0, 'lo'), (49, 'hi'), (50, 'out'), (NULL, 'n')").allRows()
        let exact = "SELECT f.id, g.ga, e.label FROM f JOIN g ON f.a = g.a JOIN edges e ON f.b = e.b ORDER BY f.id"
        let kept = try assertSameOnAndOff(s, exact).count
        let line = try scanLine(try explain(s, exact), "f [")
        XCTAssertTrue(line.contains("b in [-3, 50] (4 values), bitmap 8 B of the key's range; inner join on 400 build rows: a in [0, 399] (400 values); rows checked=2000 dropped=\(2000 - 80)"), line)
        XCTAssertEqual(kept, try rows(s, "SELECT 1 FROM f WHERE a IS NOT NULL AND b IN (0, 49)").count)
        // Keys two billion apart: a bitmap of the range would be huge, so a bloom filter.
        _ = try s.execute("CREATE TABLE far (b int, label text)").allRows()
        _ = try s.execute("INSERT INTO far VALUES (3, 'three'), (2000000000, 'far')").allRows()
        let wide = "SELECT f.id, g.ga, r.label FROM f JOIN g ON f.a = g.a JOIN far r ON f.b = r.b ORDER BY f.id"
        try assertSameOnAndOff(s, wide)
        XCTAssertTrue(try scanLine(try explain(s, wide), "f [").contains("b in [3, 2000000000], bloom 8 B over 1 key"))
    }

    func testResultsAreIdenticalAcrossJoinShapes() throws {
        let s = try session()
        _ = try s.execute("SET lakesql.fuse_semi_joins = on").allRows()
        let queries = [
            // Renaming projection between the scan and the joins, string keys, composite keys.
            "SELECT x.i, g.ga, h.hb FROM (SELECT id AS i, a AS aa, b AS bb, s AS ss FROM f) x JOIN g ON x.aa = g.a JOIN h ON x.bb = h.b AND x.ss = h.s ORDER BY x.i",
            "SELECT f.id, h.hb FROM f JOIN g ON f.a = g.a JOIN h ON f.s = h.s ORDER BY f.id, h.hb",
            // Semi join fused into the pipeline, and a right join (unmatched build rows kept).
            "SELECT f.id FROM f JOIN g ON f.a = g.a WHERE f.b IN (SELECT b FROM h) ORDER BY f.id",
            "SELECT f.id, h.hb FROM f JOIN g ON f.a = g.a RIGHT JOIN h ON f.b = h.b ORDER BY f.id, h.hb",
            // Keys through an expression are not traced (the join still decides).
            "SELECT f.id, h.hb FROM f JOIN g ON f.a = g.a JOIN h ON f.b + 0 = h.b ORDER BY f.id, h.hb",
            // A left join below the filtered join, and an aggregate over the pipeline.
            "SELECT f.id, h.hb FROM f LEFT JOIN g ON f.a = g.a + 1000 JOIN h ON f.b = h.b ORDER BY f.id, h.hb",
            "SELECT h.hb, count(*), sum(f.id) FROM f JOIN g ON f.a = g.a JOIN h ON f.b = h.b GROUP BY h.hb ORDER BY h.hb",
        ]
        for disabled in ["", "ReorderJoins"] {
            _ = try s.execute("SET lakesql.disabled_rules = '\(disabled)'").allRows()
            for q in queries { try assertSameOnAndOff(s, q) }
        }
    }

    func testSettingIsValidatedLikeOtherSettings() throws {
        let s = try session()
        _ = try s.execute("SET lakesql.runtime_join_filters = off").allRows()
        XCTAssertEqual(try rows(s, "SHOW lakesql.runtime_join_filters"), try rows(s, "SELECT 'off'"))
    }

    func testASparseKeyOfACompositeKeyIsCheckedByItsBitmapFirst() throws {
        // pairs holds 60 of f's 2,000 ids (sparse over their range) with b values that mostly
        // do not match: id's bitmap drops most rows exactly, then the pair's bloom filter (and
        // the join) the rest. b's values fill their range, so it gets no bitmap.
        let s = try session()
        _ = try s.execute("SET lakesql.disabled_rules = 'ReorderJoins'").allRows()
        _ = try s.execute("CREATE TABLE pairs (id int, b int, tag text)").allRows()
        _ = try s.execute("INSERT INTO pairs SELECT x * 37 % 2000, (x * 37 % 2000 + x % 3) % 50, 't' || x FROM generate_series(1, 60) x").allRows()
        _ = try s.execute("INSERT INTO pairs SELECT x, x % 50, 'b' || x FROM generate_series(1990, 1999) x").allRows()
        _ = try s.execute("INSERT INTO pairs VALUES (NULL, 3, 'null'), (5, NULL, 'null b')").allRows()
        let sql = "SELECT f.id, g.ga, p.tag FROM f JOIN g ON f.a = g.a JOIN pairs p ON f.id = p.id AND f.b = p.b ORDER BY f.id, p.tag"
        let joined = try assertSameOnAndOff(s, sql)
        XCTAssertEqual(joined.count, try rows(s, "SELECT 1 FROM f JOIN pairs p ON f.id = p.id AND f.b = p.b WHERE f.a IS NOT NULL").count)
        let line = try scanLine(try explain(s, sql), "f [")
        XCTAssertTrue(line.contains("id bitmap 248 B, bloom 256 B over 2 keys"), line)
        XCTAssertFalse(line.contains("b bitmap"), line)
        // Every row whose id is not among pairs' is dropped, whatever the bloom filter says.
        let ids = try rows(s, "SELECT 1 FROM f WHERE id IN (SELECT id FROM pairs)").count
        let checked = try XCTUnwrap(line.range(of: "rows checked=2000 dropped="), line)
        let dropped = Int(line[checked.upperBound...].prefix { $0.isNumber }) ?? -1
        XCTAssertGreaterThanOrEqual(dropped, 2000 - ids, line)
    }

    func testFewKeysOverAPartKeysRangeGetAnExactBitmap() {
        // 7,854 part keys spread over 2M values (TPC-H Q2's filtered parts at SF10): a bitmap of
        // the whole range (256 KB) is made, as for any range under 2^22 values however few its
        // keys. Past 2^22 values a few keys are left to a bloom filter.
        func bitmap(_ keys: [Int64]) -> JoinKeyBitmap? {
            let key = KeyView(Vector.from(keys.map { Value.int($0) }, type: .int64))
            let range: ClosedRange<Int64> = keys.min()!...keys.max()!
            return JoinKeyBitmap.make(key, rows: keys.count, linked: keys.count, range: range, nulls: nil)
        }
        let parts = (0..<7_854).map { Int64(249 + $0 * 254) }
        guard let made = bitmap(parts) else { return XCTFail("no bitmap over a 2M range") }
        let span: Int64 = parts[parts.count - 1] - parts[0]
        XCTAssertEqual(made.byteCount, Int(span / 64 + 1) * 8)
        made.words.withUnsafeBufferPointer { words in
            let (low, high) = (parts[0] - 10, parts[parts.count - 1] + 10)
            let kept: [Int64] = (low...high).filter { (x: Int64) -> Bool in JoinKeyBitmap.contains(x, low: made.low, high: made.high, words: words) }
            XCTAssertEqual(kept, parts)
        }
        XCTAssertNotNil(bitmap([0, 10, (1 << 22) - 1]))
        XCTAssertNil(bitmap([0, 10, 1 << 22]))
        // Wider ranges up to 256 bits a key: Q4's 57K orders over 6M order keys get one, and so
        // do Q12's 311K line items' orders over 60M keys at SF10 (193 bits a key); 1,000 keys
        // over 10M values, 100K keys 300 apart, or any range past 8 MB of bits, do not.
        XCTAssertNotNil(bitmap((0..<57_000).map { Int64($0 * 105) }))
        XCTAssertNotNil(bitmap((0..<200_000).map { Int64($0 * 250) }))
        XCTAssertNil(bitmap((0..<1_000).map { Int64($0 * 10_000) }))
        XCTAssertNil(bitmap((0..<100_000).map { Int64($0 * 300) }))
        XCTAssertNil(bitmap((0..<600_000).map { Int64($0 * 120) }))
    }
}
