// Outer joins turned around to build on their smaller input
// (BuildOuterJoinsOnTheSmallerSide: LEFT → RIGHT with the inputs swapped,
// FULL with them swapped) give the rows the written join gives, computed
// here from the rows inserted: NULL keys, duplicate keys, preserved rows
// without a partner, residual conditions, an aggregate over the join (TPC-H
// Q13's shape), on one and two threads, with the rule on and off.

import Columnar
import Engine
import Foundation
import XCTest

final class OuterJoinBuildSideTests: XCTestCase {
    /// s: 60 rows, k = i % 45 (NULL when i % 17 == 0); b: 4000 rows over 16 inserts, k = j % 70
    /// (NULL when j % 9 == 0), v = j % 11.
    private struct Row { let id: Int; let k: Int?; let v: Int }
    private let small: [Row] = (0..<60).map { Row(id: $0, k: $0 % 17 == 0 ? nil : $0 % 45, v: $0 % 6) }
    private let big: [Row] = (0..<4000).map { Row(id: $0, k: $0 % 9 == 0 ? nil : $0 % 70, v: $0 % 11) }

    private func session() throws -> Session {
        let s = try Database().connect()
        for (name, rows) in [("s", small), ("b", big)] {
            _ = try s.execute("CREATE TABLE \(name) (id int, k int, v int)").allRows()
            for chunk in stride(from: 0, to: rows.count, by: 250) {
                let values = rows[chunk..<min(chunk + 250, rows.count)]
                    .map { "(\($0.id), \($0.k.map(String.init) ?? "NULL"), \($0.v))" }.joined(separator: ", ")
                _ = try s.execute("INSERT INTO \(name) VALUES \(values)").allRows()
            }
        }
        return s
    }

    private func rows(_ s: Session, _ sql: String) throws -> [String] {
        try s.execute(sql).allRows().map { row in
            row.map { v -> String in if case .int(let i) = v { return String(i) }; return v.isNull ? "NULL" : "\(v)" }
                .joined(separator: ",")
        }
    }

    private func plan(_ s: Session, _ sql: String) throws -> String {
        try s.execute("EXPLAIN " + sql).allRows().map { row -> String in
            if case .string(let line)? = row.first { return line }
            return ""
        }.joined(separator: "\n")
    }

    /// The query's rows, with the rule on (checking the plan is turned around) and off, on 1 and 2 threads.
    private func check(_ s: Session, _ sql: String, turnedInto joinName: String, expected: [String],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        for threads in [1, 2] {
            for disabled in ["", "BuildOuterJoinsOnTheSmallerSide"] {
                _ = try s.execute("SET threads = \(threads)").allRows()
                _ = try s.execute("SET lakesql.disabled_rules = '\(disabled)'").allRows()
                let explained = try plan(s, sql)
                XCTAssertEqual(explained.contains(joinName), disabled.isEmpty, explained, file: file, line: line)
                XCTAssertEqual(try rows(s, sql), expected, "\(sql) threads \(threads) disabled '\(disabled)'", file: file, line: line)
            }
        }
    }

    private func matches(_ a: Row, _ b: Row) -> Bool { a.k != nil && a.k == b.k }

    func testLeftJoinKeepsEveryPreservedRowOnceAndPairsTheRest() throws {
        let s = try session()
        var expected: [String] = []
        for l in small {
            let partners = big.filter { matches(l, $0) && $0.v > l.v }
            if partners.isEmpty { expected.append("\(l.id),NULL") }
            for r in partners { expected.append("\(l.id),\(r.id)") }
        }
        try check(s, "SELECT s.id, b.id FROM s LEFT JOIN b ON s.k = b.k AND b.v > s.v ORDER BY 1, 2",
                  turnedInto: "Right Join", expected: expected.sorted(by: numericOrder))
    }

    func testCountsPerPreservedRowAsInTPCHQ13() throws {
        let s = try session()
        var histogram: [Int: Int] = [:]
        for l in small { histogram[big.filter { matches(l, $0) && $0.v != 3 }.count, default: 0] += 1 }
        let expected = histogram.sorted { $0.key < $1.key }.map { "\($0.key),\($0.value)" }
        try check(s, """
            SELECT c, count(*) FROM (SELECT s.id, count(b.id) AS c FROM s LEFT JOIN b ON s.k = b.k AND b.v <> 3 GROUP BY s.id) t
            GROUP BY c ORDER BY c
            """, turnedInto: "Right Join", expected: expected)
    }

    func testFullJoinKeepsUnmatchedRowsOfBothSides() throws {
        let s = try session()
        var expected: [String] = []
        for l in small {
            let partners = big.filter { matches(l, $0) }
            if partners.isEmpty { expected.append("\(l.id),NULL") }
            for r in partners { expected.append("\(l.id),\(r.id)") }
        }
        for r in big where !small.contains(where: { matches($0, r) }) { expected.append("NULL,\(r.id)") }
        try check(s, "SELECT s.id, b.id FROM s FULL JOIN b ON s.k = b.k ORDER BY 1, 2",
                  turnedInto: "Full Join on (#3 = #1)", expected: expected.sorted(by: numericOrder))
    }

    /// ORDER BY 1, 2 with NULLS LAST, as the rows render ("12,NULL").
    private func numericOrder(_ a: String, _ b: String) -> Bool {
        func key(_ s: String) -> [Int] { s.split(separator: ",").map { Int($0) ?? Int.max } }
        return key(a).lexicographicallyPrecedes(key(b))
    }
}
