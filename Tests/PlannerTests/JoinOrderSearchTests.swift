// Join order from statistics (JoinOrderSearch, FilterSelectivity): range
// fractions a table reports, distinct counts of strings, foreign keys capped
// by their key's distinct count, and bushy builds that cut a big input by its
// own filtered neighbours (TPC-H Q7, Q8 shapes over fixture statistics).

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

/// A table with declared row count, per-column distinct counts and integer value ranges
/// (fractions of range predicates interpolate over them, as row-group min/max would).
private final class RangeStatsTable: TableSource {
    let fields: [Field]
    let estimatedRowCount: Int?
    let ndv: [Double?]
    let ranges: [ClosedRange<Int64>?]
    init(_ columns: [(String, DataType, Double?, ClosedRange<Int64>?)], rows: Int) {
        fields = columns.map { Field(name: $0.0, type: $0.1) }
        ndv = columns.map(\.2)
        ranges = columns.map(\.3)
        estimatedRowCount = rows
    }
    func distinctCount(column: Int) -> Double? { ndv[column] }
    func fraction(column: Int, satisfying predicates: [ScanPredicate]) -> Double? {
        guard let range = ranges[column] else { return nil }
        var lo = range.lowerBound, hi = range.upperBound
        for p in predicates {
            guard case .compare(_, let op, .int(let v)) = p else { return nil }
            switch op {
            case .lt: hi = min(hi, v - 1)
            case .le: hi = min(hi, v)
            case .gt: lo = max(lo, v + 1)
            case .ge: lo = max(lo, v)
            case .eq: lo = max(lo, v); hi = min(hi, v)
            }
        }
        return lo > hi ? 0 : Double(hi - lo + 1) / Double(range.count)
    }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

/// TPC-H-like: a 6M-row fact whose order key's min…max width says 6M distinct values (it has
/// 1.5M, as many as the orders key it references); dates over 7 years (2,557 days).
private final class LakeLikeCatalog: CatalogProvider {
    let tables: [String: RangeStatsTable] = [
        "f": RangeStatsTable([("o_id", .int64, 6_000_000, nil), ("p_id", .int64, 200_000, nil), ("s_id", .int64, 10_000, nil),
                              ("d", .int32, 2_557, 0...2_556)], rows: 6_000_000),
        "o": RangeStatsTable([("id", .int64, 1_500_000, nil), ("c_id", .int64, 150_000, nil), ("d", .int32, 2_557, 0...2_556)], rows: 1_500_000),
        "p": RangeStatsTable([("id", .int64, 200_000, nil), ("type", .text, 150, nil), ("brand", .text, 10, nil)], rows: 200_000),
        "s": RangeStatsTable([("id", .int64, 10_000, nil), ("nk", .int64, 25, nil)], rows: 10_000),
        "c": RangeStatsTable([("id", .int64, 150_000, nil), ("nk", .int64, 25, nil)], rows: 150_000),
        "n": RangeStatsTable([("nk", .int64, 25, nil), ("name", .text, 25, nil)], rows: 25),
    ]
    func lookup(schema: String?, name: String) throws -> CatalogObject? { tables[name].map { .table($0) } }
}

final class JoinOrderSearchTests: XCTestCase {
    private func plan(_ sql: String) throws -> LogicalPlan {
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { throw SQLError(SQLState.syntaxError, "parse") }
        return try Binder(catalog: LakeLikeCatalog()).bind(q).plan
    }

    /// The join tree as nested (probe build) pairs of table names, filters and projections left out.
    private func shape(_ plan: LogicalPlan) -> String {
        switch plan {
        case .join(let l, let r, _, _): return "(\(shape(l)) \(shape(r)))"
        case .scan(let s): return s.tableName
        default: return plan.inputs.map(shape).joined(separator: " ")
        }
    }

    private func reordered(_ sql: String) throws -> LogicalPlan {
        ReorderJoins.apply(PushDownFilters.apply(try plan(sql)))
    }

    func testRangeFilterKeepsTheShareOfTheColumnsRangeTheTableReports() throws {
        // Two of seven years: 731 of 2,557 days, not a flat third.
        let twoYears = try plan("SELECT * FROM o WHERE d >= 1096 AND d <= 1826")
        XCTAssertEqual(ReorderJoins.estimate(twoYears), 1_500_000 * 731.0 / 2_557, accuracy: 1)
        let outside = try plan("SELECT * FROM o WHERE d > 5000")
        XCTAssertEqual(ReorderJoins.estimate(outside), 1_500_000 * FilterSelectivity.minimum, accuracy: 1e-6)
        // A column without a reported range keeps the default third.
        let unknown = try plan("SELECT * FROM o WHERE c_id < 10")
        XCTAssertEqual(ReorderJoins.estimate(unknown), 1_500_000 / 3.0, accuracy: 1)
        // Through a projection that passes the column on.
        let projected = try plan("SELECT * FROM (SELECT c_id, d FROM o) x WHERE d < 1096")
        XCTAssertEqual(ReorderJoins.estimate(PushDownFilters.apply(projected)), 1_500_000 * 1096.0 / 2_557, accuracy: 1)
    }

