// Text and integers tested while they are decoded (Execution/ScanValueTests.swift):
// a LIKE, an equality or an IN list over a column that a Parquet scan's filter
// reads only through it, and that nothing above reads, is answered by the
// reader. Every answer must equal the operator's (late materialisation off
// keeps the filter as a stage, so the operator runs there) on every encoding
// a text or integer column takes, with NULLs, non-ASCII text, escapes, values
// at the ends of int64, page-index selections, partition values and columns
// a file lacks; EXPLAIN ANALYZE says when the reader tested.

import XCTest
import Columnar
@testable import Engine

final class ScanValueTestTests: XCTestCase {
    static let fixtures = LakeFixtureSupport.fixtures()

    private func scanLine(_ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try LakeFixtureSupport.scanLine(s, sql, file: file, line: line)
    }

    /// Column chunks the reader tested, from EXPLAIN ANALYZE (0 when it did not say).
    private func chunksTested(_ s: Session, _ sql: String) throws -> Int {
        let line = try scanLine(s, sql)
        guard let after = line.components(separatedBy: "chunks tested while decoded=").dropFirst().first else { return 0 }
        return Int(after.prefix { $0.isNumber }) ?? -1
    }

    /// The query's rows with the filter in the scan and as a stage, which must agree, on one and two threads.
    private func agreed(_ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[Value]] {
        var first: [[Value]]? = nil
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)").allRows()
            _ = try s.execute("SET lakesql.late_materialization = on").allRows()
            let inScan = try s.execute(sql).allRows()
            _ = try s.execute("SET lakesql.late_materialization = off").allRows()
            let asStage = try s.execute(sql).allRows()
            _ = try s.execute("SET lakesql.late_materialization = on").allRows()
            XCTAssertEqual(inScan, asStage, "\(sql) on \(threads) thread(s)", file: file, line: line)
            if let first { XCTAssertEqual(inScan, first, "\(sql): two threads differ from one", file: file, line: line) }
            first = inScan
        }
        return first ?? []
    }

    /// Each predicate over `$X` (with whether the reader tests `$X`) on `column` of view `f`
    /// (3,000 rows, ids 0–2,999): the scan's answers are the stage's, the predicate keeps some
    /// rows but not all, and EXPLAIN ANALYZE says whether the reader tested.
    private func checkPredicates(_ s: Session, _ predicates: [(String, Bool)], column: String, version: Int,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        for (p, tests) in predicates {
            let predicate = p.replacingOccurrences(of: "$X", with: column)
            let sql = "SELECT count(*), sum(id) FROM f WHERE " + predicate
            let got = try agreed(s, sql, file: file, line: line)
            XCTAssertNotEqual(got, [[.int(0), .null]], "a predicate no row satisfies tests little: \(predicate)", file: file, line: line)
            XCTAssertNotEqual(got, [[.int(3000), .int(4_498_500)]], "a predicate every row satisfies tests little: \(predicate)",
                              file: file, line: line)
            XCTAssertEqual(try chunksTested(s, sql) > 0, tests, "v\(version) \(predicate)", file: file, line: line)
        }
    }

    /// One column of text stored as an overflowing dictionary, PLAIN, DELTA_LENGTH_BYTE_ARRAY
    /// and DELTA_BYTE_ARRAY, in v1 and v2 pages: every LIKE, equality and IN form gives the operator's answers,
    /// and the reader tested the column where the filter reads it only through one test.
    func testAnswersEqualTheOperatorsOnEveryEncoding() throws {
        let s = try Database().connect()
        // (predicate over $X, whether the reader tests $X)
        let predicates: [(String, Bool)] = [
            ("$X LIKE '%@example.com'", true), ("$X NOT LIKE 'user%'", true), ("$X LIKE 'user1%'", true), ("$X LIKE 'user%1%.com'", true),
            ("$X NOT LIKE '%7%'", true), ("$X ILIKE '%@EXAMPLE.com'", true), ("$X NOT ILIKE 'user%'", true),
            ("$X ILIKE 'ärger 1%'", true), ("$X LIKE 'Ärger _0'", true), ("$X LIKE 'a\\%b%'", true),
            ("$X LIKE 'a%b#_3' ESCAPE '#'", true), ("$X LIKE 'a_b_3' ESCAPE ''", true), ("$X LIKE ''", true),
            ("$X LIKE '%'", true), ("NOT ($X LIKE '%1%')", true), ("$X LIKE '%1%' OR id % 10 = 0", true),
            ("($X LIKE '%3') IS NULL", true), ("$X LIKE '%5' AND id > 100 AND $X LIKE '%5'", true),
            ("$X = 'user37@example.com'", true), ("'' = $X", true), ("$X <> ''", true),
            ("$X IN ('a%b_3', 'Ärger 9', 'nope')", true), ("$X NOT IN ('', 'a%b_3')", true),
            ("$X IN ('a%b_3', NULL)", false), ("$X = 'user37@example.com' OR $X LIKE 'x%'", false),
            ("CASE WHEN id % 2 = 0 THEN $X LIKE '%2%' ELSE $X NOT LIKE '%2%' END", false),
            ("$X LIKE 'x%' AND length($X) > 20", false),
        ]
        for version in [1, 2] {
            _ = try s.execute("CREATE OR REPLACE VIEW f AS SELECT * FROM read_parquet('\(Self.fixtures)/strings/encodings-v\(version).parquet')").allRows()
            for column in ["dict", "plain", "dlba", "dba"] {
                try checkPredicates(s, predicates, column: column, version: version)
            }
        }
    }

    /// Dictionaries of 2 to 256 entries (codes of 2, 4 and 8 bits, mapped to answers a byte of
    /// codes at a time) from three writers' files: the answers are the operator's.
    func testSmallDictionariesMapCodesToAnswers() throws {
        let s = try Database().connect()
        let cases: [(file: String, column: String, predicates: [String])] = [
            ("skipping/pages.parquet", "grp", ["$X = 'banana'", "$X IN ('apple', 'date')", "$X <> 'cherry'", "$X LIKE '%a%a%'"]),
            ("dictionary/strings.parquet", "s", ["$X = 'Apple'", "$X IN ('', 'a%b', 'zz')", "$X NOT IN ('APPLE')", "$X ILIKE 'apple'", "$X LIKE 'a\\_b'"]),
            ("skipping/duckdb_bloom.parquet", "city", ["$X = 'north-12'", "$X IN ('north-1', 'north-10', 'south-3')", "$X LIKE '%-1_'"]),
        ]
        for (file, column, predicates) in cases {
            _ = try s.execute("CREATE OR REPLACE VIEW f AS SELECT * FROM read_parquet('\(Self.fixtures)/\(file)')").allRows()
            for p in predicates {
                let sql = "SELECT count(*), sum(id) FROM f WHERE " + p.replacingOccurrences(of: "$X", with: column)
                let got = try agreed(s, sql)
                XCTAssertNotEqual(got.first?.first, .int(0), "\(file): \(sql) keeps rows")
                XCTAssertGreaterThan(try chunksTested(s, sql), 0, "\(file): \(sql)")
            }
        }
    }

    /// The rows a page-index selection leaves are tested page by page; counting alone (no
    /// other column produced) is tested too; a column read above the filter, a column read by
    /// other expressions, and a filter kept as a stage are not tested in the reader.
    func testWhereTheReaderTestsAndWhereNot() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE VIEW f AS SELECT * FROM read_parquet('\(Self.fixtures)/strings/encodings-v1.parquet')").allRows()
        let selective = "SELECT count(*), sum(id) FROM f WHERE id BETWEEN 250 AND 420 AND plain LIKE '%1%'"
        XCTAssertEqual(try agreed(s, selective), try agreed(s, "SELECT count(*), sum(id) FROM f WHERE id BETWEEN 250 AND 420 AND plain || '' LIKE '%1%'"))
        XCTAssertTrue(try scanLine(s, selective).contains("skipped="), "the page index leaves pages out")
        XCTAssertGreaterThan(try chunksTested(s, selective), 0)
        let countOnly = "SELECT count(*) FROM f WHERE dlba LIKE 'user%'"
        XCTAssertEqual(try agreed(s, countOnly), [[.int(Int64((0..<3000).filter { $0 % 17 != 3 && $0 % 7 == 0 }.count))]])
        XCTAssertGreaterThan(try chunksTested(s, countOnly), 0)
        for sql in ["SELECT plain FROM f WHERE plain LIKE 'user1%' ORDER BY id", "SELECT id FROM f WHERE plain LIKE 'user1%' AND plain <> 'user1@example.com' ORDER BY id",
                    "SELECT id FROM f WHERE plain LIKE 'user1%' OR plain LIKE 'user2%' ORDER BY id"] {
            XCTAssertFalse(try agreed(s, sql).isEmpty, sql)
            XCTAssertEqual(try chunksTested(s, sql), 0, sql)
        }
        _ = try s.execute("SET lakesql.late_materialization = off").allRows()
        XCTAssertEqual(try chunksTested(s, "SELECT count(*), sum(id) FROM f WHERE plain LIKE '%1%'"), 0)
    }

    /// A partition value and a column one file of the table lacks are tested where the reader
    /// cannot: the answers are still the operator's.
    func testPartitionValuesAndMissingColumns() throws {
        let s = try Database().connect()
        let hive = "read_parquet('\(Self.fixtures)/hive', hive_partitioning => true)"
        XCTAssertEqual(try agreed(s, "SELECT count(*), sum(v)::bigint FROM \(hive) WHERE region LIKE 'e%'"), [[.int(4), .int(140)]])
        XCTAssertEqual(try agreed(s, "SELECT count(*), sum(v)::bigint FROM \(hive) WHERE region NOT LIKE '%/%'"), [[.int(4), .int(140)]])
        let evolve = "read_parquet('\(Self.fixtures)/evolve')"
        XCTAssertEqual(try agreed(s, "SELECT id FROM \(evolve) WHERE extra LIKE 'p%'"), [[.int(4)]])
        XCTAssertEqual(try agreed(s, "SELECT id FROM \(evolve) WHERE name LIKE '%' ORDER BY id"), [[.int(1)], [.int(2)]])
        XCTAssertEqual(try agreed(s, "SELECT id FROM \(evolve) WHERE (extra LIKE 'z%') IS NULL ORDER BY id"), [[.int(1)], [.int(2)], [.int(3)]])
    }

    /// Integer columns stored as an overflowing INT64 dictionary, PLAIN and DELTA_BINARY_PACKED,
    /// INT32 dictionary-coded and required PLAIN, and INT16, in v1 and v2 pages: `=`, `<>` and
    /// `[NOT] IN` (one, a few and many constants, a constant wider than the column) give the
    /// operator's answers, and the reader tested the column where the filter reads it only so.
    func testIntegerAnswersEqualTheOperatorsOnEveryEncoding() throws {
        let s = try Database().connect()
        for version in [1, 2] {
            _ = try s.execute("CREATE OR REPLACE VIEW f AS SELECT * FROM read_parquet('\(Self.fixtures)/integers/encodings-v\(version).parquet')").allRows()
            for column in ["dict", "plain", "delta", "i32", "req", "i16"] {
                // Constants the column holds (rows 10, 11, 12 and 2,999: both signs, the wide ones too).
                let held = try [10, 11, 12, 2999].map { id -> String in
                    let row = try s.execute("SELECT \(column) FROM f WHERE id = \(id)").allRows()
                    guard case .int(let v)? = row.first?.first else {
                        XCTFail("row \(id) of \(column) is NULL: the constants are taken from rows that hold values")
                        return "0"
                    }
                    return String(v)
                }
                let many = (held + (0..<12).map { String($0 * 97 - 500) }).joined(separator: ", ")
                let predicates: [(String, Bool)] = [
                    ("$X = \(held[0])", true), ("\(held[1]) = $X", true), ("$X <> \(held[2])", true),
                    ("$X IN (\(held[0]), \(held[3]), 17)", true), ("$X NOT IN (\(held[1]), \(held[2]))", true),
                    ("$X IN (\(many))", true), ("$X NOT IN (\(many))", true), ("NOT ($X = \(held[0])) AND id > 5", true),
                    ("($X = \(held[0])) IS NOT TRUE", true), ("$X = \(held[0]) OR id % 10 = 0", true),
                    ("$X IN (\(held[0]), NULL)", false), ("$X = \(held[0]) OR $X = \(held[1])", false),
                    ("$X = \(held[0]) AND $X IS NOT NULL", false),
                ]
                try checkPredicates(s, predicates, column: column, version: version)
                // Constants that equal held values in their low 32 bits only: an INT32 column is
                // widened (the test compares 64 bits), and no value matches; tested all the same.
                let wider = "SELECT count(*), sum(id) FROM f WHERE \(column) IN (\(Int64(held[0])! + (1 << 32)), \(Int64(held[1])! - (1 << 32)))"
                XCTAssertEqual(try agreed(s, wider), [[.int(0), .null]], wider)
                XCTAssertGreaterThan(try chunksTested(s, wider), 0, wider)
                let extreme = "SELECT count(*) FROM f WHERE \(column) = -9000000000000000000"
                XCTAssertEqual(try agreed(s, extreme), [[.int(["dict", "plain", "delta"].contains(column) ? 3 : 0)]], extreme)
            }
        }
    }

    /// Columns whose stored integers or bytes are not their values are never tested as stored:
    /// UINT32 above 2^31 (stored negative), a DECIMAL too wide for numeric (read as text,
    /// stored as a binary integer). Two spellings of one text (composed and decomposed é),
    /// equal as Swift strings but not as bytes, are two tests, not one.
    func testColumnsStoredAsOtherValuesAreTestedOnceRead() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE VIEW f AS SELECT * FROM read_parquet('\(Self.fixtures)/integers/encodings-v1.parquet')").allRows()
        let big = try XCTUnwrap(s.execute("SELECT u32 FROM f WHERE id = 3").allRows().first?.first)
        guard case .int(let u) = big else { return XCTFail("u32 reads as an integer: \(big)") }
        XCTAssertGreaterThan(u, Int64(Int32.max), "row 3's UINT32 is stored as a negative INT32")
        for sql in ["SELECT count(*), sum(id) FROM f WHERE u32 = \(u)", "SELECT count(*), sum(id) FROM f WHERE u32 <> \(u)",
                    "SELECT count(*), sum(id) FROM f WHERE wide = '0.05'", "SELECT count(*), sum(id) FROM f WHERE wide IN ('-0.70', '0.77')"] {
            let got = try agreed(s, sql)
            XCTAssertNotEqual(got.first?.first, .int(0), sql)
            XCTAssertEqual(try chunksTested(s, sql), 0, sql)
        }
        XCTAssertEqual(try agreed(s, "SELECT count(*) FROM f WHERE u32 = \(u)"), [[.int(1)]])
        XCTAssertEqual(try agreed(s, "SELECT count(*) FROM f WHERE wide = '0.05'"), [[.int(60)]])
        _ = try s.execute("CREATE VIEW t AS SELECT * FROM read_parquet('\(Self.fixtures)/strings/encodings-v1.parquet')").allRows()
        let composed = try agreed(s, "SELECT count(*) FROM t WHERE plain = 'Ärger 2'")
        XCTAssertEqual(composed, [[.int(1)]])
        XCTAssertEqual(try agreed(s, "SELECT count(*) FROM t WHERE plain = 'A\u{308}rger 2' OR plain = 'Ärger 2'"), composed)
        XCTAssertEqual(try agreed(s, "SELECT count(*) FROM t WHERE plain = 'A\u{308}rger 2'"), [[.int(0)]])
        // An IN list holding both spellings is a test of its own, not the `=` test of one of them.
        XCTAssertEqual(try agreed(s, "SELECT count(*) FROM t WHERE plain = 'A\u{308}rger 2' OR plain IN ('A\u{308}rger 2', 'Ärger 2')"),
                       composed)
    }
}
