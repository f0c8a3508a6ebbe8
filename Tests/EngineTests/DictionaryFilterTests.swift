// Expressions over dictionary-encoded columns evaluated once per dictionary
// entry (Execution/DictionaryEvaluation.swift): the answers must equal the
// row-by-row path's (same file, same values stored without a dictionary),
// the expression must really run on the entries and not on the rows, an
// error on an entry no row holds must not surface, and masks and row
// policies must see exactly what they saw before.

import XCTest
import Columnar
import Planner
@testable import Execution
@testable import Engine

final class DictionaryFilterTests: XCTestCase {
    static let lake: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Fixtures/lake-tests/dictionary"
    }()
    static let file = lake + "/strings.parquet"

    private func rows(_ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[Value]] {
        try s.execute(sql).allRows()
    }

    /// Column `s` is dictionary-encoded, `plain` holds the same values without a dictionary.
    func testDictionaryAndPlainColumnsGiveTheSameAnswers() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE VIEW f AS SELECT * FROM read_parquet('\(Self.file)')").allRows()
        let predicates = [
            "X = 'apple'", "X <> 'apple'", "X = ''", "X IN ('apple', 'b')", "X NOT IN ('apple', 'zeta')",
            "X LIKE 'a%'", "X LIKE 'a\\%b'", "X LIKE 'a\\_b'", "X LIKE 'a_b'", "X LIKE 'a#%b' ESCAPE '#'",
            "X ILIKE 'APPLE%'", "X NOT ILIKE 'apple'", "X < 'a'", "X > 'zeta'", "X >= 'Apple' AND X < 'b'",
            "starts_with(X, 'ap')", "lower(X) = 'ärger'", "upper(X) = 'APPLE'", "length(X) < 2", "X ~ '^a.b$'",
            "X IS NULL", "X IS NOT DISTINCT FROM NULL", "coalesce(X, '?') = '?'", "(X = 'b') IS NULL",
            "CASE WHEN X IS NULL THEN true WHEN X LIKE 'b%' THEN NULL ELSE false END",
            "NOT (X = 'b' OR X = 'ab')",
        ]
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)").allRows()
            for p in predicates {
                let onDictionary = try rows(s, "SELECT count(*), sum(id) FROM f WHERE " + p.replacingOccurrences(of: "X", with: "s"))
                let onPlain = try rows(s, "SELECT count(*), sum(id) FROM f WHERE " + p.replacingOccurrences(of: "X", with: "plain"))
                XCTAssertEqual(onDictionary, onPlain, p)
                XCTAssertNotEqual(onDictionary, [[.int(0), .null]], "a predicate no row satisfies tests little: \(p)")
            }
            // Non-boolean results keep the codes; grouping by them merges entries by value.
            XCTAssertEqual(try rows(s, "SELECT lower(s), count(*), sum(id) FROM f GROUP BY 1 ORDER BY 1"),
                           try rows(s, "SELECT lower(plain), count(*), sum(id) FROM f GROUP BY 1 ORDER BY 1"))
            XCTAssertEqual(try rows(s, "SELECT id, s || '!' FROM f WHERE id % 97 = 0 ORDER BY id"),
                           try rows(s, "SELECT id, plain || '!' FROM f WHERE id % 97 = 0 ORDER BY id"))
        }
    }

    private func dictionaryBatch(_ words: [String], codes: [Int32], nullEvery: Int?) -> Batch {
        let values = Vector.from(words.map { .string($0) }, type: .text)
        var validity: ContiguousArray<Bool>? = nil
        if let nullEvery {
            validity = ContiguousArray((0..<codes.count).map { $0 % nullEvery != 0 })
        }
        let v = Vector(type: .text, count: codes.count, storage: .dictionary(indices: ContiguousArray(codes), values: values), validity: validity)
        return Batch(columns: [Vector.nulls(type: .int64, count: codes.count), v], count: codes.count)
    }

    /// The wrapped evaluator sees the dictionary (3 rows) and one NULL row, never the 2048 rows.
    func testExpressionRunsOncePerEntry() throws {
        let codes = (0..<2048).map { Int32($0 % 3) }
        let batch = dictionaryBatch(["a", "bb", "ccc"], codes: codes, nullEvery: 5)
        let seen = Counts()
        let direct: Evaluator = { b in
            seen.record(b.count)
            let v = b.columns[1]
            return Vector.from((0..<b.count).map { v.isNull($0) ? .null : .bool(v.value(at: $0) == .string("bb")) }, type: .boolean)
        }
        let wrapped = DictionaryEvaluation(column: 1, columnType: .text, direct: direct).evaluator
        let first = try wrapped(batch), second = try wrapped(batch)
        XCTAssertEqual(seen.sizes, [3, 1], "one pass over the entries, one for NULL; the second batch hits the cache")
        for out in [first, second] {
            XCTAssertEqual(out.count, 2048)
            for i in 0..<2048 {
                XCTAssertEqual(out.value(at: i), i % 5 == 0 ? .null : .bool(i % 3 == 1), "row \(i)")
            }
        }
    }

    /// An entry no row holds makes the expression fail: the batch takes the row path, without error.
    func testErrorOnAnUnreferencedEntryFallsBackToRows() throws {
        let batch = dictionaryBatch(["ok", "boom", "fine"], codes: (0..<100).map { Int32($0 % 2 == 0 ? 0 : 2) }, nullEvery: nil)
        let seen = Counts()
        let direct: Evaluator = { b in
            seen.record(b.count)
            let v = b.columns[1]
            return try Vector.from((0..<b.count).map { i -> Value in
                if v.value(at: i) == .string("boom") { throw SQLError(SQLState.divisionByZero, "division by zero") }
                return .bool(v.value(at: i) == .string("ok"))
            }, type: .boolean)
        }
        let out = try DictionaryEvaluation(column: 1, columnType: .text, direct: direct).evaluator(batch)
        XCTAssertEqual(seen.sizes, [3, 100])
        XCTAssertEqual((0..<100).map { out.value(at: $0) }, (0..<100).map { .bool($0 % 2 == 0) })
        // A row that does hold the failing value still raises the error.
        let bad = dictionaryBatch(["ok", "boom"], codes: [0, 1, 0], nullEvery: nil)
        XCTAssertThrowsError(try DictionaryEvaluation(column: 1, columnType: .text, direct: direct).evaluator(bad))
    }

    /// Only single-column, deterministic expressions qualify.
    func testEligibility() throws {
        let col = BoundExpr.column(0, .text), other = BoundExpr.column(1, .text)
        XCTAssertNil(DictionaryEvaluation.singleColumn(of: col), "a bare column is already what it is")
        XCTAssertEqual(DictionaryEvaluation.singleColumn(of: .isNull(col, negated: false))?.0, 0)
        XCTAssertNil(DictionaryEvaluation.singleColumn(of: .coalesce([col, other], .text)))
        XCTAssertNil(DictionaryEvaluation.singleColumn(of: .literal(.int(1), .int64)))
        XCTAssertNil(DictionaryEvaluation.singleColumn(of: .coalesce([col, .outerColumn(level: 0, index: 0, .text)], .text)))
    }

    /// Masks are computed above the policy barrier; a filter on a masked column compares masked
    /// values, and a row policy's hidden rows (whose values are still dictionary entries) raise nothing.
    func testMasksAndRowPoliciesStillApply() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lakesql-dictionary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/dictionary", withDestinationPath: Self.lake)
        let s = try Database(options: .init(lakePath: dir.path)).connect()
        let apples = try rows(s, "SELECT count(*) FROM dictionary WHERE s = 'apple'")
        let applesauces = try rows(s, "SELECT count(*) FROM dictionary WHERE s LIKE 'app%' AND s <> 'apple'")
        let a = TestAccess()
        a.mask("dictionary", "s", "CASE WHEN val = 'apple' THEN 'masked' ELSE val END")
        a.policy("dictionary", "no_zeta", "s IS DISTINCT FROM 'zeta'")
        s.accessControl = a
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM dictionary WHERE s = 'apple'"), [[.int(0)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM dictionary WHERE s = 'masked'"), apples)
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM dictionary WHERE s LIKE 'app%'"), applesauces)
        XCTAssertNotEqual(apples, [[.int(0)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM dictionary WHERE s = 'zeta'"), [[.int(0)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM dictionary WHERE s IN ('zeta', 'ab')"),
                       try rows(s, "SELECT count(*) FROM dictionary WHERE s = 'ab'"))
        // 'zeta' is in every dictionary but on no visible row: dividing by zero on it must not happen.
        let visible = try rows(s, "SELECT count(*) FROM dictionary")
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM dictionary WHERE CASE WHEN s = 'zeta' THEN 1 / 0 ELSE 1 END = 1"), visible)
        let shown = show(s, "SELECT s FROM dictionary WHERE CAST(s AS integer) = 1")
        XCTAssertNotNil(shown.error)
        XCTAssertFalse(shown.error?.message.contains("zeta") ?? true, shown.error?.message ?? "")
    }
}

/// Batch sizes an evaluator was called with (tests run it on one thread).
private final class Counts: @unchecked Sendable {
    var sizes: [Int] = []
    func record(_ n: Int) { sizes.append(n) }
}
