// ReorderJoins with distinct-count statistics: a many-to-many join on a
// low-cardinality column (TPC-H Q5's nation keys) must wait until the key
// joins have been made, instead of being picked for its small input.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

private final class StatsTable: TableSource {
    let fields: [Field]
    let estimatedRowCount: Int?
    let ndv: [Double?]
    init(_ columns: [(String, Double?)], rows: Int) {
        fields = columns.map { Field(name: $0.0, type: .int32) }
        ndv = columns.map(\.1)
        estimatedRowCount = rows
    }
    func distinctCount(column: Int) -> Double? { ndv[column] }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

private final class StatsCatalog: CatalogProvider {
    let tables: [String: StatsTable] = [
        "f": StatsTable([("o_id", 150_000), ("s_id", 1_000)], rows: 600_000),
        "o": StatsTable([("id", 150_000), ("c_id", 15_000)], rows: 150_000),
        "s": StatsTable([("id", 1_000), ("nk", 25)], rows: 1_000),
        "c": StatsTable([("id", 15_000), ("nk", 25)], rows: 15_000),
    ]
    func lookup(schema: String?, name: String) throws -> CatalogObject? { tables[name].map { .table($0) } }
}

/// A star with a snowflake arm: the fact joins a filtered big dimension and a small one that
/// reaches a tiny table (TPC-H Q7's lineitem, orders, supplier, nation).
private final class SnowflakeCatalog: CatalogProvider {
    let tables: [String: StatsTable] = [
        "f": StatsTable([("o_id", 150_000), ("s_id", 1_000)], rows: 600_000),
        "o": StatsTable([("id", 150_000), ("flag", nil)], rows: 150_000),
        "s": StatsTable([("id", 1_000), ("nk", 25)], rows: 1_000),
        "n": StatsTable([("nk", 25), ("name", 25)], rows: 25),
    ]
    func lookup(schema: String?, name: String) throws -> CatalogObject? { tables[name].map { .table($0) } }
}

final class ReorderJoinsStatisticsTests: XCTestCase {
    func testKeyJoinsComeBeforeTheLowCardinalityJoin() throws {
        let sql = "SELECT count(*) FROM f, o, s, c WHERE f.o_id = o.id AND f.s_id = s.id AND c.nk = s.nk AND c.id = o.c_id"
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { return XCTFail("parse") }
        let plan = try Binder(catalog: StatsCatalog()).bind(q).plan
        let text = ReorderJoins.apply(PushDownFilters.apply(plan)).explain()
        let scans = text.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "Scan ") else { return nil }
            return String(line[r.upperBound...].prefix(1))
        }
        // f streams; c.nk = s.nk never joins alone: whichever of c and s comes last joins on its key
        // and on nk together, in the topmost join.
        XCTAssertEqual(scans.first, "f", text)
        let joins = text.split(separator: "\n").filter { $0.contains("Inner Join on") }
        XCTAssertEqual(joins.count, 3, text)
        XCTAssertTrue(joins.first?.contains(" AND ") ?? false, text)
        XCTAssertTrue(joins.dropFirst().allSatisfy { !$0.contains(" AND ") }, text)
    }

    /// Alone, s keeps every fact row and o (a range filter) a third; but s lets n (one nation of 25)
    /// in: s and n join first and cut the fact rows to a 25th before o meets them.
    func testLookaheadJoinsTheArmThatReachesASmallInputFirst() throws {
        let sql = "SELECT count(*) FROM f, o, s, n WHERE f.o_id = o.id AND f.s_id = s.id AND s.nk = n.nk AND o.flag > 1 AND n.name = 3"
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { return XCTFail("parse") }
        let plan = try Binder(catalog: SnowflakeCatalog()).bind(q).plan
        let text = ReorderJoins.apply(PushDownFilters.apply(plan)).explain()
        let scans = text.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "Scan ") else { return nil }
            return String(line[r.upperBound...].prefix(1))
        }
        XCTAssertEqual(scans, ["o", "f", "s", "n"], text)
        // o (50k rows after its filter) probes the fact rows the one nation keeps (24k), built.
        XCTAssertEqual(text, """
            Project #0 AS count
              Aggregate keys=[] aggs=[count(*)]
                Project #2 AS o_id, #3 AS s_id, #0 AS id, #1 AS flag, #4 AS id, #5 AS nk, #6 AS nk, #7 AS name
                  Inner Join on (#2 = #0)
                    Filter (#1 > 1)
                      Scan o [id, flag]
                    Inner Join on (#1 = #2)
                      Scan f [o_id, s_id]
                      Inner Join on (#1 = #2)
                        Scan s [id, nk]
                        Filter (#1 = 3)
                          Scan n [nk, name]
            """)
    }
}
