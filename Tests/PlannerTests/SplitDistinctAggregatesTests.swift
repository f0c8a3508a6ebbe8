// Before/after plan tests for SplitDistinctAggregates: DISTINCT calls over one
// column with few distinct values (by statistics) group twice; every shape the
// rule must not touch (two DISTINCT arguments, an expression argument, sum(y)
// beside the DISTINCT, FILTER, many distinct values, no statistics, grouping
// sets) stays as it was.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

private final class EventsTable: TableSource {
    let fields = [Field(name: "kind", type: .text), Field(name: "product", type: .int32), Field(name: "visitor", type: .int32),
                  Field(name: "price", type: .float64), Field(name: "note", type: .text)]
    let estimatedRowCount: Int? = 1_000_000
    /// product: 1,000 values; visitor: 500,000; the others unknown.
    func distinctCount(column: Int) -> Double? { [nil, 1_000, 500_000, nil, nil][column] }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

/// 25 rows per session and per referrer, 4 devices.
private final class VisitsTable: TableSource {
    let fields = [Field(name: "device", type: .text), Field(name: "session", type: .int64), Field(name: "referrer", type: .text),
                  Field(name: "page", type: .int64)]
    let estimatedRowCount: Int? = 1_000_000
    func distinctCount(column: Int) -> Double? { [4, 40_000, 40_000, 100_000][column] }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

private final class EventsCatalog: CatalogProvider {
    let events = EventsTable()
    let visits = VisitsTable()
    func lookup(schema: String?, name: String) throws -> CatalogObject? {
        switch name {
        case "events": return .table(events)
        case "visits": return .table(visits)
        default: return nil
        }
    }
}

final class SplitDistinctAggregatesTests: XCTestCase {
    private func bind(_ sql: String) throws -> LogicalPlan {
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { throw SQLError(SQLState.syntaxError, "not a query") }
        return try Binder(catalog: EventsCatalog()).bind(q).plan
    }

    private func check(_ sql: String, before: String, after: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let plan = try bind(sql)
        XCTAssertEqual(plan.explain(), before, "plan before the rule", file: file, line: line)
        let rewritten = SplitDistinctAggregates.apply(plan)
        XCTAssertEqual(rewritten.explain(), after, "plan after the rule", file: file, line: line)
        assertSameOutput(plan, rewritten, file: file, line: line)
    }

    private func unchanged(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let plan = try bind(sql)
        XCTAssertTrue(plan.explain().contains("DISTINCT"), "the shape holds a DISTINCT call", file: file, line: line)
        XCTAssertEqual(SplitDistinctAggregates.apply(plan).explain(), plan.explain(), file: file, line: line)
    }

    func testDistinctCountWithCountsAndMinMaxGroupsTwice() throws {
        try check("SELECT kind, count(DISTINCT product), count(*), count(note), min(price), max(note) FROM events GROUP BY kind",
            before: """
            Project #0 AS kind, #1 AS count, #2 AS count, #3 AS count, #4 AS min, #5 AS max
              Aggregate keys=[#0] aggs=[count(DISTINCT #1), count(*), count(#4), min(#3), max(#4)]
                Scan events [kind, product, visitor, price, note]
            """,
            after: """
            Project #0 AS kind, #1 AS count, #2 AS count, #3 AS count, #4 AS min, #5 AS max
              Aggregate keys=[#0] aggs=[count(#1), sum_of_counts(#2), sum_of_counts(#3), min(#4), max(#5)]
                Aggregate keys=[#0, #1] aggs=[count(*), count(#4), min(#3), max(#4)]
                  Scan events [kind, product, visitor, price, note]
            """)
    }

    func testGlobalAggregateKeepsNoKeysOutside() throws {
        try check("SELECT count(DISTINCT product), sum(DISTINCT product), avg(DISTINCT product) FROM events",
            before: """
            Project #0 AS count, #1 AS sum, #2 AS avg
              Aggregate keys=[] aggs=[count(DISTINCT #1), sum(DISTINCT #1), avg(DISTINCT #1)]
                Scan events [kind, product, visitor, price, note]
            """,
            after: """
            Project #0 AS count, #1 AS sum, #2 AS avg
              Aggregate keys=[] aggs=[count(#0), sum(#0), avg(#0)]
                Aggregate keys=[#1] aggs=[]
                  Scan events [kind, product, visitor, price, note]
            """)
    }

    /// An integer x under few groups splits only with 64 rows a value or more (its DISTINCT
    /// runs packed on all cores); a text x, or groups too many or unknown, keep the bound of 8.
    func testIntegerArgumentsUnderFewGroupsNeedMoreRowsPerValue() throws {
        try unchanged("SELECT device, count(DISTINCT session) FROM visits GROUP BY device")
        try unchanged("SELECT count(DISTINCT session) FROM visits")
        try check("SELECT device, count(DISTINCT referrer) FROM visits GROUP BY device",
            before: """
            Project #0 AS device, #1 AS count
              Aggregate keys=[#0] aggs=[count(DISTINCT #2)]
                Scan visits [device, session, referrer, page]
            """,
            after: """
            Project #0 AS device, #1 AS count
              Aggregate keys=[#0] aggs=[count(#1)]
                Aggregate keys=[#0, #2] aggs=[]
                  Scan visits [device, session, referrer, page]
            """)
        // 4 devices x 100,000 pages: groups that do not pack.
        try check("SELECT device, page, count(DISTINCT session) FROM visits GROUP BY device, page",
            before: """
            Project #0 AS device, #1 AS page, #2 AS count
              Aggregate keys=[#0, #3] aggs=[count(DISTINCT #1)]
                Scan visits [device, session, referrer, page]
            """,
            after: """
            Project #0 AS device, #1 AS page, #2 AS count
              Aggregate keys=[#0, #1] aggs=[count(#2)]
                Aggregate keys=[#0, #3, #1] aggs=[]
                  Scan visits [device, session, referrer, page]
            """)
    }

    func testShapesThatStay() throws {
        try unchanged("SELECT kind, count(DISTINCT product), count(DISTINCT note) FROM events GROUP BY kind")
        try unchanged("SELECT kind, count(DISTINCT product + 1) FROM events GROUP BY kind")
        try unchanged("SELECT kind, count(DISTINCT product), sum(price) FROM events GROUP BY kind")
        try unchanged("SELECT kind, count(DISTINCT product), count(*) FILTER (WHERE price > 1) FROM events GROUP BY kind")
        try unchanged("SELECT kind, count(DISTINCT product) FILTER (WHERE price > 1) FROM events GROUP BY kind")
        try unchanged("SELECT kind, string_agg(DISTINCT note, ',') FROM events GROUP BY kind")
        // 500,000 distinct visitors in 1M rows: the first grouping would barely reduce.
        try unchanged("SELECT kind, count(DISTINCT visitor) FROM events GROUP BY kind")
        // No statistics for note.
        try unchanged("SELECT kind, count(DISTINCT note) FROM events GROUP BY kind")
        try unchanged("SELECT kind, note, count(DISTINCT product) FROM events GROUP BY GROUPING SETS ((kind), (note))")
    }
}
