// In-row-group skipping through the table source: page-index row
// selection, dictionary and bloom-filter row-group skipping. Every case
// proves the skipping happened (counts of row groups and pages, never
// timings) and that the rows satisfying the predicates are exactly those of
// a scan without pushdown (assertPushdownKeepsResults).

import Columnar
import Lake
import Planner
import XCTest

final class ParquetSkippingTests: XCTestCase {
    func source(_ rel: String) throws -> ParquetTableSource {
        try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/" + rel, hivePartitioning: true))
    }

    // pages.parquet: 2 row groups × 10 pages of 50 rows, 8 columns, page index written.
    // id 0…999 ascending, down descending, u = 3e9 + id (uint32), dec = id × 1.25,
    // s = 'k%04d', maybe NULL for the first 200 rows, f = id / 2 with NaN at row 510,
    // grp dictionary-encoded: {apple, cherry} in row group 0, {banana, date} in row group 1.

    func testPageIndexReadsOnlyMatchingPages() throws {
        let t = try source("skipping/pages.parquet")
        XCTAssertEqual(t.fields.map(\.name), ["id", "down", "u", "dec", "s", "maybe", "f", "grp"])
        let columns = t.fields.count
        func check(_ p: [ScanPredicate], pages: Int, skippedGroups: Int = 1, _ line: UInt = #line) throws {
            let st = try assertPushdownKeepsResults(t, p, line: line)
            XCTAssertEqual(st.pagesScanned, pages * columns, "\(p)", line: line)
            XCTAssertEqual(st.pagesScanned + st.pagesSkipped, (2 - skippedGroups) * 10 * columns, "\(p)", line: line)
            XCTAssertEqual(st.rowGroupsSkipped, skippedGroups, "\(p)", line: line)
            // The same predicates without the page index read every page of the surviving row groups.
            let without = try assertPushdownKeepsResults(t, p, allowed: [.partitions, .statistics], line: line)
            XCTAssertEqual(without.pagesSkipped, 0, line: line)
        }
        try check([.compare(column: 0, op: .eq, value: .int(123))], pages: 1)
        try check([.inList(column: 0, values: [.int(5), .int(777)])], pages: 2, skippedGroups: 0)
        try check([.compare(column: 0, op: .ge, value: .int(100)), .compare(column: 1, op: .ge, value: .int(850))], pages: 1)
        try check([.compare(column: 1, op: .lt, value: .int(20))], pages: 1)                     // descending pages
        try check([.compare(column: 2, op: .gt, value: .int(3_000_000_990))], pages: 1)         // unsigned order
        try check([.compare(column: 3, op: .le, value: .decimal(6250))], pages: 2)               // ≤ 62.50: rows 0…50
        try check([.compare(column: 4, op: .ge, value: .string("k0990"))], pages: 1)             // strings
        try check([.isNull(column: 5, negated: false)], pages: 4)                                 // null pages
        try check([.isNull(column: 5, negated: true)], pages: 16, skippedGroups: 0)
        try check([.compare(column: 6, op: .lt, value: .double(3))], pages: 1)
        // NaN literals and `>` on floats never skip (NaN sorts above every number).
        try check([.compare(column: 6, op: .eq, value: .double(.nan))], pages: 20, skippedGroups: 0)
        try check([.compare(column: 6, op: .gt, value: .double(499))], pages: 20, skippedGroups: 0)
    }

    func testPageIndexAloneSkipsWholeRowGroups() throws {
        let t = try source("skipping/pages.parquet")
        let st = try assertPushdownKeepsResults(t, [.compare(column: 0, op: .eq, value: .int(123))], allowed: [.pageIndex])
        XCTAssertEqual(st.rowGroupsSkippedByStatistics, 0)
        XCTAssertEqual(st.rowGroupsSkippedByPageIndex, 1)
        XCTAssertEqual(st.rowGroupsScanned, 1)
        XCTAssertEqual(st.pagesScanned, 8)
        XCTAssertEqual(st.pagesSkipped, 9 * 8 + 10 * 8)
    }

    func testDictionarySkipsRowGroupsMinMaxCannot() throws {
        let t = try source("skipping/pages.parquet")
        for p: ScanPredicate in [.compare(column: 7, op: .eq, value: .string("banana")),
                                 .inList(column: 7, values: [.string("banana"), .string("coconut")])] {
            let st = try assertPushdownKeepsResults(t, [p])
            XCTAssertEqual(st.rowGroupsSkippedByStatistics, 0, "banana lies between apple and cherry")
            XCTAssertEqual(st.rowGroupsSkippedByDictionary, 1, "\(p)")
            XCTAssertEqual(st.rowGroupsScanned, 1)
            let without = try assertPushdownKeepsResults(t, [p], allowed: [.statistics, .pageIndex, .bloomFilter])
            XCTAssertEqual(without.rowGroupsSkipped, 0)
        }
        // Range predicates too: in stats/data.parquet no value of row groups 0–2 exceeds 100, and the NaN of
        // row group 3 does (PostgreSQL orders NaN above every number), which min/max cannot tell.
        let stats = try source("stats/data.parquet")
        let st = try assertPushdownKeepsResults(stats, [.compare(column: 2, op: .gt, value: .double(100))])
        XCTAssertEqual(st.rowGroupsSkippedByDictionary, 3)
        XCTAssertEqual(st.rowGroupsScanned, 1)
    }

