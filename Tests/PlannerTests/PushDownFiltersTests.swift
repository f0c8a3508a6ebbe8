// Before/after plan tests for the PushDownFilters rule: SQL is bound over a
// small fake catalog, and the plan text is compared before and after.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

/// Two tables, a(x, y) and b(x, z), for the pushdown tests.
private final class PushdownCatalog: CatalogProvider {
    let tables: [String: FakeTable] = [
        "a": FakeTable([Field(name: "x", type: .int32), Field(name: "y", type: .int32)], rows: 1000),
        "b": FakeTable([Field(name: "x", type: .int32), Field(name: "z", type: .text)], rows: 10),
    ]
    func lookup(schema: String?, name: String) throws -> CatalogObject? { tables[name].map { .table($0) } }
}

private func bindPlan(_ sql: String) throws -> LogicalPlan {
    guard case .query(let q)? = try Parser.parse(sql).first?.statement else { throw SQLError(SQLState.syntaxError, "not a query") }
    return try Binder(catalog: PushdownCatalog()).bind(q).plan
}

final class PushDownFiltersTests: XCTestCase {
    func testWhereEqualityBecomesTheJoinConditionAndSingleSidePredicatesMoveDown() throws {
        let before = try bindPlan("SELECT a.y FROM a, b WHERE a.x = b.x AND b.z = 'k' AND a.y > 3")
        XCTAssertEqual(before.explain(), """
        Project #1 AS y
          Filter ((#0 = #2) AND (#3 = 'k') AND (#1 > 3))
            Inner Join
              Scan a [x, y]
              Scan b [x, z]
        """)
        let after = PushDownFilters.apply(before)
        XCTAssertEqual(after.explain(), """
        Project #1 AS y
          Inner Join on (#0 = #2)
            Filter (#1 > 3)
              Scan a [x, y]
            Filter (#1 = 'k')
              Scan b [x, z]
        """)
        XCTAssertEqual(after.fields, before.fields)
    }

    func testLeftJoinKeepsRightSidePredicatesAbove() throws {
        let after = PushDownFilters.apply(try bindPlan("SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE a.y = 1 AND b.z IS NULL"))
        XCTAssertEqual(after.explain(), """
        Project #0 AS x, #1 AS y, #2 AS x, #3 AS z
          Filter #3 IS NULL
            Left Join on (#0 = #2)
              Filter (#1 = 1)
                Scan a [x, y]
              Scan b [x, z]
        """)
    }

    func testCommonConjunctsOfOrBranchesAreFactoredOut() throws {
        let after = PushDownFilters.apply(try bindPlan("SELECT a.y FROM a, b WHERE (a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 'q')"))
        XCTAssertEqual(after.explain(), """
        Project #1 AS y
          Inner Join on ((#0 = #2) AND ((#1 = 1) OR (#3 = 'q')))
            Scan a [x, y]
            Scan b [x, z]
        """)
    }

    func testSubqueryPredicatesStayInPlace() throws {
        let after = PushDownFilters.apply(try bindPlan("SELECT a.y FROM a, b WHERE a.x = b.x AND a.y IN (SELECT x FROM b)"))
        let text = after.explain()
        XCTAssertTrue(text.contains("Filter #1 IN (subquery)"), text)
        XCTAssertTrue(text.contains("Inner Join on (#0 = #2)"), text)
    }
}
