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
        "n": StatsTable([("nk", 5)], rows: 5),
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
        // f streams; s (smallest key join) and o (key join) come before c, which joins on both keys last.
        XCTAssertEqual(scans.first, "f", text)
        XCTAssertEqual(scans.last, "c", text)
        XCTAssertTrue(text.contains("Scan o"), text)
    }

    /// Alone, s keeps every fact row and o (a range filter) a third; but s lets n in, which keeps a
    /// fifth of them: one step of lookahead joins s and n before o's bigger build.
    func testLookaheadJoinsTheArmThatReachesASmallInputFirst() throws {
        let sql = "SELECT count(*) FROM f, o, s, n WHERE f.o_id = o.id AND f.s_id = s.id AND s.nk = n.nk AND o.flag > 1"
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { return XCTFail("parse") }
        let plan = try Binder(catalog: SnowflakeCatalog()).bind(q).plan
        let text = ReorderJoins.apply(PushDownFilters.apply(plan)).explain()
        let scans = text.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "Scan ") else { return nil }
            return String(line[r.upperBound...].prefix(1))
        }
        XCTAssertEqual(scans, ["f", "s", "n", "o"], text)
    }
}
