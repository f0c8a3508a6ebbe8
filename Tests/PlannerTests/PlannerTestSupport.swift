// Shared fixtures for the optimizer tests: an in-memory catalog of a few
// tables (no data; the tests only inspect plans) and helpers that bind SQL
// and render plans with `explain()`.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

final class FakeTable: TableSource {
    let fields: [Field]
    let estimatedRowCount: Int?
    init(_ fields: [Field], rows: Int?) { self.fields = fields; self.estimatedRowCount = rows }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

final class FakeCatalog: CatalogProvider {
    var tables: [String: FakeTable] = [
        // orders(id, customer_id, amount, note) — big
        "orders": FakeTable([Field(name: "id", type: .int32, nullable: false), Field(name: "customer_id", type: .int32),
                             Field(name: "amount", type: .float64), Field(name: "note", type: .text)], rows: 1_000_000),
        // customers(id, name, country) — medium
        "customers": FakeTable([Field(name: "id", type: .int32, nullable: false), Field(name: "name", type: .text),
                                Field(name: "country", type: .text)], rows: 10_000),
        // countries(code, region) — small
        "countries": FakeTable([Field(name: "code", type: .text, nullable: false), Field(name: "region", type: .text)], rows: 200),
    ]
    func lookup(schema: String?, name: String) throws -> CatalogObject? {
        tables[name].map { .table($0) }
    }
}

enum PlanFixture {
    static let catalog = FakeCatalog()

    static func bind(_ sql: String) throws -> LogicalPlan {
        let statements = try Parser.parse(sql)
        guard let first = statements.first, case .query(let q) = first.statement else {
            throw SQLError(SQLState.syntaxError, "not a query")
        }
        return try Binder(catalog: catalog).bind(q).plan
    }
}

/// The output schema a rewrite must keep: names may change, types and count may not.
func assertSameOutput(_ before: LogicalPlan, _ after: LogicalPlan, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(before.fields.map(\.type), after.fields.map(\.type), "output types changed", file: file, line: line)
    XCTAssertEqual(before.fields.count, after.fields.count, "output width changed", file: file, line: line)
}

/// Binds `sql`, checks its plan renders as `before`, applies `rule`, checks the
/// result renders as `after` and keeps the output schema. Returns the rewritten plan.
@discardableResult
func assertRewrite(_ sql: String, _ rule: (LogicalPlan) -> LogicalPlan, before: String, after: String,
                   file: StaticString = #filePath, line: UInt = #line) throws -> LogicalPlan {
    let plan = try PlanFixture.bind(sql)
    XCTAssertEqual(plan.explain(), before, "plan before the rule", file: file, line: line)
    let rewritten = rule(plan)
    XCTAssertEqual(rewritten.explain(), after, "plan after the rule", file: file, line: line)
    assertSameOutput(plan, rewritten, file: file, line: line)
    return rewritten
}
