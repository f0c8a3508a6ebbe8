// The binder's policy rewrite: scan → row filter → masks under a barrier at
// every relation reference, privileges (views with their owner's grants),
// READ FILES, isolation and fail-closed binding of policy bodies, mask_hash
// restricted to policies, and the access report.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

/// FakeCatalog's tables plus views (with owners).
final class ViewCatalog: CatalogProvider {
    var views: [String: ViewDefinition] = [:]
    func lookup(schema: String?, name: String) throws -> CatalogObject? {
        if let v = views[name] { return .view(v) }
        return try PlanFixture.catalog.lookup(schema: schema, name: name)
    }
    func addView(_ name: String, _ sql: String, owner: String?) throws {
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { return }
        views[name] = ViewDefinition(name: name, columnNames: nil, sql: sql, query: q, owner: owner)
    }
}

final class PolicyBindingTests: XCTestCase {
    func access() -> StubAccess {
        let a = StubAccess()
        a.mask("customers", "name", "mask_partial(val, 1, 0)")
        a.policy("customers", "nl_only", "country = 'NL'")
        return a
    }

    func assertDenied(_ sql: String, _ a: AccessControl, state: String = SQLState.insufficientPrivilege, catalog: CatalogProvider? = nil,
                      note: String = "", file: StaticString = #filePath, line: UInt = #line) {
        do {
            guard case .query(let q)? = try Parser.parse(sql).first?.statement else { return XCTFail("parse", file: file, line: line) }
            _ = try Binder(catalog: catalog ?? PlanFixture.catalog, accessControl: a).bind(q)
            XCTFail("expected \(state) \(note)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testScanRowFilterMasksUnderABarrier() throws {
        let plan = try PolicyFixture.bind("SELECT name FROM customers WHERE id = 7 AND name = 'x'", access())
        XCTAssertEqual(plan.explain(revealPolicies: true), """
            Project #1 AS name
              Filter ((#0 = 7) AND (#1 = 'x'))
                Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                  Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                    Filter (#2 = 'NL')
                      Scan customers [id, name, country]
            """)
        // EXPLAIN shows the barrier as one line.
        XCTAssertEqual(plan.explain(), """
            Project #1 AS name
              Filter ((#0 = 7) AND (#1 = 'x'))
                Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
            """)
    }

    func testSuperuserAndUnrestrictedAccessBypass() throws {
        let a = access()
        a.isSuperuser = true
        let plan = try PolicyFixture.bind("SELECT name FROM customers", a)
        XCTAssertFalse(plan.explain(revealPolicies: true).contains("Barrier"))
        XCTAssertFalse(try PolicyFixture.bind("SELECT name FROM customers", UnrestrictedAccess()).explain(revealPolicies: true).contains("Barrier"))
    }

    func testPermissivePoliciesOrCombinedAndNoPolicyMeansNoRows() throws {
        let a = StubAccess()
        a.policy("orders", "mine", "customer_id = 1")
        a.policy("orders", "big", "amount > 100")
        XCTAssertEqual(try PolicyFixture.bind("SELECT id FROM orders", a).explain(revealPolicies: true), """
            Project #0 AS id
              Policy Barrier public.orders row policies: mine OR big
                Filter ((#1 = 1) OR (#2 > 100))
                  Scan orders [id, customer_id, amount, note]
            """)
        a.rowPolicyTable["orders"] = []
        let none = try PolicyFixture.bind("SELECT id FROM orders", a)
        XCTAssertEqual(none.explain(revealPolicies: true), """
            Project #0 AS id
              Policy Barrier public.orders row policies: none (no rows)
                Filter 'f'
                  Scan orders [id, customer_id, amount, note]
            """)
        XCTAssertEqual(Optimizer.optimize(none).explain(revealPolicies: true), """
            Project #0 AS id
              Policy Barrier public.orders row policies: none (no rows)
                Values (0 rows)
            """)
    }

    func testMaskChangesTheColumnTypeToTheReturnType() throws {
        let a = StubAccess()
        a.mask("orders", "amount", "mask_redact(val)", type: .float64, returns: .text)
        let plan = try PolicyFixture.bind("SELECT amount FROM orders", a)
        XCTAssertEqual(plan.fields.map(\.type), [.text])
        // Comparing the masked value with a number is now a type error, as for a text column.
        assertDenied("SELECT 1 FROM orders WHERE amount > 5", a, state: SQLState.undefinedFunction)
    }

    func testMaskParameterOfAWiderTypeConvertsTheColumn() throws {
        let a = StubAccess()
        a.mask("customers", "id", "mask_round(val, 100)", type: .int64, returns: .int64)
        XCTAssertEqual(try PolicyFixture.bind("SELECT id FROM customers", a).explain(revealPolicies: true), """
            Project #0 AS id
              Policy Barrier public.customers masks: id (id_mask)
                Project mask_round(CAST(#0 AS bigint), 100) AS id, #1 AS name, #2 AS country
                  Scan customers [id, name, country]
            """)
    }

    func testMisconfiguredPoliciesDenyTheQuery() {
        for (body, returns) in [("no_such_function(val)", DataType.text), ("val +", .text), ("other_column", .text),
                                ("val", .int32), ("(SELECT val FROM nowhere)", .text)] {
            let a = StubAccess()
            a.mask("customers", "name", body, returns: returns)
            assertDenied("SELECT id FROM customers", a, note: body)
        }
        for using in ["nope = 1", "country", "country = ", "count(*) > 0", "$1 = country"] {
            let a = StubAccess()
            a.policy("customers", "broken", using)
            assertDenied("SELECT id FROM customers", a, note: using)
        }
        // The catalog cannot resolve a policy (e.g. a tag's policy was dropped): denied too.
        final class Broken: AccessControl {
            var sessionUser: String { "staff" }
            var currentUser: String { "staff" }
            var isSuperuser: Bool { false }
            func isMember(of role: String) -> Bool { false }
            func checkSelect(_ relation: RelationName, as user: String) throws {}
            func checkReadFiles() throws {}
            func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition? {
                throw SQLError(SQLState.undefinedObject, "masking policy \"gone\" does not exist")
            }
            func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]? { nil }
        }
        assertDenied("SELECT id FROM customers", Broken())
    }

    func testPolicyBodiesSeeNeitherUserCTEsNorOuterColumns() throws {
        let a = StubAccess()
        a.policy("customers", "has_orders", "id IN (SELECT customer_id FROM orders)")
        // A CTE named like the policy's table does not replace it.
        let plan = try PolicyFixture.bind("WITH orders AS (SELECT 1 AS customer_id) SELECT name FROM customers", a)
        var scans: [String] = []
        plan.mapExpressions { e in
            if case .subquery(let s, _) = e { s.plan.visitPreOrder { if case .scan(let n) = $0 { scans.append(n.tableName) } } }
            return e
        }.visitPreOrder { _ in }
        XCTAssertEqual(scans, ["orders"])
        // A policy naming a column the table lacks does not resolve to the user's outer query.
        let b = StubAccess()
        b.policy("customers", "outer_ref", "amount > 0")
        assertDenied("SELECT (SELECT count(*) FROM customers) FROM orders", b)
    }

    func testRecursivePolicyIsAnError() {
        let a = StubAccess()
        a.policy("customers", "self", "id IN (SELECT id FROM customers)")
        assertDenied("SELECT 1 FROM customers", a, state: "42P17")
    }

    func testViewsCheckTheOwnersGrantsAndApplyTheSessionsPolicies() throws {
        let catalog = ViewCatalog()
        try catalog.addView("nl_customers", "SELECT id, name FROM customers", owner: "steward")
        try catalog.addView("v2", "SELECT name FROM nl_customers", owner: "analyst")
        let a = access()
        a.deniedTables = ["customers"]
        // staff may not read customers, but the views' owners may; staff reads through them.
        let plan = try Binder(catalog: catalog, accessControl: a).bind(try query("SELECT name FROM v2")).plan
        XCTAssertEqual(a.checks.map { "\($0.0) as \($0.1)" }, ["v2 as staff", "nl_customers as analyst", "customers as steward"])
        XCTAssertTrue(plan.explain(revealPolicies: true).contains("Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)"))
        XCTAssertTrue(plan.explain(revealPolicies: true).contains("mask_partial"))
        assertDenied("SELECT * FROM customers", a, catalog: catalog)
        a.deniedTables = ["v2"]
        assertDenied("SELECT * FROM v2", a, catalog: catalog)
    }

    func testReadingFilesNeedsReadFiles() {
        let a = StubAccess()
        assertDenied("SELECT * FROM read_parquet('/lake/customers/*.parquet')", a)
        assertDenied("SELECT * FROM '/lake/customers/part-0.parquet'", a)
    }

    func testMaskHashOnlyInPoliciesOrForSuperusers() throws {
        let a = StubAccess()
        assertDenied("SELECT mask_hash('alice@example.com')", a)
        assertDenied("SELECT mask_hash(name) FROM customers", a)
        a.mask("customers", "name", "mask_hash(val)")
        XCTAssertTrue(try PolicyFixture.bind("SELECT name FROM customers", a).explain(revealPolicies: true).contains("mask_hash(#1)"))
        // In a view owned by a superuser (a steward's published view) it is allowed; in anyone else's, not.
        let catalog = ViewCatalog()
        try catalog.addView("hashed", "SELECT mask_hash(name) AS h FROM customers", owner: "admin")
        try catalog.addView("guess", "SELECT mask_hash('alice') AS h", owner: "staff")
        a.superuserRoles = ["admin"]
        XCTAssertNoThrow(try Binder(catalog: catalog, accessControl: a).bind(try query("SELECT h FROM hashed")))
        assertDenied("SELECT h FROM guess", a, catalog: catalog)
        // A policy body reading someone's view does not lend that view its right to call mask_hash.
        let b = StubAccess()
        b.policy("orders", "via_view", "note IN (SELECT h FROM guess)")
        assertDenied("SELECT id FROM orders", b, catalog: catalog)
        a.isSuperuser = true
        XCTAssertNoThrow(try PolicyFixture.bind("SELECT mask_hash('x')", a))
    }

    func testAccessReportListsRelationsMasksAndRowPolicies() throws {
        let a = access()
        let binder = PolicyFixture.binder(a)
        _ = try binder.bind(try query("SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id"))
        XCTAssertEqual(binder.report.relations.map(\.description), ["public.customers", "public.orders"])
        XCTAssertEqual(binder.report.masks, [AppliedMask(relation: RelationName(schema: "public", name: "customers"), column: "name", policy: "name_mask")])
        XCTAssertEqual(binder.report.rowPolicies, [AppliedRowPolicies(relation: RelationName(schema: "public", name: "customers"), policies: ["nl_only"])])
        XCTAssertEqual(binder.report.files, [])
    }

    private func query(_ sql: String) throws -> Query {
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { throw SQLError(SQLState.syntaxError, "not a query") }
        return q
    }
}
