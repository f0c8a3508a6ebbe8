// Semi and anti joins that build on their small left input and stream the
// right rows past it (HashJoinOperator, SemiJoinReversed), against the same
// joins read right-first (`lakesql.semi_join_left_first_rows = 0`) and
// against answers computed here from the rows inserted: NULL keys,
// duplicate keys on both sides, empty inputs, text and two-column keys,
// residual conditions.

import Columnar
import Engine
import Foundation
import XCTest

final class SemiJoinStreamingTests: XCTestCase {
    /// l: 300 rows, key k = i % 40 (NULL when i % 13 == 0), s = 'k' || (i % 7); r: 5000 rows over 24 inserts,
    /// key k = j % 55 (NULL when j % 11 == 0), s = 'k' || (j % 5), v = j % 9.
    private struct Row { let id: Int; let k: Int?; let s: String; let v: Int }
    private let left: [Row] = (0..<300).map { Row(id: $0, k: $0 % 13 == 0 ? nil : $0 % 40, s: "k\($0 % 7)", v: $0 % 4) }
    private let right: [Row] = (0..<5000).map { Row(id: $0, k: $0 % 11 == 0 ? nil : $0 % 55, s: "k\($0 % 5)", v: $0 % 9) }

    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE l (id int, k int, s text, v int)").allRows()
        _ = try s.execute("CREATE TABLE r (id int, k int, s text, v int)").allRows()
        _ = try s.execute("CREATE TABLE e (id int, k int, s text, v int)").allRows()
        for chunk in stride(from: 0, to: left.count, by: 100) {
            try insert(s, "l", left[chunk..<min(chunk + 100, left.count)])
        }
        for chunk in stride(from: 0, to: right.count, by: 250) {
            try insert(s, "r", right[chunk..<min(chunk + 250, right.count)])
        }
        return s
    }

    private func insert(_ s: Session, _ table: String, _ rows: ArraySlice<Row>) throws {
        let values = rows.map { "(\($0.id), \($0.k.map(String.init) ?? "NULL"), '\($0.s)', \($0.v))" }.joined(separator: ", ")
        _ = try s.execute("INSERT INTO \(table) VALUES \(values)").allRows()
    }

    private func ids(_ s: Session, _ sql: String) throws -> [Int] {
        try s.execute(sql).allRows().map { row -> Int in
            guard case .int(let i)? = row.first else { XCTFail("not an int: \(row)"); return -1 }
            return Int(i)
        }
    }

    /// The query's ids read left-first (streaming) and right-first, in both thread settings.
    private func check(_ s: Session, _ sql: String, expected: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        for threads in [1, 2] {
            for leftFirst in ["262144", "0"] {
                _ = try s.execute("SET threads = \(threads)").allRows()
                _ = try s.execute("SET lakesql.semi_join_left_first_rows = \(leftFirst)").allRows()
                XCTAssertEqual(try ids(s, sql), expected, "\(sql) threads \(threads) left-first \(leftFirst)", file: file, line: line)
            }
        }
    }

    func testSemiAndAntiJoinsWithNullAndDuplicateKeys() throws {
        let s = try session()
        let rightKeys = Set(right.compactMap(\.k))
        try check(s, "SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k) ORDER BY id",
                  expected: left.filter { $0.k.map(rightKeys.contains) ?? false }.map(\.id))
        try check(s, "SELECT id FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k) ORDER BY id",
                  expected: left.filter { !($0.k.map(rightKeys.contains) ?? false) }.map(\.id))
        try check(s, "SELECT id FROM l WHERE k IN (SELECT k FROM r WHERE v = 3) ORDER BY id",
                  expected: left.filter { l in right.contains { $0.v == 3 && $0.k != nil && $0.k == l.k } }.map(\.id))
        // Without ORDER BY the rows still come in the left input's order.
        _ = try s.execute("SET threads = 1").allRows()
        _ = try s.execute("SET lakesql.semi_join_left_first_rows = 262144").allRows()
        XCTAssertEqual(try ids(s, "SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k)"),
                       left.filter { $0.k.map(rightKeys.contains) ?? false }.map(\.id))
    }

    func testResidualConditionsTextAndTwoColumnKeys() throws {
        let s = try session()
        try check(s, "SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.v > l.v + 5) ORDER BY id",
                  expected: left.filter { l in right.contains { $0.k != nil && $0.k == l.k && $0.v > l.v + 5 } }.map(\.id))
        try check(s, "SELECT id FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.id <> l.id AND r.v = 8) ORDER BY id",
                  expected: left.filter { l in !right.contains { $0.k != nil && $0.k == l.k && $0.id != l.id && $0.v == 8 } }.map(\.id))
        try check(s, "SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.s = l.s) ORDER BY id",
                  expected: left.filter { l in right.contains { $0.s == l.s } }.map(\.id))
        try check(s, "SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.s = l.s AND r.k = l.k) ORDER BY id",
                  expected: left.filter { l in right.contains { $0.s == l.s && $0.k != nil && $0.k == l.k } }.map(\.id))
    }

    func testEmptyInputs() throws {
        let s = try session()
        try check(s, "SELECT id FROM l WHERE EXISTS (SELECT 1 FROM e WHERE e.k = l.k) ORDER BY id", expected: [])
        try check(s, "SELECT id FROM l WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.k = l.k) ORDER BY id", expected: left.map(\.id))
        try check(s, "SELECT id FROM e WHERE EXISTS (SELECT 1 FROM r WHERE r.k = e.k) ORDER BY id", expected: [])
        try check(s, "SELECT id FROM l WHERE v > 10 AND NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k) ORDER BY id", expected: [])
    }

    /// A left input past the 2^18-row floor is still read first, and becomes the table, when the
    /// right input is estimated at least four times larger (the right rows then stream past it
    /// instead of being stored whole); with a right input not that much larger, the right side
    /// is read first as before. Same rows either way.
    func testLeftInputPastTheFloorIsTheTableWhenTheRightIsEstimatedFourTimesLarger() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE big_l AS SELECT g AS k FROM generate_series(1, 300000) g").allRows()
        // Even keys 2…799998, each about 3 times (large) or 2.5 times (medium).
        _ = try s.execute("CREATE TABLE large_r AS SELECT (g % 400000) * 2 AS k FROM generate_series(1, 1400000) g").allRows()
        _ = try s.execute("CREATE TABLE medium_r AS SELECT (g % 400000) * 2 AS k FROM generate_series(1, 1000000) g").allRows()
        for (right, reversed) in [("large_r", true), ("medium_r", false)] {
            for negated in ["", "NOT "] {
                let sql = "SELECT count(*) FROM big_l WHERE \(negated)EXISTS (SELECT 1 FROM \(right) r WHERE r.k = big_l.k)"
                let analyzed = try s.execute("EXPLAIN ANALYZE " + sql).allRows().map { row -> String in
                    if case .string(let line)? = row.first { return line }
                    return ""
                }.joined(separator: "\n")
                XCTAssertEqual(analyzed.contains("table on the 300000 left rows"), reversed, analyzed)
                // The right scan checks its keys against the left keys' exact bitmap (one integer
                // key over a narrow range), however many left rows there are.
                if reversed { XCTAssertTrue(analyzed.contains("left rows: k in [1, 300000], bitmap"), analyzed) }
                XCTAssertEqual(try ids(s, sql), [150_000], sql)
            }
        }
    }

    /// A large left side whose keys span too wide a range for a bitmap still filters the right
    /// scan, by a bloom filter made at once (a reversed join has no join table to trial it on).
    func testWideLeftKeysGetABloomFilterForTheRightScan() throws {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE wide_l AS SELECT g * 1000 AS k FROM generate_series(1, 100000) g").allRows()
        // Multiples of 1500 below 600M: every third left key has partners, the rest miss.
        _ = try s.execute("CREATE TABLE wide_r AS SELECT (g % 400000) * 1500 AS k FROM generate_series(1, 1600000) g").allRows()
        let sql = "SELECT count(*) FROM wide_l WHERE EXISTS (SELECT 1 FROM wide_r r WHERE r.k = wide_l.k)"
        let analyzed = try s.execute("EXPLAIN ANALYZE " + sql).allRows().map { row -> String in
            if case .string(let line)? = row.first { return line }
            return ""
        }.joined(separator: "\n")
        XCTAssertTrue(analyzed.contains("table on the 100000 left rows"), analyzed)
        XCTAssertTrue(analyzed.contains("semi join on 100000 left rows: k in [1000, 100000000], bloom"), analyzed)
        // A left key g·1000 has a partner m·1500 (m < 400000) when 2g = 3m: g a multiple of 3.
        XCTAssertEqual(try ids(s, sql), [33_333])
        _ = try s.execute("SET lakesql.runtime_join_filters = off").allRows()
        XCTAssertEqual(try ids(s, sql), [33_333])
    }
}
