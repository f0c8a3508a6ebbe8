// SplitDistinctAggregates through SQL on the demo lake (Parquet statistics give
// product_id 300 distinct values in 106,650 events): the same rows with the
// rule on and off (`lakesql.disabled_rules`), with NULL keys and arguments,
// empty inputs and global aggregates, and the rewritten plans really group twice.

import XCTest
import Columnar
@testable import Engine

final class SplitDistinctAggregatesResultTests: XCTestCase {
    private let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/demo").standardized.path

    private static let queries = [
        "SELECT event_type, count(DISTINCT product_id), count(*), count(price), min(price), max(country) FROM events GROUP BY event_type ORDER BY 1",
        "SELECT country, device, count(DISTINCT product_id) FROM events GROUP BY country, device ORDER BY 1, 2",
        // NULL product ids (non-product events) form a group the counts skip.
        "SELECT CASE WHEN product_id IS NULL THEN 'none' ELSE event_type END, count(DISTINCT product_id), count(*) FROM events GROUP BY 1 ORDER BY 1",
        "SELECT count(DISTINCT product_id), sum(DISTINCT product_id), avg(DISTINCT product_id), count(*) FROM events",
        // Empty inputs: a filter statistics cannot estimate (a plain `price < 0` is estimated from
        // the row groups' min/max at no rows, and the rule then rightly leaves the plan alone).
        "SELECT count(DISTINCT product_id), count(*), max(price) FROM events WHERE price * 2 < 0",
        "SELECT event_type, count(DISTINCT product_id) FROM events WHERE price * 2 < 0 GROUP BY event_type",
        "SELECT dt, count(DISTINCT product_id) AS n FROM events GROUP BY dt HAVING count(DISTINCT product_id) > 100 ORDER BY dt",
    ]

    func testSameRowsWithTheRuleOnAndOff() throws {
        let s = try Database(options: DatabaseOptions(lakePath: demo)).connect()
        for q in Self.queries {
            let on = try s.execute(q).allRows()
            let plan = try s.execute("EXPLAIN " + q).allRows().map { "\($0)" }.joined(separator: "\n")
            XCTAssertEqual(plan.components(separatedBy: "Aggregate keys").count - 1, 2, "split: \(q)\n\(plan)")
            _ = try s.execute("SET lakesql.disabled_rules = 'SplitDistinctAggregates'").allRows()
            let off = try s.execute(q).allRows()
            let unsplit = try s.execute("EXPLAIN " + q).allRows().map { "\($0)" }.joined(separator: "\n")
            XCTAssertEqual(unsplit.components(separatedBy: "Aggregate keys").count - 1, 1, "not split: \(q)")
            _ = try s.execute("RESET lakesql.disabled_rules").allRows()
            XCTAssertEqual(on.map { $0.map { "\($0)" } }, off.map { $0.map { "\($0)" } }, q)
            XCTAssertFalse(on.isEmpty && !q.contains("price * 2 < 0"), q)
        }
    }
}
