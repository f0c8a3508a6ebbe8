// ORDER BY … LIMIT n OFFSET m runs as a bounded top-N (TopNOperator): it
// must return exactly the rows, in the same order, that the full stable sort
// returns at positions m ..< m + n — ties in arrival order, NULLs where
// NULLS FIRST/LAST puts them — for limits below, at and above the
// operator's buffer size and for inputs of many batches.

import XCTest
import Columnar
@testable import Execution
@testable import Engine

final class TopNTests: XCTestCase {
    func testTopNEqualsASliceOfTheFullSort() throws {
        let s = try Database().connect()
        _ = try s.execute("""
            CREATE TABLE t AS SELECT g AS id, CASE WHEN g % 11 = 0 THEN NULL ELSE (g * 7919) % 53 END AS k,
                   'w' || ((g * 31) % 17) AS w FROM generate_series(1, 12000) AS r(g)
            """).allRows()
        for order in ["k", "k DESC NULLS LAST", "w DESC, k", "w"] {
            let full = try s.execute("SELECT id, k, w FROM t ORDER BY \(order)").allRows()
            XCTAssertEqual(full.count, 12000)
            for (limit, offset) in [(1, 0), (10, 5), (100, 2700), (9000, 1), (5000, 8000), (5, 11998), (5, 40000), (0, 0)] {
                let top = try s.execute("SELECT id, k, w FROM t ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)").allRows()
                let lo = min(offset, full.count), hi = min(offset + limit, full.count)
                XCTAssertEqual(top, Array(full[lo..<hi]), "ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)")
            }
        }
    }

    /// The heap keeps the `capacity` first elements under the order, ties by value order given.
    func testBoundedHeapKeepsTheSmallest() {
        let keys: [Int32] = [5, 3, 9, 3, 1, 7, 3, 0, 8, 2]
        var heap = BoundedMaxHeap(capacity: 4) { a, b in keys[Int(a)] != keys[Int(b)] ? keys[Int(a)] < keys[Int(b)] : a < b }
        for i in 0..<Int32(keys.count) { heap.offer(i) }
        let kept = heap.elements.sorted { keys[Int($0)] != keys[Int($1)] ? keys[Int($0)] < keys[Int($1)] : $0 < $1 }
        XCTAssertEqual(kept, [7, 4, 9, 1])   // keys 0, 1, 2, then the first 3
    }

    func testExplainAnalyzeKeepsOneLinePerPlanNode() throws {
        let s = try Database().connect()
        let lines = try s.execute("EXPLAIN ANALYZE SELECT x FROM generate_series(1, 5000) AS g(x) ORDER BY x DESC LIMIT 3").allRows()
        let text = lines.compactMap { row -> String? in if case .string(let t)? = row.first { return t }; return nil }.joined(separator: "\n")
        XCTAssertTrue(text.contains("Limit"), text)
        XCTAssertTrue(text.contains("Sort"), text)
        XCTAssertTrue(text.contains("actual rows=3"), text)
    }
}