    // bloom.parquet: 2 row groups, no dictionary; row group 0 holds the even keys, row group 1 the odd
    // ones, so min/max ranges overlap and only the bloom filters tell them apart.
    func bloomValues(_ k: Int64) -> [Value] {
        let epoch = Int64(Calendar.days(year: 2024, month: 1, day: 1)) * 86_400_000_000
        return [.int(k), .int(k * 1_000_000_007), .int(4_000_000_000 + k), .double(Double(k) * 0.25), .double(Double(k) * 0.5),
                .string("key-\(k)"), .bytes([0x00, 0xFF, UInt8(k & 0xFF), UInt8(k >> 8)]), .decimal(Int128(k)),
                .int(Int64(Calendar.days(year: 2020, month: 1, day: 1)) + k), .int(epoch + k * 1_000_000), .int(epoch + k * 1000)]
    }

    func testBloomFiltersSkipRowGroupsForEveryType() throws {
        let t = try source("skipping/bloom.parquet")
        XCTAssertEqual(t.fields.count, 11)
        for (k, absentFrom) in [(Int64(500), 1), (Int64(501), 0)] {
            for (c, v) in bloomValues(k).enumerated() {
                let p: [ScanPredicate] = [.compare(column: c, op: .eq, value: v)]
                let st = try assertPushdownKeepsResults(t, p)
                XCTAssertEqual(st.rowGroupsSkippedByBloomFilter, 1, "\(t.fields[c].name) = \(v) is only in row group \(1 - absentFrom)")
                XCTAssertEqual(st.rowGroupsSkipped, 1)
                XCTAssertEqual(try scan(t, predicates: p).rows.filter { holds(p[0], $0) }.count, 1)
                let withoutBloom = try assertPushdownKeepsResults(t, p, allowed: [.partitions, .statistics, .pageIndex, .dictionary])
                XCTAssertEqual(withoutBloom.rowGroupsSkipped, 0, "\(t.fields[c].name): min/max cannot tell")
            }
        }
        let both = try assertPushdownKeepsResults(t, [.inList(column: 0, values: [.int(500), .int(502)])])
        XCTAssertEqual(both.rowGroupsSkippedByBloomFilter, 1)
        let mixed = try assertPushdownKeepsResults(t, [.inList(column: 0, values: [.int(500), .int(501)])])
        XCTAssertEqual(mixed.rowGroupsSkipped, 0)
        // -0.0 (row group 1) equals 0.0 (row group 0): both encodings are probed.
        let zero = try assertPushdownKeepsResults(t, [.compare(column: 4, op: .eq, value: .double(0))])
        XCTAssertEqual(zero.rowGroupsSkipped, 0)
        XCTAssertEqual(try scan(t, predicates: [.compare(column: 4, op: .eq, value: .double(0))]).rows
            .filter { holds(.compare(column: 4, op: .eq, value: .double(0)), $0) }.count, 2)
    }

    func testDuckDBBloomFiltersAndDictionaries() throws {
        // duckdb_bloom.parquet: city 'north-0'…'north-96' in row group 0, 'south-0'…'south-88' in row group 1.
        let t = try source("skipping/duckdb_bloom.parquet")
        let absent: ScanPredicate = .compare(column: 1, op: .eq, value: .string("north-5a"))
        let st = try assertPushdownKeepsResults(t, [absent])
        XCTAssertEqual(st.rowGroupsSkippedByStatistics, 1)
        XCTAssertEqual(st.rowGroupsSkippedByBloomFilter, 1)
        let dictionaryOnly = try assertPushdownKeepsResults(t, [absent], allowed: [.statistics, .dictionary])
        XCTAssertEqual(dictionaryOnly.rowGroupsSkippedByDictionary, 1)
        let list = try assertPushdownKeepsResults(t, [.inList(column: 1, values: [.string("north-5a"), .string("south-5a")])])
        XCTAssertEqual(list.rowGroupsSkippedByBloomFilter, 2)
        let present = try assertPushdownKeepsResults(t, [.inList(column: 1, values: [.string("north-5a"), .string("south-50")])])
        XCTAssertEqual(present.rowGroupsSkippedByBloomFilter, 1)
        XCTAssertEqual(present.rowGroupsScanned, 1)
    }

    func testSkippingSettingParses() {
        XCTAssertEqual(ScanSkipping.parse("on"), .all)
        XCTAssertEqual(ScanSkipping.parse("OFF"), [])
        XCTAssertEqual(ScanSkipping.parse("stats, bloom"), [.statistics, .bloomFilter])
        XCTAssertNil(ScanSkipping.parse("stats, zonemaps"))
    }
}
