// ParquetTableSource: Hive partition columns and their types, schema
// evolution and widening, and every kind of skipping proven by
// ScanStatistics counts with results unchanged against no pushdown.

import Columnar
import Lake
import Planner
import XCTest

final class ParquetTableSourceTests: XCTestCase {
    func source(_ rel: String, hive: Bool = true) throws -> ParquetTableSource {
        let files = try LakeTableFunctions.resolve(LakeFixtures.tests + "/" + rel, hivePartitioning: hive)
        return try ParquetTableSource(files: files.map { var f = $0; if !hive { f.partitions = [] }; return f })
    }

    func testHivePartitionColumnsAreTypedDecodedAndNullable() throws {
        let catalog = try LakeCatalog(root: LakeFixtures.tests)
        guard case .table(let t)? = try catalog.lookup(schema: nil, name: "hive") else { return XCTFail("no hive table") }
        XCTAssertEqual(t.fields.map(\.name), ["v", "k", "region"])
        XCTAssertEqual(t.fields.map(\.type), [.int64, .int64, .text])
        let rows = try scan(t).rows
        XCTAssertEqual(rows.count, 8)
        XCTAssertTrue(rows.contains([.int(99), .null, .string("a/b")]))
        XCTAssertTrue(rows.contains([.int(10), .int(1), .string("eu")]))
        XCTAssertEqual(rows.filter { $0[1].isNull }.count, 2)
    }

    func testPartitionTypeInference() {
        XCTAssertEqual(HivePartitions.inferType(["2026-11-01", nil, "2026-11-02"]), .date)
        XCTAssertEqual(HivePartitions.inferType(["1", "-20"]), .int64)
        XCTAssertEqual(HivePartitions.inferType(["1", "x"]), .text)
        XCTAssertEqual(HivePartitions.inferType(["2026-02-30"]), .text)
        XCTAssertEqual(HivePartitions.parse(folder: "a%20b=c%3Dd"), HivePartitionValue(key: "a b", value: "c=d"))
        XCTAssertNil(HivePartitions.parse(folder: "plain"))
        XCTAssertEqual(HivePartitions.value("2026-11-03", type: .date), days(2026, 11, 3))
    }

    func testDemoEventsDatePartitionPruning() throws {
        let catalog = try LakeCatalog(root: LakeFixtures.demo)
        guard case .table(let events)? = try catalog.lookup(schema: nil, name: "events") else { return XCTFail("no events") }
        let dt = events.fields.count - 1
        XCTAssertEqual(events.fields[dt].name, "dt")
        XCTAssertEqual(events.fields[dt].type, .date)
        let (rows, stats) = try scan(events, columns: [dt], predicates: [.compare(column: dt, op: .eq, value: days(2026, 11, 3))])
        XCTAssertEqual(stats.filesScanned, 1)
        XCTAssertEqual(stats.filesSkipped, 13)
        XCTAssertEqual(rows.count, 6774)
        XCTAssertTrue(rows.allSatisfy { $0 == [days(2026, 11, 3)] })
        let all = try scan(events, columns: [dt]).rows
        XCTAssertEqual(all.count, 106_650)
        XCTAssertEqual(all.filter { $0 == [days(2026, 11, 3)] }.count, 6774)

        let range = try assertPushdownKeepsResults(events, [.compare(column: dt, op: .ge, value: days(2026, 11, 13)),
                                                            .inList(column: 0, values: [.int(1), .int(106_650)])])
        XCTAssertEqual(range.filesScanned, 1, "only the last partition can hold event 106650 on or after the 13th")
    }

    func testDemoOrdersRowGroupSkippingByTimestamp() throws {
        let catalog = try LakeCatalog(root: LakeFixtures.demo)
        guard case .table(let orders)? = try catalog.lookup(schema: "lake", name: "orders") else { return XCTFail("no orders") }
        guard let ts = orders.fields.firstIndex(where: { $0.name == "order_ts" }) else { return XCTFail("no order_ts") }
        let cut = try ValueText.parseTimestamp("2026-10-01 00:00:00", withZone: false, sessionOffset: 0)
        let st = try assertPushdownKeepsResults(orders, [.compare(column: ts, op: .ge, value: .int(cut))])
        XCTAssertEqual(st.rowGroupsScanned, 1)
        XCTAssertEqual(st.rowGroupsSkipped, 1)
    }

