// Before/after plan tests for the SimplifyDateTimestampComparisons rule,
// over a table with a date column. The values these rewrites give are
// checked against PostgreSQL's in Tests/slt/datetime/date_timestamp_comparisons.slt.

import XCTest
import Columnar
@testable import Planner

final class SimplifyDateTimestampComparisonsTests: XCTestCase {
    override func setUp() {
        super.setUp()
        PlanFixture.catalog.tables["shipments"] = FakeTable(
            [Field(name: "id", type: .int32, nullable: false), Field(name: "shipped", type: .date),
             Field(name: "at", type: .timestamptz)], rows: 1_000)
    }

    private func rule(_ p: LogicalPlan) -> LogicalPlan { SimplifyDateTimestampComparisons.apply(p) }

    func testMidnightConstantKeepsTheOperator() throws {
        try assertRewrite("SELECT id FROM shipments WHERE shipped < TIMESTAMP '1995-01-01 00:00:00' AND shipped >= TIMESTAMP '1994-01-01'", rule,
            before: """
            Project #0 AS id
              Filter ((CAST(#1 AS timestamp without time zone) < '1995-01-01 00:00:00') AND (CAST(#1 AS timestamp without time zone) >= '1994-01-01 00:00:00'))
                Scan shipments [id, shipped, at]
            """,
            after: """
            Project #0 AS id
              Filter ((#1 < '1995-01-01') AND (#1 >= '1994-01-01'))
                Scan shipments [id, shipped, at]
            """)
    }

    /// `date + interval` folds to a timestamp constant first (TPC-H Q4, Q20), then compares as a date.
    func testFoldedDatePlusIntervalComparesAsDate() throws {
        try assertRewrite("SELECT id FROM shipments WHERE shipped < DATE '1993-07-01' + INTERVAL '3' MONTH",
                          { self.rule(ConstantFolding.apply($0)) },
            before: """
            Project #0 AS id
              Filter (CAST(#1 AS timestamp without time zone) < ('1993-07-01' + '3 mons'))
                Scan shipments [id, shipped, at]
            """,
            after: """
            Project #0 AS id
              Filter (#1 < '1993-10-01')
                Scan shipments [id, shipped, at]
            """)
    }

    /// A constant later in its day: d::timestamp < t and <= t hold up to its day, > and >= after it.
    func testConstantLaterInTheDayMovesTheBoundary() throws {
        try assertRewrite("""
            SELECT id FROM shipments WHERE shipped < TIMESTAMP '1995-01-01 12:00' OR shipped <= TIMESTAMP '1995-01-01 12:00'
            OR shipped > TIMESTAMP '1995-01-01 12:00' OR shipped >= TIMESTAMP '1995-01-01 00:00:01'
            """, rule,
            before: """
            Project #0 AS id
              Filter ((CAST(#1 AS timestamp without time zone) < '1995-01-01 12:00:00') OR (CAST(#1 AS timestamp without time zone) <= '1995-01-01 12:00:00') OR (CAST(#1 AS timestamp without time zone) > '1995-01-01 12:00:00') OR (CAST(#1 AS timestamp without time zone) >= '1995-01-01 00:00:01'))
                Scan shipments [id, shipped, at]
            """,
            after: """
            Project #0 AS id
              Filter ((#1 <= '1995-01-01') OR (#1 <= '1995-01-01') OR (#1 > '1995-01-01') OR (#1 > '1995-01-01'))
                Scan shipments [id, shipped, at]
            """)
    }

    /// Equality with a time that is not midnight is never true: only a NULL date's NULL remains.
    func testEqualityWithNonMidnightKeepsOnlyTheNull() throws {
        try assertRewrite("""
            SELECT id FROM shipments WHERE shipped = TIMESTAMP '1995-01-01 12:00' OR shipped <> TIMESTAMP '1995-01-01 12:00'
            OR shipped = TIMESTAMP '1995-01-02'
            """, rule,
            before: """
            Project #0 AS id
              Filter ((CAST(#1 AS timestamp without time zone) = '1995-01-01 12:00:00') OR (CAST(#1 AS timestamp without time zone) <> '1995-01-01 12:00:00') OR (CAST(#1 AS timestamp without time zone) = '1995-01-02 00:00:00'))
                Scan shipments [id, shipped, at]
            """,
            after: """
            Project #0 AS id
              Filter ((#1 <> #1) OR (#1 = #1) OR (#1 = '1995-01-02'))
                Scan shipments [id, shipped, at]
            """)
    }

    /// The constant on the left mirrors the operator; BC dates round down to their own day.
    func testConstantOnTheLeftAndBeforeTheEpoch() throws {
        try assertRewrite("SELECT id FROM shipments WHERE TIMESTAMP '1960-03-01 06:00' > shipped AND TIMESTAMP '0044-03-15 BC' <= shipped", rule,
            before: """
            Project #0 AS id
              Filter (('1960-03-01 06:00:00' > CAST(#1 AS timestamp without time zone)) AND ('0044-03-15 00:00:00 BC' <= CAST(#1 AS timestamp without time zone)))
                Scan shipments [id, shipped, at]
            """,
            after: """
            Project #0 AS id
              Filter ((#1 <= '1960-03-01') AND (#1 >= '0044-03-15 BC'))
                Scan shipments [id, shipped, at]
            """)
    }

    func testInfiniteConstantsCompareWithInfiniteDates() throws {
        try assertRewrite("SELECT id FROM shipments WHERE shipped < TIMESTAMP 'infinity' AND shipped > TIMESTAMP '-infinity'", rule,
            before: """
            Project #0 AS id
              Filter ((CAST(#1 AS timestamp without time zone) < 'infinity') AND (CAST(#1 AS timestamp without time zone) > '-infinity'))
                Scan shipments [id, shipped, at]
            """,
            after: """
            Project #0 AS id
              Filter ((#1 < 'infinity') AND (#1 > '-infinity'))
                Scan shipments [id, shipped, at]
            """)
    }

    /// A comparison in the select list is rewritten too (same value for every row, NULL included).
    func testSelectListComparisonComparesAsDate() throws {
        try assertRewrite("SELECT shipped >= TIMESTAMP '1995-01-01 06:00' AS late FROM shipments", rule,
            before: """
            Project (CAST(#1 AS timestamp without time zone) >= '1995-01-01 06:00:00') AS late
              Scan shipments [id, shipped, at]
            """,
            after: """
            Project (#1 > '1995-01-01') AS late
              Scan shipments [id, shipped, at]
            """)
    }

    /// timestamptz depends on the session time zone; columns and non-constant timestamps stay as they are.
    func testTimestamptzAndNonConstantComparisonsStay() throws {
        for sql in [
            "SELECT id FROM shipments WHERE shipped < TIMESTAMPTZ '1995-01-01 00:00+00'",
            "SELECT id FROM shipments WHERE shipped < at",
            "SELECT id FROM shipments WHERE shipped < CAST(at AS timestamp)",
        ] {
            let plan = try PlanFixture.bind(sql)
            XCTAssertEqual(rule(plan).explain(), plan.explain(), sql)
        }
    }
}
