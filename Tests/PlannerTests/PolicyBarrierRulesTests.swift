// Before/after plan tests: PushLeakproofPredicatesThroughBarriers, and every
// other optimizer rule left unable to move user expressions below a policy
// barrier, merge a mask projection away, or read statistics through it.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

final class MaskedStatsTable: TableSource {
    let fields = [Field(name: "id", type: .int32), Field(name: "email", type: .text)]
    var estimatedRowCount: Int? { 1000 }
    func distinctCount(column: Int) -> Double? { 42 }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

final class PolicyBarrierRulesTests: XCTestCase {
    func access() -> StubAccess {
        let a = StubAccess()
        a.mask("customers", "name", "mask_partial(val, 1, 0)")
        a.policy("customers", "nl_only", "country = 'NL'")
        return a
    }

    func testLeakproofConjunctsOnUnmaskedColumnsMoveBelowTheRowFilter() throws {
        try assertSecuredRewrite(
            "SELECT name FROM customers WHERE id = 7 AND name = 'x' AND country IS NOT NULL AND id::text = '7' AND id / 0 = 1",
            access(), { PushLeakproofPredicatesThroughBarriers.apply($0) },
            before: """
            Project #1 AS name
              Filter ((#0 = 7) AND (#1 = 'x') AND #2 IS NOT NULL AND (CAST(#0 AS text) = '7') AND ((#0 / 0) = 1))
                Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                  Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                    Filter (#2 = 'NL')
                      Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Filter ((#1 = 'x') AND (CAST(#0 AS text) = '7') AND ((#0 / 0) = 1))
                Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                  Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                    Filter ((#0 = 7) AND #2 IS NOT NULL AND (#2 = 'NL'))
                      Scan customers [id, name, country]
            """)
    }

    func testWithoutMasksEveryColumnIsUnmaskedButFunctionsStayAbove() throws {
        let a = StubAccess()
        a.policy("orders", "mine", "customer_id = 1")
        try assertSecuredRewrite(
            "SELECT id FROM orders WHERE amount > 10 AND note LIKE 'a%' AND id IN (1, 2) AND (amount < 5 OR note IS NULL)",
            a, { PushLeakproofPredicatesThroughBarriers.apply($0) },
            before: """
            Project #0 AS id
              Filter ((#2 > 10) AND (#3 ~~ 'a%') AND #0 IN (1, 2) AND ((#2 < 5) OR #3 IS NULL))
                Policy Barrier public.orders row policies: mine
                  Filter (#1 = 1)
                    Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS id
              Filter (#3 ~~ 'a%')
                Policy Barrier public.orders row policies: mine
                  Filter ((#2 > 10) AND #0 IN (1, 2) AND ((#2 < 5) OR #3 IS NULL) AND (#1 = 1))
                    Scan orders [id, customer_id, amount, note]
            """)
    }

    func testPushDownFiltersStopsAtTheBarrier() throws {
        // Through the user's projection and subquery, but not into the barrier.
        try assertSecuredRewrite(
            "SELECT * FROM (SELECT upper(name) AS u, id FROM customers) s WHERE u = 'A' AND id > 3",
            access(), { PushDownFilters.apply($0) },
            before: """
            Project #0 AS u, #1 AS id
              Filter ((#0 = 'A') AND (#1 > 3))
                Project upper(#1) AS u, #0 AS id
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS u, #1 AS id
              Project upper(#1) AS u, #0 AS id
                Filter ((upper(#1) = 'A') AND (#0 > 3))
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """)
    }

    func testJoinConditionsStayAboveBarriers() throws {
        try assertSecuredRewrite(
            "SELECT o.id FROM orders o, customers c WHERE o.customer_id = c.id AND c.name = 'J*'",
            access(), { PushDownFilters.apply($0) },
            before: """
            Project #0 AS id
              Filter ((#1 = #4) AND (#5 = 'J*'))
                Inner Join
                  Scan orders [id, customer_id, amount, note]
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS id
              Inner Join on (#1 = #4)
                Scan orders [id, customer_id, amount, note]
                Filter (#1 = 'J*')
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """)
    }

    func testMergeProjectionsDoesNotFoldAMaskIntoTheUsersProjection() throws {
        try assertSecuredRewrite(
            "SELECT upper(name) FROM customers", access(), { MergeProjections.apply($0) },
            before: """
            Project upper(#1) AS upper
              Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                  Filter (#2 = 'NL')
                    Scan customers [id, name, country]
            """,
            after: """
            Project upper(#1) AS upper
              Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                  Filter (#2 = 'NL')
                    Scan customers [id, name, country]
            """)
    }