    func testSchemaEvolutionUnionByNameWithWidening() throws {
        let t = try source("evolve")
        XCTAssertEqual(t.fields.map(\.name), ["id", "x", "name", "extra"])
        XCTAssertEqual(t.fields.map(\.type), [.int64, .float64, .text, .text])
        let rows: [[Value]] = try scan(t).rows.sorted { (a: [Value], b: [Value]) in "\(a[0])" < "\(b[0])" }
        XCTAssertEqual(rows, [[Value]]([
            [.int(1), .double(1.5), .string("a"), .null],
            [.int(2), .double(2.5), .string("b"), .null],
            [.int(3), .double(3.5), .null, .null],
            [.int(4), .double(4.25), .null, .string("p")],
            [.int(5), .double(5.25), .null, .string("q")],
        ]))
        // Projection of a column only one file has.
        XCTAssertEqual(try scan(t, columns: [3]).rows.compactMap { $0[0].isNull ? nil : $0[0] }, [.string("p"), .string("q")])
        // A missing column is all NULL: IS NOT NULL skips the file without it, = skips it too.
        let st = try assertPushdownKeepsResults(t, [.isNull(column: 3, negated: true)])
        XCTAssertEqual(st.filesSkipped, 1)
        XCTAssertEqual(try assertPushdownKeepsResults(t, [.compare(column: 3, op: .eq, value: .string("p"))]).filesScanned, 1)
    }

    func testIntegerAndDoubleWidenToDouble() throws {
        let t = try source("widen")
        XCTAssertEqual(t.fields.map(\.type), [.float64])
        let values: [Value] = try scan(t).rows.map { $0[0] }
        XCTAssertEqual(Set(values), Set<Value>([.double(1), .double(2), .double(2.5)]))
        XCTAssertEqual(values.count, 3)
        let st = try assertPushdownKeepsResults(t, [.compare(column: 0, op: .lt, value: .double(2.0))])
        XCTAssertEqual(st.filesScanned, 1)
        XCTAssertEqual(st.filesSkipped, 1)
    }

    func testIncompatibleTypesNameColumnAndFiles() {
        assertSQLError("42804", contains: ["\"k\"", "e.parquet", "f.parquet"]) { _ = try self.source("clash") }
    }

    func testRowGroupSkippingByMinMaxAndNullCounts() throws {
        let t = try source("stats/data.parquet")
        XCTAssertEqual(t.fields.map(\.name), ["n", "s", "f", "z"])
        func check(_ p: [ScanPredicate], scanned: Int, _ line: UInt = #line) throws {
            // Min/max statistics alone (the dictionary would skip more: see ParquetSkippingTests).
            let st = try assertPushdownKeepsResults(t, p, allowed: .statistics, line: line)
            XCTAssertEqual(st.rowGroupsScanned, scanned, "\(p)", line: line)
            XCTAssertEqual(st.rowGroupsSkippedByStatistics, 4 - scanned, "\(p)", line: line)
            XCTAssertEqual(st.rowGroupsScanned + st.rowGroupsSkipped, 4, line: line)
        }
        try check([.compare(column: 0, op: .eq, value: .int(25))], scanned: 1)
        try check([.compare(column: 0, op: .lt, value: .int(10))], scanned: 1)
        try check([.compare(column: 0, op: .le, value: .int(10))], scanned: 2)
        try check([.compare(column: 0, op: .gt, value: .int(29))], scanned: 1)
        try check([.compare(column: 0, op: .ge, value: .int(40))], scanned: 0)
        try check([.inList(column: 0, values: [.int(5), .int(35)])], scanned: 2)
        try check([.compare(column: 1, op: .ge, value: .string("s30"))], scanned: 1)
        try check([.compare(column: 1, op: .eq, value: .string("s1"))], scanned: 0)
        try check([.compare(column: 1, op: .eq, value: .string("s15"))], scanned: 1)
        try check([.isNull(column: 3, negated: false)], scanned: 1)
        try check([.isNull(column: 3, negated: true)], scanned: 3)
        try check([.compare(column: 3, op: .lt, value: .int(100))], scanned: 3)
        // Floats: the NaN in row group 3 is not in its min/max, and NaN > 100 in PostgreSQL: no skipping on >.
        try check([.compare(column: 2, op: .gt, value: .double(100))], scanned: 4)
        try check([.compare(column: 2, op: .lt, value: .double(5))], scanned: 1)
        try check([.compare(column: 2, op: .eq, value: .double(.nan))], scanned: 4)
        // Values of another kind than the column's are never used to skip.
        try check([.compare(column: 0, op: .eq, value: .string("25"))], scanned: 4)
        // The file-level count: everything skipped means the file is skipped.
        let none = try scan(t, predicates: [.compare(column: 0, op: .gt, value: .int(1000))]).stats
        XCTAssertEqual(none.filesSkipped, 1)
        XCTAssertEqual(none.filesScanned, 0)
    }

