// Red-team suite, policy bodies: a masking or row policy whose body can fail
// on some raw value is an oracle (the error shows, though its message is
// replaced, and leak-proof predicates such as `customer_id = 4` pick the row).
// Such bodies are refused at CREATE (42P17) and, when one is already stored
// in the catalog, deny every query that would bind it (42501). mask_hash is
// for masking policies only. Same fixture as RedTeamMaskingTests.

import XCTest
import Catalog
import Columnar
@testable import Engine

extension RedTeamMaskingTests {
    static let failingMaskBodies = [
        "CASE WHEN is_member('pii_reader') THEN val ELSE (val::int)::text END",
        "CASE WHEN val = 'x' THEN val ELSE (1 / length(val))::text END",
        "CASE WHEN val IS NULL THEN val ELSE val::date::text END",
        "mask_partial(val, -1, 2)",
        "mask_partial(val, length(val) - 3, 0)",
        "substr(val, 1, -1)",
        "CASE WHEN val = 'x' AND pg_has_role('staff', 'member') THEN val ELSE mask_redact(val) END",
        "(SELECT v FROM readable WHERE v = val)",
        "upper(regexp_replace(val, val, 'x'))",
    ]

    static let failingUsings = [
        "phone::int > 0",
        "customer_id / (customer_id - 4) > 0",
        "country = 'GB' AND (SELECT v FROM readable) = 'x'",
        "mask_hash(name) = 'x'",
        "birth_date::timestamp > '1950-01-01'",
        "email ~ email",
    ]

    func testPolicyBodiesThatCanFailAreRefusedAtCreate() throws {
        for body in Self.failingMaskBodies {
            expectState("42P17", "CREATE MASKING POLICY oracle AS (val text) RETURNS text -> \(body)", as: admin)
        }
        for using in Self.failingUsings {
            expectState("42P17", "CREATE POLICY oracle ON customers FOR SELECT TO staff USING (\(using))", as: admin)
        }
        // The error names the offending part.
        let message = show(admin, "CREATE MASKING POLICY oracle AS (val text) RETURNS text -> (val::int)::text").error
        XCTAssertTrue(message?.message.contains("cast from text") ?? false, message?.message ?? "")
        // Nothing was stored (no duplicate), and bob's view of customer 4 is unchanged.
        try run(admin, "CREATE MASKING POLICY oracle AS (val text) RETURNS text -> mask_redact(val)")
        XCTAssertEqual(attack("SELECT count(*) FROM customers WHERE customer_id = 4").rows, [["1"]])
    }

    func testPolicyBodiesThatCannotFailAreAccepted() throws {
        try run(admin, """
            CREATE MASKING POLICY initials AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val
                   WHEN val IS NULL OR val IN ('', '-') THEN NULL
                   ELSE upper(left(val, 1)) || '.' || mask_partial(lower(val), 0, 2, '#') || length(val)::text END;
            CREATE MASKING POLICY city_mask AS (val text) RETURNS text ->
              COALESCE(NULLIF(substr(val, 1, 3), ''), mask_redact(val)) || concat('/', md5(val) IS NOT NULL);
            ALTER TABLE customers ALTER COLUMN city SET MASKING POLICY city_mask;
            CREATE POLICY ids ON customers FOR SELECT TO staff
              USING (customer_id IN (4, 5) AND EXISTS (SELECT 1 FROM readable r WHERE r.v <> customers.email)
                     AND current_user = session_user AND is_member('staff') AND lower(country) = 'gb');
            """)
        let city = show(admin, "SELECT city FROM customers WHERE customer_id = 4").rows
        XCTAssertEqual(attack("SELECT city FROM customers WHERE customer_id = 4").rows,
                       [[String((city.first?.first ?? "").prefix(3)) + "/t"]])
        XCTAssertEqual(attack("SELECT count(*) FROM customers WHERE customer_id = 4").rows, [["1"]])
    }

    /// A policy stored before this rule (or written around the DDL) is checked again when bound.
    func testStoredPolicyBodiesThatCanFailDenyTheQuery() throws {
        let store = try XCTUnwrap(db.catalogStore)
        let customers = RelationRef(schema: "public", name: "customers")
        try store.createMaskingPolicy(MaskingPolicyRecord(name: "oracle", parameterName: "val", parameterType: "text", returnType: "text",
                                                          bodySQL: Self.failingMaskBodies[0]))
        try store.setColumnMask(ColumnRef(table: customers, column: "city"), policy: "oracle")
        var errors: [String] = []
        for id in [1, 4, 5] {
            let shown = attack("SELECT count(*) FROM customers WHERE customer_id = \(id)")
            XCTAssertEqual(shown.error?.sqlState, SQLState.insufficientPrivilege, shown.text)
            errors.append(shown.error?.message ?? "")
        }
        // The same answer for every row: nothing to tell the rows apart.
        XCTAssertEqual(Set(errors).count, 1, "\(errors)")
        try store.unsetColumnMask(ColumnRef(table: customers, column: "city"))
        XCTAssertNil(attack("SELECT count(*) FROM customers WHERE customer_id = 4").error)

        for (i, using) in Self.failingUsings.enumerated() {
            try store.createRowPolicy(RowPolicyRecord(table: customers, name: "oracle\(i)", roles: ["staff"], usingSQL: using))
            let shown = attack("SELECT count(*) FROM customers WHERE customer_id = 4")
            XCTAssertEqual(shown.error?.sqlState, SQLState.insufficientPrivilege, "\(using)\n\(shown.text)")
            try store.dropRowPolicy("oracle\(i)", on: customers, ifExists: false)
        }
        XCTAssertEqual(attack("SELECT count(*) FROM customers WHERE customer_id = 4").rows, [["1"]])
    }
}
