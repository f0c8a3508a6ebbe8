// Before/after plan tests for the PushPredicatesIntoScans rule.

import XCTest
import Columnar
@testable import Planner

final class PushPredicatesIntoScansTests: XCTestCase {
    private func rule(_ p: LogicalPlan) -> LogicalPlan { PushPredicatesIntoScans.apply(p) }

    func testComparisonsInListsNullTestsAndBetween() throws {
        let plan = try assertRewrite(
            "SELECT name FROM customers WHERE id BETWEEN 1 AND 10 AND country IN ('NL', 'DE') AND name IS NOT NULL", rule,
            before: """
            Project #1 AS name
              Filter (((#0 >= 1) AND (#0 <= 10)) AND #2 IN ('NL', 'DE') AND #1 IS NOT NULL)
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Filter (((#0 >= 1) AND (#0 <= 10)) AND #2 IN ('NL', 'DE') AND #1 IS NOT NULL)
                Scan customers [id, name, country] pushdown: #0 >= int(1) AND #0 <= int(10) AND #2 IN (2 values) AND #1 IS NOT NULL
            """)
        guard case .project(.filter(.scan(let scan), _), _, _) = plan else { return XCTFail("shape") }
        guard case .inList(let column, let values) = scan.predicates[2] else { return XCTFail("expected IN") }
        XCTAssertEqual(column, 2)
        XCTAssertEqual(values, [.string("NL"), .string("DE")])
    }

    func testFlipsLiteralFirstComparisonsAndSkipsCastsAndNegations() throws {
        try assertRewrite(
            "SELECT name FROM customers WHERE 10 > id AND name = 'x' AND id::bigint > 4 AND id IN (1, 2, NULL) AND country NOT IN ('a')", rule,
            before: """
            Project #1 AS name
              Filter ((10 > #0) AND (#1 = 'x') AND (CAST(#0 AS bigint) > 4) AND #0 IN (1, 2, NULL) AND #2 NOT IN ('a'))
                Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Filter ((10 > #0) AND (#1 = 'x') AND (CAST(#0 AS bigint) > 4) AND #0 IN (1, 2, NULL) AND #2 NOT IN ('a'))
                Scan customers [id, name, country] pushdown: #0 < int(10) AND #1 = string("x") AND #0 IN (2 values)
            """)
    }

    func testUsesTableColumnIndexesOfAPrunedScan() throws {
        // Borrow a bound int4 `=` from the binder (the test target does not link Functions).
        guard case .project(.filter(_, .call(let eq, _)), _, _) = try PlanFixture.bind("SELECT name FROM customers WHERE id = 7") else {
            return XCTFail("shape")
        }
        // The scan reads only (country, id): filter column #1 is table column 0.
        let table = FakeTable([Field(name: "id", type: .int32), Field(name: "name", type: .text), Field(name: "country", type: .text)], rows: 10)
        let scan = ScanNode(source: table, tableName: "t", columns: [2, 0])
        let plan = LogicalPlan.filter(.scan(scan), .call(eq, [.column(1, .int32), .literal(.int(7), .int32)]))
        let rewritten = PushPredicatesIntoScans.apply(plan)
        XCTAssertEqual(rewritten.explain(), """
            Filter (#1 = 7)
              Scan t [country, id] pushdown: #0 = int(7)
            """)
        XCTAssertEqual(rewritten.fields, plan.fields)
        // An integer literal of another width compares exactly, so it is pushed.
        let wider = LogicalPlan.filter(.scan(scan), .call(eq, [.column(1, .int32), .literal(.int(7), .int64)]))
        XCTAssertEqual(PushPredicatesIntoScans.apply(wider).explain(), """
            Filter (#1 = 7)
              Scan t [country, id] pushdown: #0 = int(7)
            """)
        // A literal of another kind than the column is not pushed (no conversion is assumed).
        let mismatched = LogicalPlan.filter(.scan(scan), .call(eq, [.column(1, .int32), .literal(.string("7"), .text)]))
        XCTAssertEqual(PushPredicatesIntoScans.apply(mismatched).explain(), mismatched.explain())
    }