    func testPruneColumnsPrunesThroughTheBarrierKeepingPolicyColumns() throws {
        try assertSecuredRewrite(
            "SELECT name FROM customers", access(), { PruneColumns.apply($0) },
            before: """
            Project #1 AS name
              Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                  Filter (#2 = 'NL')
                    Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS name
              Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                Project mask_partial(#0, 1, 0) AS name
                  Filter (#1 = 'NL')
                    Scan customers [name, country]
            """)
    }

    func testScanPredicatesComeOnlyFromThePolicyAndLeakproofUnmaskedConjuncts() throws {
        let plan = Optimizer.optimize(try PolicyFixture.bind(
            "SELECT name FROM customers WHERE name = 'J*' AND id = 7 AND country <> 'x'", access()))
        XCTAssertEqual(plan.explain(revealPolicies: true), """
            Project #0 AS name
              Filter (#0 = 'J*')
                Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                  Project mask_partial(#1, 1, 0) AS name
                    Filter ((#0 = 7) AND (#2 <> 'x') AND (#2 = 'NL'))
                      Scan customers [id, name, country] pushdown: #0 = int(7) AND #2 = string("NL")
            """)
    }

    func testConstantFoldingAndLimitPushdownStayAboveTheBarrier() throws {
        try assertSecuredRewrite(
            "SELECT name FROM customers WHERE 1 = 1 AND name = 'a' || 'b' LIMIT 3", access(),
            { LimitPushdown.apply(ConstantFolding.apply($0)) },
            before: """
            Limit 3 offset 0
              Project #1 AS name
                Filter ((1 = 1) AND (#1 = ('a' || 'b')))
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """,
            after: """
            Project #1 AS name
              Limit 3 offset 0
                Filter (#1 = 'ab')
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """)
    }

    func testDecorrelatedSubqueriesJoinOnMaskedValues() throws {
        try assertSecuredRewrite(
            "SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND c.name = 'J*')",
            access(), { DecorrelateSubqueries.apply($0) },
            before: """
            Project #0 AS id
              Filter EXISTS(subquery)
                Scan orders [id, customer_id, amount, note]
            """,
            after: """
            Project #0 AS id
              Semi Join on (#1 = #4)
                Scan orders [id, customer_id, amount, note]
                Filter (#1 = 'J*')
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """)
    }

    func testDecorrelatedScalarSubqueriesAggregateMaskedValuesAboveTheBarrier() throws {
        let plan = DecorrelateScalarSubqueries.apply(try PolicyFixture.bind(
            "SELECT id FROM orders o WHERE o.note = (SELECT max(c.name) FROM customers c WHERE c.id = o.customer_id)", access()))
        XCTAssertEqual(plan.explain(revealPolicies: true), """
            Project #0 AS id
              Project #0 AS id, #1 AS customer_id, #2 AS amount, #3 AS note
                Filter (#3 = #5)
                  Left Join on (#1 = #4)
                    Scan orders [id, customer_id, amount, note]
                    Aggregate keys=[#0] aggs=[max(#1)]
                      Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                        Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                          Filter (#2 = 'NL')
                            Scan customers [id, name, country]
            """)
    }

    func testSubqueriesOverSecuredTablesDoNotBecomeWindows() throws {
        // A window over the outer rows would aggregate what the barrier passes to the outer
        // query; with a barrier on either side the rule keeps the subquery for the decorrelation
        // that joins on masked values (above).
        for sql in [
            "SELECT c.id FROM customers c, orders o WHERE o.customer_id = c.id AND c.name = (SELECT max(c2.name) FROM customers c2 WHERE c2.id = o.customer_id)",
            "SELECT o.id FROM customers c, orders o WHERE o.customer_id = c.id AND o.amount = (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = c.id)",
            "SELECT c.country, count(*) FROM customers c GROUP BY c.country HAVING count(*) > (SELECT count(*) / 10 FROM customers)",
        ] {
            let plan = try PolicyFixture.bind(sql, access())
            XCTAssertEqual(AggregateSubqueriesToWindows.apply(plan).explain(revealPolicies: true), plan.explain(revealPolicies: true), sql)
            XCTAssertEqual(GroupTotalsToWindows.apply(plan).explain(revealPolicies: true), plan.explain(revealPolicies: true), sql)
            XCTAssertTrue(plan.explain(revealPolicies: true).contains("Policy Barrier"), sql)
        }
    }

    func testSimplifyOuterJoinsKeepsBarriersInPlace() throws {
        try assertSecuredRewrite(
            "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.name = 'J*'",
            access(), { SimplifyOuterJoins.apply($0) },
            before: """
            Project #0 AS id
              Filter (#5 = 'J*')
                Left Join on (#4 = #1)
                  Scan orders [id, customer_id, amount, note]
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS id
              Filter (#5 = 'J*')
                Inner Join on (#4 = #1)
                  Scan orders [id, customer_id, amount, note]
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """)
    }

