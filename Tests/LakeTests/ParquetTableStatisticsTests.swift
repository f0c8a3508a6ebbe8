// Statistics a Parquet table gives the join-ordering planner
// (ParquetTableStatistics.swift): range fractions from row-group min/max,
// distinct counts from dictionaries, min…max widths and partition values.

import Columnar
import Formats
@testable import Lake
import Planner
import XCTest

final class ParquetTableStatisticsTests: XCTestCase {
    func source(_ rel: String) throws -> ParquetTableSource {
        try ParquetTableSource(files: LakeTableFunctions.resolve(LakeFixtures.tests + "/" + rel, hivePartitioning: true))
    }

    /// skipping/pages.parquet: id 0…999 in two row groups of 500 (0…499, 500…999).
    func testRangeFractionComesFromEachRowGroupsMinMax() throws {
        let t = try source("skipping/pages.parquet")
        func fraction(_ p: [ScanPredicate]) -> Double? { t.fraction(column: 0, satisfying: p) }
        XCTAssertEqual(try XCTUnwrap(fraction([.compare(column: 0, op: .lt, value: .int(250))])), 0.25, accuracy: 1e-9)
        // Row group 0 is ruled out; half of row group 1's range remains.
        XCTAssertEqual(try XCTUnwrap(fraction([.compare(column: 0, op: .ge, value: .int(500)), .compare(column: 0, op: .lt, value: .int(750))])),
                       0.25, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(fraction([.compare(column: 0, op: .gt, value: .int(998))])), 0.001, accuracy: 1e-9)
        XCTAssertEqual(fraction([.compare(column: 0, op: .gt, value: .int(5_000))]), 0)
        // Contradictory bounds keep nothing.
        XCTAssertEqual(fraction([.compare(column: 0, op: .gt, value: .int(600)), .compare(column: 0, op: .lt, value: .int(550))]), 0)
        // Decimals (dec = 1.25·id, scale 2: mantissas 0…124875) interpolate on their mantissas.
        XCTAssertEqual(try XCTUnwrap(t.fraction(column: 3, satisfying: [.compare(column: 3, op: .le, value: .decimal(31_150))])),
                       250.0 / 1000, accuracy: 0.01)
        // Strings are not interpolated, and a predicate on another column is not this column's range.
        XCTAssertNil(t.fraction(column: 4, satisfying: [.compare(column: 4, op: .lt, value: .string("k0250"))]))
        XCTAssertNil(t.fraction(column: 0, satisfying: [.compare(column: 1, op: .lt, value: .int(3))]))
        XCTAssertNil(t.fraction(column: 0, satisfying: []))
    }

    func testRangeFractionOfAPartitionColumnCountsTheRowsOfMatchingFiles() throws {
        let t = try source("hive")
        guard let k = t.fields.firstIndex(where: { $0.name == "k" }) else { return XCTFail("no partition column k") }
        // k=1 holds 4 of the 8 rows, k=2 two, the NULL partition two (which no comparison keeps).
        XCTAssertEqual(try XCTUnwrap(t.fraction(column: k, satisfying: [.compare(column: k, op: .le, value: .int(1))])), 4.0 / 8, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(t.fraction(column: k, satisfying: [.compare(column: k, op: .gt, value: .int(1))])), 2.0 / 8, accuracy: 1e-9)
    }

    /// dictionary/strings.parquet: 15 words in four row groups, each dictionary missing one word.
    func testDistinctCountOfStringsIsTheUnionOfTheDictionaries() throws {
        let t = try source("dictionary/strings.parquet")
        XCTAssertEqual(t.distinctCount(column: 1), 15, "the union, not the sum (56) of the four dictionaries")
        XCTAssertNil(t.distinctCount(column: 2), "stored PLAIN: no dictionary, and strings have no min…max width")
        XCTAssertEqual(t.distinctCount(column: 0), 5_000)
        let pages = try source("skipping/pages.parquet")
        XCTAssertEqual(pages.distinctCount(column: 7), 4)
    }

    func testDistinctCountOfIntegersIsCappedByTheRowCount() throws {
        // u = 3,000,000,000 + id: width 1000; maybe: 200 NULLs then 200…999 (width 800).
        let t = try source("skipping/pages.parquet")
        XCTAssertEqual(t.distinctCount(column: 2), 1_000)
        XCTAssertEqual(t.distinctCount(column: 5), 800)
        let hive = try source("hive")
        guard let k = hive.fields.firstIndex(where: { $0.name == "k" }) else { return XCTFail("no partition column k") }
        XCTAssertEqual(hive.distinctCount(column: k), 2, "1 and 2; NULL is not a value")
    }

    func testDictionaryCountsCombineBySumWhenRangesAreDisjointAndByNewShareOtherwise() {
        // Sorted key: no value in two chunks.
        XCTAssertEqual(ParquetTableSource.combine([(100, 400, .int(1), .int(400)), (100, 400, .int(401), .int(800))]), 200)
        // A low-cardinality column repeated in every chunk: each chunk shows 150 values in 200k rows.
        let repeated = ParquetTableSource.combine([(150, 200_000, .string("A"), .string("Z")), (150, 200_000, .string("A"), .string("Z"))])
        XCTAssertEqual(repeated, 150, accuracy: 0.2)
        // Unique values in overlapping ranges: every chunk's values are new.
        XCTAssertEqual(ParquetTableSource.combine([(500, 500, .int(1), .int(1_000)), (500, 500, .int(2), .int(999))]), 1_000)
    }
}
