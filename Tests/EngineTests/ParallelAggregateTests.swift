// Grouped aggregation over many morsels on 1, 2 and 4 threads against a
// reference computed here from the same generated rows: one int key (dense
// and sparse ranges, so the key table's dense and hashed modes both run and
// switch mid-query), NULL keys grouping together, two int keys, text keys.
// The first partial with groups is taken over as the result; later ones merge.

import Columnar
import Engine
@testable import Execution
import XCTest

final class ParallelAggregateTests: XCTestCase {
    private let morsels = 20, perMorsel = 150

    private func key(_ x: Int) -> Int? {
        if x % 13 == 0 { return nil }
        // the first half of the rows is dense, the second spreads keys over a wide range
        return x < morsels * perMorsel / 2 ? x % 400 : (x * 7919) % 1_000_003 * 1000
    }

    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE f (x int, k bigint, g int, s text)").allRows()
        for m in 0..<morsels {
            let rows = (m * perMorsel..<(m + 1) * perMorsel).map { x in
                "(\(x), \(key(x).map(String.init) ?? "NULL"), \(x % 3), 's\(x % 11)')"
            }
            _ = try s.execute("INSERT INTO f VALUES " + rows.joined(separator: ", ")).allRows()
        }
        return s
    }

    /// An integer result value (nil for NULL; other kinds fail the comparison as -1).
    private func n(_ v: Value) -> Int? {
        switch v {
        case .null: return nil
        case .int(let i): return Int(i)
        case .decimal(let d): return Int(d)
        default: return -1
        }
    }

    private func rows(_ s: Session, _ q: String, threads: Int) throws -> [[Value]] {
        _ = try s.execute("SET threads = \(threads)").allRows()
        return try s.execute(q).allRows()
    }

    func testOneIntKeyWithNullsAcrossModes() throws {
        let s = try session()
        var expected: [Int?: (count: Int, sum: Int, min: Int)] = [:]
        for x in 0..<(morsels * perMorsel) {
            let k = key(x)
            let e = expected[k] ?? (0, 0, Int.max)
            expected[k] = (e.count + 1, e.sum + x, Swift.min(e.min, x))
        }
        for threads in [1, 2, 4] {
            let got = try rows(s, "SELECT k, count(*), sum(x), min(x) FROM f GROUP BY k", threads: threads)
            XCTAssertEqual(got.count, expected.count, "threads \(threads)")
            var seen = Set<Value>()
            for r in got {
                let k = n(r[0])
                XCTAssertTrue(seen.insert(r[0]).inserted, "group \(r[0]) twice, threads \(threads)")
                guard let e = expected[k] else { XCTFail("unexpected group \(r[0])"); continue }
                XCTAssertEqual(n(r[1]), e.count, "count of \(r[0]), threads \(threads)")
                XCTAssertEqual(n(r[2]), e.sum, "sum of \(r[0]), threads \(threads)")
                XCTAssertEqual(n(r[3]), e.min, "min of \(r[0]), threads \(threads)")
            }
        }
    }

    func testSameGroupsInSameOrderOnEveryThreadCount() throws {
        let s = try session()
        for q in ["SELECT k, g, count(*), sum(x) FROM f GROUP BY k, g",
                  "SELECT g, s, count(*), max(x) FROM f GROUP BY g, s",
                  "SELECT k % 7, count(*) FROM f WHERE k IS NOT NULL GROUP BY k % 7"] {
            let one = try rows(s, q, threads: 1)
            XCTAssertFalse(one.isEmpty, q)
            for threads in [2, 4] {
                XCTAssertEqual(try rows(s, q, threads: threads), one, "\(q), threads \(threads)")
            }
        }
        // Two int keys: one group per (k, g) pair of the generated rows.
        var pairs = Set<String>()
        for x in 0..<(morsels * perMorsel) { pairs.insert("\(key(x).map(String.init) ?? "NULL")/\(x % 3)") }
        let got = try rows(s, "SELECT k, g FROM f GROUP BY k, g", threads: 4)
        XCTAssertEqual(Set(got.map { "\(n($0[0]).map(String.init) ?? "NULL")/\(n($0[1]).map(String.init) ?? "NULL")" }), pairs)
        XCTAssertEqual(got.count, pairs.count)
    }
    /// Keys and no aggregate states (SELECT DISTINCT, the GROUP BY under a count(DISTINCT x))
    /// with many groups per partial: the groups are split by hash as the partials arrive and
    /// merged a partition at a time (PartitionedGroupMerge, lowered here to start at 50 groups);
    /// every distinct key comes out exactly once, NULLs, text and integer keys, on 1, 2 and 4
    /// threads, and a count over it is right.
    func testKeysOnlyGroupsMergedByPartition() throws {
        let s = try session()
        let saved = PartitionedGroupMerge.minimumGroups
        PartitionedGroupMerge.minimumGroups = 50
        defer { PartitionedGroupMerge.minimumGroups = saved }
        var pairs = Set<[Value]>(), keys = Set<Value>()
        for x in 0..<(morsels * perMorsel) {
            let k: Value = key(x).map { .int(Int64($0)) } ?? .null
            pairs.insert([k, .string("s\(x % 11)")])
            keys.insert(k)
        }
        for threads in [1, 2, 4] {
            let got = try rows(s, "SELECT DISTINCT k, s FROM f", threads: threads)
            XCTAssertEqual(got.count, pairs.count, "threads \(threads)")
            XCTAssertEqual(Set(got), pairs, "threads \(threads)")
            let grouped = try rows(s, "SELECT k FROM f GROUP BY k", threads: threads)
            XCTAssertEqual(grouped.count, keys.count, "threads \(threads)")
            XCTAssertEqual(Set(grouped.map { $0[0] }), keys, "threads \(threads)")
            let counted = try rows(s, "SELECT count(DISTINCT k), count(*) FROM (SELECT DISTINCT k, s FROM f) t", threads: threads)
            XCTAssertEqual(counted.first.map { $0.map(n) }, [keys.count - 1, pairs.count], "threads \(threads)")
        }
    }
}