    func testDecimalLiteralsAreRescaledToTheColumnsScale() throws {
        guard case .project(.filter(_, .call(let eq, _)), _, _) = try PlanFixture.bind("SELECT name FROM customers WHERE id = 7") else {
            return XCTFail("shape")
        }
        let table = FakeTable([Field(name: "price", type: .decimal(precision: 9, scale: 2))], rows: 10)
        let scan = ScanNode(source: table, tableName: "t", columns: [0])
        // 153.8 (scale 1) against a scale-2 column is 15380 hundredths.
        let plan = LogicalPlan.filter(.scan(scan), .call(eq, [.column(0, .decimal(precision: 9, scale: 2)),
                                                             .literal(.decimal(1538), .decimal(precision: 4, scale: 1))]))
        XCTAssertTrue(PushPredicatesIntoScans.apply(plan).explain().contains("pushdown: #0 = decimal(15380)"))
        // More fractional digits than the column: no exact rescaling, nothing pushed.
        let finer = LogicalPlan.filter(.scan(scan), .call(eq, [.column(0, .decimal(precision: 9, scale: 2)),
                                                              .literal(.decimal(153_751), .decimal(precision: 6, scale: 3))]))
        XCTAssertEqual(PushPredicatesIntoScans.apply(finer).explain(), finer.explain())
        // lake_skipping = off pushes nothing; a list of kinds reaches the scan.
        XCTAssertEqual(PushPredicatesIntoScans.apply(plan, skipping: []).explain(), plan.explain())
        guard case .filter(.scan(let pushed), _) = PushPredicatesIntoScans.apply(plan, skipping: [.statistics]) else { return XCTFail("shape") }
        XCTAssertEqual(pushed.statistics.allowedSkipping, [.statistics])
        // Every scan learns the kinds, with or without a filter of its own (runtime join
        // filters skip pages of any Parquet scan); `off` leaves none.
        guard case .filter(.scan(let off), _) = PushPredicatesIntoScans.apply(plan, skipping: []) else { return XCTFail("shape") }
        XCTAssertEqual(off.statistics.allowedSkipping, [])
        guard case .filter(.scan(let bare), _) = plan else { return XCTFail("shape") }
        guard case .scan(let told) = PushPredicatesIntoScans.apply(.scan(bare), skipping: [.partitions]) else { return XCTFail("shape") }
        XCTAssertEqual(told.statistics.allowedSkipping, [.partitions])
        XCTAssertEqual(told.predicates.count, bare.predicates.count)
        guard case .scan(let untouched) = PushPredicatesIntoScans.apply(.scan(bare)) else { return XCTFail("shape") }
        XCTAssertTrue(untouched === bare, "all kinds: a scan without a filter is left as it is")
    }

    func testFilterAboveJoinIsNotPushedIntoScans() throws {
        try assertRewrite("SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id AND o.id = 3", rule,
            before: """
            Project #0 AS id, #1 AS name, #2 AS country, #3 AS id, #4 AS customer_id, #5 AS amount, #6 AS note
              Inner Join on ((#4 = #0) AND (#3 = 3))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS id, #1 AS name, #2 AS country, #3 AS id, #4 AS customer_id, #5 AS amount, #6 AS note
              Inner Join on ((#4 = #0) AND (#3 = 3))
                Scan customers [id, name, country]
                Scan orders [id, customer_id, amount, note]
            """)
        // After PushDownFilters the conjunct sits on the orders scan and is pushed.
        let plan = PushPredicatesIntoScans.apply(PushDownFilters.apply(try PlanFixture.bind(
            "SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id AND o.id = 3")))
        XCTAssertTrue(plan.explain().contains("Scan orders [id, customer_id, amount, note] pushdown: #0 = int(3)"), plan.explain())
    }
}