    func testMissingStatisticsSkipNothing() throws {
        let t = try source("nostats/data.parquet")
        let st = try assertPushdownKeepsResults(t, [.compare(column: 0, op: .eq, value: .int(25))], allowed: .statistics)
        XCTAssertEqual(st.rowGroupsScanned, 4)
        // Without statistics the dictionaries of the (dictionary-encoded) chunks still tell.
        let withDictionary = try assertPushdownKeepsResults(t, [.compare(column: 0, op: .eq, value: .int(25))])
        XCTAssertEqual(withDictionary.rowGroupsScanned, 1)
        XCTAssertEqual(withDictionary.rowGroupsSkippedByDictionary, 3)
    }

    func testBytesReadCountOnlyRequestedColumns() throws {
        let t = try source("stats/data.parquet")
        let one = try scan(t, columns: [0]).stats.bytesRead
        let all = try scan(t).stats.bytesRead
        XCTAssertGreaterThan(one, 0)
        XCTAssertLessThan(one, all)
        XCTAssertEqual(try scan(t, columns: []).stats.bytesRead, 0)
        XCTAssertEqual(t.estimatedRowCount, 40)
    }

    func testFooterCacheReusesParsedFooters() throws {
        let cache = ParquetFooterCache(capacity: 4)
        let files = try LakeTableFunctions.resolve(LakeFixtures.tests + "/evolve", hivePartitioning: true)
        _ = try ParquetTableSource(files: files, cache: cache)
        XCTAssertEqual(cache.misses, 2)
        _ = try ParquetTableSource(files: files, cache: cache)
        XCTAssertEqual(cache.misses, 2)
        var changed = files
        changed[0].modified += 1
        _ = try ParquetTableSource(files: changed, cache: cache)
        XCTAssertEqual(cache.misses, 3, "a new modification time is a new key")
    }

    func testPruningCompareIsConservative() {
        XCTAssertNil(ScanPruning.compare(.int(1), .string("1")))
        XCTAssertEqual(ScanPruning.compare(.string("é"), .string("z")), 1, "UTF-8 byte order")
        XCTAssertEqual(ScanPruning.compare(.int(2), .double(2.5)), -1)
        XCTAssertFalse(ScanPruning.cannotMatch(.compare(column: 0, op: .eq, value: .int(5)),
                                               stats: ChunkStatistics(min: nil, max: nil, nullCount: nil, rowCount: 10), type: .int64))
    }

    func testNanosecondTimesAreFlooredToMicrosecondsAtEveryMagnitude() throws {
        // LakeSQL's timestamp and time are µs (PostgreSQL's resolution): nanoseconds are floored, even at the ends of int64.
        let t = try source("nanos/extremes.parquet")
        XCTAssertEqual(t.fields.map(\.type), [.timestamp, .timestamptz, .time])
        let rows = try scan(t).rows
        XCTAssertEqual(rows.map { $0[0] }, [.int(-9_223_372_036_854_776), .int(-9_223_372_036_854_776), .int(-1), .int(0), .int(1),
                                            .int(9_223_372_036_854_775), .null])
        XCTAssertEqual(rows.map { $0[1] }, [.int(-9_223_372_036_854_776), .int(-2), .int(-1), .int(0), .int(1), .int(9_223_372_036_854_775), .null])
        XCTAssertEqual(rows.map { $0[2] }, [.int(0), .int(0), .int(1), .int(1), .int(86_399_999_999), .null, .int(0)])
        // Statistics are floored the same way, so skipping agrees with the values read.
        try assertPushdownKeepsResults(t, [.compare(column: 0, op: .eq, value: .int(1))])
        try assertPushdownKeepsResults(t, [.compare(column: 1, op: .lt, value: .int(-1))])
        try assertPushdownKeepsResults(t, [.compare(column: 2, op: .ge, value: .int(86_399_999_999))])
    }
}