    /// A semi join reading a secured input's columns moves onto that input, above its barrier; an OR
    /// split per join input leaves the secured input's part above the barrier too.
    func testSemiJoinsAndSplitDisjunctionsStopAboveTheBarrier() throws {
        try assertSecuredRewrite(
            """
            SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id
            WHERE c.id IN (SELECT k FROM (VALUES (1), (2)) v(k)) AND o.id IN (SELECT id FROM orders GROUP BY id HAVING sum(amount) > 300)
            AND ((c.name = 'J*' AND o.amount > 1) OR (c.name = 'K*' AND o.amount < 0))
            """,
            access(), { PushDisjunctionsIntoJoinInputs.apply(PushSemiJoinsBelowJoins.apply(PushDownFilters.apply(DecorrelateSubqueries.apply($0)))) },
            before: """
            Project #0 AS id
              Filter (#4 IN (subquery) AND #0 IN (subquery) AND (((#5 = 'J*') AND (#2 > 1)) OR ((#5 = 'K*') AND (#2 < 0))))
                Inner Join on (#4 = #1)
                  Scan orders [id, customer_id, amount, note]
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country]
            """,
            after: """
            Project #0 AS id
              Inner Join on ((((#5 = 'J*') AND (#2 > 1)) OR ((#5 = 'K*') AND (#2 < 0))) AND (#4 = #1))
                Filter ((#2 > 1) OR (#2 < 0))
                  Semi Join on (#0 = #4)
                    Scan orders [id, customer_id, amount, note]
                    Project #0 AS id
                      Filter (#1 > 300)
                        Aggregate keys=[#0] aggs=[sum(#2)]
                          Scan orders [id, customer_id, amount, note]
                Filter ((#1 = 'J*') OR (#1 = 'K*'))
                  Semi Join on (#0 = #3)
                    Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                      Project #0 AS id, mask_partial(#1, 1, 0) AS name, #2 AS country
                        Filter (#2 = 'NL')
                          Scan customers [id, name, country]
                    Project #0 AS k
                      Values (2 rows)
            """)
    }

    func testWholeOptimizerOnAViewOverTwoSecuredTables() throws {
        let catalog = ViewCatalog()
        try catalog.addView("v", "SELECT o.id, o.note, c.name FROM orders o JOIN customers c ON c.id = o.customer_id", owner: "steward")
        let a = access()
        a.mask("orders", "note", "mask_redact(val)")
        guard case .query(let q)? = try Parser.parse("SELECT name FROM v WHERE note = 'x' AND id > 5 AND name LIKE 'A%'").first?.statement else {
            return XCTFail("parse")
        }
        let plan = Optimizer.optimize(try Binder(catalog: catalog, accessControl: a).bind(q).plan)
        // id > 5 (leak-proof, unmasked) reaches the orders scan; each predicate on a masked
        // column sits right above its own barrier.
        XCTAssertEqual(plan.explain(revealPolicies: true), """
            Project #3 AS name
              Inner Join on (#2 = #0)
                Filter (#1 = 'x')
                  Policy Barrier public.orders masks: note (note_mask)
                    Project #1 AS customer_id, mask_redact(#2) AS note
                      Filter (#0 > 5)
                        Scan orders [id, customer_id, note] pushdown: #0 > int(5)
                Filter (#1 ~~ 'A%')
                  Policy Barrier public.customers row policies: nl_only; masks: name (name_mask)
                    Project #0 AS id, mask_partial(#1, 1, 0) AS name
                      Filter (#2 = 'NL')
                        Scan customers [id, name, country] pushdown: #2 = string("NL")
            """)
    }

    func testJoinOrderingReadsNoStatisticsThroughABarrier() {
        let table = MaskedStatsTable()
        let scan = LogicalPlan.scan(ScanNode(source: table, tableName: "t", columns: [0, 1]))
        XCTAssertEqual(ReorderJoins.distinct(scan, 1), 42)
        let barrier = LogicalPlan.barrier(scan, PolicyBarrier(relation: RelationName(schema: "public", name: "t"), rowPolicies: nil,
                                                              masks: [AppliedMask(relation: RelationName(schema: "public", name: "t"), column: "email", policy: "m")]))
        XCTAssertNil(ReorderJoins.distinct(barrier, 1))
        XCTAssertNil(ReorderJoins.distinct(.project(barrier, [.column(1, .text)], fields: [table.fields[1]]), 0))
    }
}