    /// TPC-H Q8: the fact joins orders cut to two years and parts cut to one type of 150. Orders
    /// used to come first (its estimate, 1/3 of 1.5M rows joined on a key said 6M distinct, looked
    /// smaller); now the fact meets the part filter (1 in 150) first, and that 40k-row result is
    /// what orders' 429k rows probe.
    func testSelectiveStringEqualityJoinsBeforeAWideRange() throws {
        let sql = "SELECT count(*) FROM f, o, p WHERE f.o_id = o.id AND f.p_id = p.id AND p.type = 'ECONOMY ANODIZED STEEL' AND o.d >= 1096 AND o.d <= 1826"
        XCTAssertEqual(shape(try plan(sql)), "((f o) p)")
        XCTAssertEqual(shape(try reordered(sql)), "(o (f p))")
    }

    /// With a brand (10 values) the part filter keeps 20k parts: 600k fact rows. Orders keep 0.29 of
    /// 1.5M: with the fact's 6M-wide key as the divisor that looked like 429k rows, but the fact's
    /// key is capped by the orders key it equals (1.5M distinct): 1.7M rows, so parts still go first.
    func testForeignKeyDistinctCountIsCappedByItsKey() throws {
        let sql = "SELECT count(*) FROM f, o, p WHERE f.o_id = o.id AND f.p_id = p.id AND p.brand = 'Brand#13' AND o.d >= 1096 AND o.d <= 1826"
        XCTAssertEqual(shape(try reordered(sql)), "((f p) o)")
    }

    /// TPC-H Q7: every left-deep order with the fact as the probe builds all of o. Joined to the one
    /// nation's customers first (o probing a build of c and n), o is cut to 1/25 before it is hashed;
    /// the supplier arm is built as s with its nation.
    func testBushyBuildCutsABigInputByItsFilteredNeighbours() throws {
        let sql = """
            SELECT count(*) FROM s, f, o, c, n n1, n n2
            WHERE s.id = f.s_id AND o.id = f.o_id AND c.id = o.c_id AND s.nk = n1.nk AND c.nk = n2.nk
              AND n1.name = 'FRANCE' AND n2.name = 'GERMANY' AND f.d >= 1096 AND f.d <= 1826
            """
        let before = try plan(sql)
        XCTAssertEqual(shape(before), "(((((s f) o) c) n) n)")
        let after = try reordered(sql)
        XCTAssertEqual(shape(after), "((f (s n)) (o (c n)))", after.explain())
        assertSameOutput(before, after)
    }

    func testChainsPastTheSearchLimitStillGetTheGreedyOrder() throws {
        // 13 inputs: beyond maximumInputs the greedy order applies (and still puts the fact first).
        let names = ["f"] + Array(repeating: "n", count: 12)
        let from = names.enumerated().map { "\($0.element) t\($0.offset)" }.joined(separator: ", ")
        let conditions = (1..<names.count).map { "t0.s_id = t\($0).nk" }.joined(separator: " AND ")
        XCTAssertGreaterThan(names.count, JoinOrderSearch.maximumInputs)
        let after = try reordered("SELECT count(*) FROM \(from) WHERE \(conditions)")
        XCTAssertTrue(shape(after).hasPrefix(String(repeating: "(", count: 12) + "f "), shape(after))
    }

    /// f, o and a second o all equal on one key: implied equalities give every pair a key, but a join
    /// whose inputs already made their columns equal hashes on one of them, not two.
    func testEqualitiesBothSidesAlreadyImplyAreNotHashedTwice() throws {
        let sql = "SELECT count(*) FROM f, o, o o2 WHERE f.o_id = o.id AND o.id = o2.id AND o2.d < 100"
        let after = try reordered(sql)
        let joins = after.explain().split(separator: "\n").filter { $0.contains("Inner Join") }
        XCTAssertEqual(joins.count, 2, after.explain())
        for join in joins { XCTAssertEqual(join.components(separatedBy: " = ").count, 2, "one key: \(join)") }
    }
}
